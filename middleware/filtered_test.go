package middleware_test

import (
	"context"
	"fmt"
	"log/slog"
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
