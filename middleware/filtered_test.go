package middleware_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/middleware"
)

// countSink counts the records written to it.
type countSink struct {
	mu sync.Mutex
	n  int
}

func (s *countSink) Write(context.Context, *loggerjs.Record) error {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	return nil
}
func (s *countSink) Flush(context.Context) error { return nil }
func (s *countSink) Close(context.Context) error { return nil }

// TestFilteredAccounting checks that what the built-in middleware drops
// on purpose is counted by name in MetaStats.Filtered (and FingersCrossed's
// discards in FilteredTotal), so that delivered + lost + filtered equals
// the records logged, exactly, on an injected clock.
func TestFilteredAccounting(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return now }
	var seq uint64
	random := func() uint64 { seq += 1 << 62; return seq } // below, above, below, above the half
	direct, held := &countSink{}, &countSink{}
	fc := must(middleware.FingersCrossed(held, &middleware.FingersCrossedOptions{Capacity: 4}))(t)
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"direct": direct, "fc": fc},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"sampled"}, Sinks: []string{"direct"}, Middleware: []loggerjs.Middleware{middleware.Sample(0.5, &middleware.SampleOptions{Random: random})}},
			{Category: []string{"limited"}, Sinks: []string{"direct"}, Middleware: []loggerjs.Middleware{must(middleware.RateLimit(1, 3, &middleware.RateLimitOptions{Now: clock}))(t)}},
			{Category: []string{"deduped"}, Sinks: []string{"direct"}, Middleware: []loggerjs.Middleware{must(middleware.Dedupe(time.Minute, &middleware.DedupeOptions{Now: clock}))(t)}},
			{Category: []string{"user"}, Sinks: []string{"direct"}, Middleware: []loggerjs.Middleware{
				loggerjs.Named("odd-only", loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool { return r.Message() != "even" })),
			}},
			{Category: []string{"held"}, Sinks: []string{"fc"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	root := slog.New(h)
	logged := 0
	logN := func(cat string, n int, msg func(i int) string) {
		l := loggerjs.Child(root, cat)
		for i := range n {
			l.Info(msg(i))
			logged++
		}
	}
	same := func(int) string { return "same" }
	logN("sampled", 8, func(i int) string { return fmt.Sprint(i) })
	logN("limited", 10, same)
	logN("deduped", 10, same)
	logN("user", 6, func(i int) string { return [...]string{"odd", "even"}[i%2] })
	logN("held", 10, same) // the ring keeps 4; 6 pushed out; 4 discarded at Close
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := h.Stats()
	want := map[string]uint64{"*middleware.Sampler": 4, "*middleware.RateLimiter": 7, "*middleware.Deduper": 9, "odd-only": 3}
	for name, n := range want {
		if st.Filtered[name] != n {
			t.Errorf("Filtered[%q] = %d, want %d (all: %v)", name, st.Filtered[name], n, st.Filtered)
		}
	}
	delivered := uint64(direct.n + held.n)
	if st.Lost() != 0 || st.FilteredTotal() != 4+7+9+3+10 {
		t.Errorf("Lost %d, FilteredTotal %d", st.Lost(), st.FilteredTotal())
	}
	if got := delivered + st.Lost() + st.FilteredTotal(); got != uint64(logged) {
		t.Errorf("delivered %d + lost %d + filtered %d = %d, want %d logged", delivered, st.Lost(), st.FilteredTotal(), got, logged)
	}
}

// TestFilteredAccountingModes extends TestFilteredAccounting to the
// window rate limits, the counting samplers, MinLevel, and FingersCrossed
// discarding by overflow, eviction, TTL and Close: delivered + lost +
// filtered = logged, exactly, on an injected clock.
func TestFilteredAccountingModes(t *testing.T) {
	clock := newFakeClock()
	direct, held := &countSink{}, &countSink{}
	fc := must(middleware.FingersCrossed(held, &middleware.FingersCrossedOptions{
		Capacity: 2, ContextKeys: []string{"req"}, MaxBuffers: 2, TTL: time.Minute, Now: clock.Now,
	}))(t)
	fixed := must(middleware.RateLimitFixedWindow(2, time.Second, &middleware.RateLimitOptions{Now: clock.Now}))(t)
	sliding := must(middleware.RateLimitSlidingWindow(3, time.Second, &middleware.RateLimitOptions{Now: clock.Now}))(t)
	zapLike := must(middleware.FirstThenEvery(2, 4, time.Second, &middleware.CountSampleOptions{Now: clock.Now}))(t)
	burst := must(middleware.Burst(1, time.Second, nil, &middleware.CountSampleOptions{Now: clock.Now}))(t)
	dedupe := must(middleware.Dedupe(time.Minute, &middleware.DedupeOptions{Now: clock.Now}))(t)
	mw := func(m loggerjs.Middleware) []loggerjs.Middleware { return []loggerjs.Middleware{m} }
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"direct": direct, "fc": fc},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"fixed"}, Sinks: []string{"direct"}, Middleware: mw(fixed)},
			{Category: []string{"sliding"}, Sinks: []string{"direct"}, Middleware: mw(sliding)},
			{Category: []string{"zap"}, Sinks: []string{"direct"}, Middleware: mw(zapLike)},
			{Category: []string{"burst"}, Sinks: []string{"direct"}, Middleware: mw(burst)},
			{Category: []string{"dedupe"}, Sinks: []string{"direct"}, Middleware: mw(dedupe)},
			{Category: []string{"min"}, Sinks: []string{"direct"}, Middleware: mw(middleware.MinLevel(slog.LevelWarn))},
			{Category: []string{"held"}, Sinks: []string{"fc"}, Level: slog.LevelDebug},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	root := slog.New(h)
	logged := 0
	logN := func(cat string, n int, level slog.Level, args ...any) {
		l := loggerjs.Child(root, cat)
		for range n {
			l.Log(context.Background(), level, "same", args...)
			logged++
		}
	}
	logN("fixed", 5, slog.LevelInfo)             // 2 pass, 3 filtered
	logN("sliding", 5, slog.LevelInfo)           // 3 pass, 2 filtered
	logN("zap", 10, slog.LevelInfo)              // 1, 2, 6, 10 pass: 6 filtered
	logN("burst", 4, slog.LevelInfo)             // 1 passes, 3 filtered
	logN("dedupe", 4, slog.LevelInfo)            // 1 passes, 3 filtered
	logN("min", 3, slog.LevelInfo)               // 3 filtered
	logN("min", 1, slog.LevelError)              // passes
	logN("held", 3, slog.LevelDebug, "req", "a") // ring of 2: 1 overflow
	logN("held", 1, slog.LevelDebug, "req", "b")
	logN("held", 1, slog.LevelDebug, "req", "c") // evicts a: 2 discarded
	clock.Advance(2 * time.Minute)
	logN("held", 1, slog.LevelDebug, "req", "d") // b and c expire: 2 discarded
	logN("held", 1, slog.LevelError, "req", "d") // releases d's one record
	logN("held", 1, slog.LevelDebug, "req", "e") // discarded at Close
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := h.Stats()
	want := map[string]uint64{
		"*middleware.RateLimiter": 3 + 2, "*middleware.CountSampler": 6 + 3,
		"*middleware.Deduper": 3, "*middleware.LevelFilter": 3,
	}
	for name, n := range want {
		if st.Filtered[name] != n {
			t.Errorf("Filtered[%q] = %d, want %d (all: %v)", name, st.Filtered[name], n, st.Filtered)
		}
	}
	fst := fc.SinkStats()
	wantFC := map[string]int64{"filtered_discarded": 6, "discarded_overflow": 1, "discarded_evicted": 2, "discarded_expired": 2, "discarded_close": 1, "released": 1}
	for k, v := range wantFC {
		if fst[k] != v {
			t.Errorf("FingersCrossed %q = %d, want %d", k, fst[k], v)
		}
	}
	delivered := uint64(direct.n + held.n)
	if delivered != 2+3+4+1+1+1+2 {
		t.Errorf("delivered %d, want 14", delivered)
	}
	if got := delivered + st.Lost() + st.FilteredTotal(); got != uint64(logged) {
		t.Errorf("delivered %d + lost %d + filtered %d = %d, want %d logged", delivered, st.Lost(), st.FilteredTotal(), got, logged)
	}
}

// TestDedupeClose checks that a Configure swap that drops a Deduper
// closes it: the open burst's summary is logged, and the next record of
// the fingerprint passes.
func TestDedupeClose(t *testing.T) {
	rec := &recSink{}
	h, root := tree(t, map[string]loggerjs.Sink{"rec": rec})
	d := must(middleware.Dedupe(time.Hour, &middleware.DedupeOptions{Summary: root}))(t)
	cfg := func(mw ...loggerjs.Middleware) loggerjs.Config {
		return loggerjs.Config{
			Sinks:      map[string]loggerjs.Sink{"rec": rec},
			Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"rec"}}},
			Middleware: mw,
		}
	}
	if err := h.Configure(cfg(d)); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		root.Warn("disk full")
	}
	if err := h.Configure(cfg()); err != nil {
		t.Fatal(err)
	}
	root.Warn("disk full")
	if got, want := rec.lines(), []string{":disk full", ":repeated 2 times", ":disk full"}; !slices.Equal(got, want) {
		t.Errorf("wrote %q, want %q", got, want)
	}
	for _, tt := range []struct {
		window time.Duration
		opts   *middleware.DedupeOptions
		want   string
	}{
		{0, nil, "middleware: Dedupe window: 0s: must be positive"},
		{time.Second, &middleware.DedupeOptions{MaxKeys: -1}, "DedupeOptions.MaxKeys: -1"},
		{time.Second, &middleware.DedupeOptions{Attrs: []string{""}}, "DedupeOptions.Attrs[0]"},
	} {
		if d, err := middleware.Dedupe(tt.window, tt.opts); err == nil || d != nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Dedupe(%v, %+v) = %v, %v; want an error containing %q", tt.window, tt.opts, d, err, tt.want)
		}
	}
}
