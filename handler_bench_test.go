package loggerjs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

type benchUser struct {
	ID   int
	Name string
}

func (u benchUser) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("id", u.ID), slog.String("name", u.Name))
}

var (
	errBench  = errors.New("connection reset by peer")
	benchTime = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
)

// tenAttrs are ten attrs of mixed kinds.
func tenAttrs() []slog.Attr {
	return []slog.Attr{
		slog.Int("int", 42), slog.Int64("int64", 1<<40), slog.Float64("float", 3.14159),
		slog.String("string", "hello world"), slog.Bool("bool", true), slog.Time("time", benchTime),
		slog.Any("error", errBench), slog.Duration("duration", 1500*time.Millisecond),
		slog.Any("user", benchUser{7, "ada"}), slog.String("path", "/api/v1/items"),
	}
}

// benchLoggers returns loggerjs and slog.JSONHandler loggers over
// io.Discard, for comparison in the same run.
func benchLoggers(b *testing.B) map[string]*slog.Logger {
	l, err := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"discard": sinks.Writer(io.Discard, codecs.JSON(nil))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"discard"}, Level: slog.LevelInfo}},
	})
	if err != nil {
		b.Fatal(err)
	}
	plain, err := loggerjs.New(loggerjs.Config{
		Sinks:    map[string]loggerjs.Sink{"discard": sinks.Writer(io.Discard, codecs.JSON(nil))},
		Loggers:  []loggerjs.LoggerConfig{{Sinks: []string{"discard"}, Level: slog.LevelInfo}},
		Redactor: loggerjs.NoRedaction,
	})
	if err != nil {
		b.Fatal(err)
	}
	return map[string]*slog.Logger{
		"loggerjs":          l,
		"loggerjs-noredact": plain,
		"slogJSON":          slog.New(slog.NewJSONHandler(io.Discard, nil)),
		"floor":             slog.New(nopHandler{}),
	}
}

func BenchmarkLogger(b *testing.B) {
	ctx := context.Background()
	attrs := tenAttrs()
	for _, name := range []string{"loggerjs", "loggerjs-noredact", "slogJSON", "floor"} {
		logger := benchLoggers(b)[name]
		b.Run(name+"/disabled", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				logger.LogAttrs(ctx, slog.LevelDebug, "msg", attrs...)
			}
		})
		b.Run(name+"/no-attrs", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				logger.LogAttrs(ctx, slog.LevelInfo, "msg")
			}
		})
		b.Run(name+"/10-attrs", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				logger.LogAttrs(ctx, slog.LevelInfo, "msg", attrs...)
			}
		})
		bound := logger.With(attrsToArgs(attrs)...)
		b.Run(name+"/10-bound", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bound.LogAttrs(ctx, slog.LevelInfo, "msg")
			}
		})
	}
}

// BenchmarkMiddlewareTwoSinks measures ten attrs through three middleware
// into two JSON sinks, against two slog.JSONHandlers behind one
// fan-out handler.
func BenchmarkMiddlewareTwoSinks(b *testing.B) {
	ctx := context.Background()
	attrs := tenAttrs()
	pass := loggerjs.MiddlewareFunc(func(context.Context, *loggerjs.Record) bool { return true })
	levelFloor := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool { return r.Level >= slog.LevelInfo })
	tag := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		r.AddRootAttrs(slog.String("env", "prod"))
		return true
	})
	l, err := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"a": sinks.Writer(io.Discard, codecs.JSON(nil)),
			"b": sinks.Writer(io.Discard, codecs.JSON(nil)),
		},
		Middleware: []loggerjs.Middleware{pass, levelFloor, tag},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"a", "b"}, Level: slog.LevelInfo}},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("loggerjs", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			l.LogAttrs(ctx, slog.LevelInfo, "msg", attrs...)
		}
	})
	fan := slog.New(fanout{slog.NewJSONHandler(io.Discard, nil), slog.NewJSONHandler(io.Discard, nil)})
	b.Run("slogJSON-fanout", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fan.LogAttrs(ctx, slog.LevelInfo, "msg", attrs...)
		}
	})
}

func attrsToArgs(attrs []slog.Attr) []any {
	args := make([]any, len(attrs))
	for i, a := range attrs {
		args[i] = a
	}
	return args
}

// fanout hands each record to two handlers, as slog.NewMultiHandler does
// (which needs Go 1.26; this module supports 1.25).
type fanout [2]slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool {
	return f[0].Enabled(ctx, l) || f[1].Enabled(ctx, l)
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	return errors.Join(f[0].Handle(ctx, r.Clone()), f[1].Handle(ctx, r))
}

func (f fanout) WithAttrs(as []slog.Attr) slog.Handler {
	return fanout{f[0].WithAttrs(as), f[1].WithAttrs(as)}
}

func (f fanout) WithGroup(name string) slog.Handler {
	return fanout{f[0].WithGroup(name), f[1].WithGroup(name)}
}

// nopHandler does nothing: what *slog.Logger itself costs.
type nopHandler struct{}

func (nopHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (nopHandler) Handle(context.Context, slog.Record) error { return nil }
func (h nopHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h nopHandler) WithGroup(string) slog.Handler           { return h }

// BenchmarkParallel logs ten attrs from every P at once; compare -cpu 1
// and -cpu 2 for how the handler scales.
func BenchmarkParallel(b *testing.B) {
	ctx := context.Background()
	attrs := tenAttrs()
	for _, name := range []string{"loggerjs-noredact", "slogJSON"} {
		logger := benchLoggers(b)[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					logger.LogAttrs(ctx, slog.LevelInfo, "msg", attrs...)
				}
			})
		})
	}
}
