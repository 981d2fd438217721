package otelbridge_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/otelbridge"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/slogtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// memExporter keeps the records exported to it; fail makes Export fail.
type memExporter struct {
	mu      sync.Mutex
	records []sdklog.Record
	fail    error
	block   chan struct{} // when set, Export waits on it
}

func (e *memExporter) Export(ctx context.Context, rs []sdklog.Record) error {
	if e.block != nil {
		select {
		case <-e.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fail != nil {
		return e.fail
	}
	for _, r := range rs {
		e.records = append(e.records, r.Clone())
	}
	return nil
}

func (e *memExporter) Shutdown(context.Context) error   { return nil }
func (e *memExporter) ForceFlush(context.Context) error { return nil }

func (e *memExporter) all() []sdklog.Record {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]sdklog.Record(nil), e.records...)
}

// newTree returns a logger over a handler tree whose only sink is an
// otelbridge sink over exp, with the trace middleware.
func newTree(t testing.TB, exp sdklog.Exporter, opts *otelbridge.Options) (*slog.Logger, *loggerjs.Handler, *otelbridge.Sink) {
	t.Helper()
	o := otelbridge.Options{Exporter: exp, ScopeVersion: "1.0.0"}
	if opts != nil {
		o = *opts
		o.Exporter = exp
	}
	sink, err := otelbridge.New(o)
	if err != nil {
		t.Fatal(err)
	}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"otel": sink},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"otel"}, Level: loggerjs.LevelTrace}},
		Middleware: []loggerjs.Middleware{middleware.Trace(nil)},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close(context.Background()) })
	return slog.New(h), h, sink
}

func attrsOf(r sdklog.Record) map[string]attribute.Value {
	m := map[string]attribute.Value{}
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		m[string(kv.Key)] = kv.Value
		return true
	})
	return m
}

// TestSeverityEveryLevel: every level, Trace and Fatal included, has
// its severity number and text.
func TestSeverityEveryLevel(t *testing.T) {
	exp := &memExporter{}
	l, h, _ := newTree(t, exp, nil)
	levels := []struct {
		level slog.Level
		sev   otellog.Severity
		text  string
	}{
		{loggerjs.LevelTrace, otellog.SeverityTrace1, "TRACE"},
		{slog.LevelDebug, otellog.SeverityDebug1, "DEBUG"},
		{slog.LevelInfo, otellog.SeverityInfo1, "INFO"},
		{slog.LevelInfo + 2, otellog.SeverityInfo3, "INFO+2"},
		{slog.LevelWarn, otellog.SeverityWarn1, "WARN"},
		{slog.LevelError, otellog.SeverityError1, "ERROR"},
		{loggerjs.LevelFatal, otellog.SeverityFatal1, "FATAL"},
		{loggerjs.LevelFatal + 10, otellog.SeverityFatal4, "FATAL+10"},
	}
	for _, lv := range levels {
		l.Log(context.Background(), lv.level, "m")
	}
	h.Close(context.Background())
	got := exp.all()
	if len(got) != len(levels) {
		t.Fatalf("%d records exported, want %d", len(got), len(levels))
	}
	for i, lv := range levels {
		if got[i].Severity() != lv.sev || got[i].SeverityText() != lv.text {
			t.Errorf("level %v: severity %v %q, want %v %q", lv.level, got[i].Severity(), got[i].SeverityText(), lv.sev, lv.text)
		}
	}
}

type valuer struct{}

func (valuer) LogValue() slog.Value { return slog.GroupValue(slog.String("kind", "lazy")) }

// TestRecordFields: one record with a value of every kind, bound attrs
// and groups, an error and a span: each arrives in its field.
func TestRecordFields(t *testing.T) {
	exp := &memExporter{}
	l, h, _ := newTree(t, exp, nil)
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
	zone := time.FixedZone("X", 5*3600+1800)
	ts := time.Date(2026, 3, 4, 5, 6, 7, 890, zone)
	cause := errors.New("connection refused")
	err := fmt.Errorf("query users: %w", cause)
	l.With(loggerjs.Category("app", "db")).With("bound", 1).WithGroup("req").ErrorContext(ctx, "query failed",
		"int", 42, "int64", int64(math.MinInt64), "uint64", uint64(math.MaxUint64), "float", 2.5,
		"bool", true, "string", "s", "time", ts, "dur", 1500*time.Millisecond, "err", err,
		slog.Group("g", "a", 1, slog.Group("h", "b", "c")), "lazy", valuer{},
		"strs", []string{"x", "y"}, "map", map[string]int{"k": 1}, "bytes", []byte{0, 1, 2}, "nil", nil)
	h.Close(context.Background())
	recs := exp.all()
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0]
	if r.InstrumentationScope().Name != "app.db" || r.InstrumentationScope().Version != "1.0.0" {
		t.Errorf("scope %+v", r.InstrumentationScope())
	}
	if r.TraceID() != tid || r.SpanID() != sid || r.TraceFlags() != trace.FlagsSampled {
		t.Errorf("trace %v %v %v", r.TraceID(), r.SpanID(), r.TraceFlags())
	}
	if r.Body().AsString() != "query failed" || r.Severity() != otellog.SeverityError1 {
		t.Errorf("body %v severity %v", r.Body(), r.Severity())
	}
	a := attrsOf(r)
	if a["bound"].AsInt64() != 1 || a["exception.message"].AsString() != "query users: connection refused" ||
		a["exception.type"].AsString() != "*fmt.wrapError" {
		t.Errorf("top-level attributes %v", a)
	}
	req := map[string]attribute.Value{}
	for _, kv := range a["req"].AsMap() {
		req[string(kv.Key)] = kv.Value
	}
	want := map[string]string{
		"int": "42", "int64": "-9223372036854775808", "uint64": "18446744073709551615", "float": "2.5",
		"bool": "true", "string": "s", "time": "2026-03-04T05:06:07.00000089+05:30", "dur": "1500000000",
		"err": "query users: connection refused", "g": `{"a":1,"h":{"b":"c"}}`, "lazy": `{"kind":"lazy"}`,
		"strs": `["x","y"]`, "map": `{"k":1}`, "bytes": "AAEC", "nil": "",
	}
	for k, w := range want {
		v, ok := req[k]
		if !ok {
			t.Errorf("attribute req.%s missing", k)
			continue
		}
		if got := render(v); got != w {
			t.Errorf("req.%s = %s (%v), want %s", k, got, v.Type(), w)
		}
	}
	if req["uint64"].Type() != attribute.STRING || req["int64"].Type() != attribute.INT64 || req["bytes"].Type() != attribute.BYTESLICE {
		t.Errorf("types: uint64 %v int64 %v bytes %v", req["uint64"].Type(), req["int64"].Type(), req["bytes"].Type())
	}
}

// render writes a value compactly, maps and slices as JSON.
func render(v attribute.Value) string {
	switch v.Type() {
	case attribute.MAP:
		s := "{"
		for i, kv := range v.AsMap() {
			if i > 0 {
				s += ","
			}
			s += fmt.Sprintf("%q:%s", kv.Key, renderInner(kv.Value))
		}
		return s + "}"
	case attribute.SLICE:
		s := "["
		for i, e := range v.AsSlice() {
			if i > 0 {
				s += ","
			}
			s += renderInner(e)
		}
		return s + "]"
	case attribute.BYTESLICE:
		return v.String()
	case attribute.EMPTY:
		return ""
	}
	return v.String()
}

func renderInner(v attribute.Value) string {
	if v.Type() == attribute.STRING {
		return fmt.Sprintf("%q", v.AsString())
	}
	return render(v)
}

// TestTraceFromRootAttrs: a record without a span in its context but
// with a W3C traceparent (trace ids as root attrs) gets them as its trace
// context.
func TestTraceFromRootAttrs(t *testing.T) {
	exp := &memExporter{}
	sink, err := otelbridge.New(otelbridge.Options{Exporter: exp})
	if err != nil {
		t.Fatal(err)
	}
	r := loggerjs.NewRecord(slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0))
	r.AddRootAttrs(slog.String("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"), slog.String("span_id", "00f067aa0ba902b7"), slog.String("trace_flags", "01"))
	sink.Write(context.Background(), r)
	bad := loggerjs.NewRecord(slog.NewRecord(time.Now(), slog.LevelInfo, "bad", 0))
	bad.AddRootAttrs(slog.String("trace_id", "not-hex"))
	sink.Write(context.Background(), bad)
	sink.Close(context.Background())
	recs := exp.all()
	if recs[0].TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || recs[0].SpanID().String() != "00f067aa0ba902b7" || !recs[0].TraceFlags().IsSampled() {
		t.Fatalf("trace %v %v %v", recs[0].TraceID(), recs[0].SpanID(), recs[0].TraceFlags())
	}
	if len(attrsOf(recs[0])) != 0 {
		t.Fatalf("trace attrs also written as attributes: %v", attrsOf(recs[0]))
	}
	if recs[1].TraceID().IsValid() || attrsOf(recs[1])["trace_id"].AsString() != "not-hex" {
		t.Fatalf("an invalid trace id: trace %v, attributes %v", recs[1].TraceID(), attrsOf(recs[1]))
	}
}

// TestTraceMiddleware: Trace and TraceIDs read the span in ctx, so every
// sink gets the ids; the flags too with Trace.
func TestTraceMiddleware(t *testing.T) {
	tid, _ := trace.TraceIDFromHex("0af7651916cd43dd8448eb211c80319c")
	sid, _ := trace.SpanIDFromHex("b7ad6b7169203331")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
	if tr, sp := otelbridge.TraceIDs(ctx); tr != tid.String() || sp != sid.String() {
		t.Fatalf("TraceIDs = %s %s", tr, sp)
	}
	if tr, sp := otelbridge.TraceIDs(context.Background()); tr != "" || sp != "" {
		t.Fatalf("TraceIDs without a span = %q %q", tr, sp)
	}
	r := loggerjs.NewRecord(slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0))
	otelbridge.Trace().Process(ctx, r)
	got := map[string]string{}
	r.RootAttrs(func(a slog.Attr) bool { got[a.Key] = a.Value.String(); return true })
	if got["trace_id"] != tid.String() || got["span_id"] != sid.String() || got["trace_flags"] != "01" {
		t.Fatalf("root attrs %v", got)
	}
}

// TestStatsExportFailures: records in failed exports are counted as
// dropped_export_failed, and Lost includes them.
func TestStatsExportFailures(t *testing.T) {
	exp := &memExporter{fail: errors.New("collector down")}
	l, h, sink := newTree(t, exp, nil)
	for i := range 10 {
		l.Info("m", "i", i)
	}
	h.Flush(context.Background())
	st := sink.SinkStats()
	if st["emitted"] != 10 || st["dropped_export_failed"] != 10 || st["exported"] != 0 {
		t.Fatalf("stats %v", st)
	}
	if lost := h.Stats().Lost(); lost != 10 {
		t.Fatalf("Lost() = %d, want 10", lost)
	}
}

// TestStatsQueueFull: the BatchProcessor's queue of 4 overflows while
// its exporter is stuck; after Close every record emitted is exported or
// counted as dropped.
func TestStatsQueueFull(t *testing.T) {
	exp := &memExporter{block: make(chan struct{})}
	l, h, sink := newTree(t, exp, &otelbridge.Options{Batch: []sdklog.BatchProcessorOption{
		sdklog.WithMaxQueueSize(4), sdklog.WithExportMaxBatchSize(4), sdklog.WithExportInterval(time.Hour)}})
	for i := range 100 {
		l.Info("m", "i", i)
	}
	close(exp.block)
	closeErr := h.Close(context.Background()) // says records were lost
	st := sink.SinkStats()
	if closeErr == nil {
		t.Fatalf("Close returned nil; stats %v", st)
	}
	if st["emitted"] != 100 || st["exported"]+st["dropped_queue_full"]+st["dropped_export_failed"] != 100 || st["dropped_queue_full"] == 0 {
		t.Fatalf("stats %v: emitted != exported + dropped, or nothing dropped", st)
	}
	if got := int64(len(exp.all())); got != st["exported"] {
		t.Fatalf("exporter has %d records, stats say %d", got, st["exported"])
	}
	if lost := h.Stats().Lost(); int64(lost) != st["dropped_queue_full"] {
		t.Fatalf("Lost() = %d, stats %v", lost, st)
	}
}

// TestOptionsErrors: neither or both of Exporter and Provider.
func TestOptionsErrors(t *testing.T) {
	if _, err := otelbridge.New(otelbridge.Options{}); err == nil {
		t.Fatal("no error without Exporter or Provider")
	}
	p := sdklog.NewLoggerProvider()
	defer p.Shutdown(context.Background())
	if _, err := otelbridge.New(otelbridge.Options{Exporter: &memExporter{}, Provider: p}); err == nil {
		t.Fatal("no error with both")
	}
}

// TestSlogtest runs testing/slogtest and this repository's suite through
// a handler tree whose sink is the bridge, reading back what the SDK
// exported.
func TestSlogtest(t *testing.T) {
	var exp *memExporter
	var h *loggerjs.Handler
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		exp = &memExporter{}
		// A queue that holds the suite's 8,000 concurrent records: the
		// default (2,048) drops, counted, what the exporter cannot keep up
		// with, which the suite would read as lost.
		_, h, _ = newTree(t, exp, &otelbridge.Options{ScopeVersion: "1.0.0",
			Batch: []sdklog.BatchProcessorOption{sdklog.WithMaxQueueSize(10000)}})
		return h
	}, func(t *testing.T) []map[string]any {
		h.Flush(context.Background())
		var out []map[string]any
		for _, r := range exp.all() {
			m := map[string]any{slog.LevelKey: r.SeverityText(), slog.MessageKey: r.Body().AsString()}
			if !r.Timestamp().IsZero() {
				m[slog.TimeKey] = r.Timestamp()
			}
			r.WalkAttributes(func(kv attribute.KeyValue) bool {
				m[string(kv.Key)] = toAny(kv.Value)
				return true
			})
			out = append(out, m)
		}
		return out
	}, nil)
}

func toAny(v attribute.Value) any {
	switch v.Type() {
	case attribute.MAP:
		m := map[string]any{}
		for _, kv := range v.AsMap() {
			m[string(kv.Key)] = toAny(kv.Value)
		}
		return m
	case attribute.SLICE:
		var s []any
		for _, e := range v.AsSlice() {
			s = append(s, toAny(e))
		}
		return s
	case attribute.EMPTY:
		return nil
	}
	return v.AsInterface()
}
