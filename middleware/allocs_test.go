//go:build !race

package middleware_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/contextx"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

// TestMiddlewareAllocs checks that Redact, Sample, Enrich, Type and Trace
// add no allocation to an enabled record of five ordinary attrs. (Tags is
// left out: the middleware allocates nothing, but the JSON codec encodes
// its []string through encoding/json, which does.)
func TestMiddlewareAllocs(t *testing.T) {
	rd, err := middleware.Redact(nil)
	if err != nil {
		t.Fatal(err)
	}
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"out": sinks.Writer(io.Discard, codecs.JSON(nil))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
		Middleware: []loggerjs.Middleware{
			middleware.Sample(0.999999, nil),
			middleware.Enrich(slog.String("service", "api")),
			middleware.Type("access"),
			middleware.Trace(nil),
		},
		Redactor: rd,
	})
	if err != nil {
		t.Fatal(err)
	}
	tp, _ := contextx.ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	ctx := contextx.WithTraceparent(context.Background(), tp)
	f := func() {
		logger.LogAttrs(ctx, slog.LevelInfo, "served", benchAttrs[:5]...)
	}
	f()
	if n := testing.AllocsPerRun(100, f); n != 0 {
		t.Errorf("%v allocations per record, want 0", n)
	}
}
