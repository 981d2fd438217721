package loggerjs_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
)

// TestConcurrentLoggingAndConfigure logs from many goroutines, through
// sibling loggers, while the configuration swaps between two sinks: every
// record lands in exactly one of them, and -race sees no data race.
func TestConcurrentLoggingAndConfigure(t *testing.T) {
	a, b := sinks.Memory(), sinks.Memory()
	cfgFor := func(name string) loggerjs.Config {
		// Both sinks stay named, so neither is closed by a swap.
		return loggerjs.Config{
			Sinks:   map[string]loggerjs.Sink{"a": a, "b": b},
			Loggers: []loggerjs.LoggerConfig{{Sinks: []string{name}}},
		}
	}
	h, err := loggerjs.NewHandler(cfgFor("a"))
	if err != nil {
		t.Fatal(err)
	}
	root := slog.New(h)
	const goroutines, perG = 16, 200
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := loggerjs.Child(root, "worker").With("g", g).WithGroup("req")
			for i := range perG {
				l.Info("tick", "i", i)
			}
		}()
	}
	for i := range 50 {
		name := "a"
		if i%2 == 0 {
			name = "b"
		}
		if err := h.Configure(cfgFor(name)); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if got := a.Len() + b.Len(); got != goroutines*perG {
		t.Errorf("%d records delivered, want %d", got, goroutines*perG)
	}
	if lost := h.Stats().Lost(); lost != 0 {
		t.Errorf("lost %d", lost)
	}
}

// TestStatsAfterClose checks that a sink's final counts stay readable
// after Close.
func TestStatsAfterClose(t *testing.T) {
	m := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"m": m},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = m.Close(context.Background())
	captureStderr(t, func() { slog.New(h).Warn("late") })
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := h.Stats().RetiredSinks["m"].WriteAfterClose; got != 1 {
		t.Errorf("after Close, retired sink m WriteAfterClose = %d, want 1", got)
	}
}
