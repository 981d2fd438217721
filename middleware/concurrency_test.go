package middleware_test

import (
	"log/slog"
	"sync"
	"testing"
	"time"

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
