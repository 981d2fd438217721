package sinks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/loggerjs/loggerjs/slogtest"
)

// treeOver returns a logger whose handler tree routes everything to the
// adapter over h.
func treeOver(t testing.TB, h slog.Handler, opts *sinks.HandlerOptions) (*slog.Logger, *loggerjs.Handler) {
	t.Helper()
	lh, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"out": sinks.Handler(h, opts)},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}, Level: loggerjs.LevelTrace}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lh.Close(context.Background()) })
	return slog.New(lh), lh
}

// TestHandlerSinkSlogtest runs testing/slogtest and this repository's
// suite through a handler tree whose only sink is the adapter over
// slog.JSONHandler. (The inner handler takes every level the tree does:
// a handler tree cannot ask its sinks' handlers for Enabled.)
func TestHandlerSinkSlogtest(t *testing.T) {
	slogtest.RunWriter(t, func(t *testing.T, w io.Writer) slog.Handler {
		_, lh := treeOver(t, slog.NewJSONHandler(w, &slog.HandlerOptions{Level: loggerjs.LevelTrace}), nil)
		return lh
	}, slogtest.ParseJSON, nil)
}

// countingHandler is a slog.Handler that counts the handlers derived from
// it and keeps what it is given.
type countingHandler struct {
	derived *atomic.Int64
	inner   slog.Handler
	ctxs    *[]context.Context
	mu      *sync.Mutex
}

func newCounting(w io.Writer, opts *slog.HandlerOptions) *countingHandler {
	return &countingHandler{derived: new(atomic.Int64), inner: slog.NewJSONHandler(w, opts), ctxs: new([]context.Context), mu: new(sync.Mutex)}
}

func (h *countingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *countingHandler) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	*h.ctxs = append(*h.ctxs, ctx)
	h.mu.Unlock()
	return h.inner.Handle(ctx, r)
}

func (h *countingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h.derived.Add(1)
	c := *h
	c.inner = h.inner.WithAttrs(as)
	return &c
}

func (h *countingHandler) WithGroup(name string) slog.Handler {
	h.derived.Add(1)
	c := *h
	c.inner = h.inner.WithGroup(name)
	return &c
}

func decodeLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		out = append(out, m)
	}
	return out
}

// TestHandlerSinkShapes: the category as an attr, as groups or left out;
// bound attrs and groups; root attrs outside the groups.
func TestHandlerSinkShapes(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts *sinks.HandlerOptions
		log  func(l *slog.Logger)
		want string
	}{
		{"attr", nil, func(l *slog.Logger) {
			l.With(loggerjs.Category("app", "db")).With("a", 1).WithGroup("g").Info("m", "b", 2)
		}, `{"level":"INFO","msg":"m","logger":"app.db","a":1,"g":{"b":2}}`},
		{"attr key", &sinks.HandlerOptions{CategoryKey: "cat"}, func(l *slog.Logger) {
			l.With(loggerjs.Category("app")).Info("m")
		}, `{"level":"INFO","msg":"m","cat":"app"}`},
		{"group", &sinks.HandlerOptions{Category: sinks.CategoryGroup}, func(l *slog.Logger) {
			l.With(loggerjs.Category("app", "db")).With("a", 1).Info("m", "b", 2)
		}, `{"level":"INFO","msg":"m","app":{"db":{"a":1,"b":2}}}`},
		{"omit", &sinks.HandlerOptions{Category: sinks.CategoryOmit}, func(l *slog.Logger) {
			l.With(loggerjs.Category("app")).Info("m", "b", 2)
		}, `{"level":"INFO","msg":"m","b":2}`},
		{"root logger has no category", nil, func(l *slog.Logger) {
			l.Info("m")
		}, `{"level":"INFO","msg":"m"}`},
		{"trace and fatal levels", nil, func(l *slog.Logger) {
			l.Log(context.Background(), loggerjs.LevelTrace, "t")
		}, `{"level":"DEBUG-4","msg":"t"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			l, _ := treeOver(t, slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: loggerjs.LevelTrace, ReplaceAttr: noTime}), tc.opts)
			tc.log(l)
			if got := strings.TrimSpace(buf.String()); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestHandlerSinkRootAttrsOutsideGroups: attrs that middleware adds at
// the root (trace ids) stay outside the groups of the scope.
func TestHandlerSinkRootAttrsOutsideGroups(t *testing.T) {
	var buf bytes.Buffer
	addRoot := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		r.AddRootAttrs(slog.String("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"))
		return true
	})
	lh, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": sinks.Handler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: noTime}), nil)},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
		Middleware: []loggerjs.Middleware{addRoot},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer lh.Close(context.Background())
	l := slog.New(lh)
	l.WithGroup("req").Info("in group", "id", 7)
	l.Info("no group", "id", 8)
	want := `{"level":"INFO","msg":"in group","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","req":{"id":7}}
{"level":"INFO","msg":"no group","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","id":8}`
	if got := strings.TrimSpace(buf.String()); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// TestHandlerSinkScopeCached: the bound scope is replayed once per
// logger and category, not once per record.
func TestHandlerSinkScopeCached(t *testing.T) {
	var buf bytes.Buffer
	h := newCounting(&buf, nil)
	l, _ := treeOver(t, h, nil)
	child := l.With(loggerjs.Category("app")).With("a", 1).WithGroup("g").With("b", 2)
	for i := range 100 {
		child.Info("m", "i", i)
	}
	// One WithAttrs for the category, then a, g and b: four, whatever the
	// number of records.
	if n := h.derived.Load(); n != 4 {
		t.Fatalf("%d handlers derived for 100 records, want 4", n)
	}
	if n := len(decodeLines(t, buf.Bytes())); n != 100 {
		t.Fatalf("%d records written, want 100", n)
	}
}

type ctxKey struct{}

// TestHandlerSinkContextAndSource: the caller's context reaches Enabled
// and Handle, and the PC of the logging call survives, so AddSource
// names this file.
func TestHandlerSinkContextAndSource(t *testing.T) {
	var buf bytes.Buffer
	h := newCounting(&buf, &slog.HandlerOptions{AddSource: true})
	l, _ := treeOver(t, h, nil)
	ctx := context.WithValue(context.Background(), ctxKey{}, "caller")
	l.InfoContext(ctx, "m")
	if len(*h.ctxs) != 1 || (*h.ctxs)[0].Value(ctxKey{}) != "caller" {
		t.Fatalf("Handle got contexts %v, want the caller's", *h.ctxs)
	}
	recs := decodeLines(t, buf.Bytes())
	src, _ := recs[0][slog.SourceKey].(map[string]any)
	if file, _ := src["file"].(string); !strings.HasSuffix(file, "handler_test.go") {
		t.Fatalf("source %v, want this file", recs[0][slog.SourceKey])
	}
}

// TestHandlerSinkEnabledAndErrors: the handler's Enabled gates Handle;
// an error from Handle is counted by the tree; a write after Close is
// ErrClosed.
func TestHandlerSinkEnabledAndErrors(t *testing.T) {
	var buf bytes.Buffer
	l, lh := treeOver(t, slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}), nil)
	l.Info("hidden")
	l.Warn("shown")
	if n := len(decodeLines(t, buf.Bytes())); n != 1 {
		t.Fatalf("%d records written, want 1", n)
	}

	failing := sinks.Handler(errHandler{}, nil)
	if err := failing.Write(context.Background(), loggerjs.NewRecord(slog.Record{Message: "x"})); !errors.Is(err, errHandle) {
		t.Fatalf("Write = %v, want the handler's error", err)
	}
	closed := false
	s := sinks.Handler(slog.DiscardHandler, &sinks.HandlerOptions{Close: func(context.Context) error { closed = true; return nil }})
	s.Close(context.Background())
	if err := s.Write(context.Background(), loggerjs.NewRecord(slog.Record{})); !errors.Is(err, loggerjs.ErrClosed) || !closed {
		t.Fatalf("Write after Close = %v (Close hook ran: %v)", err, closed)
	}
	_ = lh
}

var errHandle = errors.New("handler failed")

type errHandler struct{}

func (errHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (errHandler) Handle(context.Context, slog.Record) error { return errHandle }
func (h errHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h errHandler) WithGroup(string) slog.Handler           { return h }

// TestHandlerSinkRedacts: secrets bound, logged or in groups are hidden
// before the handler sees them.
func TestHandlerSinkRedacts(t *testing.T) {
	var buf bytes.Buffer
	l, _ := treeOver(t, slog.NewJSONHandler(&buf, nil), nil)
	l.With("password", "hunter2").WithGroup("g").Info("m", "token", "abc123", slog.Group("h", "api_key", "k-999"))
	if out := buf.String(); strings.Contains(out, "hunter2") || strings.Contains(out, "abc123") || strings.Contains(out, "k-999") {
		t.Fatalf("a secret reached the handler: %s", out)
	}
}

// TestHandlerSinkConcurrent: sibling loggers from many goroutines, under
// -race, each record whole and with its own attrs.
func TestHandlerSinkConcurrent(t *testing.T) {
	var buf lockedWriter
	l, _ := treeOver(t, slog.NewJSONHandler(&buf, nil), nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := l.With(loggerjs.Category("c"+strings.Repeat("x", g))).With("g", g)
			for i := range 200 {
				cl.Info("m", "i", i)
			}
		}()
	}
	wg.Wait()
	recs := decodeLines(t, buf.bytes())
	if len(recs) != 1600 {
		t.Fatalf("%d records, want 1600", len(recs))
	}
	for _, r := range recs {
		g := int(r["g"].(float64))
		if r["logger"] != "c"+strings.Repeat("x", g) {
			t.Fatalf("record %v has another goroutine's category", r)
		}
	}
}

type lockedWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *lockedWriter) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Clone(w.buf.Bytes())
}
