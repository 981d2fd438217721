package codecs_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// The OTLP/JSON shapes the tests read back, as the OTLP specification
// names them.
type otlpRequest struct {
	ResourceLogs []struct {
		Resource struct {
			Attributes []otlpKV `json:"attributes"`
		} `json:"resource"`
		ScopeLogs []struct {
			Scope struct {
				Name string `json:"name"`
			} `json:"scope"`
			LogRecords []otlpLogRecord `json:"logRecords"`
		} `json:"scopeLogs"`
	} `json:"resourceLogs"`
}

type otlpLogRecord struct {
	TimeUnixNano         string         `json:"timeUnixNano"`
	ObservedTimeUnixNano string         `json:"observedTimeUnixNano"`
	SeverityNumber       int            `json:"severityNumber"`
	SeverityText         string         `json:"severityText"`
	Body                 otlpAnyValue   `json:"body"`
	Attributes           []otlpKV       `json:"attributes"`
	TraceID              string         `json:"traceId"`
	SpanID               string         `json:"spanId"`
	Extra                map[string]any `json:"-"`
}

type otlpKV struct {
	Key   string       `json:"key"`
	Value otlpAnyValue `json:"value"`
}

type otlpAnyValue struct {
	StringValue *string          `json:"stringValue"`
	BoolValue   *bool            `json:"boolValue"`
	IntValue    *string          `json:"intValue"`
	DoubleValue *json.RawMessage `json:"doubleValue"`
	BytesValue  *string          `json:"bytesValue"`
	ArrayValue  *struct {
		Values []otlpAnyValue `json:"values"`
	} `json:"arrayValue"`
	KvlistValue *struct {
		Values []otlpKV `json:"values"`
	} `json:"kvlistValue"`
}

// goValue converts an AnyValue to a Go value, checking it holds exactly
// one of its fields.
func (v otlpAnyValue) goValue() (any, error) {
	var out []any
	if v.StringValue != nil {
		out = append(out, *v.StringValue)
	}
	if v.BoolValue != nil {
		out = append(out, *v.BoolValue)
	}
	if v.IntValue != nil {
		n, err := strconv.ParseInt(*v.IntValue, 10, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	if v.DoubleValue != nil {
		var f float64
		if err := json.Unmarshal(*v.DoubleValue, &f); err != nil {
			var s string
			if json.Unmarshal(*v.DoubleValue, &s) != nil {
				return nil, err
			}
			switch s {
			case "NaN":
				f = math.NaN()
			case "Infinity":
				f = math.Inf(1)
			case "-Infinity":
				f = math.Inf(-1)
			default:
				return nil, fmt.Errorf("doubleValue %q", s)
			}
		}
		out = append(out, f)
	}
	if v.BytesValue != nil {
		b, err := base64.StdEncoding.DecodeString(*v.BytesValue)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	if v.ArrayValue != nil {
		var s []any
		for _, e := range v.ArrayValue.Values {
			g, err := e.goValue()
			if err != nil {
				return nil, err
			}
			s = append(s, g)
		}
		out = append(out, s)
	}
	if v.KvlistValue != nil {
		m, err := otlpAttrMap(v.KvlistValue.Values)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	switch len(out) {
	case 0:
		return nil, nil
	case 1:
		return out[0], nil
	}
	return nil, fmt.Errorf("AnyValue with %d fields set", len(out))
}

func otlpAttrMap(kvs []otlpKV) (map[string]any, error) {
	m := map[string]any{}
	for _, kv := range kvs {
		v, err := kv.Value.goValue()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", kv.Key, err)
		}
		m[kv.Key] = v
	}
	return m, nil
}

// parseOTLP parses one request and checks its shape.
func parseOTLP(t testing.TB, b []byte) otlpRequest {
	t.Helper()
	var req otlpRequest
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&req); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if len(req.ResourceLogs) != 1 {
		t.Fatalf("%d resourceLogs", len(req.ResourceLogs))
	}
	return req
}

func TestOTLPJSON(t *testing.T) {
	c := codecs.OTLPJSON(&codecs.OTLPJSONOptions{Resource: []slog.Attr{slog.String("service.name", "checkout")}})
	var sc *loggerjs.Scope
	sc = sc.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("req")
	r := newRecord(slog.LevelWarn+1, []string{"app", "db"}, "slow query",
		"s", "x", "i", -3, "u", uint64(math.MaxUint64), "f", 1.5, "nan", math.NaN(), "b", true, "d", time.Millisecond,
		"t", testTime, "bytes", []byte{1, 2}, "nil", nil, "err", errors.New("timeout"), "list", []int{1, 2}, "obj", map[string]any{"k": "v"},
		slog.Group("g", "a", 1))
	r.Scope = sc
	r.AddRootAttrs(slog.String("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"), slog.String("span_id", "00f067aa0ba902b7"), slog.String("rid", "q1"))
	req := parseOTLP(t, c.Append(nil, r))
	res, _ := otlpAttrMap(req.ResourceLogs[0].Resource.Attributes)
	if res["service.name"] != "checkout" {
		t.Errorf("resource: %v", res)
	}
	sl := req.ResourceLogs[0].ScopeLogs
	if len(sl) != 1 || sl[0].Scope.Name != "app.db" || len(sl[0].LogRecords) != 1 {
		t.Fatalf("scopeLogs: %+v", sl)
	}
	lr := sl[0].LogRecords[0]
	if want := strconv.FormatInt(testTime.UnixNano(), 10); lr.TimeUnixNano != want || lr.ObservedTimeUnixNano != want {
		t.Errorf("time %s, want %s", lr.TimeUnixNano, want)
	}
	if lr.SeverityNumber != 14 || lr.SeverityText != "WARN+1" || *lr.Body.StringValue != "slow query" {
		t.Errorf("severity %d %q body %v", lr.SeverityNumber, lr.SeverityText, lr.Body)
	}
	if lr.TraceID != "4bf92f3577b34da6a3ce929d0e0e4736" || lr.SpanID != "00f067aa0ba902b7" {
		t.Errorf("trace %q span %q", lr.TraceID, lr.SpanID)
	}
	attrs, err := otlpAttrMap(lr.Attributes)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := attrs["trace_id"]; ok {
		t.Error("trace_id left among the attributes")
	}
	if attrs["rid"] != "q1" || attrs["svc"] != "api" || attrs["exception.message"] != "timeout" || attrs["exception.type"] != "*errors.errorString" {
		t.Errorf("attributes: %v", attrs)
	}
	got := attrs["req"].(map[string]any)
	want := map[string]any{"s": "x", "i": int64(-3), "u": "18446744073709551615", "f": 1.5, "b": true, "d": int64(time.Millisecond),
		"t": "2026-11-21T20:15:04.123456789Z", "nil": nil, "err": "timeout"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("req.%s = %#v, want %#v", k, got[k], v)
		}
	}
	if f := got["nan"].(float64); !math.IsNaN(f) {
		t.Errorf("nan = %v", f)
	}
	if b := got["bytes"].([]byte); !bytes.Equal(b, []byte{1, 2}) {
		t.Errorf("bytes = %v", b)
	}
	if l := got["list"].([]any); len(l) != 2 || l[1] != int64(2) {
		t.Errorf("list = %v", l)
	}
	if o := got["obj"].(map[string]any); o["k"] != "v" {
		t.Errorf("obj = %v", o)
	}
	if g := got["g"].(map[string]any); g["a"] != int64(1) {
		t.Errorf("g = %v", g)
	}
}

func TestOTLPJSONSeverity(t *testing.T) {
	c := codecs.OTLPJSON(nil)
	for _, tc := range []struct {
		level slog.Level
		n     int
	}{{loggerjs.LevelTrace - 5, 1}, {loggerjs.LevelTrace, 1}, {slog.LevelDebug, 5}, {slog.LevelInfo, 9}, {slog.LevelWarn, 13},
		{slog.LevelError, 17}, {loggerjs.LevelFatal, 21}, {loggerjs.LevelFatal + 3, 24}, {loggerjs.LevelFatal + 9, 24}} {
		lr := parseOTLP(t, c.Append(nil, newRecord(tc.level, nil, "m"))).ResourceLogs[0].ScopeLogs[0].LogRecords[0]
		if lr.SeverityNumber != tc.n {
			t.Errorf("level %v: severityNumber %d, want %d", tc.level, lr.SeverityNumber, tc.n)
		}
	}
}

func TestOTLPJSONInvalidTraceIDsStayAttributes(t *testing.T) {
	r := newRecord(slog.LevelInfo, nil, "m")
	r.AddRootAttrs(slog.String("trace_id", "00000000000000000000000000000000"), slog.String("span_id", "XYZ"))
	lr := parseOTLP(t, codecs.OTLPJSON(nil).Append(nil, r)).ResourceLogs[0].ScopeLogs[0].LogRecords[0]
	attrs, _ := otlpAttrMap(lr.Attributes)
	if lr.TraceID != "" || lr.SpanID != "" || attrs["trace_id"] == nil || attrs["span_id"] != "XYZ" {
		t.Errorf("trace %q span %q attrs %v", lr.TraceID, lr.SpanID, attrs)
	}
}

func TestOTLPJSONBatch(t *testing.T) {
	recs := []*loggerjs.Record{
		newRecord(slog.LevelInfo, []string{"a"}, "1"),
		newRecord(slog.LevelInfo, []string{"b"}, "2"),
		newRecord(slog.LevelInfo, []string{"a"}, "3"),
		newRecord(slog.LevelInfo, nil, "4"),
	}
	req := parseOTLP(t, codecs.OTLPJSON(nil).AppendBatch(nil, recs))
	var got []string
	for _, sl := range req.ResourceLogs[0].ScopeLogs {
		s := sl.Scope.Name + ":"
		for _, lr := range sl.LogRecords {
			s += *lr.Body.StringValue
		}
		got = append(got, s)
	}
	if fmt.Sprint(got) != "[a:13 b:2 :4]" {
		t.Errorf("scopes %v", got)
	}
}

func TestOTLPJSONSlogtest(t *testing.T) {
	var buf bytes.Buffer
	c := codecs.OTLPJSON(nil)
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		buf.Reset()
		return newCodecHandler(t, &buf, c)
	}, func(t *testing.T) map[string]any {
		lr := parseOTLP(t, buf.Bytes()).ResourceLogs[0].ScopeLogs[0].LogRecords[0]
		m, err := otlpAttrMap(lr.Attributes)
		if err != nil {
			t.Fatal(err)
		}
		m[slog.LevelKey] = lr.SeverityText
		m[slog.MessageKey] = *lr.Body.StringValue
		if lr.TimeUnixNano != "" {
			ns, err := strconv.ParseInt(lr.TimeUnixNano, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			m[slog.TimeKey] = time.Unix(0, ns)
		}
		return m
	})
}

// TestOTLPJSONFraming checks the framing sinks rely on to merge requests:
// {"resourceLogs":[ one ResourceLogs ]} and a newline.
func TestOTLPJSONFraming(t *testing.T) {
	c := codecs.OTLPJSON(nil)
	var parts [][]byte
	for _, msg := range []string{"a", "b"} {
		out := c.Append(nil, newRecord(slog.LevelInfo, nil, msg))
		inner, ok := bytes.CutPrefix(out, []byte(`{"resourceLogs":[`))
		if !ok {
			t.Fatalf("prefix: %s", out)
		}
		if inner, ok = bytes.CutSuffix(inner, []byte("]}\n")); !ok {
			t.Fatalf("suffix: %s", out)
		}
		parts = append(parts, inner)
	}
	merged := append(append([]byte(`{"resourceLogs":[`), bytes.Join(parts, []byte(","))...), "]}"...)
	var req otlpRequest
	if err := json.Unmarshal(merged, &req); err != nil || len(req.ResourceLogs) != 2 {
		t.Fatalf("merged: %v, %d resourceLogs", err, len(req.ResourceLogs))
	}
}
