package middleware_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

func fcLogger(t *testing.T, opts *middleware.FingersCrossedOptions) (*slog.Logger, *middleware.FingersCrossedSink, *sinks.MemorySink) {
	t.Helper()
	mem := sinks.Memory()
	fc := must(middleware.FingersCrossed(mem, opts))(t)
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"fc": fc},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"fc"}, Level: slog.LevelDebug}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return logger, fc, mem
}

// TestFingersCrossedRequestIsolation runs 100 concurrent requests, each
// in its own scope; every third fails. A failed request's sink output is
// exactly its own records, in order; the others write nothing; nothing
// is held once every scope has ended.
func TestFingersCrossedRequestIsolation(t *testing.T) {
	const requests, steps = 100, 5
	logger, fc, mem := fcLogger(t, &middleware.FingersCrossedOptions{Capacity: 16})
	var wg sync.WaitGroup
	for i := range requests {
		wg.Go(func() {
			ctx, end := fc.Begin(context.Background())
			defer end()
			id := fmt.Sprintf("req-%03d", i)
			l := logger.With("request_id", id)
			for s := range steps {
				l.DebugContext(ctx, fmt.Sprintf("step %d", s))
			}
			if i%3 == 0 {
				l.ErrorContext(ctx, "failed")
				l.DebugContext(ctx, "after") // the scope passes through now
			}
		})
	}
	wg.Wait()

	byRequest := map[string][]string{}
	for _, r := range mem.Records() {
		id := ""
		for _, a := range r.Scope.Attrs() {
			if a.Key == "request_id" {
				id = a.Value.String()
			}
		}
		byRequest[id] = append(byRequest[id], r.Message())
	}
	failed := 0
	for i := range requests {
		id := fmt.Sprintf("req-%03d", i)
		got := byRequest[id]
		if i%3 != 0 {
			if len(got) != 0 {
				t.Errorf("%s did not fail, yet wrote %q", id, got)
			}
			continue
		}
		failed++
		want := []string{"step 0", "step 1", "step 2", "step 3", "step 4", "failed", "after"}
		if !equalStrings(got, want) {
			t.Errorf("%s wrote %q, want %q", id, got, want)
		}
	}
	if len(byRequest) != failed {
		t.Errorf("records of %d requests written, want %d", len(byRequest), failed)
	}
	st := fc.SinkStats()
	if fc.Held() != 0 || st["held"] != 0 {
		t.Errorf("%d records still held after every scope ended", fc.Held())
	}
	if want := int64((requests - failed) * steps); st["filtered_discarded"] != want {
		t.Errorf("discarded %d, want %d", st["filtered_discarded"], want)
	}
	if want := int64(failed * steps); st["released"] != want {
		t.Errorf("released %d, want %d", st["released"], want)
	}
}

func TestFingersCrossedRingAndCategories(t *testing.T) {
	logger, fc, mem := fcLogger(t, &middleware.FingersCrossedOptions{
		Capacity: 3, Trigger: slog.LevelWarn, Isolation: middleware.IsolateCategory, AfterTrigger: middleware.HoldAgain,
	})
	db := loggerjs.Child(logger, "db")
	web := loggerjs.Child(logger, "web")
	for i := range 5 {
		db.Info(fmt.Sprintf("db %d", i))
	}
	web.Info("web 0")
	if mem.Len() != 0 {
		t.Fatalf("%d records written before a trigger", mem.Len())
	}
	db.Warn("db trigger")
	want := []string{"db 2", "db 3", "db 4", "db trigger"}
	if got := mem.Messages(); !equalStrings(got, want) {
		t.Errorf("wrote %q, want %q", got, want)
	}
	// A category goes back to holding after its release.
	db.Info("db 5")
	if mem.Len() != 4 {
		t.Errorf("db 5 written without a trigger")
	}
	if st := fc.SinkStats(); st["filtered_discarded"] != 2 || st["held"] != 2 {
		t.Errorf("stats %v, want discarded 2, held 2", st)
	}
}

func TestFingersCrossedFlushAndDiscardScope(t *testing.T) {
	logger, fc, mem := fcLogger(t, nil)
	ctx, end := fc.Begin(context.Background())
	logger.InfoContext(ctx, "a")
	fc.DiscardScope(ctx)
	logger.InfoContext(ctx, "b")
	if err := fc.FlushScope(ctx); err != nil {
		t.Fatal(err)
	}
	logger.InfoContext(ctx, "c")
	end()
	logger.InfoContext(ctx, "d") // after the end: held by category, not the scope
	if got := mem.Messages(); !equalStrings(got, []string{"b"}) {
		t.Errorf("wrote %q, want [b]", got)
	}
	if fc.Held() != 1 {
		t.Errorf("held %d, want 1 (d, in the root category)", fc.Held())
	}
}

func TestFingersCrossedClose(t *testing.T) {
	logger, fc, mem := fcLogger(t, nil)
	logger.Info("held")
	if err := fc.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if fc.Held() != 0 || fc.SinkStats()["filtered_discarded"] != 1 {
		t.Errorf("after Close: held %d, stats %v", fc.Held(), fc.SinkStats())
	}
	logger.Error("after close")
	if mem.Len() != 0 || fc.Held() != 0 {
		t.Errorf("written or held after Close: %d, %d", mem.Len(), fc.Held())
	}
}
