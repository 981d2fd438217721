package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	slogmulti "github.com/samber/slog-multi"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/contextx"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

func noTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

// lines returns the JSON lines written to buf, decoded.
func lines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("bad line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// tagStage is a slog-multi inline middleware that adds an attr.
func tagStage() slogmulti.Middleware {
	return slogmulti.NewHandleInlineMiddleware(func(ctx context.Context, r slog.Record, next func(context.Context, slog.Record) error) error {
		r.AddAttrs(slog.String("stage", "tagged"))
		return next(ctx, r)
	})
}

// dropNoiseStage is a slog-multi inline middleware that drops records
// whose message starts with "noise".
func dropNoiseStage() slogmulti.Middleware {
	return slogmulti.NewHandleInlineMiddleware(func(ctx context.Context, r slog.Record, next func(context.Context, slog.Record) error) error {
		if strings.HasPrefix(r.Message, "noise") {
			return nil
		}
		return next(ctx, r)
	})
}

// upperAttrsStage rewrites bound attrs through WithAttrs, as
// slog-formatter does.
func upperAttrsStage() slogmulti.Middleware {
	return slogmulti.NewWithAttrsInlineMiddleware(func(attrs []slog.Attr, next func([]slog.Attr) slog.Handler) slog.Handler {
		out := make([]slog.Attr, len(attrs))
		for i, a := range attrs {
			out[i] = slog.String(a.Key, strings.ToUpper(a.Value.String()))
		}
		return next(out)
	})
}

// TestSlogMultiPipeInsideLoggerjs runs a slog-multi Pipe as loggerjs
// middleware: its stages add attrs, drop records and rewrite bound attrs,
// and what comes out reaches the loggerjs sink, redacted and enriched.
func TestSlogMultiPipeInsideLoggerjs(t *testing.T) {
	var buf bytes.Buffer
	pipe := middleware.FromSlog(func(h slog.Handler) slog.Handler {
		return slogmulti.Pipe(tagStage(), dropNoiseStage(), upperAttrsStage()).Handler(h)
	})
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": sinks.Writer(&buf, codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime}))},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
		Middleware: []loggerjs.Middleware{pipe, middleware.Enrich(slog.String("service", "api"))},
	})
	if err != nil {
		t.Fatal(err)
	}
	l := logger.With("user", "ada")
	l.Info("hello", "password", "hunter2")
	l.Info("noise: dropped")
	l.WithGroup("g").Info("grouped", "n", 1)

	got := lines(t, &buf)
	if len(got) != 2 {
		t.Fatalf("%d records, want 2: %s", len(got), buf.String())
	}
	first := got[0]
	if first["msg"] != "hello" || first["stage"] != "tagged" || first["user"] != "ADA" ||
		first["password"] != "[REDACTED]" || first["service"] != "api" {
		t.Errorf("first record %v", first)
	}
	g, _ := got[1]["g"].(map[string]any)
	if got[1]["user"] != "ADA" || g == nil || g["stage"] != "tagged" || g["n"] != float64(1) {
		t.Errorf("second record %v", got[1])
	}
	if pipe.Dropped() != 1 {
		t.Errorf("Dropped() = %d, want 1", pipe.Dropped())
	}
}

// TestLoggerjsMiddlewareInsideSlogMulti runs loggerjs middleware as a
// slog-multi Pipe stage in front of a plain slog.JSONHandler, fanned out
// with slog-multi to a loggerjs handler too.
func TestLoggerjsMiddlewareInsideSlogMulti(t *testing.T) {
	rd, err := middleware.Redact(nil)
	if err != nil {
		t.Fatal(err)
	}
	var plain, ours bytes.Buffer
	lh, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"out": sinks.Writer(&ours, codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime}))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := slogmulti.Pipe(middleware.ToSlog(loggerjs.Redaction(rd), middleware.Trace(nil))).Handler(
		slogmulti.Fanout(slog.NewJSONHandler(&plain, &slog.HandlerOptions{ReplaceAttr: noTime}), lh),
	)
	tp, _ := contextx.ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	ctx := contextx.WithTraceparent(context.Background(), tp)
	slog.New(h).With("token", "t0k3n").WithGroup("req").InfoContext(ctx, "served", "cookie", "c=1")

	for name, buf := range map[string]*bytes.Buffer{"slog.JSONHandler": &plain, "loggerjs": &ours} {
		got := lines(t, buf)
		if len(got) != 1 {
			t.Fatalf("%s: %d records: %s", name, len(got), buf.String())
		}
		out := buf.String()
		if strings.Contains(out, "t0k3n") || strings.Contains(out, "c=1") {
			t.Errorf("%s: secret written: %s", name, out)
		}
		if got[0]["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" || got[0]["span_id"] != "00f067aa0ba902b7" {
			t.Errorf("%s: trace ids not at the top level: %s", name, out)
		}
	}
}

// TestSlogMultiPoolUnderRace fans records out through slog-multi's Pool
// (racy before v1.8.0) to a loggerjs handler, from many goroutines, with
// a loggerjs middleware in front: run with -race.
func TestSlogMultiPoolUnderRace(t *testing.T) {
	mem := sinks.Memory()
	lh, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"mem": mem},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"mem"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	mem2 := sinks.Memory()
	lh2, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"mem": mem2},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"mem"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slogmulti.Pipe(middleware.ToSlog(middleware.Enrich(slog.String("via", "pool")))).Handler(slogmulti.Pool()(lh, lh2)))
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			l := logger.With("worker", i)
			for range 25 {
				l.Info("tick", "password", "p")
			}
		})
	}
	wg.Wait()
	if n := mem.Len() + mem2.Len(); n != 500 {
		t.Errorf("%d records reached the pool's handlers, want 500", n)
	}
	for _, r := range append(mem.Records(), mem2.Records()...) {
		var pw string
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "password" {
				pw = a.Value.String()
			}
			return true
		})
		if pw != "[REDACTED]" {
			t.Fatalf("password %q reached the sink", pw)
		}
	}
}
