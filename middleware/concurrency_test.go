package middleware_test

import (
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
	l := middleware.RateLimit(10, 10, &middleware.RateLimitOptions{Now: clock.Now, MaxKeys: 4})
	d := middleware.Dedupe(time.Second, &middleware.DedupeOptions{Now: clock.Now, MaxKeys: 8, Attrs: []string{"i"}})
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
