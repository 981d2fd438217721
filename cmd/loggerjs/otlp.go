package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/loggerjs/loggerjs"
)

// The OTLP/JSON encoding of an ExportLogsServiceRequest, as far as
// cmd/loggerjs reads it.
type (
	otlpRequest struct {
		ResourceLogs []struct {
			ScopeLogs []struct {
				Scope struct {
					Name string `json:"name"`
				} `json:"scope"`
				LogRecords []otlpLogRecord `json:"logRecords"`
			} `json:"scopeLogs"`
		} `json:"resourceLogs"`
	}
	otlpLogRecord struct {
		TimeUnixNano         jsonNumber     `json:"timeUnixNano"`
		ObservedTimeUnixNano jsonNumber     `json:"observedTimeUnixNano"`
		SeverityNumber       int            `json:"severityNumber"`
		SeverityText         string         `json:"severityText"`
		Body                 *otlpAnyValue  `json:"body"`
		Attributes           []otlpKeyValue `json:"attributes"`
		TraceID              string         `json:"traceId"`
		SpanID               string         `json:"spanId"`
		Flags                *int64         `json:"flags"`
	}
	otlpKeyValue struct {
		Key   string       `json:"key"`
		Value otlpAnyValue `json:"value"`
	}
	otlpAnyValue struct {
		StringValue *string     `json:"stringValue"`
		BoolValue   *bool       `json:"boolValue"`
		IntValue    *jsonNumber `json:"intValue"`
		DoubleValue *jsonNumber `json:"doubleValue"`
		BytesValue  *string     `json:"bytesValue"`
		ArrayValue  *struct {
			Values []otlpAnyValue `json:"values"`
		} `json:"arrayValue"`
		KvlistValue *struct {
			Values []otlpKeyValue `json:"values"`
		} `json:"kvlistValue"`
	}
)

// isOTLP reports whether a JSON object's first member is resourceLogs.
func isOTLP(obj []field) bool { return len(obj) > 0 && obj[0].key == "resourceLogs" }

// otlpRecords decodes the log records of one ExportLogsServiceRequest:
// the scope name is the category, severityText (or else severityNumber)
// the level, a string body the message (another body is the attr
// "body"), traceId, spanId and flags the trace_id, span_id and
// trace_flags attrs.
func otlpRecords(line []byte) ([]*loggerjs.Record, error) {
	var req otlpRequest
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&req); err != nil {
		return nil, err
	}
	var out []*loggerjs.Record
	for _, rl := range req.ResourceLogs {
		for _, sl := range rl.ScopeLogs {
			category, err := loggerjs.ParseCategory(sl.Scope.Name)
			if err != nil {
				category = []string{sl.Scope.Name}
			}
			for _, lr := range sl.LogRecords {
				out = append(out, otlpRecord(lr, category))
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no log records")
	}
	return out, nil
}

func otlpRecord(lr otlpLogRecord, category []string) *loggerjs.Record {
	var t time.Time
	for _, n := range []jsonNumber{lr.TimeUnixNano, lr.ObservedTimeUnixNano} {
		if ns, err := strconv.ParseInt(string(n), 10, 64); err == nil && ns > 0 {
			t = time.Unix(0, ns)
			break
		}
	}
	level, ok := parseLevelName(lr.SeverityText)
	if !ok {
		level = severityLevel(lr.SeverityNumber)
	}
	var msg string
	var attrs []slog.Attr
	if lr.Body != nil {
		if lr.Body.StringValue != nil {
			msg = *lr.Body.StringValue
		} else {
			attrs = append(attrs, slog.Attr{Key: "body", Value: lr.Body.value(0)})
		}
	}
	for _, kv := range lr.Attributes {
		attrs = append(attrs, slog.Attr{Key: kv.Key, Value: kv.Value.value(0)})
	}
	if lr.TraceID != "" {
		attrs = append(attrs, slog.String(loggerjs.TraceIDKey, lr.TraceID))
	}
	if lr.SpanID != "" {
		attrs = append(attrs, slog.String(loggerjs.SpanIDKey, lr.SpanID))
	}
	if lr.Flags != nil && *lr.Flags != 0 {
		attrs = append(attrs, slog.Int64(loggerjs.TraceFlagsKey, *lr.Flags))
	}
	r := loggerjs.NewRecord(slog.NewRecord(t, level, msg, 0))
	r.SetCategory(category...)
	r.AddAttrs(attrs...)
	return r
}

// severityLevel maps an OTLP severity number to a level: 1 to 4 TRACE and
// up, 5 DEBUG, 9 INFO, 13 WARN, 17 ERROR, 21 to 24 FATAL and up; 0
// (unspecified) is INFO.
func severityLevel(n int) slog.Level {
	if n <= 0 {
		return slog.LevelInfo
	}
	n = min(n, 24)
	base := [...]slog.Level{loggerjs.LevelTrace, slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, loggerjs.LevelFatal}[(n-1)/4]
	return base + slog.Level((n-1)%4)
}

// value converts an AnyValue; kvlists become groups, arrays []any.
func (v *otlpAnyValue) value(depth int) slog.Value {
	switch {
	case v.StringValue != nil:
		return slog.StringValue(*v.StringValue)
	case v.BoolValue != nil:
		return slog.BoolValue(*v.BoolValue)
	case v.IntValue != nil:
		if n, err := strconv.ParseInt(string(*v.IntValue), 10, 64); err == nil {
			return slog.Int64Value(n)
		}
		return slog.StringValue(string(*v.IntValue))
	case v.DoubleValue != nil:
		s := string(*v.DoubleValue)
		switch s {
		case "NaN":
			return slog.Float64Value(math.NaN())
		case "Infinity":
			return slog.Float64Value(math.Inf(1))
		case "-Infinity":
			return slog.Float64Value(math.Inf(-1))
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return slog.Float64Value(f)
		}
		return slog.StringValue(s)
	case v.BytesValue != nil:
		if b, err := base64.StdEncoding.DecodeString(*v.BytesValue); err == nil {
			return slog.AnyValue(b)
		}
		return slog.StringValue(*v.BytesValue)
	case v.KvlistValue != nil && depth < maxDepth:
		attrs := make([]slog.Attr, len(v.KvlistValue.Values))
		for i, kv := range v.KvlistValue.Values {
			attrs[i] = slog.Attr{Key: kv.Key, Value: kv.Value.value(depth + 1)}
		}
		return slog.GroupValue(attrs...)
	case v.ArrayValue != nil && depth < maxDepth:
		out := make([]any, len(v.ArrayValue.Values))
		for i := range v.ArrayValue.Values {
			val := v.ArrayValue.Values[i].value(depth + 1)
			if val.Kind() == slog.KindGroup {
				m := map[string]any{}
				for _, a := range val.Group() {
					m[a.Key] = a.Value.Any()
				}
				out[i] = m
			} else {
				out[i] = val.Any()
			}
		}
		return slog.AnyValue(out)
	}
	return slog.AnyValue(nil)
}
