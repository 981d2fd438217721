package loggerjs_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/loggerjs/loggerjs"
)

// TestRuntimeLevels checks SetLevel and ResetLevel: a runtime level wins
// over LOGGERJS_LEVEL, which wins over LoggerConfig.Level; it survives
// Configure until reset; Levels reports each category's level and where
// it comes from.
func TestRuntimeLevels(t *testing.T) {
	t.Setenv(loggerjs.EnvLevel, "app=warn")
	out := &recSink{}
	cfg := loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"out": out},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"out"}, Level: slog.LevelInfo},
			{Category: []string{"app"}, Level: slog.LevelError},
			{Category: loggerjs.MetaCategory, Sinks: []string{}, ParentSinks: loggerjs.Override},
		},
	}
	h, root := newTree(t, cfg)
	defer h.Close(context.Background())
	db := loggerjs.Child(root, "app", "db")
	enabled := func(l slog.Level) bool { return db.Enabled(context.Background(), l) }
	if enabled(slog.LevelInfo) || !enabled(slog.LevelWarn) {
		t.Error("env's warn does not win over the config's error")
	}
	if err := h.SetLevel("app.db", slog.LevelDebug); err != nil {
		t.Fatal(err)
	}
	if !enabled(slog.LevelDebug) || enabled(loggerjs.LevelTrace) {
		t.Error("the runtime level does not win, or lets Trace through")
	}
	if err := h.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	if !enabled(slog.LevelDebug) {
		t.Error("the runtime level did not survive Configure")
	}
	levels := h.Levels()
	i := slices.IndexFunc(levels, func(c loggerjs.CategoryLevel) bool { return c.Category == "app.db" })
	if i < 0 || levels[i] != (loggerjs.CategoryLevel{Category: "app.db", Level: slog.LevelDebug, Source: "runtime", From: "app.db", Configured: true}) {
		t.Errorf("Levels: %+v", levels)
	}
	j := slices.IndexFunc(levels, func(c loggerjs.CategoryLevel) bool { return c.Category == "app" })
	if j < 0 || levels[j].Source != "env" || levels[j].Level != slog.LevelWarn {
		t.Errorf("Levels: %+v", levels)
	}
	if err := h.ResetLevel("app.db"); err != nil {
		t.Fatal(err)
	}
	if enabled(slog.LevelInfo) || !enabled(slog.LevelWarn) {
		t.Error("ResetLevel did not bring the env's level back")
	}
	if err := h.ResetLevel("app.db"); err != nil {
		t.Errorf("a second ResetLevel: %v", err)
	}
	for _, bad := range []string{"app..db", ".app", "app."} {
		if err := h.SetLevel(bad, slog.LevelDebug); err == nil {
			t.Errorf("SetLevel(%q) accepted", bad)
		}
	}
}

// TestRuntimeLevelsConcurrent changes a level while 8 goroutines log:
// every record logged while the level lets it through is delivered.
func TestRuntimeLevelsConcurrent(t *testing.T) {
	out := &recSink{}
	h, root := newTree(t, loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"out": out},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}, Level: slog.LevelInfo}},
	})
	defer h.Close(context.Background())
	var wg sync.WaitGroup
	var infos atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := loggerjs.Child(root, "svc")
			for range 500 {
				l.Debug("debug")
				l.Info("info")
				infos.Add(1)
			}
		}()
	}
	for i := range 200 {
		level := slog.LevelDebug
		if i%2 == 1 {
			level = slog.LevelWarn
		}
		if err := h.SetLevel("svc", level); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.ResetLevel("svc"); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if st := h.Stats(); st.Lost() != 0 {
		t.Errorf("lost %d", st.Lost())
	}
	if infos.Load() != 4000 {
		t.Errorf("%d Info calls", infos.Load())
	}

	// Once SetLevel returns, every goroutine's logger sees the level.
	burst := func(l slog.Level) int {
		before := len(out.messages())
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 100 {
					loggerjs.Child(root, "svc", "worker").Log(context.Background(), l, "burst")
				}
			}()
		}
		wg.Wait()
		return len(out.messages()) - before
	}
	if err := h.SetLevel("svc", slog.LevelWarn); err != nil {
		t.Fatal(err)
	}
	if n := burst(slog.LevelInfo); n != 0 {
		t.Errorf("%d Info records delivered under Warn", n)
	}
	if err := h.SetLevel("svc.worker", slog.LevelDebug); err != nil {
		t.Fatal(err)
	}
	if n := burst(slog.LevelDebug); n != 800 {
		t.Errorf("%d Debug records delivered under Debug, want 800", n)
	}
}

// TestLevelsRemembersSeenCategories checks that Levels lists the
// categories logged to, also after SetLevel and Configure replace the
// configuration.
func TestLevelsRemembersSeenCategories(t *testing.T) {
	cfg := loggerjs.Config{Sinks: map[string]loggerjs.Sink{"out": &recSink{}}, Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}}}}
	h, root := newTree(t, cfg)
	defer h.Close(context.Background())
	loggerjs.Child(root, "lib.parser").Info("seen")
	has := func() bool {
		return slices.ContainsFunc(h.Levels(), func(c loggerjs.CategoryLevel) bool { return c.Category == "lib.parser" })
	}
	if !has() {
		t.Fatal("a category logged to is not listed")
	}
	if err := h.SetLevel("app", slog.LevelWarn); err != nil {
		t.Fatal(err)
	}
	if err := h.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	if !has() {
		t.Error("SetLevel and Configure made Levels forget a category logged to")
	}
}
