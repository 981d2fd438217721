package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strconv"
)

// maxDepth bounds the nesting of objects and arrays in a JSON line; a
// deeper line is a bad line.
const maxDepth = 64

var errTooDeep = errors.New("nested too deep")

// field is one member of a JSON object, in the order of the line.
type field struct {
	key string
	val any // string, json.Number, bool, nil, []field (an object), []any
}

// parseObject parses one JSON object, keeping the order of its members;
// anything but exactly one object is an error.
func parseObject(line []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	obj, err := readObject(dec, 1)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return obj, nil
}

// readObject reads the members of an object whose '{' was read.
func readObject(dec *json.Decoder, depth int) ([]field, error) {
	obj := []field{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("object key %v", tok)
		}
		v, err := readValue(dec, depth)
		if err != nil {
			return nil, err
		}
		obj = append(obj, field{key, v})
	}
	_, err := dec.Token() // '}'
	return obj, err
}

func readValue(dec *json.Decoder, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		if depth >= maxDepth {
			return nil, errTooDeep
		}
		return readObject(dec, depth+1)
	case json.Delim('['):
		if depth >= maxDepth {
			return nil, errTooDeep
		}
		arr := []any{}
		for dec.More() {
			v, err := readValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := dec.Token() // ']'
		return arr, err
	}
	return tok, nil
}

// attrOf turns a JSON member into an attr: objects become groups, numbers
// int64 when they are integers that fit, else float64.
func attrOf(f field) slog.Attr {
	return slog.Attr{Key: f.key, Value: valueOf(f.val)}
}

func valueOf(v any) slog.Value {
	switch v := v.(type) {
	case string:
		return slog.StringValue(v)
	case json.Number:
		return numberValue(v)
	case bool:
		return slog.BoolValue(v)
	case nil:
		return slog.AnyValue(nil)
	case []field:
		attrs := make([]slog.Attr, len(v))
		for i, f := range v {
			attrs[i] = attrOf(f)
		}
		return slog.GroupValue(attrs...)
	case []any:
		return slog.AnyValue(native(v))
	}
	return slog.AnyValue(v)
}

func numberValue(n json.Number) slog.Value {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return slog.Int64Value(i)
	}
	if u, err := strconv.ParseUint(string(n), 10, 64); err == nil {
		return slog.Uint64Value(u)
	}
	if f, err := strconv.ParseFloat(string(n), 64); err == nil && !math.IsInf(f, 0) {
		return slog.Float64Value(f)
	}
	return slog.StringValue(string(n))
}

// native turns parsed JSON into the values encoding/json would give, for
// values inside arrays (which slog has no kind for).
func native(v any) any {
	switch v := v.(type) {
	case json.Number:
		return numberValue(v).Any()
	case []field:
		m := make(map[string]any, len(v))
		for _, f := range v {
			m[f.key] = native(f.val)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = native(e)
		}
		return out
	}
	return v
}
