package loggerjs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
)

// orderLog records, across sinks, which sink got which record, in order.
type orderLog struct {
	mu    sync.Mutex
	lines []string
}

func (o *orderLog) add(s string) {
	o.mu.Lock()
	o.lines = append(o.lines, s)
	o.mu.Unlock()
}

func (o *orderLog) get() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.lines)
}

// orderSink writes "name:message" to its log, or fails when told to.
type orderSink struct {
	name string
	log  *orderLog
	fail bool
}

func (s *orderSink) Write(_ context.Context, r *loggerjs.Record) error {
	if s.fail {
		return errors.New("disk full")
	}
	line := s.name + ":" + r.Message()
	r.Attrs(func(a slog.Attr) bool {
		if strings.HasPrefix(a.Key, "record_") || a.Key == "sink" {
			line += fmt.Sprintf(" %s=%s", a.Key, a.Value)
		}
		return true
	})
	s.log.add(line)
	return nil
}
func (s *orderSink) Flush(context.Context) error { return nil }
func (s *orderSink) Close(context.Context) error { return nil }

// TestSinkOrder checks LogTape's order: sinks of the root-most logger
// first, and within one logger in the order its Sinks lists them, whatever
// their names; a sink reached twice keeps its first place.
func TestSinkOrder(t *testing.T) {
	log := &orderLog{}
	mk := func(name string) loggerjs.Sink { return &orderSink{name: name, log: log} }
	h, root := newTree(t, loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"z": mk("z"), "a": mk("a"), "m": mk("m"), "b": mk("b")},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app", "db"}, Sinks: []string{"b", "z"}},
			{Sinks: []string{"z", "m"}},
			{Category: []string{"app"}, Sinks: []string{"a"}},
		},
	})
	defer h.Close(context.Background())
	loggerjs.Child(root, "app.db").Info("r")
	if got, want := log.get(), []string{"z:r", "m:r", "a:r", "b:r"}; !slices.Equal(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
}

// TestOneFailureOneMetaRecord checks that a failing sink yields exactly
// one meta record, at Error, naming the sink, the error and the failed
// record, and that it reaches the other sinks after the record it is
// about when the failing sink comes first.
func TestOneFailureOneMetaRecord(t *testing.T) {
	log := &orderLog{}
	h, root := newTree(t, loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"bad": &orderSink{name: "bad", log: log, fail: true}, "good": &orderSink{name: "good", log: log},
		},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"good", "bad"}}},
	})
	defer h.Close(context.Background())
	loggerjs.Child(root, "app").Warn("payment token=abc123 declined")
	want := []string{
		"good:payment token=[REDACTED] declined",
		"good:sink write failed; the record was lost to it sink=bad record_level=WARN record_category=app record_message=payment token=[REDACTED] declined",
	}
	if got := log.get(); !slices.Equal(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

// TestMetaConfiguredLikeAnyCategory checks that an explicit LoggerConfig
// for the meta category decides where meta records go: its Level gates
// them (LevelOff silences them), Sinks: []string{} with Override silences
// them, silenced records are counted, and only a configuration that says
// nothing about the meta category falls back to stderr.
func TestMetaConfiguredLikeAnyCategory(t *testing.T) {
	for _, tc := range []struct {
		name       string
		meta       *loggerjs.LoggerConfig
		rootSink   bool
		wantStderr bool
		wantSink   int
		silenced   uint64
	}{
		{name: "nothing configured: stderr", wantStderr: true},
		{name: "root sink takes meta records", rootSink: true, wantSink: 1},
		{name: "LevelOff silences", meta: &loggerjs.LoggerConfig{Level: loggerjs.LevelOff}, rootSink: true, silenced: 1},
		{name: "LevelOff silences without root sinks", meta: &loggerjs.LoggerConfig{Level: loggerjs.LevelOff}, silenced: 1},
		{name: "a level above the record silences", meta: &loggerjs.LoggerConfig{Level: loggerjs.LevelFatal}, rootSink: true, silenced: 1},
		{name: "empty sinks with Override silence", meta: &loggerjs.LoggerConfig{Sinks: []string{}, ParentSinks: loggerjs.Override}, rootSink: true, silenced: 1},
		{name: "a level at the record passes", meta: &loggerjs.LoggerConfig{Level: slog.LevelError}, rootSink: true, wantSink: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &orderLog{}
			cfg := loggerjs.Config{Sinks: map[string]loggerjs.Sink{
				"bad": &orderSink{name: "bad", fail: true}, "ok": &orderSink{name: "ok", log: log},
			}}
			cfg.Loggers = append(cfg.Loggers, loggerjs.LoggerConfig{Category: []string{"app"}, Sinks: []string{"bad"}, ParentSinks: loggerjs.Override})
			if tc.rootSink {
				cfg.Loggers = append(cfg.Loggers, loggerjs.LoggerConfig{Sinks: []string{"ok"}})
			}
			if tc.meta != nil {
				m := *tc.meta
				m.Category = loggerjs.MetaCategory
				cfg.Loggers = append(cfg.Loggers, m)
			}
			h, root := newTree(t, cfg)
			defer h.Close(context.Background())
			stderr := captureStderr(t, func() { loggerjs.Child(root, "app").Info("lost") })
			if got := strings.Contains(stderr, "sink write failed"); got != tc.wantStderr {
				t.Errorf("stderr %q", stderr)
			}
			if got := len(log.get()); got != tc.wantSink {
				t.Errorf("%d meta records reached the ok sink, want %d: %q", got, tc.wantSink, log.get())
			}
			if st := h.Stats(); st.MetaSilenced != tc.silenced || st.SinkErrors != 1 {
				t.Errorf("MetaSilenced %d, want %d; SinkErrors %d", st.MetaSilenced, tc.silenced, st.SinkErrors)
			}
		})
	}
}

// TestWithCategoryPrefix checks that a category prefix carried by the
// context makes records belong to prefix + their own category, for
// routing, level gates and the category written.
func TestWithCategoryPrefix(t *testing.T) {
	sdk, other := &recSink{}, &recSink{}
	h, root := newTree(t, loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"sdk": sdk, "other": other},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"sdk", "payments"}, Sinks: []string{"sdk"}, Level: slog.LevelDebug, ParentSinks: loggerjs.Override},
			{Sinks: []string{"other"}, Level: slog.LevelWarn},
		},
	})
	defer h.Close(context.Background())
	lib := loggerjs.Child(root, "http", "client")
	ctx := loggerjs.WithCategoryPrefix(context.Background(), "sdk")
	ctx = loggerjs.WithCategoryPrefix(ctx, "payments")
	ctx = loggerjs.WithContextAttrs(ctx, slog.String("req", "7"))
	if !lib.Enabled(ctx, slog.LevelDebug) || lib.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("Enabled does not follow the prefixed category's level")
	}
	lib.DebugContext(ctx, "dial")
	lib.With(loggerjs.Category("tls")).DebugContext(ctx, "handshake")
	lib.InfoContext(context.Background(), "no prefix: below other's level")
	lib.WarnContext(context.Background(), "no prefix")
	if got, want := sdk.messages(), []string{"dial", "handshake"}; !slices.Equal(got, want) {
		t.Errorf("sdk sink %q, want %q", got, want)
	}
	if got, want := sdk.cats, []string{"sdk.payments.http.client", "sdk.payments.http.client.tls"}; !slices.Equal(got, want) {
		t.Errorf("categories %q, want %q", got, want)
	}
	if got := other.messages(); !slices.Equal(got, []string{"no prefix"}) || other.cats[0] != "http.client" {
		t.Errorf("other sink %q %q", got, other.cats)
	}
	if got := loggerjs.CategoryPrefix(ctx); !slices.Equal(got, []string{"sdk", "payments"}) {
		t.Errorf("CategoryPrefix = %q", got)
	}
}

// closingMiddleware counts its Close calls and emits a record when
// closed, through the logger it was given.
type closingMiddleware struct {
	mu     sync.Mutex
	closed int
	emit   *slog.Logger
}

func (m *closingMiddleware) Process(context.Context, *loggerjs.Record) bool { return true }

func (m *closingMiddleware) Close(context.Context) error {
	m.mu.Lock()
	m.closed++
	m.mu.Unlock()
	if m.emit != nil {
		m.emit.Warn("summary at close")
	}
	return nil
}

// TestMiddlewareClosed checks that middleware holding resources is closed
// when a Configure swap drops it and at Shutdown, before the sinks close,
// so that what it emits then still reaches them; middleware the new
// configuration keeps is not closed.
func TestMiddlewareClosed(t *testing.T) {
	out := &recSink{}
	kept, dropped := &closingMiddleware{}, &closingMiddleware{}
	cfg := loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": out},
		Middleware: []loggerjs.Middleware{kept, dropped},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
	}
	h, root := newTree(t, cfg)
	kept.emit, dropped.emit = root, root
	cfg.Middleware = []loggerjs.Middleware{loggerjs.Named("kept", kept)}
	if err := h.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	if kept.closed != 0 || dropped.closed != 1 {
		t.Errorf("after the swap: kept closed %d times, dropped %d; want 0 and 1", kept.closed, dropped.closed)
	}
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if kept.closed != 1 || dropped.closed != 1 {
		t.Errorf("after Close: kept closed %d times, dropped %d; want 1 and 1", kept.closed, dropped.closed)
	}
	if got := out.messages(); !slices.Equal(got, []string{"summary at close", "summary at close"}) {
		t.Errorf("sink got %q: what middleware emits when it closes must reach the sinks", got)
	}
}

// TestLoggerMiddlewareIsAdditive pins a departure from LogTape: the
// middleware of every LoggerConfig on the path from the root down to the
// record's category runs, root first, after the global middleware (LogTape
// applies only the nearest config's filters).
func TestLoggerMiddlewareIsAdditive(t *testing.T) {
	var mu sync.Mutex
	var ran []string
	mark := func(name string) loggerjs.Middleware {
		return loggerjs.MiddlewareFunc(func(context.Context, *loggerjs.Record) bool {
			mu.Lock()
			ran = append(ran, name)
			mu.Unlock()
			return true
		})
	}
	out := &recSink{}
	h, root := newTree(t, loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": out},
		Middleware: []loggerjs.Middleware{mark("global")},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app", "db"}, Middleware: []loggerjs.Middleware{mark("app.db")}},
			{Sinks: []string{"out"}, Middleware: []loggerjs.Middleware{mark("root")}},
			{Category: []string{"app"}, Middleware: []loggerjs.Middleware{mark("app")}},
		},
	})
	defer h.Close(context.Background())
	loggerjs.Child(root, "app.db.pool").Info("r")
	if want := []string{"global", "root", "app", "app.db"}; !slices.Equal(ran, want) {
		t.Errorf("middleware ran %q, want %q", ran, want)
	}
}

type reqKey struct{}

// TestContextProviders checks that context providers add ambient attrs
// after the context's own, each its own, and that a panicking one is
// counted and does not stop the record.
func TestContextProviders(t *testing.T) {
	var roots []string
	probe := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		var kv []string
		r.RootAttrs(func(a slog.Attr) bool { kv = append(kv, a.Key+"="+a.Value.String()); return true })
		roots = append(roots, strings.Join(kv, " "))
		return true
	})
	out := &recSink{}
	h, root := newTree(t, loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": out},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}, {Category: loggerjs.MetaCategory, Sinks: []string{}, ParentSinks: loggerjs.Override}},
		Middleware: []loggerjs.Middleware{probe},
		ContextProviders: []func(context.Context) []slog.Attr{
			func(ctx context.Context) []slog.Attr {
				if id, ok := ctx.Value(reqKey{}).(string); ok {
					return []slog.Attr{slog.String("request_id", id)}
				}
				return nil
			},
			func(context.Context) []slog.Attr { return []slog.Attr{slog.String("region", "eu")} },
			func(context.Context) []slog.Attr { panic("provider bug") },
		},
	})
	defer h.Close(context.Background())
	ctx := context.WithValue(context.Background(), reqKey{}, "r-1")
	ctx = loggerjs.WithContextAttrs(ctx, slog.String("user", "ada"))
	root.InfoContext(ctx, "served")
	root.Info("no context")
	if want := []string{"user=ada request_id=r-1 region=eu", "region=eu"}; !slices.Equal(roots, want) {
		t.Errorf("root attrs %q, want %q", roots, want)
	}
	if len(out.messages()) != 2 {
		t.Errorf("%d records delivered, want 2", len(out.messages()))
	}
	if st := h.Stats(); st.MiddlewarePanics != 2 {
		t.Errorf("MiddlewarePanics = %d, want 2", st.MiddlewarePanics)
	}
	if _, err := loggerjs.NewHandler(loggerjs.Config{ContextProviders: []func(context.Context) []slog.Attr{nil}}); err == nil {
		t.Error("a nil provider was accepted")
	}
}
