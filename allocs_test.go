//go:build !race

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

func discardLogger(t testing.TB, level slog.Level) *slog.Logger {
	t.Helper()
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"discard": sinks.Writer(io.Discard, codecs.JSON(nil))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"discard"}, Level: level}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return logger
}

// TestAllocs checks the allocation contract through *slog.Logger: none for
// a disabled call, none for an enabled call with up to five attrs into the
// JSON codec and a discarding writer.
func TestAllocs(t *testing.T) {
	logger := discardLogger(t, slog.LevelInfo)
	ctx := context.Background()
	errBoom := errors.New("boom")
	app := loggerjs.Child(logger, "app").With("svc", "api")
	tests := []struct {
		name string
		f    func()
	}{
		{"disabled", func() { logger.Debug("msg", "a", 1, "b", "two", "c", true) }},
		{"no attrs", func() { logger.Info("msg") }},
		{"five attrs", func() {
			logger.LogAttrs(ctx, slog.LevelInfo, "msg", slog.Int("a", 1), slog.String("b", "two"),
				slog.Bool("c", true), slog.Duration("d", time.Second), slog.Any("err", errBoom))
		}},
		{"five attrs as args", func() { logger.Info("msg", "a", 1, "b", "two", "c", true, "d", 2.5, "e", errBoom) }},
		{"category and bound attrs", func() { app.Info("msg", "a", 1) }},
		{"LogValuer and error through the default redactor", func() {
			logger.LogAttrs(ctx, slog.LevelInfo, "msg", slog.Any("user", nameValuer("ada")), slog.Any("err", errBoom))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f() // warm the route cache and pools
			if n := testing.AllocsPerRun(100, tt.f); n != 0 {
				t.Errorf("%v allocations per call, want 0", n)
			}
		})
	}
	t.Run("registry logger before Configure, early buffer full", func(t *testing.T) {
		loggerjs.ResetRegistry()
		t.Cleanup(loggerjs.ResetRegistry)
		lib := loggerjs.GetLogger("unconfigured")
		for range loggerjs.DefaultEarlyBuffer {
			lib.Info("fills the buffer")
		}
		before := loggerjs.Stats().EarlyBufferOverflow
		f := func() { lib.Error("msg", "a", 1) }
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%v allocations per call, want 0", n)
		}
		if got := loggerjs.Stats().EarlyBufferOverflow - before; got != 101 {
			t.Errorf("EarlyBufferOverflow grew by %d, want 101", got)
		}
	})
}

// nameValuer is a LogValuer whose value costs no allocation.
type nameValuer string

func (n nameValuer) LogValue() slog.Value { return slog.StringValue(string(n)) }
