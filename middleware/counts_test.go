package middleware_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// sequence returns a Random function that yields xs in turn, cycling.
func sequence(xs ...uint64) func() uint64 {
	var mu sync.Mutex
	i := 0
	return func() uint64 {
		mu.Lock()
		defer mu.Unlock()
		x := xs[i%len(xs)]
		i++
		return x
	}
}

// pipeline returns a logger whose records pass mw into a memory sink.
func pipeline(t testing.TB, mw ...loggerjs.Middleware) (*slog.Logger, *sinks.MemorySink) {
	t.Helper()
	mem := sinks.Memory()
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"mem": mem},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"mem"}, Level: loggerjs.LevelTrace}},
		Middleware: mw,
	})
	if err != nil {
		t.Fatal(err)
	}
	return logger, mem
}

const half = 1 << 63

func TestSampleExactCounts(t *testing.T) {
	// Draws alternate below and above the threshold of rate 0.5.
	s := middleware.Sample(0.5, &middleware.SampleOptions{Random: sequence(half-1, half)})
	logger, mem := pipeline(t, s)
	for range 100 {
		logger.Info("x")
	}
	for range 10 {
		logger.Error("kept always")
	}
	if s.Kept() != 60 || s.Dropped() != 50 || mem.Len() != 60 {
		t.Errorf("kept %d, dropped %d, sink %d; want 60, 50, 60", s.Kept(), s.Dropped(), mem.Len())
	}
}

func TestSampleByLevelAndCategory(t *testing.T) {
	s := middleware.Sample(1, &middleware.SampleOptions{
		Levels:     map[slog.Level]float64{slog.LevelDebug: 0},
		Categories: map[string]float64{"app.noisy": 0, "app.noisy.important": 1},
		KeepLevel:  slog.LevelWarn,
	})
	logger, mem := pipeline(t, s)
	app := loggerjs.Child(logger, "app")
	noisy := loggerjs.Child(app, "noisy")
	important := loggerjs.Child(noisy, "important")
	noisyish := loggerjs.Child(app, "noisyish")
	app.Info("kept")        // rate 1
	app.Debug("dropped")    // level 0
	noisy.Info("dropped")   // category 0
	noisy.Warn("kept")      // keep level
	important.Debug("kept") // the longer category wins over the level
	noisyish.Info("kept")   // not under app.noisy
	if got := mem.Messages(); len(got) != 4 || s.Dropped() != 2 {
		t.Errorf("kept %q, dropped %d", got, s.Dropped())
	}
}

func TestSampleByKeyKeepsWholeRequests(t *testing.T) {
	s := middleware.Sample(0.5, &middleware.SampleOptions{Key: "request_id"})
	logger, mem := pipeline(t, s)
	kept := map[string]int{}
	for i := range 200 {
		id := string(rune('a'+i%26)) + string(rune('a'+i/26))
		for range 3 {
			logger.Info("x", "request_id", id)
		}
	}
	for _, r := range mem.Records() {
		r.Attrs(func(a slog.Attr) bool {
			kept[a.Value.String()]++
			return true
		})
	}
	for id, n := range kept {
		if n != 3 {
			t.Errorf("request %s: %d of 3 records kept", id, n)
		}
	}
	if len(kept) == 0 || len(kept) == 200 {
		t.Errorf("%d of 200 requests kept at rate 0.5", len(kept))
	}
	if s.Dropped() != uint64(3*(200-len(kept))) {
		t.Errorf("dropped %d, want %d", s.Dropped(), 3*(200-len(kept)))
	}
}

func TestRateLimitExactCounts(t *testing.T) {
	clock := newFakeClock()
	// 2 a second, burst 5.
	l := must(middleware.RateLimit(2, 5, &middleware.RateLimitOptions{Now: clock.Now}))(t)
	logger, mem := pipeline(t, l)
	for range 20 {
		logger.Info("burst")
	}
	if l.Passed() != 5 || l.Suppressed() != 15 || mem.Len() != 5 {
		t.Fatalf("passed %d, suppressed %d, sink %d; want 5, 15, 5", l.Passed(), l.Suppressed(), mem.Len())
	}
	// Another key (level) has its own bucket.
	logger.Warn("other bucket")
	if mem.Len() != 6 {
		t.Fatalf("sink %d, want 6", mem.Len())
	}
	// 1.5 s later: 3 tokens.
	clock.Advance(1500 * time.Millisecond)
	for range 10 {
		logger.Info("later")
	}
	if l.Passed() != 9 || l.Suppressed() != 22 {
		t.Fatalf("passed %d, suppressed %d; want 9, 22", l.Passed(), l.Suppressed())
	}
	// The first record let through after suppression carries the count.
	recs := mem.Records()
	first := recs[6]
	if first.NumRootAttrs() != 1 || first.RootAttr(0).Key != middleware.SuppressedKey || first.RootAttr(0).Value.Uint64() != 15 {
		t.Errorf("first record after the window: root attrs %v", rootAttrs(first))
	}
}

func rootAttrs(r *loggerjs.Record) []slog.Attr {
	var out []slog.Attr
	r.RootAttrs(func(a slog.Attr) bool {
		out = append(out, a)
		return true
	})
	return out
}

func TestRateLimitSummaryRecordAndBoundedKeys(t *testing.T) {
	clock := newFakeClock()
	mem := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"mem": mem},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"mem"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(h)
	l := must(middleware.RateLimit(1, 1, &middleware.RateLimitOptions{Now: clock.Now, Summary: logger, Key: "user", MaxKeys: 3}))(t)
	if err := h.Configure(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"mem": mem},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"mem"}}},
		Middleware: []loggerjs.Middleware{l},
	}); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		logger.Info("hit", "user", "u1")
	}
	clock.Advance(time.Second)
	logger.Info("hit", "user", "u1")
	got := mem.Messages()
	want := []string{"hit", "suppressed 3 records", "hit"}
	if !equalStrings(got, want) {
		t.Errorf("messages %q, want %q", got, want)
	}
	for _, u := range []string{"u2", "u3", "u4", "u5"} {
		logger.Info("hit", "user", u)
	}
	if l.Keys() != 3 {
		t.Errorf("%d buckets kept, want at most 3", l.Keys())
	}
}

// must returns v, failing the test when err is not nil:
// must(middleware.RateLimit(...))(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDedupeExactCounts(t *testing.T) {
	clock := newFakeClock()
	d := must(middleware.Dedupe(time.Second, &middleware.DedupeOptions{Now: clock.Now, Attrs: []string{"host"}}))(t)
	logger, mem := pipeline(t, d)
	for range 10 {
		logger.Warn("disk full", "host", "a", "free", 0)
	}
	logger.Warn("disk full", "host", "b")  // another fingerprint
	logger.Error("disk full", "host", "a") // another level
	clock.Advance(999 * time.Millisecond)
	logger.Warn("disk full", "host", "a") // still in the burst
	if d.Dropped() != 10 || mem.Len() != 3 {
		t.Fatalf("dropped %d, sink %d; want 10, 3", d.Dropped(), mem.Len())
	}
	clock.Advance(time.Millisecond)
	logger.Warn("disk full", "host", "a") // a new burst: carries the last one's count
	recs := mem.Records()
	if len(recs) != 4 {
		t.Fatalf("sink %d, want 4", len(recs))
	}
	ra := rootAttrs(recs[3])
	if len(ra) != 1 || ra[0].Key != middleware.RepeatedKey || ra[0].Value.Uint64() != 10 {
		t.Errorf("new burst's root attrs %v, want repeated=10", ra)
	}
}

func TestDedupeSummaryLogger(t *testing.T) {
	clock := newFakeClock()
	mem := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(h)
	d := must(middleware.Dedupe(time.Minute, &middleware.DedupeOptions{Now: clock.Now, Summary: logger}))(t)
	if err := h.Configure(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"mem": mem},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"mem"}}},
		Middleware: []loggerjs.Middleware{d},
	}); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		logger.Info("retrying")
	}
	d.Flush(context.Background())
	logger.Info("retrying")
	want := []string{"retrying", "repeated 4 times", "retrying"}
	if got := mem.Messages(); !equalStrings(got, want) {
		t.Errorf("messages %q, want %q", got, want)
	}
}

func TestSampleKeyBoundWithWith(t *testing.T) {
	s := middleware.Sample(0.5, &middleware.SampleOptions{Key: "request_id"})
	logger, mem := pipeline(t, s)
	kept := 0
	for i := range 100 {
		l := logger.With("request_id", i)
		before := mem.Len()
		for range 4 {
			l.Info("x")
		}
		switch mem.Len() - before {
		case 4:
			kept++
		case 0:
		default:
			t.Fatalf("request %d: %d of 4 records kept", i, mem.Len()-before)
		}
	}
	if kept == 0 || kept == 100 {
		t.Errorf("%d of 100 requests kept at rate 0.5", kept)
	}
}
