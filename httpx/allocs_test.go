//go:build !race

package httpx_test

import (
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/httpx"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

// TestRecordInRequestScopeAllocatesNothing: once a request's scope is
// made, a record logged with its context (request id, the span's four
// ids through TraceContext) allocates nothing in steady state.
func TestRecordInRequestScopeAllocatesNothing(t *testing.T) {
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": sinks.Writer(io.Discard, codecs.JSON(nil))},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
		Middleware: []loggerjs.Middleware{middleware.TraceContext(nil)},
	})
	if err != nil {
		t.Fatal(err)
	}
	mw, err := httpx.NewMiddleware(&httpx.ServerOptions{Logger: logger, SkipPaths: []string{"/"}})
	if err != nil {
		t.Fatal(err)
	}
	var allocs float64
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		g := logger.WithGroup("repo")
		f := func() { g.LogAttrs(ctx, slog.LevelInfo, "query", slog.Int("rows", 3)) }
		f()
		allocs = testing.AllocsPerRun(100, f)
	}))
	r, _ := http.NewRequest("GET", "/", nil)
	r.Header.Set("Traceparent", callerTP)
	h.ServeHTTP(&discardWriter{h: http.Header{}}, r)
	if allocs != 0 {
		t.Errorf("%v allocations per record in a request scope, want 0", allocs)
	}
}
