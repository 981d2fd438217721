package loggerjs_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
)

// uncomparableSink is a sink whose type cannot be a map key: it holds a
// slice.
type uncomparableSink struct {
	_ []string
}

func (uncomparableSink) Write(context.Context, *loggerjs.Record) error { return nil }
func (uncomparableSink) Flush(context.Context) error                   { return nil }
func (uncomparableSink) Close(context.Context) error                   { return nil }

// TestConfigErrors checks each bad configuration: an error naming the
// field, from NewHandler and from Configure, and the running configuration
// untouched.
func TestConfigErrors(t *testing.T) {
	good := sinks.Memory()
	var nilMemory *sinks.MemorySink
	var nilLevelVar *slog.LevelVar
	tests := []struct {
		name string
		cfg  loggerjs.Config
		want string
	}{
		{"unknown sink", loggerjs.Config{
			Sinks:   map[string]loggerjs.Sink{"a": good},
			Loggers: []loggerjs.LoggerConfig{{Category: []string{"app"}, Sinks: []string{"b"}}},
		}, `Config.Loggers[0] (category "app"): unknown sink "b"`},
		{"same category twice", loggerjs.Config{
			Loggers: []loggerjs.LoggerConfig{{Category: []string{"app"}}, {Category: []string{"x"}}, {Category: []string{"app"}}},
		}, `Config.Loggers[2] (category "app"): category already configured by Config.Loggers[0]`},
		{"root twice", loggerjs.Config{
			Loggers: []loggerjs.LoggerConfig{{}, {Category: []string{}}},
		}, `Config.Loggers[1] (category (root)): category already configured`},
		{"nil sink", loggerjs.Config{Sinks: map[string]loggerjs.Sink{"a": nil}}, `Config.Sinks["a"]: nil sink`},
		{"typed nil sink", loggerjs.Config{Sinks: map[string]loggerjs.Sink{"a": nilMemory}}, `Config.Sinks["a"]: nil sink`},
		{"empty sink name", loggerjs.Config{Sinks: map[string]loggerjs.Sink{"": good}}, `Config.Sinks: empty sink name`},
		{"uncomparable sink", loggerjs.Config{Sinks: map[string]loggerjs.Sink{"u": uncomparableSink{}}}, `Config.Sinks["u"]: sink type loggerjs_test.uncomparableSink is not comparable`},
		{"nil global middleware", loggerjs.Config{Middleware: []loggerjs.Middleware{nil}}, `Config.Middleware[0]: nil middleware`},
		{"nil func middleware", loggerjs.Config{Middleware: []loggerjs.Middleware{loggerjs.MiddlewareFunc(nil)}}, `Config.Middleware[0]: nil middleware`},
		{"nil logger middleware", loggerjs.Config{
			Loggers: []loggerjs.LoggerConfig{{Category: []string{"a"}, Middleware: []loggerjs.Middleware{nil}}},
		}, `Config.Loggers[0] (category "a"): Middleware[0]: nil middleware`},
		{"nil sink middleware", loggerjs.Config{
			Sinks: map[string]loggerjs.Sink{"s": loggerjs.WithMiddleware(good, nil)},
		}, `Config.Sinks["s"]: WithMiddleware: middleware 0 is nil`},
		{"empty category name", loggerjs.Config{
			Loggers: []loggerjs.LoggerConfig{{Category: []string{"app", ""}}},
		}, `Config.Loggers[0] (category "app."): empty name in category`},
		{"bad ParentSinks", loggerjs.Config{
			Loggers: []loggerjs.LoggerConfig{{ParentSinks: 7}},
		}, `ParentSinks: unknown value 7`},
		{"nil LevelVar", loggerjs.Config{
			Loggers: []loggerjs.LoggerConfig{{Level: nilLevelVar}},
		}, `Level: nil *slog.LevelVar`},
		{"negative EarlyBuffer", loggerjs.Config{EarlyBuffer: -1}, `Config.EarlyBuffer: -1 is negative`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := loggerjs.NewHandler(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewHandler error = %v, want it to contain %q", err, tt.want)
			}

			// Configure on a running tree: the error, and the old
			// configuration still in force.
			m := sinks.Memory()
			h, err := loggerjs.NewHandler(loggerjs.Config{
				Sinks:   map[string]loggerjs.Sink{"m": m},
				Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := h.Configure(tt.cfg); err == nil || !strings.HasPrefix(err.Error(), "loggerjs: ") {
				t.Fatalf("Configure error = %v", err)
			}
			slog.New(h).Info("still routed")
			if m.Len() != 1 {
				t.Errorf("after a failed Configure the old configuration is gone: %d records", m.Len())
			}
		})
	}
}

// TestConfigureSwap checks that a new configuration reaches handlers made
// before it, and that sinks no longer named are flushed and closed while
// kept ones stay open.
func TestConfigureSwap(t *testing.T) {
	a, b := sinks.Memory(), sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"a": a, "b": b},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"a", "b"}, Level: slog.LevelWarn}},
	})
	if err != nil {
		t.Fatal(err)
	}
	db := loggerjs.Child(slog.New(h), "db")
	db.Info("before: below Warn")
	if err := h.Configure(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"renamed": a},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"renamed"}, Level: slog.LevelInfo}},
	}); err != nil {
		t.Fatal(err)
	}
	db.Info("after")
	if got := a.Messages(); len(got) != 1 || got[0] != "after" {
		t.Errorf("kept sink got %q", got)
	}
	if err := b.Write(context.Background(), loggerjs.NewRecord(slog.Record{})); err != loggerjs.ErrClosed {
		t.Errorf("retired sink not closed: Write = %v", err)
	}
	if err := a.Write(context.Background(), loggerjs.NewRecord(slog.Record{})); err != nil {
		t.Errorf("kept sink closed: Write = %v", err)
	}
}
