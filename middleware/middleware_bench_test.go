package middleware_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

// benchAttrs are ten ordinary attrs: nothing in them needs hiding.
var benchAttrs = []slog.Attr{
	slog.String("method", "GET"),
	slog.String("path", "/api/v1/users/42"),
	slog.Int("status", 200),
	slog.Duration("elapsed", 1500*time.Microsecond),
	slog.String("remote", "10.0.0.1:51234"),
	slog.String("user_agent", "curl/8.5.0"),
	slog.Int64("bytes", 5123),
	slog.Bool("cached", false),
	slog.String("request_id", "b7e3c2a1-0f4d-4c1e-9a53-7d2f1e8c6b90"),
	slog.Float64("ratio", 0.25),
}

func benchLogger(b *testing.B, rd loggerjs.Redactor, mw ...loggerjs.Middleware) *slog.Logger {
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": sinks.Writer(io.Discard, codecs.JSON(nil))},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
		Middleware: mw,
		Redactor:   rd,
	})
	if err != nil {
		b.Fatal(err)
	}
	return logger
}

// BenchmarkRedactSampleEnrich is the enabled path with three middleware
// (seed 002's budget: 1 µs a record): Redact (as the Config.Redactor,
// default keys), Sample (at a rate that keeps practically every record,
// so each is still encoded, with a random draw per record) and Enrich
// (two static root attrs), into the JSON codec and a discarding writer.
func BenchmarkRedactSampleEnrich(b *testing.B) {
	rd, err := middleware.Redact(nil)
	if err != nil {
		b.Fatal(err)
	}
	s := middleware.Sample(0.999999, nil)
	logger := benchLogger(b, rd, s, middleware.Enrich(slog.String("service", "api"), slog.String("version", "1.2.3")))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		logger.LogAttrs(ctx, slog.LevelInfo, "request served", benchAttrs...)
	}
}

// BenchmarkNoMiddleware is the same record through the same sink with no
// middleware and redaction off: the floor the three middleware add to.
func BenchmarkNoMiddleware(b *testing.B) {
	logger := benchLogger(b, loggerjs.NoRedaction)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		logger.LogAttrs(ctx, slog.LevelInfo, "request served", benchAttrs...)
	}
}

// BenchmarkDefaultRedactionOnly is the same with the default Redactor and
// no middleware: what redaction-on-by-default costs a record.
func BenchmarkDefaultRedactionOnly(b *testing.B) {
	logger := benchLogger(b, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		logger.LogAttrs(ctx, slog.LevelInfo, "request served", benchAttrs...)
	}
}

// BenchmarkRedactSampleEnrichFiveAttrs is BenchmarkRedactSampleEnrich with
// five attrs, which slog.Record holds without allocating.
func BenchmarkRedactSampleEnrichFiveAttrs(b *testing.B) {
	rd, err := middleware.Redact(nil)
	if err != nil {
		b.Fatal(err)
	}
	s := middleware.Sample(0.999999, nil)
	logger := benchLogger(b, rd, s, middleware.Enrich(slog.String("service", "api"), slog.String("version", "1.2.3")))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		logger.LogAttrs(ctx, slog.LevelInfo, "request served", benchAttrs[:5]...)
	}
}
