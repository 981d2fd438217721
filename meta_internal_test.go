package loggerjs

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// failSink fails every write.
type failSink struct{}

func (failSink) Write(context.Context, *Record) error { return errors.New("collector unreachable") }
func (failSink) Flush(context.Context) error          { return nil }
func (failSink) Close(context.Context) error          { return nil }

// TestMetaFallbackRateLimit drives the stderr fallback with an injected
// clock: a burst of 10, then one per second, with the number suppressed
// carried on the next line.
func TestMetaFallbackRateLimit(t *testing.T) {
	var out bytes.Buffer
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e := newEngine()
	e.now = func() time.Time { return now }
	e.fallbackOut = &out
	e.getenv = func(string) string { return "" }
	if err := e.configure(Config{
		Sinks:   map[string]Sink{"bad": failSink{}},
		Loggers: []LoggerConfig{{Sinks: []string{"bad"}}},
	}); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(&Handler{eng: e})
	for range 25 {
		logger.Info("x")
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d fallback lines in the burst, want 10:\n%s", len(lines), out.String())
	}
	want := `time=2026-01-02T03:04:05.000Z level=ERROR msg="sink write failed; the record was lost to it" sink=bad error="collector unreachable" record_level=INFO record_category="" record_message=x logger=loggerjs.meta`
	if lines[0] != want {
		t.Errorf("line\n%s\nwant\n%s", lines[0], want)
	}
	if got := e.counters.stats(); got.SinkErrors != 25 || got.MetaSuppressed != 15 {
		t.Errorf("SinkErrors %d MetaSuppressed %d", got.SinkErrors, got.MetaSuppressed)
	}

	out.Reset()
	now = now.Add(1500 * time.Millisecond) // one token back, and a half
	logger.Info("y")
	logger.Info("z")
	if got := strings.Count(out.String(), "\n"); got != 1 {
		t.Fatalf("%d lines after 1.5s, want 1", got)
	}
	if !strings.Contains(out.String(), "suppressed=15") {
		t.Errorf("line does not carry the suppressed count: %s", out.String())
	}
}

// TestMetaRoutedNotFallback checks that when the meta category reaches a
// sink, nothing goes to the fallback writer, and that meta records below
// Warn never use the fallback.
func TestMetaRoutedNotFallback(t *testing.T) {
	var out bytes.Buffer
	e := newEngine()
	e.fallbackOut = &out
	e.getenv = func(string) string { return "" }
	var got []string
	collect := MiddlewareFunc(func(_ context.Context, r *Record) bool {
		if r.Source == metaSource {
			got = append(got, r.Message())
		}
		return true
	})
	if err := e.configure(Config{
		Sinks:      map[string]Sink{"bad": failSink{}, "ok": &nopSink{}},
		Middleware: []Middleware{collect},
		Loggers: []LoggerConfig{
			{Category: []string{"app"}, Sinks: []string{"bad"}},
			{Category: MetaCategory, Sinks: []string{"ok"}},
		},
	}); err != nil {
		t.Fatal(err)
	}
	slog.New(&Handler{eng: e}).With(Category("app")).Info("x")
	if out.Len() != 0 {
		t.Errorf("fallback used: %s", out.String())
	}
	if len(got) != 1 {
		t.Errorf("meta records routed: %q", got)
	}
	e.report(nil, slog.LevelInfo, "informational")
	e.snap.Store(nil)
	e.report(nil, slog.LevelInfo, "unconfigured, below Warn")
	if out.Len() != 0 {
		t.Errorf("fallback used below Warn: %s", out.String())
	}
}

type nopSink struct{}

func (*nopSink) Write(context.Context, *Record) error { return nil }
func (*nopSink) Flush(context.Context) error          { return nil }
func (*nopSink) Close(context.Context) error          { return nil }
