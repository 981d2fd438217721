package loggerjs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
)

// recSink keeps what it is given: messages, categories and attrs as text.
// Its Close may drop records, reported as its own "dropped" counter.
type recSink struct {
	mu          sync.Mutex
	msgs        []string
	cats        []string
	attrs       []string
	closed      bool
	dropOnClose int64
	dropped     int64
}

func (s *recSink) Write(_ context.Context, r *loggerjs.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return loggerjs.ErrClosed
	}
	s.msgs = append(s.msgs, r.Message())
	s.cats = append(s.cats, r.CategoryName())
	var b strings.Builder
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, "%s=%v ", a.Key, a.Value)
		return true
	})
	s.attrs = append(s.attrs, b.String())
	return nil
}

func (s *recSink) Flush(context.Context) error { return nil }

func (s *recSink) Close(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		s.dropped += s.dropOnClose
	}
	return nil
}

func (s *recSink) SinkStats() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]int64{"dropped_on_close": s.dropped}
}

func (s *recSink) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

func newTree(t *testing.T, cfg loggerjs.Config) (*loggerjs.Handler, *slog.Logger) {
	t.Helper()
	h, err := loggerjs.NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h, slog.New(h)
}

// TestDottedCategories checks that a dot separates segments wherever a
// category is named, so that the two spellings route alike.
func TestDottedCategories(t *testing.T) {
	app, db := &recSink{}, &recSink{}
	h, root := newTree(t, loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"app": app, "db": db},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app"}, Sinks: []string{"app"}, Level: slog.LevelWarn},
			{Category: []string{"app.db"}, Sinks: []string{"db"}, Level: slog.LevelDebug},
		},
	})
	defer h.Close(context.Background())
	loggerjs.Child(root, "app", "db").Info("child pair")
	loggerjs.Child(root, "app.db").Info("child dotted")
	root.With(loggerjs.Category("app.db")).Info("category attr dotted")
	loggerjs.Child(root, "app").Warn("per record", loggerjs.Category("db.x"))
	loggerjs.Child(root, "app.db.pool").Info("below")
	want := []string{"child pair", "child dotted", "category attr dotted", "per record", "below"}
	if got := app.messages(); !slices.Equal(got, want[3:4]) {
		t.Errorf("app sink got %q", got)
	}
	if got := db.messages(); !slices.Equal(got, want) {
		t.Errorf("app.db sink got %q, want %q", got, want)
	}
	if len(db.cats) == 5 && (db.cats[3] != "app.db.x" || db.cats[4] != "app.db.pool") {
		t.Errorf("categories %q", db.cats)
	}

	_, err := loggerjs.NewHandler(loggerjs.Config{Loggers: []loggerjs.LoggerConfig{
		{Category: []string{"app", "db"}}, {Category: []string{"app.db"}},
	}})
	if err == nil || !strings.Contains(err.Error(), "already configured") {
		t.Errorf("app.db configured twice in two spellings: %v", err)
	}
	for _, bad := range [][]string{{"app..db"}, {".app"}, {"app."}, {"app", ""}} {
		if _, err := loggerjs.NewHandler(loggerjs.Config{Loggers: []loggerjs.LoggerConfig{{Category: bad}}}); err == nil {
			t.Errorf("category %q accepted", bad)
		}
	}
	r := loggerjs.NewRecord(slog.Record{})
	r.SetCategory("a.b", "c")
	if !slices.Equal(r.Category, []string{"a", "b", "c"}) || r.CategoryName() != "a.b.c" {
		t.Errorf("SetCategory(a.b, c) = %q", r.Category)
	}
}

// TestEnvLevelPinsLevelVar checks that a LOGGERJS_LEVEL directive that
// overrides a configured Level is reported at Configure, naming the
// category and the directive.
func TestEnvLevelPinsLevelVar(t *testing.T) {
	t.Setenv(loggerjs.EnvLevel, "app.db=debug")
	m, meta := &recSink{}, &recSink{}
	var lv slog.LevelVar
	lv.Set(slog.LevelError)
	h, root := newTree(t, loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"m": m, "meta": meta},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app", "db"}, Sinks: []string{"m"}, Level: &lv},
			{Category: loggerjs.MetaCategory, Sinks: []string{"meta"}, ParentSinks: loggerjs.Override},
		},
	})
	defer h.Close(context.Background())
	loggerjs.Child(root, "app.db").Debug("env wins")
	if got := m.messages(); !slices.Equal(got, []string{"env wins"}) {
		t.Errorf("got %q", got)
	}
	if len(meta.msgs) != 1 || !strings.Contains(meta.msgs[0], loggerjs.EnvLevel) ||
		!strings.Contains(meta.attrs[0], `category="app.db"`) || !strings.Contains(meta.attrs[0], "directive=app.db=DEBUG") ||
		!strings.Contains(meta.attrs[0], "*slog.LevelVar") || !strings.Contains(meta.attrs[0], "no effect") {
		t.Errorf("meta records %q %q", meta.msgs, meta.attrs)
	}
}

// TestAccounting checks delivered + lost + filtered = logged over a
// handler tree's life: middleware that drops on purpose (global, per
// category, per sink, named), sinks retired by Configure that lost
// records when they closed, and the Shutdown that loses some.
func TestAccounting(t *testing.T) {
	everyOther := func() loggerjs.Middleware {
		var mu sync.Mutex
		n := 0
		return loggerjs.MiddlewareFunc(func(context.Context, *loggerjs.Record) bool {
			mu.Lock()
			defer mu.Unlock()
			n++
			return n%2 == 0
		})
	}
	first := &recSink{dropOnClose: 3}
	cfg := func(s *recSink) loggerjs.Config {
		return loggerjs.Config{
			Sinks:      map[string]loggerjs.Sink{"s": loggerjs.WithMiddleware(s, loggerjs.Named("per-sink", everyOther()))},
			Middleware: []loggerjs.Middleware{loggerjs.Named("global", everyOther())},
			Loggers: []loggerjs.LoggerConfig{
				{Sinks: []string{"s"}},
				{Category: loggerjs.MetaCategory, Sinks: []string{}, ParentSinks: loggerjs.Override},
			},
		}
	}
	h, root := newTree(t, cfg(first))
	const logged = 40
	for i := range logged / 2 {
		root.Info("r", "i", i)
	}
	second := &recSink{dropOnClose: 2}
	if err := h.Configure(cfg(second)); err != nil {
		t.Fatal(err)
	}
	for i := range logged / 2 {
		root.Info("r", "i", i)
	}
	err := h.Close(context.Background())
	if err == nil || !strings.Contains(err.Error(), "2 records lost while Shutdown ran") {
		t.Errorf("Close = %v, want the 2 records its sink dropped", err)
	}
	st := h.Stats()
	delivered := uint64(len(first.msgs) - 3 + len(second.msgs) - 2)
	if st.Filtered["global"] != 20 || st.Filtered["per-sink"] != 10 {
		t.Errorf("Filtered = %v", st.Filtered)
	}
	if st.Lost() != 5 || st.RetiredSinks["s"].Own["dropped_on_close"] != 5 {
		t.Errorf("Lost = %d, retired %v", st.Lost(), st.RetiredSinks)
	}
	if got := delivered + st.Lost() + st.FilteredTotal(); got != logged {
		t.Errorf("delivered %d + lost %d + filtered %d = %d, want %d", delivered, st.Lost(), st.FilteredTotal(), got, logged)
	}
}

// TestEarlyBufferDiscardedAtShutdown checks that records still buffered
// when Shutdown runs are counted as lost, not only named in its error.
func TestEarlyBufferDiscardedAtShutdown(t *testing.T) {
	resetRegistry(t)
	if err := loggerjs.Configure(loggerjs.Config{EarlyBuffer: 8}); err != nil {
		t.Fatal(err)
	}
	before := loggerjs.Stats()
	for range 3 {
		loggerjs.GetLogger("lib").Info("never configured")
	}
	err := loggerjs.Shutdown(context.Background())
	if err == nil || !strings.Contains(err.Error(), "discarded 3 records") {
		t.Errorf("Shutdown = %v", err)
	}
	after := loggerjs.Stats()
	if got := after.EarlyBufferDiscarded - before.EarlyBufferDiscarded; got != 3 {
		t.Errorf("EarlyBufferDiscarded grew by %d, want 3", got)
	}
	if got := after.Lost() - before.Lost(); got != 3 {
		t.Errorf("Lost grew by %d, want 3", got)
	}
}

// TestDefaultEarlyBuffer checks that the registry keeps records from
// before the first Configure with no setup, up to DefaultEarlyBuffer,
// and counts the rest.
func TestDefaultEarlyBuffer(t *testing.T) {
	resetRegistry(t)
	before := loggerjs.Stats().EarlyBufferOverflow
	lib := loggerjs.GetLogger("lib")
	for i := range loggerjs.DefaultEarlyBuffer + 5 {
		lib.Info("early", "i", i)
	}
	m := &recSink{}
	if err := loggerjs.Configure(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"m": m},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}, {Category: loggerjs.MetaCategory, Sinks: []string{}, ParentSinks: loggerjs.Override}},
	}); err != nil {
		t.Fatal(err)
	}
	if got := len(m.messages()); got != loggerjs.DefaultEarlyBuffer {
		t.Errorf("replayed %d records, want %d", got, loggerjs.DefaultEarlyBuffer)
	}
	if !strings.HasPrefix(m.attrs[0], "i=0 ") {
		t.Errorf("first replayed record %q: the first records are the ones kept", m.attrs[0])
	}
	if got := loggerjs.Stats().EarlyBufferOverflow - before; got != 5 {
		t.Errorf("EarlyBufferOverflow grew by %d, want 5", got)
	}
}

// TestAfterClose checks that a record logged after a standalone tree's
// Close is counted and written, redacted, to stderr.
func TestAfterClose(t *testing.T) {
	h, root := newTree(t, loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"m": &recSink{}},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}, Level: slog.LevelInfo}},
	})
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := captureStderr(t, func() {
		root.Error("shutting down failed", "err", errors.New("boom"), "token", "s3cr3t")
		root.Debug("below the retired level")
	})
	if got := h.Stats().AfterShutdown; got != 1 {
		t.Errorf("AfterShutdown = %d, want 1", got)
	}
	if got := h.Stats().Lost(); got != 1 {
		t.Errorf("Lost = %d, want 1", got)
	}
	if !strings.Contains(out, "shutting down failed") || !strings.Contains(out, "err=boom") || strings.Contains(out, "s3cr3t") {
		t.Errorf("stderr: %q", out)
	}
}

// TestPerSinkMiddlewareIsRedacted checks that redaction runs after
// per-sink middleware, so that what it adds is redacted too, and that a
// panicking per-sink Redaction drops the record.
func TestPerSinkMiddlewareIsRedacted(t *testing.T) {
	enrich := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		r.AddAttrs(slog.String("authorization", "Bearer abc.def"))
		r.AddRootAttrs(slog.String("db.password", "hunter2"))
		return true
	})
	m, plain := &recSink{}, &recSink{}
	h, root := newTree(t, loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"m": loggerjs.WithMiddleware(m, enrich), "plain": plain},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m", "plain"}}},
	})
	defer h.Close(context.Background())
	root.Info("hello", "user", "ada")
	if strings.Contains(m.attrs[0], "abc.def") || !strings.Contains(m.attrs[0], "authorization=[REDACTED]") {
		t.Errorf("per-sink enrichment not redacted: %q", m.attrs[0])
	}
	if strings.Contains(plain.attrs[0], "authorization") {
		t.Errorf("per-sink enrichment reached another sink: %q", plain.attrs[0])
	}

	guarded := &recSink{}
	h2, root2 := newTree(t, loggerjs.Config{
		Sinks:    map[string]loggerjs.Sink{"g": loggerjs.WithMiddleware(guarded, loggerjs.Redaction(panicRedactor{}))},
		Loggers:  []loggerjs.LoggerConfig{{Sinks: []string{"g"}}, {Category: loggerjs.MetaCategory, Sinks: []string{}, ParentSinks: loggerjs.Override}},
		Redactor: loggerjs.NoRedaction,
	})
	defer h2.Close(context.Background())
	root2.Info("secret", "password", "hunter2")
	if len(guarded.msgs) != 0 {
		t.Errorf("a panicking per-sink Redaction let %q through", guarded.msgs)
	}
	if st := h2.Stats(); st.RedactorPanics != 1 || st.MiddlewarePanics != 0 || st.Lost() != 1 {
		t.Errorf("RedactorPanics %d, MiddlewarePanics %d, Lost %d", st.RedactorPanics, st.MiddlewarePanics, st.Lost())
	}
}

type panicRedactor struct{}

func (panicRedactor) RedactAttr([]string, slog.Attr) (slog.Attr, bool) { panic("redactor bug") }
func (panicRedactor) RedactMessage(string) (string, bool)              { panic("redactor bug") }

// initRecords is logged from package initialisation, as a library's
// init function would, in the child process of TestInitRecordReachesConfigure.
var initRecords = func() bool {
	if os.Getenv("LOGGERJS_TEST_INIT_CHILD") != "1" {
		return false
	}
	loggerjs.GetLogger("lib.init").Warn("logged from init", "token", "t0k3n")
	return true
}()

// TestInitRecordReachesConfigure runs a child process in which a record
// is logged during package initialisation, before main, and checks that
// it reaches the application's first Configure.
func TestInitRecordReachesConfigure(t *testing.T) {
	if initRecords {
		m := &recSink{}
		if err := loggerjs.Configure(loggerjs.Config{
			Sinks:   map[string]loggerjs.Sink{"m": m},
			Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}, Level: slog.LevelInfo}},
		}); err != nil {
			fmt.Println("configure:", err)
			os.Exit(3)
		}
		for i, msg := range m.messages() {
			fmt.Printf("%s %s %s\n", m.cats[i], msg, m.attrs[i])
		}
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInitRecordReachesConfigure$")
	cmd.Env = append(os.Environ(), "LOGGERJS_TEST_INIT_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "lib.init logged from init token=[REDACTED]" {
		t.Errorf("child printed %q", got)
	}
}

// TestMetaRecordLossNotInLost checks that a meta record a sink fails to
// take is counted as MetaLost, apart from the application's records.
func TestMetaRecordLossNotInLost(t *testing.T) {
	meta := &recSink{}
	h, root := newTree(t, loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"bad": &orderSink{name: "bad", fail: true}, "meta": meta},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"bad"}},
			{Category: loggerjs.MetaCategory, Sinks: []string{"meta"}, ParentSinks: loggerjs.Override},
		},
	})
	defer h.Close(context.Background())
	_ = meta.Close(context.Background())
	root.Info("lost to bad")
	if st := h.Stats(); st.Lost() != 1 || st.MetaLost != 1 || st.WriteAfterClose != 0 {
		t.Errorf("Lost %d, MetaLost %d, WriteAfterClose %d; want 1, 1, 0", st.Lost(), st.MetaLost, st.WriteAfterClose)
	}
}
