package otelbridge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/loggerjs/loggerjs"
)

// maxDepth bounds how deep groups and nested values are converted; a
// value deeper than that is written as a marker string, as the codecs do.
const maxDepth = 100

// Markers written in place of values that cannot be converted.
const (
	markerTooDeep = "!ERROR: too deep"
)

// converter turns slog attrs into OpenTelemetry attributes for one
// record. r may be nil while a bound scope is converted: RedactText then
// applies the default redaction.
type converter struct {
	r *loggerjs.Record
}

// kv converts one attr; ok is false for what slog leaves out (an empty
// group, an attr with an empty key and a nil value).
func (c converter) kv(a slog.Attr, depth int) (attribute.KeyValue, bool) {
	v := resolve(a.Value)
	if v.Kind() == slog.KindGroup {
		attrs := v.Group()
		if depth >= maxDepth {
			return attribute.String(a.Key, markerTooDeep), true
		}
		kvs := c.kvs(nil, attrs, depth+1)
		if len(kvs) == 0 {
			return attribute.KeyValue{}, false
		}
		return attribute.KeyValue{Key: attribute.Key(a.Key), Value: attribute.MapValue(kvs...)}, true
	}
	if a.Key == "" && v.Kind() == slog.KindAny && v.Any() == nil {
		return attribute.KeyValue{}, false
	}
	return attribute.KeyValue{Key: attribute.Key(a.Key), Value: c.value(v, depth)}, true
}

// kvs appends the conversion of attrs to dst. A group with an empty key
// is inlined, as slog does.
func (c converter) kvs(dst []attribute.KeyValue, attrs []slog.Attr, depth int) []attribute.KeyValue {
	for _, a := range attrs {
		if a.Key == "" {
			if v := resolve(a.Value); v.Kind() == slog.KindGroup {
				if depth < maxDepth {
					dst = c.kvs(dst, v.Group(), depth+1)
				}
				continue
			}
		}
		if kv, ok := c.kv(a, depth); ok {
			dst = append(dst, kv)
		}
	}
	return dst
}

// resolve resolves a LogValuer, bounded, as slog.Value.Resolve does, and
// turns a panic into a marker.
func resolve(v slog.Value) (out slog.Value) {
	if v.Kind() != slog.KindLogValuer {
		return v
	}
	defer func() {
		if p := recover(); p != nil {
			out = slog.StringValue(fmt.Sprintf("!PANIC: %v", p))
		}
	}()
	return v.Resolve()
}

// value converts a resolved value other than a group. The mapping is
// codecs.OTLPJSON's, so that both OpenTelemetry paths agree: integers as
// int64 (a uint64 above MaxInt64 as its decimal string), durations in
// nanoseconds, times as RFC 3339 strings, []byte as bytes, errors as
// their text, and other values as what encoding/json makes of them.
func (c converter) value(v slog.Value, depth int) attribute.Value {
	switch v.Kind() {
	case slog.KindString:
		return attribute.StringValue(v.String())
	case slog.KindInt64:
		return attribute.Int64Value(v.Int64())
	case slog.KindUint64:
		if u := v.Uint64(); u <= math.MaxInt64 {
			return attribute.Int64Value(int64(u))
		}
		return attribute.StringValue(strconv.FormatUint(v.Uint64(), 10))
	case slog.KindFloat64:
		return attribute.Float64Value(v.Float64())
	case slog.KindBool:
		return attribute.BoolValue(v.Bool())
	case slog.KindDuration:
		return attribute.Int64Value(int64(v.Duration()))
	case slog.KindTime:
		return attribute.StringValue(v.Time().Format(time.RFC3339Nano))
	case slog.KindAny:
		return c.anyValue(v.Any(), depth)
	}
	return attribute.StringValue(v.String())
}

func (c converter) anyValue(x any, depth int) (out attribute.Value) {
	switch x := x.(type) {
	case nil:
		return attribute.Value{}
	case []byte:
		return attribute.ByteSliceValue(x)
	case slog.Level:
		return attribute.StringValue(loggerjs.LevelName(x))
	case error:
		if _, ok := x.(json.Marshaler); !ok {
			return attribute.StringValue(c.r.RedactText(safeError(x)))
		}
	}
	defer func() {
		if p := recover(); p != nil {
			if v := reflect.ValueOf(x); v.Kind() == reflect.Pointer && v.IsNil() {
				out = attribute.StringValue("<nil>")
				return
			}
			out = attribute.StringValue(fmt.Sprintf("!PANIC: %v", p))
		}
	}()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return attribute.StringValue("!ERROR:" + c.r.RedactText(err.Error()))
	}
	raw := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if red := c.r.RedactText(string(raw)); red != string(raw) && json.Valid([]byte(red)) {
		raw = []byte(red)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := jsonValue(dec, maxDepth-depth)
	if err != nil {
		return attribute.StringValue("!ERROR:" + err.Error())
	}
	return v
}

// jsonValue converts the next JSON value of dec, keeping the order of
// object keys: objects to maps, arrays to slices, integers to int64,
// other numbers to float64, null to the empty value.
func jsonValue(dec *json.Decoder, depthLeft int) (attribute.Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return attribute.Value{}, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if depthLeft <= 0 {
			return attribute.StringValue(markerTooDeep), nil
		}
		switch t {
		case '{':
			var kvs []attribute.KeyValue
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return attribute.Value{}, err
				}
				v, err := jsonValue(dec, depthLeft-1)
				if err != nil {
					return attribute.Value{}, err
				}
				kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(k.(string)), Value: v})
			}
			_, err = dec.Token()
			return attribute.MapValue(kvs...), err
		case '[':
			var vals []attribute.Value
			for dec.More() {
				v, err := jsonValue(dec, depthLeft-1)
				if err != nil {
					return attribute.Value{}, err
				}
				vals = append(vals, v)
			}
			_, err = dec.Token()
			return attribute.SliceValue(vals...), err
		}
	case string:
		return attribute.StringValue(t), nil
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return attribute.Int64Value(i), nil
		}
		f, err := strconv.ParseFloat(string(t), 64)
		return attribute.Float64Value(f), err
	case bool:
		return attribute.BoolValue(t), nil
	}
	return attribute.Value{}, nil
}

// safeError returns err.Error(), or a marker if it panics.
func safeError(err error) (s string) {
	defer func() {
		if p := recover(); p != nil {
			if v := reflect.ValueOf(err); v.Kind() == reflect.Pointer && v.IsNil() {
				s = "<nil>"
				return
			}
			s = fmt.Sprintf("!PANIC: %v", p)
		}
	}()
	return err.Error()
}
