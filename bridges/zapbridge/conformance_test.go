package zapbridge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/zapbridge"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestZapSemantics is a conformance table for zap's own API over the
// bridge: With, Named and Namespace, alone and combined, compared with
// zap's JSON encoder on the same calls. Named names are the loggerjs
// category, written under "logger" by both.
func TestZapSemantics(t *testing.T) {
	cases := []struct {
		name string
		log  func(l *zap.Logger)
	}{
		{"with", func(l *zap.Logger) { l.With(zap.String("a", "1")).Info("m", zap.Int("b", 2)) }},
		{"with twice", func(l *zap.Logger) {
			l.With(zap.String("a", "1")).With(zap.String("b", "2")).Info("m", zap.String("c", "3"))
		}},
		{"with is not shared by siblings", func(l *zap.Logger) {
			base := l.With(zap.String("base", "x"))
			_ = base.With(zap.String("sibling", "y"))
			base.Info("m")
		}},
		{"named", func(l *zap.Logger) { l.Named("db").Info("m") }},
		{"named twice", func(l *zap.Logger) { l.Named("db").Named("pool").Info("m") }},
		{"named dotted", func(l *zap.Logger) { l.Named("db.pool").Info("m") }},
		{"named then with", func(l *zap.Logger) { l.Named("db").With(zap.Int("conn", 3)).Info("m") }},
		{"with then named", func(l *zap.Logger) { l.With(zap.Int("conn", 3)).Named("db").Info("m") }},
		{"namespace in with", func(l *zap.Logger) {
			l.With(zap.String("outer", "o"), zap.Namespace("req"), zap.String("id", "7")).Info("m", zap.Int("status", 200))
		}},
		{"namespace in with, then more with", func(l *zap.Logger) {
			l.With(zap.Namespace("req")).With(zap.String("id", "7"), zap.Namespace("user")).Info("m", zap.String("name", "ann"))
		}},
		{"namespace in fields", func(l *zap.Logger) {
			l.Info("m", zap.String("a", "1"), zap.Namespace("ns"), zap.String("b", "2"))
		}},
		{"namespace in with and fields", func(l *zap.Logger) {
			l.With(zap.Namespace("a")).Info("m", zap.Namespace("b"), zap.Int("n", 1))
		}},
		{"with object and error", func(l *zap.Logger) {
			l.With(zap.Object("user", user{"ann", 3})).Warn("m", zap.Error(verboseError{"bad"}))
		}},
		{"sugared", func(l *zap.Logger) { l.Sugar().Infow("m", "k", "v", "n", 1) }},
		{"sugared with", func(l *zap.Logger) { l.Sugar().With("k", "v").Named("sugar").Infof("m %d", 5) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, buf := newTree(t, nil)
			var nbuf bytes.Buffer
			tc.log(zap.New(zapbridge.NewCore(h, nil), zap.WithClock(fixedClock{now})))
			tc.log(nativeLogger(&nbuf))
			got, want := decodeOrdered(t, buf.Bytes()), decodeOrdered(t, nbuf.Bytes())
			for _, key := range []string{"msg", "logger"} {
				g, _ := member(got, key)
				w, _ := member(want, key)
				if g != w {
					t.Errorf("%s: bridge %v, zap %v", key, g, w)
				}
			}
			gf, wf := fieldsOf(got), fieldsOf(want)
			if !reflect.DeepEqual(normalize(toAny(gf)), normalize(toAny(wf))) {
				t.Errorf("fields differ\nbridge: %s\nzap:    %s", buf.Bytes(), nbuf.Bytes())
			}
		})
	}
}

func toAny(members []kv) []any {
	out := make([]any, 0, 2*len(members))
	for _, m := range members {
		out = append(out, m.key, m.value)
	}
	return out
}

// TestWithEncodedOnce checks that fields bound with With are the
// handler's bound scope: a codec encodes them once, not per record.
func TestWithEncodedOnce(t *testing.T) {
	h, buf := newTree(t, nil)
	calls := 0
	bound := zap.Object("bound", zapcore.ObjectMarshalerFunc(func(enc zapcore.ObjectEncoder) error {
		calls++
		enc.AddString("k", "v")
		return nil
	}))
	logger := zap.New(zapbridge.NewCore(h, nil)).With(bound)
	for range 3 {
		logger.Info("m")
	}
	if calls != 1 {
		t.Errorf("MarshalLogObject ran %d times, want once, at With", calls)
	}
	if n := strings.Count(buf.String(), `"bound":{"k":"v"}`); n != 3 {
		t.Errorf("bound group in %d records, want 3:\n%s", n, buf.String())
	}
}

// TestCategoryLevels checks that Check follows the loggerjs level of the
// category a zap logger name gives, more verbose and less verbose than
// the core's own, including a level changed at run time.
func TestCategoryLevels(t *testing.T) {
	h, buf := newTree(t, &loggerjs.Config{Loggers: []loggerjs.LoggerConfig{
		{Sinks: []string{"json"}, Level: slog.LevelInfo},
		{Category: []string{"app", "db"}, Level: slog.LevelDebug, Sinks: []string{"json"}, ParentSinks: loggerjs.Override},
		{Category: []string{"app", "noisy"}, Level: slog.LevelError},
	}})
	app := loggerjs.Child(slog.New(h), "app")
	logger := zapbridge.New(app)

	logger.Debug("app debug") // off: app is at Info
	logger.Named("db").Debug("db debug")
	logger.Named("db").Named("pool").Debug("pool debug") // below app.db
	logger.Named("noisy").Warn("noisy warn")             // off
	logger.Named("noisy").Error("noisy error")
	if err := h.SetLevel("app.other", slog.LevelDebug); err != nil {
		t.Fatal(err)
	}
	logger.Named("other").Debug("other debug") // configured after NewCore
	if err := h.SetLevel("app.noisy", slog.LevelDebug); err != nil {
		t.Fatal(err)
	}
	logger.Named("noisy").Debug("noisy debug now")

	var got []string
	for line := range strings.Lines(buf.String()) {
		m := decodeOrdered(t, []byte(line))
		msg, _ := member(m, "msg")
		cat, _ := member(m, "logger")
		got = append(got, cat.(string)+": "+msg.(string))
	}
	want := []string{"app.db: db debug", "app.db.pool: pool debug", "app.noisy: noisy error", "app.other: other debug", "app.noisy: noisy debug now"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records:\n%q\nwant\n%q", got, want)
	}
	core := zapbridge.NewCore(app.Handler(), nil)
	if core.Enabled(zapcore.DebugLevel) != true {
		t.Errorf("Enabled(Debug) = false, though app.db below the core is at Debug")
	}
	quiet := zapbridge.NewCore(loggerjs.Child(slog.New(h), "quiet").Handler(), nil)
	if quiet.Enabled(zapcore.DebugLevel) {
		t.Errorf("Enabled(Debug) = true for a category at Info with nothing below it")
	}
}

// TestConfiguredAfterNewCore checks a core made before the tree is
// configured: the categories configured later are found when the core
// meets a new logger name.
func TestConfiguredAfterNewCore(t *testing.T) {
	var buf bytes.Buffer
	h, err := loggerjs.NewHandler(loggerjs.Config{EarlyBuffer: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(t.Context())
	logger := zap.New(zapbridge.NewCore(h, nil))
	err = h.Configure(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"json": sinks.Writer(&buf, codecs.JSON(nil))},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"json"}, Level: slog.LevelInfo},
			{Category: []string{"db"}, Sinks: []string{"json"}, Level: slog.LevelDebug},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	logger.Named("http").Info("first name")
	logger.Named("db").Debug("db debug")
	logger.Debug("root debug")
	if got := buf.String(); !strings.Contains(got, "first name") || !strings.Contains(got, "db debug") || strings.Contains(got, "root debug") {
		t.Errorf("records:\n%s", got)
	}
}

// loopSink writes every record it receives back through zap, as a sink
// built on a library that logs with zap would.
type loopSink struct {
	mu     sync.Mutex
	logger *zap.Logger
	got    []string
}

func (s *loopSink) Write(_ context.Context, r *loggerjs.Record) error {
	s.mu.Lock()
	s.got = append(s.got, r.Message())
	s.mu.Unlock()
	s.logger.Warn("sink saw a record", zap.String("msg", r.Message()))
	return nil
}
func (s *loopSink) Flush(context.Context) error { return nil }
func (s *loopSink) Close(context.Context) error { return nil }

// TestLoopIsCut installs the bridge as zap's global logger over a sink
// that logs through zap.L(): each record the sink makes from inside the
// bridge is dropped and counted, so the loop stops at once.
func TestLoopIsCut(t *testing.T) {
	sink := &loopSink{}
	var buf bytes.Buffer
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"loop": sink, "json": sinks.Writer(&buf, codecs.JSON(nil))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"loop", "json"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(t.Context())
	core := zapbridge.NewCore(h, nil)
	restore := zap.ReplaceGlobals(zap.New(core))
	defer restore()
	sink.logger = zap.L()

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 25 {
				zap.L().Info("outer")
			}
		})
	}
	wg.Wait()

	if len(sink.got) != 100 {
		t.Errorf("sink got %d records, want the 100 outer ones", len(sink.got))
	}
	for _, m := range sink.got {
		if m != "outer" {
			t.Fatalf("sink got %q from inside the bridge", m)
		}
	}
	if core.Drops() != 100 || h.Stats().BridgeDrops != 100 {
		t.Errorf("drops: bridge %d, stats %d; want 100", core.Drops(), h.Stats().BridgeDrops)
	}
	if n := strings.Count(buf.String(), "\n"); n != 100 {
		t.Errorf("json sink got %d records, want 100", n)
	}
}

// TestExcludeSources checks that bridged records carry Source, so a sink
// can leave them out.
func TestExcludeSources(t *testing.T) {
	var all, appOnly bytes.Buffer
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"all":      sinks.Writer(&all, codecs.JSON(nil)),
			"app-only": loggerjs.WithMiddleware(sinks.Writer(&appOnly, codecs.JSON(nil)), loggerjs.ExcludeSources(zapbridge.Source)),
		},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"all", "app-only"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(t.Context())
	zap.New(zapbridge.NewCore(h, nil)).Info("from zap")
	slog.New(h).Info("from slog")
	if !strings.Contains(all.String(), "from zap") || !strings.Contains(all.String(), "from slog") {
		t.Errorf("all: %s", all.String())
	}
	if strings.Contains(appOnly.String(), "from zap") || !strings.Contains(appOnly.String(), "from slog") {
		t.Errorf("app-only: %s", appOnly.String())
	}
}

// TestSyncFlushes checks that Sync reaches the sinks' Flush.
func TestSyncFlushes(t *testing.T) {
	mem := &flushCounter{}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"m": mem},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(t.Context())
	logger := zapbridge.New(slog.New(h))
	logger.Info("x")
	if err := logger.Sync(); err != nil {
		t.Fatal(err)
	}
	if mem.flushes != 1 {
		t.Errorf("flushes = %d, want 1", mem.flushes)
	}
}

type flushCounter struct {
	sinks.MemorySink
	flushes int
}

func (f *flushCounter) Flush(context.Context) error { f.flushes++; return nil }

// TestOtherHandler checks the core over a handler that is not loggerjs's:
// names become logger attrs, With binds through WithAttrs.
func TestOtherHandler(t *testing.T) {
	var buf bytes.Buffer
	logger := zap.New(zapbridge.NewCore(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), nil))
	logger.Named("db").With(zap.Int("n", 1)).Debug("m", zap.String("k", "v"))
	got := decodeOrdered(t, buf.Bytes())
	want := []kv{{"logger", "db"}, {"n", "1"}, {"k", "v"}}
	gf := fieldsOf(got)
	for _, m := range got {
		if m.key == "logger" {
			gf = append([]kv{m}, gf...)
		}
	}
	if !reflect.DeepEqual(normalize(toAny(gf)), normalize(toAny(want))) {
		t.Errorf("got %s", buf.Bytes())
	}
	if err := logger.Sync(); err != nil {
		t.Error(err)
	}
}

type panickingObject struct{}

func (panickingObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("before", "panic")
	panic("marshaler broke")
}

// TestPanickingMarshaler checks that a MarshalLogObject or
// MarshalLogArray that panics does not reach the caller: the record is
// written, with what the marshaler added and zap's "<key>Error" field.
func TestPanickingMarshaler(t *testing.T) {
	h, buf := newTree(t, nil)
	logger := zap.New(zapbridge.NewCore(h, nil))
	logger.Info("m", zap.Object("obj", panickingObject{}), zap.Array("arr", zapcore.ArrayMarshalerFunc(func(zapcore.ArrayEncoder) error {
		panic("array broke")
	})), zap.Int("after", 1))
	got := decodeOrdered(t, buf.Bytes())
	want := []kv{
		{"obj", map[string]any{"before": "panic"}},
		{"objError", "PANIC=marshaler broke"},
		{"arr", []any{}},
		{"arrError", "PANIC=array broke"},
		{"after", json.Number("1")},
	}
	if gf := fieldsOf(got); !reflect.DeepEqual(gf, want) {
		t.Errorf("got %s", buf.Bytes())
	}
	logger.Info("still logging")
	if !strings.Contains(buf.String(), "still logging") {
		t.Errorf("the next record is missing")
	}
}

type pair struct{ a, b string }

func (p pair) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("a", p.a)
	enc.AddString("b", p.b)
	return nil
}

// TestObjectsOutliveTheCall checks that a sink that keeps records keeps
// their objects as logged: the bridge's pooled object encoders leave
// nothing of theirs in a record.
func TestObjectsOutliveTheCall(t *testing.T) {
	mem := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"mem": mem},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"mem"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(t.Context())
	logger := zap.New(zapbridge.NewCore(h, nil))
	for i := range 20 {
		s := strings.Repeat("x", i)
		logger.Info("m", zap.Object("o", pair{"a" + s, "b" + s}), zap.Inline(pair{"ia" + s, "ib" + s}),
			zap.Array("l", zapcore.ArrayMarshalerFunc(func(enc zapcore.ArrayEncoder) error {
				return enc.AppendObject(pair{"la" + s, "lb" + s})
			})))
	}
	for i, r := range mem.Records() {
		s := strings.Repeat("x", i)
		got := map[string]string{}
		r.Attrs(func(a slog.Attr) bool {
			v := a.Value.Resolve()
			switch v.Kind() {
			case slog.KindGroup:
				for _, g := range v.Group() {
					got[a.Key+"."+g.Key] = g.Value.String()
				}
			case slog.KindString:
				got[a.Key] = v.String()
			default:
				got[a.Key] = fmt.Sprint(v.Any())
			}
			return true
		})
		want := map[string]string{"o.a": "a" + s, "o.b": "b" + s, "a": "ia" + s, "b": "ib" + s,
			"l": fmt.Sprint([]any{map[string]any{"a": "la" + s, "b": "lb" + s}})}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("record %d: got %v, want %v", i, got, want)
		}
	}
}
