package middleware_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/middleware"
)

// TestConcurrentCountsAddUp logs from many goroutines through Sample,
// RateLimit and Dedupe at once (run with -race): what each passes plus
// what it drops is what it saw.
func TestConcurrentCountsAddUp(t *testing.T) {
	clock := newFakeClock()
	s := middleware.Sample(0.5, nil) // the math/rand/v2 source, shared by no one
	l := must(middleware.RateLimit(10, 10, &middleware.RateLimitOptions{Now: clock.Now, MaxKeys: 4}))(t)
	d := must(middleware.Dedupe(time.Second, &middleware.DedupeOptions{Now: clock.Now, MaxKeys: 8, Attrs: []string{"i"}}))(t)
	logger, mem := pipeline(t, d, l, s)
	const goroutines, each = 16, 200
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				logger.Info("tick", "g", g, "i", i%20)
				if i%50 == 0 {
					clock.Advance(100 * time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	total := uint64(goroutines * each)
	if d.Dropped()+l.Passed()+l.Suppressed() != total {
		t.Errorf("dedupe dropped %d + rate limit saw %d, want %d", d.Dropped(), l.Passed()+l.Suppressed(), total)
	}
	if s.Kept()+s.Dropped() != l.Passed() {
		t.Errorf("sample saw %d, rate limit passed %d", s.Kept()+s.Dropped(), l.Passed())
	}
	if uint64(mem.Len()) != s.Kept() {
		t.Errorf("sink has %d, sample kept %d", mem.Len(), s.Kept())
	}
	if l.Keys() > 4 {
		t.Errorf("rate limit keeps %d buckets, MaxKeys 4", l.Keys())
	}
}

// TestSampleDefaultSourceIsFair checks that the default source gives a
// rate near the one asked for: 10000 draws at 0.3 land within 5 standard
// deviations (about 230) of 3000. It fails only if the draws are biased.
func TestSampleDefaultSourceIsFair(t *testing.T) {
	s := middleware.Sample(0.3, nil)
	logger, _ := pipeline(t, s)
	for range 10000 {
		logger.Debug("x")
	}
	if k := s.Kept(); k < 2770 || k > 3230 {
		t.Errorf("kept %d of 10000 at rate 0.3", k)
	}
}

// TestFromSlogConcurrent passes records from many goroutines, through
// loggers with different bound attrs, through one slog middleware.
func TestFromSlogConcurrent(t *testing.T) {
	m := middleware.FromSlog(func(h slog.Handler) slog.Handler { return dropper{next: h} })
	logger, mem := pipeline(t, m)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			l := logger.With("g", g).WithGroup("w")
			for i := range 100 {
				if i%2 == 0 {
					l.Warn("kept", "i", i)
				} else {
					l.Info("dropped", "i", i)
				}
			}
		})
	}
	wg.Wait()
	if mem.Len() != 400 || m.Dropped() != 400 {
		t.Errorf("sink %d, dropped %d; want 400, 400", mem.Len(), m.Dropped())
	}
	for _, r := range mem.Records() {
		if len(r.Scope.Groups()) != 1 || r.Scope.Groups()[0] != "w" {
			t.Fatalf("scope lost its group: %v", r.Scope.Groups())
		}
	}
}

// TestConcurrentNewModes logs from many goroutines through the window
// rate limits, the counting samplers and a context-isolated
// FingersCrossed at once (run with -race): what each passes plus what it
// drops is what it saw, and every record the fingers-crossed sink got is
// written, held or discarded.
func TestConcurrentNewModes(t *testing.T) {
	clock := newFakeClock()
	fixed := must(middleware.RateLimitFixedWindow(5, time.Second, &middleware.RateLimitOptions{Now: clock.Now, MaxKeys: 3, Key: "g"}))(t)
	sliding := must(middleware.RateLimitSlidingWindow(50, time.Second, &middleware.RateLimitOptions{Now: clock.Now}))(t)
	zapLike := must(middleware.FirstThenEvery(3, 2, time.Second, &middleware.CountSampleOptions{Now: clock.Now, Key: "g", MaxKeys: 4}))(t)
	rec := &recSink{}
	fc := must(middleware.FingersCrossed(rec, &middleware.FingersCrossedOptions{
		Capacity: 4, ContextKeys: []string{"g"}, MaxBuffers: 5, TTL: 300 * time.Millisecond, Now: clock.Now,
		Isolation: middleware.IsolateDescendants,
	}))(t)
	h, logger := tree(t, map[string]loggerjs.Sink{"fc": fc}, zapLike, fixed, sliding)
	const goroutines, each = 16, 200
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			l := loggerjs.Child(logger, "app", []string{"a", "b", "c"}[g%3])
			for i := range each {
				level := slog.LevelDebug
				if i%37 == 0 {
					level = slog.LevelError
				}
				l.Log(context.Background(), level, "tick", "g", g)
				if i%50 == 0 {
					clock.Advance(100 * time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	total := uint64(goroutines * each)
	if zapLike.Kept()+zapLike.Dropped() != total {
		t.Errorf("sampler saw %d, want %d", zapLike.Kept()+zapLike.Dropped(), total)
	}
	if fixed.Passed()+fixed.Suppressed() != zapLike.Kept() || sliding.Passed()+sliding.Suppressed() != fixed.Passed() {
		t.Errorf("chain: sampler kept %d, fixed saw %d and passed %d, sliding saw %d",
			zapLike.Kept(), fixed.Passed()+fixed.Suppressed(), fixed.Passed(), sliding.Passed()+sliding.Suppressed())
	}
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := fc.SinkStats()
	if got := uint64(rec.len()) + uint64(st["filtered_discarded"]); got != sliding.Passed() || st["held"] != 0 {
		t.Errorf("fingers-crossed wrote %d + discarded %d, got %d; held %d", rec.len(), st["filtered_discarded"], sliding.Passed(), st["held"])
	}
}
