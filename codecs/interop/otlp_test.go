package interop

import (
	"encoding/hex"
	"errors"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
)

// TestOTLPJSONReadByCollector checks that the OpenTelemetry collector's
// own OTLP/HTTP JSON unmarshaller (pdata's plogotlp, what its receiver
// runs) reads the codec's requests with every field where it belongs.
func TestOTLPJSONReadByCollector(t *testing.T) {
	c := codecs.OTLPJSON(&codecs.OTLPJSONOptions{Resource: []slog.Attr{slog.String("service.name", "checkout")}})
	var sc *loggerjs.Scope
	sc = sc.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("req")
	r := record(slog.LevelWarn, []string{"app", "db"}, "slow query",
		"s", "x", "i", -3, "u", uint64(math.MaxUint64), "f", 1.5, "nan", math.NaN(), "inf", math.Inf(-1), "b", true,
		"d", time.Millisecond, "bytes", []byte{1, 2}, "nil", nil, "list", []any{1, "a"}, "obj", map[string]any{"k": "v"},
		"err", errors.New("timeout"))
	r.Scope = sc
	r.AddRootAttrs(slog.String("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"), slog.String("span_id", "00f067aa0ba902b7"))
	req := plogotlp.NewExportRequest()
	if err := req.UnmarshalJSON(c.Append(nil, r)); err != nil {
		t.Fatalf("collector: %v", err)
	}
	logs := req.Logs()
	if logs.LogRecordCount() != 1 {
		t.Fatalf("%d log records", logs.LogRecordCount())
	}
	rl := logs.ResourceLogs().At(0)
	if v, _ := rl.Resource().Attributes().Get("service.name"); v.Str() != "checkout" {
		t.Errorf("service.name = %v", v.AsString())
	}
	sl := rl.ScopeLogs().At(0)
	if sl.Scope().Name() != "app.db" {
		t.Errorf("scope = %q", sl.Scope().Name())
	}
	lr := sl.LogRecords().At(0)
	if !lr.Timestamp().AsTime().Equal(at) || !lr.ObservedTimestamp().AsTime().Equal(at) {
		t.Errorf("time %v observed %v", lr.Timestamp().AsTime(), lr.ObservedTimestamp().AsTime())
	}
	if lr.SeverityNumber() != plog.SeverityNumberWarn || lr.SeverityText() != "WARN" || lr.Body().Str() != "slow query" {
		t.Errorf("severity %v %q body %q", lr.SeverityNumber(), lr.SeverityText(), lr.Body().AsString())
	}
	tid, sid := lr.TraceID(), lr.SpanID()
	if hex.EncodeToString(tid[:]) != "4bf92f3577b34da6a3ce929d0e0e4736" || hex.EncodeToString(sid[:]) != "00f067aa0ba902b7" {
		t.Errorf("trace %x span %x", tid, sid)
	}
	attrs := lr.Attributes()
	if v, _ := attrs.Get("svc"); v.Str() != "api" {
		t.Errorf("svc = %v", v.AsString())
	}
	if v, _ := attrs.Get("exception.message"); v.Str() != "timeout" {
		t.Errorf("exception.message = %v", v.AsString())
	}
	reqv, ok := attrs.Get("req")
	if !ok || reqv.Type() != pcommon.ValueTypeMap {
		t.Fatalf("req = %v", reqv.AsString())
	}
	m := reqv.Map()
	check := func(key string, typ pcommon.ValueType, want string) {
		t.Helper()
		v, ok := m.Get(key)
		if !ok || v.Type() != typ || v.AsString() != want {
			t.Errorf("req.%s = %s %q, want %s %q", key, v.Type(), v.AsString(), typ, want)
		}
	}
	check("s", pcommon.ValueTypeStr, "x")
	check("i", pcommon.ValueTypeInt, "-3")
	check("u", pcommon.ValueTypeStr, "18446744073709551615")
	check("f", pcommon.ValueTypeDouble, "1.5")
	if v, _ := m.Get("nan"); v.Type() != pcommon.ValueTypeDouble || !math.IsNaN(v.Double()) {
		t.Errorf("req.nan = %s %v", v.Type(), v.Double())
	}
	if v, _ := m.Get("inf"); v.Type() != pcommon.ValueTypeDouble || !math.IsInf(v.Double(), -1) {
		t.Errorf("req.inf = %s %v", v.Type(), v.Double())
	}
	check("b", pcommon.ValueTypeBool, "true")
	check("d", pcommon.ValueTypeInt, "1000000")
	check("bytes", pcommon.ValueTypeBytes, "AQI=")
	check("nil", pcommon.ValueTypeEmpty, "")
	check("list", pcommon.ValueTypeSlice, `[1,"a"]`)
	check("obj", pcommon.ValueTypeMap, `{"k":"v"}`)
	check("err", pcommon.ValueTypeStr, "timeout")
}

// TestOTLPJSONBatchReadByCollector checks AppendBatch's grouping by
// category with the collector's unmarshaller.
func TestOTLPJSONBatchReadByCollector(t *testing.T) {
	c := codecs.OTLPJSON(nil)
	body := c.AppendBatch(nil, []*loggerjs.Record{
		record(slog.LevelInfo, []string{"a"}, "1"), record(slog.LevelError, []string{"b"}, "2"), record(slog.LevelInfo, []string{"a"}, "3"),
	})
	req := plogotlp.NewExportRequest()
	if err := req.UnmarshalJSON(body); err != nil {
		t.Fatalf("collector: %v", err)
	}
	sls := req.Logs().ResourceLogs().At(0).ScopeLogs()
	if sls.Len() != 2 || sls.At(0).Scope().Name() != "a" || sls.At(0).LogRecords().Len() != 2 || sls.At(1).LogRecords().At(0).SeverityNumber() != plog.SeverityNumberError {
		t.Errorf("scopes: %d", sls.Len())
	}
}

// FuzzOTLPJSONReadByCollector checks that the collector reads any
// message and string attribute the codec writes.
func FuzzOTLPJSONReadByCollector(f *testing.F) {
	f.Add("m", "k", "v", 1.5)
	f.Add("\xff", "", "\x00\u2028", math.NaN())
	c := codecs.OTLPJSON(nil)
	f.Fuzz(func(t *testing.T, msg, key, s string, fl float64) {
		r := record(slog.LevelInfo, []string{key}, msg, "s", s, "f", fl, slog.Group("g", key, s))
		req := plogotlp.NewExportRequest()
		if err := req.UnmarshalJSON(c.Append(nil, r)); err != nil {
			t.Fatalf("collector: %v", err)
		}
		lr := req.Logs().ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
		if lr.Body().Str() != string([]rune(msg)) {
			t.Fatalf("body %q, want %q", lr.Body().Str(), msg)
		}
		if v, _ := lr.Attributes().Get("s"); v.Str() != string([]rune(s)) {
			t.Fatalf("s = %q, want %q", v.Str(), s)
		}
	})
}
