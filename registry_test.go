package loggerjs_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
)

// resetRegistry puts the process-wide registry in the state a process
// starts in, before and after t.
func resetRegistry(t *testing.T) {
	t.Helper()
	loggerjs.ResetRegistry()
	t.Cleanup(loggerjs.ResetRegistry)
}

// TestRegistry walks a library's logger through the registry's life:
// buffered before Configure, routed after, following a reconfiguration,
// and counted on stderr after Shutdown.
func TestRegistry(t *testing.T) {
	resetRegistry(t)
	lib := loggerjs.GetLogger("lib", "parser")
	if lib != loggerjs.GetLogger("lib", "parser") {
		t.Error("GetLogger returned two loggers for one category")
	}
	if lib != loggerjs.GetLogger("lib.parser") || lib != loggerjs.GetLogger("lib", "", "parser") {
		t.Error(`GetLogger("lib.parser") is not GetLogger("lib", "parser")`)
	}
	if !lib.Enabled(context.Background(), loggerjs.LevelTrace) {
		t.Error("not enabled before Configure: the early buffer should take every level")
	}
	lib.Error("before configure")
	lib.Debug("before configure, below the level to come")

	first, second := sinks.Memory(), sinks.Memory()
	if err := loggerjs.Configure(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"first": first},
		Loggers: []loggerjs.LoggerConfig{{Category: []string{"lib"}, Sinks: []string{"first"}, Level: slog.LevelInfo}},
	}); err != nil {
		t.Fatal(err)
	}
	lib.Debug("below the level")
	lib.Info("one")
	if err := loggerjs.Configure(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"second": second},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"second"}, Level: slog.LevelDebug}},
	}); err != nil {
		t.Fatal(err)
	}
	lib.Debug("two")
	if got := first.Messages(); !slices.Equal(got, []string{"before configure", "one"}) {
		t.Errorf("first sink got %q", got)
	}
	if got := second.Messages(); !slices.Equal(got, []string{"two"}) {
		t.Errorf("second sink got %q", got)
	}
	if r := second.Records()[0]; r.CategoryName() != "lib.parser" {
		t.Errorf("category %q", r.CategoryName())
	}
	if err := loggerjs.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := loggerjs.Stats().AfterShutdown
	stderr := captureStderr(t, func() {
		lib.Error("after shutdown", "password", "hunter2")
		lib.Log(context.Background(), slog.LevelDebug-4, "below every level the retired configuration had")
	})
	if second.Len() != 1 {
		t.Error("logged after Shutdown")
	}
	if got := loggerjs.Stats().AfterShutdown - before; got != 1 {
		t.Errorf("AfterShutdown grew by %d, want 1", got)
	}
	if !strings.Contains(stderr, `msg="after shutdown"`) || !strings.Contains(stderr, "logger=lib.parser") ||
		strings.Contains(stderr, "hunter2") || strings.Contains(stderr, "below every level") {
		t.Errorf("stderr after Shutdown:\n%s", stderr)
	}
	if err := second.Write(context.Background(), loggerjs.NewRecord(slog.Record{})); err != loggerjs.ErrClosed {
		t.Errorf("Shutdown did not close the sink: %v", err)
	}
	if err := loggerjs.Shutdown(context.Background()); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
}

// TestEarlyBuffer checks that records logged under a buffering
// configuration are replayed, in order and through the new levels, into
// the first configuration with sinks, and that overflow is counted.
func TestEarlyBuffer(t *testing.T) {
	resetRegistry(t)
	before := loggerjs.Stats().EarlyBufferOverflow
	if err := loggerjs.Configure(loggerjs.Config{EarlyBuffer: 3}); err != nil {
		t.Fatal(err)
	}
	lib := loggerjs.GetLogger("lib")
	lib.Info("lost: overflowed")
	lib.Debug("kept but below the new level")
	lib.Info("kept 1")
	lib.Warn("kept 2")

	m, meta := sinks.Memory(), sinks.Memory()
	if err := loggerjs.Configure(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"m": m, "meta": meta},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"m"}, Level: slog.LevelInfo},
			{Category: loggerjs.MetaCategory, Sinks: []string{"meta"}, ParentSinks: loggerjs.Override},
		},
	}); err != nil {
		t.Fatal(err)
	}
	if got := m.Messages(); !slices.Equal(got, []string{"kept 1", "kept 2"}) {
		t.Errorf("replayed %q", got)
	}
	if got := loggerjs.Stats().EarlyBufferOverflow - before; got != 1 {
		t.Errorf("EarlyBufferOverflow grew by %d, want 1", got)
	}
	if got := meta.Messages(); len(got) != 1 || !strings.Contains(got[0], "EarlyBuffer was full") {
		t.Errorf("meta records %q", got)
	}
	lib.Info("live")
	if got := m.Len(); got != 3 {
		t.Errorf("after replay the logger is live: %d records", got)
	}
}

// TestEnvLevel checks LOGGERJS_LEVEL: a bare level for the root, dotted
// categories, a directive that opens a category below a stricter root, and
// a malformed directive reported on the meta logger and skipped.
func TestEnvLevel(t *testing.T) {
	t.Setenv(loggerjs.EnvLevel, "warn, app.db=debug, lib=loud, =info")
	m, meta := sinks.Memory(), sinks.Memory()
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"m": m, "meta": meta},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"m"}, Level: slog.LevelInfo},
			{Category: loggerjs.MetaCategory, Sinks: []string{"meta"}, ParentSinks: loggerjs.Override},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	logger.Info("root info: hidden by warn")
	logger.Warn("root warn")
	db := loggerjs.Child(logger, "app", "db")
	db.Debug("db debug")
	loggerjs.Child(db, "pool").Debug("pool debug")
	loggerjs.Child(logger, "app").Info("app info: hidden by the root's warn")
	if got, want := m.Messages(), []string{"root warn", "db debug", "pool debug"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	recs := meta.Records()
	if len(recs) != 2 {
		t.Fatalf("meta records: %d", len(recs))
	}
	if got := recs[1].Message(); got != loggerjs.EnvLevel+" overrides the level configured for a category" {
		t.Errorf("second meta record %q: the root's Info is overridden by warn", got)
	}
	text := recs[0].Err.Error()
	if !strings.Contains(text, `"lib=loud"`) || !strings.Contains(text, `"=info"`) {
		t.Errorf("meta error %q does not name the bad directives", text)
	}
}

// TestParseLevel checks the level names and their offsets.
func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want slog.Level
	}{
		{"trace", loggerjs.LevelTrace}, {"DEBUG", slog.LevelDebug}, {"info+2", slog.LevelInfo + 2},
		{"warning", slog.LevelWarn}, {"Error-1", slog.LevelError - 1}, {"fatal", loggerjs.LevelFatal},
		{"off", loggerjs.LevelOff}, {"-3", -3}, {"17", 17},
	} {
		got, err := loggerjs.ParseLevel(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "loud", "info+x", "off+1", "+3x"} {
		if _, err := loggerjs.ParseLevel(bad); err == nil {
			t.Errorf("ParseLevel(%q) succeeded", bad)
		}
	}
	for l, want := range map[slog.Level]string{
		loggerjs.LevelTrace: "TRACE", loggerjs.LevelTrace - 1: "TRACE-1", loggerjs.LevelTrace + 1: "TRACE+1",
		slog.LevelDebug: "DEBUG", slog.LevelInfo + 1: "INFO+1", slog.LevelError + 3: "ERROR+3",
		loggerjs.LevelFatal: "FATAL", loggerjs.LevelFatal + 2: "FATAL+2", loggerjs.LevelOff: "OFF",
	} {
		if got := loggerjs.LevelName(l); got != want {
			t.Errorf("LevelName(%d) = %q, want %q", int(l), got, want)
		}
		if back, err := loggerjs.ParseLevel(want); err != nil || back != l {
			t.Errorf("ParseLevel(LevelName(%d)) = %v, %v", int(l), back, err)
		}
	}
}
