package middleware_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/contextx"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

// noTime drops the time so that example output is stable.
func noTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

// stdout returns a logger over a JSON sink on standard output.
func stdout(cfg loggerjs.Config) *slog.Logger {
	cfg.Sinks = map[string]loggerjs.Sink{"out": sinks.Stdout(codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime}))}
	cfg.Loggers = []loggerjs.LoggerConfig{{Sinks: []string{"out"}, Level: slog.LevelDebug}}
	logger, err := loggerjs.New(cfg)
	if err != nil {
		panic(err)
	}
	return logger
}

func Example_defaultRedaction() {
	logger := stdout(loggerjs.Config{}) // redaction is on by default
	logger.Info("login", "user", "ada", "password", "hunter2",
		slog.Any("headers", map[string][]string{"Authorization": {"Bearer abc"}}))
	// Output:
	// {"level":"INFO","msg":"login","user":"ada","password":"[REDACTED]","headers":{"Authorization":["[REDACTED]"]}}
}

func ExampleRedact() {
	rd, err := middleware.Redact(&middleware.RedactOptions{
		Keys:         []string{"ssn"},
		Paths:        []string{"user.pin"},
		Patterns:     []middleware.Pattern{middleware.CardNumber()},
		Pseudonymize: []string{"email"},
		HMACKey:      []byte("a key from your secret store"),
	})
	if err != nil {
		panic(err)
	}
	logger := stdout(loggerjs.Config{Redactor: rd})
	logger.Info("paid with 4111 1111 1111 1111", "ssn", "078-05-1120",
		slog.Group("user", "pin", "1234", "email", "ada@example.com"))
	// Output:
	// {"level":"INFO","msg":"paid with [REDACTED]","ssn":"[REDACTED]","user":{"pin":"[REDACTED]","email":"hmac:55caa5e1a37a40d6e11ccf7bcf57646f"}}
}

func ExampleSample() {
	// Keep one record in ten below Error, decided by request: a request
	// is logged whole or not at all.
	s := middleware.Sample(0.1, &middleware.SampleOptions{Key: "request_id"})
	logger := stdout(loggerjs.Config{Middleware: []loggerjs.Middleware{s}})
	logger.Error("always kept", "request_id", "r1")
	fmt.Println("dropped:", s.Dropped())
	// Output:
	// {"level":"ERROR","msg":"always kept","request_id":"r1"}
	// dropped: 0
}

func ExampleRateLimit() {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l, err := middleware.RateLimit(1, 2, &middleware.RateLimitOptions{Now: func() time.Time { return clock }})
	if err != nil {
		panic(err)
	}
	logger := stdout(loggerjs.Config{Middleware: []loggerjs.Middleware{l}})
	for range 5 {
		logger.Warn("queue full")
	}
	clock = clock.Add(time.Second)
	logger.Warn("queue full")
	// Output:
	// {"level":"WARN","msg":"queue full"}
	// {"level":"WARN","msg":"queue full"}
	// {"level":"WARN","msg":"queue full","suppressed":3}
}

func ExampleDedupe() {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d, err := middleware.Dedupe(time.Second, &middleware.DedupeOptions{Now: func() time.Time { return clock }})
	if err != nil {
		panic(err)
	}
	logger := stdout(loggerjs.Config{Middleware: []loggerjs.Middleware{d}})
	for range 4 {
		logger.Error("connection refused")
	}
	clock = clock.Add(time.Second)
	logger.Error("connection refused")
	// Output:
	// {"level":"ERROR","msg":"connection refused"}
	// {"level":"ERROR","msg":"connection refused","repeated":3}
}

func ExampleFingersCrossed() {
	fc, err := middleware.FingersCrossed(sinks.Stdout(codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime})), nil)
	if err != nil {
		panic(err)
	}
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"fc": fc},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"fc"}, Level: slog.LevelDebug}},
	})
	serve := func(fail bool) {
		ctx, end := fc.Begin(context.Background())
		defer end()
		logger.DebugContext(ctx, "parsed request", "fail", fail)
		if fail {
			logger.ErrorContext(ctx, "handler failed")
		}
	}
	serve(false) // nothing written
	serve(true)  // the debug record, then the error
	// Output:
	// {"level":"DEBUG","msg":"parsed request","fail":true}
	// {"level":"ERROR","msg":"handler failed"}
}

func ExampleEnrich() {
	logger := stdout(loggerjs.Config{Middleware: []loggerjs.Middleware{
		middleware.Enrich(slog.String("service", "api")),
		middleware.EnrichFunc(func(ctx context.Context) []slog.Attr {
			if region, ok := ctx.Value(regionKey{}).(string); ok {
				return []slog.Attr{slog.String("region", region)}
			}
			return nil
		}),
	}})
	ctx := context.WithValue(context.Background(), regionKey{}, "eu-west-1")
	logger.WithGroup("http").InfoContext(ctx, "served", "status", 200)
	// Output:
	// {"level":"INFO","msg":"served","service":"api","region":"eu-west-1","http":{"status":200}}
}

type regionKey struct{}

func ExampleTags() {
	logger := stdout(loggerjs.Config{Middleware: []loggerjs.Middleware{
		middleware.Tags("billing"), middleware.Type("audit"),
	}})
	logger.Info("invoice sent")
	// Output:
	// {"level":"INFO","msg":"invoice sent","tags":["billing"],"type":"audit"}
}

func ExampleTrace() {
	logger := stdout(loggerjs.Config{Middleware: []loggerjs.Middleware{middleware.Trace(nil)}})
	tp, _ := contextx.ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	ctx := contextx.WithTraceparent(context.Background(), tp)
	logger.WithGroup("db").InfoContext(ctx, "query", "rows", 3)
	// Output:
	// {"level":"INFO","msg":"query","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","db":{"rows":3}}
}

// upper is a slog middleware of the kind the ecosystem writes: it
// upper-cases the message and hands the record on.
func upper(next slog.Handler) slog.Handler { return upperHandler{next} }

type upperHandler struct{ slog.Handler }

func (h upperHandler) Handle(ctx context.Context, r slog.Record) error {
	r2 := slog.NewRecord(r.Time, r.Level, fmt.Sprintf("%s!", r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool { r2.AddAttrs(a); return true })
	return h.Handler.Handle(ctx, r2)
}
func (h upperHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return upperHandler{h.Handler.WithAttrs(as)}
}
func (h upperHandler) WithGroup(g string) slog.Handler { return upperHandler{h.Handler.WithGroup(g)} }

func ExampleFromSlog() {
	logger := stdout(loggerjs.Config{Middleware: []loggerjs.Middleware{middleware.FromSlog(upper)}})
	logger.With("user", "ada").Info("hello", "n", 1)
	// Output:
	// {"level":"INFO","msg":"hello!","user":"ada","n":1}
}

func ExampleWrap() {
	// loggerjs middleware in front of a plain slog.Handler.
	h := middleware.Wrap(
		slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}),
		loggerjs.Redaction(mustRedact()), middleware.Enrich(slog.String("service", "api")),
	)
	slog.New(h).Info("login", "token", "t0k3n")
	// Output:
	// level=INFO msg=login service=api token=[REDACTED]
}

func mustRedact() *middleware.Redactor {
	rd, err := middleware.Redact(nil)
	if err != nil {
		panic(err)
	}
	return rd
}

func ExampleToSlog() {
	// The shape of a slog-multi Pipe stage: func(slog.Handler) slog.Handler.
	stage := middleware.ToSlog(middleware.Type("audit"))
	slog.New(stage(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}))).Info("role granted")
	// Output:
	// {"level":"INFO","msg":"role granted","type":"audit"}
}

func ExampleFingersCrossedOptions() {
	// LogTape's isolateByContext: each request is held on its own and
	// released by its own error; Info passes straight through.
	fc, err := middleware.FingersCrossed(sinks.Stdout(codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime})), &middleware.FingersCrossedOptions{
		Capacity:    100,
		BufferLevel: slog.LevelDebug,
		ContextKeys: []string{"request_id"},
		MaxBuffers:  10000,
		TTL:         5 * time.Minute,
	})
	if err != nil {
		panic(err)
	}
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"fc": fc},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"fc"}, Level: slog.LevelDebug}},
	})
	r1 := contextx.With(context.Background(), slog.String("request_id", "r1"))
	r2 := contextx.With(context.Background(), slog.String("request_id", "r2"))
	logger.DebugContext(r1, "cache miss")
	logger.DebugContext(r2, "cache hit")
	logger.InfoContext(r2, "served")
	logger.ErrorContext(r1, "query failed")
	// Output:
	// {"level":"INFO","msg":"served","request_id":"r2"}
	// {"level":"DEBUG","msg":"cache miss","request_id":"r1"}
	// {"level":"ERROR","msg":"query failed","request_id":"r1"}
}

func ExampleRateLimitFixedWindow() {
	// LogTape's getThrottlingFilter: 2 records per second per (category,
	// level, message), and a summary when suppression ends.
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h, _ := loggerjs.NewHandler(loggerjs.Config{})
	logger := slog.New(h)
	l, err := middleware.RateLimitFixedWindow(2, time.Second, &middleware.RateLimitOptions{
		Summary: logger,
		Now:     func() time.Time { return clock },
	})
	if err != nil {
		panic(err)
	}
	_ = h.Configure(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": sinks.Stdout(codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime}))},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
		Middleware: []loggerjs.Middleware{l},
	})
	for i := range 5 {
		logger.Warn("retrying", "attempt", i)
	}
	clock = clock.Add(time.Second)
	logger.Warn("retrying", "attempt", 5)
	// Output:
	// {"level":"WARN","msg":"retrying","attempt":0}
	// {"level":"WARN","msg":"retrying","attempt":1}
	// {"level":"WARN","msg":"suppressed 3 records","key":{"category":"","level":"WARN","message":"retrying"},"allowed":2,"suppressed":3,"window_start":"2026-01-01T00:00:00Z","window_end":"2026-01-01T00:00:01Z","reason":"window"}
	// {"level":"WARN","msg":"retrying","attempt":5}
}

func ExampleFirstThenEvery() {
	// zap's sampler: per level and message, the first 2 records of each
	// second, then every 3rd.
	clock := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	s, err := middleware.FirstThenEvery(2, 3, time.Second, &middleware.CountSampleOptions{Now: clock})
	if err != nil {
		panic(err)
	}
	logger := stdout(loggerjs.Config{Middleware: []loggerjs.Middleware{s}})
	for i := 1; i <= 8; i++ {
		logger.Info("tick", "n", i)
	}
	fmt.Println("kept:", s.Kept(), "dropped:", s.Dropped())
	// Output:
	// {"level":"INFO","msg":"tick","n":1}
	// {"level":"INFO","msg":"tick","n":2}
	// {"level":"INFO","msg":"tick","n":5}
	// {"level":"INFO","msg":"tick","n":8}
	// kept: 4 dropped: 4
}

func ExampleBurst() {
	// zerolog's BurstSampler with a BasicSampler after the burst: 2
	// records a minute, then every 3rd.
	every3, err := middleware.EveryNth(3, nil)
	if err != nil {
		panic(err)
	}
	clock := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	s, err := middleware.Burst(2, time.Minute, every3, &middleware.CountSampleOptions{Now: clock})
	if err != nil {
		panic(err)
	}
	logger := stdout(loggerjs.Config{Middleware: []loggerjs.Middleware{s}})
	for i := 1; i <= 7; i++ {
		logger.Info("event", "n", i)
	}
	// Output:
	// {"level":"INFO","msg":"event","n":1}
	// {"level":"INFO","msg":"event","n":2}
	// {"level":"INFO","msg":"event","n":3}
	// {"level":"INFO","msg":"event","n":6}
}

func ExampleMinLevel() {
	// One sink at Warn while the route carries Debug.
	out := sinks.Stdout(codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime}))
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"alerts": loggerjs.WithMiddleware(out, middleware.MinLevel(slog.LevelWarn))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"alerts"}, Level: slog.LevelDebug}},
	})
	logger.Debug("detail")
	logger.Warn("disk almost full")
	// Output:
	// {"level":"WARN","msg":"disk almost full"}
}
