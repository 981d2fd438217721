package contextx_test

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

func benchLogger(b *testing.B, mw ...loggerjs.Middleware) *slog.Logger {
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": sinks.Writer(io.Discard, codecs.JSON(nil))},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
		Middleware: mw,
	})
	if err != nil {
		b.Fatal(err)
	}
	return logger
}

var threeAttrs = []slog.Attr{slog.String("request_id", "7f3a9c2e1b4d5f60"), slog.String("user", "ada"), slog.Int("tenant", 42)}

// BenchmarkContextAttrs3 logs a record whose 3 attrs the context carries;
// BenchmarkDirectAttrs3 passes the same attrs to the call.
func BenchmarkContextAttrs3(b *testing.B) {
	logger := benchLogger(b)
	ctx := contextx.With(context.Background(), threeAttrs...)
	b.ReportAllocs()
	for b.Loop() {
		logger.LogAttrs(ctx, slog.LevelInfo, "served")
	}
}

func BenchmarkDirectAttrs3(b *testing.B) {
	logger := benchLogger(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		logger.LogAttrs(ctx, slog.LevelInfo, "served", threeAttrs...)
	}
}

// BenchmarkSpanAttrs logs with a request's span in the context, written
// by middleware.TraceContext (4 root attrs).
func BenchmarkSpanAttrs(b *testing.B) {
	logger := benchLogger(b, middleware.TraceContext(nil))
	ctx := contextx.WithSpan(context.Background(), contextx.NewSpan(true).Child())
	b.ReportAllocs()
	for b.Loop() {
		logger.LogAttrs(ctx, slog.LevelInfo, "served")
	}
}

func BenchmarkParseTraceparent(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		contextx.ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	}
}

func BenchmarkParseBaggage(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		contextx.ParseBaggage("userId=alice,serverNode=DF%2028,isProduction=false")
	}
}
