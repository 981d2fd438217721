package middleware_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/middleware"
)

// rlStep logs one record at a time offset from the start, or checks
// nothing and only moves the clock when msg is "".
type rlStep struct {
	at    time.Duration // clock offset from the start
	cat   string
	level slog.Level
	msg   string
	args  []any
}

// summaryLine renders a summary record: its message, then its attrs with
// times as offsets from base.
func summaryLine(r *loggerjs.Record, base time.Time) string {
	var b strings.Builder
	b.WriteString(r.Message())
	r.Attrs(func(a slog.Attr) bool {
		switch v := a.Value.Resolve(); v.Kind() {
		case slog.KindTime:
			fmt.Fprintf(&b, " %s=+%v", a.Key, v.Time().Sub(base))
		case slog.KindGroup:
			var parts []string
			for _, g := range v.Group() {
				parts = append(parts, g.Key+"="+g.Value.String())
			}
			fmt.Fprintf(&b, " %s={%s}", a.Key, strings.Join(parts, ","))
		default:
			fmt.Fprintf(&b, " %s=%v", a.Key, v)
		}
		return true
	})
	return b.String()
}

// TestRateLimitWindowsAndSummaries runs LogTape's throttling-filter cases
// (fixed and sliding windows, keys, eviction) and the token bucket
// through a handler tree whose summary logger is the tree itself: the
// exact records written, summaries included, in order.
func TestRateLimitWindowsAndSummaries(t *testing.T) {
	type mk func(opts *middleware.RateLimitOptions) (*middleware.RateLimiter, error)
	fixed := func(limit int, w time.Duration) mk {
		return func(o *middleware.RateLimitOptions) (*middleware.RateLimiter, error) {
			return middleware.RateLimitFixedWindow(limit, w, o)
		}
	}
	sliding := func(limit int, w time.Duration) mk {
		return func(o *middleware.RateLimitOptions) (*middleware.RateLimiter, error) {
			return middleware.RateLimitSlidingWindow(limit, w, o)
		}
	}
	bucket := func(rate float64, burst int) mk {
		return func(o *middleware.RateLimitOptions) (*middleware.RateLimiter, error) {
			return middleware.RateLimit(rate, burst, o)
		}
	}
	ms := time.Millisecond
	msg := func(at time.Duration, m string, args ...any) rlStep {
		return rlStep{at: at, cat: "app", level: slog.LevelInfo, msg: m, args: args}
	}
	tests := []struct {
		name      string
		limiter   mk
		opts      middleware.RateLimitOptions
		steps     []rlStep
		want      []string // messages, and summaries as summaryLine renders them
		atClose   []string // what Close adds
		passed    uint64
		dropped   uint64
		keysAfter int
	}{
		{
			name:    "fixed window (LogTape: limits records in fixed windows)",
			limiter: fixed(2, 100*ms),
			steps:   []rlStep{msg(0, "m"), msg(0, "m"), msg(0, "m"), msg(99*ms, "m"), msg(100*ms, "m"), msg(150*ms, "m")},
			want: []string{"m", "m",
				"suppressed 2 records key={category=app,level=INFO,message=m} allowed=2 suppressed=2 window_start=+0s window_end=+100ms reason=window",
				"m", "m"},
			passed: 4, dropped: 2, keysAfter: 1,
		},
		{
			name:    "sliding window (LogTape: uses a sliding window when configured)",
			limiter: sliding(2, 100*ms),
			steps:   []rlStep{msg(0, "m"), msg(90*ms, "m"), msg(99*ms, "m"), msg(100*ms, "m"), msg(189*ms, "m"), msg(190*ms, "m")},
			want: []string{"m", "m",
				"suppressed 1 records key={category=app,level=INFO,message=m} allowed=2 suppressed=1 window_start=+0s window_end=+100ms reason=window",
				"m",
				"suppressed 1 records key={category=app,level=INFO,message=m} allowed=1 suppressed=1 window_start=+100ms window_end=+190ms reason=window",
				"m"},
			passed: 4, dropped: 2,
		},
		{
			name:    "the default window key is category, level and message template",
			limiter: fixed(1, 100*ms),
			steps: []rlStep{
				msg(0, "failed for tenant", "tenant", "alpha"),
				msg(0, "failed for tenant", "tenant", "beta"), // same template: dropped
				{cat: "other", level: slog.LevelInfo, msg: "failed for tenant"},
				{cat: "app", level: slog.LevelError, msg: "failed for tenant"},
				msg(0, "other failure"),
			},
			want:   []string{"failed for tenant", "failed for tenant", "failed for tenant", "other failure"},
			passed: 4, dropped: 1,
			atClose: []string{"suppressed 1 records key={category=app,level=INFO,message=failed for tenant} allowed=1 suppressed=1 window_start=+0s window_end=+0s reason=close"},
		},
		{
			name:    "a Key attr alone keys by its value (LogTape: custom keys)",
			limiter: fixed(1, 100*ms),
			opts:    middleware.RateLimitOptions{Key: "tenant"},
			steps: []rlStep{
				msg(0, "failed", "tenant", "a"), msg(0, "failed again", "tenant", "a"), msg(0, "failed", "tenant", "b"),
			},
			want: []string{"failed", "failed"}, passed: 2, dropped: 1,
			atClose: []string{"suppressed 1 records key={tenant=a} allowed=1 suppressed=1 window_start=+0s window_end=+0s reason=close"},
		},
		{
			name:    "KeyBy and Key together",
			limiter: fixed(1, 100*ms),
			opts:    middleware.RateLimitOptions{KeyBy: middleware.ByLevel, Key: "tenant"},
			steps: []rlStep{
				msg(0, "x", "tenant", "a"), msg(0, "y", "tenant", "a"),
				{cat: "app", level: slog.LevelWarn, msg: "z", args: []any{"tenant", "a"}}, msg(0, "w", "tenant", "b"),
			},
			want: []string{"x", "z", "w"}, passed: 3, dropped: 1,
			atClose: []string{"suppressed 1 records key={level=INFO,tenant=a} allowed=1 suppressed=1 window_start=+0s window_end=+0s reason=close"},
		},
		{
			name:    "eviction of the least recently used key logs its summary (LogTape: preserves active keys)",
			limiter: fixed(1, 100*ms),
			opts:    middleware.RateLimitOptions{Key: "k", MaxKeys: 2},
			steps: []rlStep{
				msg(0, "a", "k", "a"), msg(0, "b", "k", "b"), msg(0, "a again", "k", "a"),
				msg(0, "c", "k", "c"),               // evicts b, which suppressed nothing
				msg(10*ms, "b again", "k", "b"),     // evicts a
				msg(20*ms, "a once more", "k", "a"), // a is new again
			},
			want: []string{"a", "b", "c",
				"suppressed 1 records key={k=a} allowed=1 suppressed=1 window_start=+0s window_end=+10ms reason=eviction",
				"b again", "a once more"},
			passed: 5, dropped: 1, keysAfter: 2,
		},
		{
			name:    "token bucket: summary when a record is let through again",
			limiter: bucket(2, 2),
			steps: []rlStep{
				msg(0, "m"), msg(0, "m"), msg(0, "m"), msg(100*ms, "m"), msg(500*ms, "m"), msg(500*ms, "m"),
			},
			want: []string{"m", "m",
				"suppressed 2 records key={category=app,level=INFO,source=} allowed=2 suppressed=2 window_start=+0s window_end=+500ms reason=window",
				"m"},
			passed: 3, dropped: 3,
			atClose: []string{"suppressed 1 records key={category=app,level=INFO,source=} allowed=1 suppressed=1 window_start=+500ms window_end=+500ms reason=close"},
		},
		{
			name:    "a clock that runs backwards is held at the latest time",
			limiter: fixed(1, 100*ms),
			steps:   []rlStep{msg(50*ms, "m"), msg(0, "m"), msg(149*ms, "m"), msg(150*ms, "m")},
			want: []string{"m",
				"suppressed 2 records key={category=app,level=INFO,message=m} allowed=1 suppressed=2 window_start=+50ms window_end=+150ms reason=window",
				"m"},
			passed: 2, dropped: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			base := clock.Now()
			rec := &recSink{}
			h, root := tree(t, map[string]loggerjs.Sink{"rec": rec})
			opts := tt.opts
			opts.Now, opts.Summary = clock.Now, root
			l := must(tt.limiter(&opts))(t)
			if err := h.Configure(loggerjs.Config{
				Sinks:      map[string]loggerjs.Sink{"rec": rec},
				Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"rec"}, Level: loggerjs.LevelTrace}},
				Middleware: []loggerjs.Middleware{l},
			}); err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.steps {
				clock.Set(base.Add(s.at))
				loggerjs.Child(root, s.cat).Log(context.Background(), s.level, s.msg, s.args...)
			}
			lines := func() []string {
				var out []string
				for _, r := range rec.records() {
					if strings.HasPrefix(r.Message(), "suppressed ") {
						out = append(out, summaryLine(r, base))
					} else {
						out = append(out, r.Message())
					}
				}
				return out
			}
			if got := lines(); !slices.Equal(got, tt.want) {
				t.Errorf("wrote\n\t%q\nwant\n\t%q", got, tt.want)
			}
			if l.Passed() != tt.passed || l.Suppressed() != tt.dropped {
				t.Errorf("passed %d, suppressed %d; want %d, %d", l.Passed(), l.Suppressed(), tt.passed, tt.dropped)
			}
			if tt.keysAfter > 0 && l.Keys() != tt.keysAfter {
				t.Errorf("%d keys, want %d", l.Keys(), tt.keysAfter)
			}
			// Shutdown closes the limiter before the sinks: its pending
			// summaries (reason "close") are written.
			if err := h.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			want := append(slices.Clone(tt.want), tt.atClose...)
			if got := lines(); !slices.Equal(got, want) {
				t.Errorf("after Close, wrote\n\t%q\nwant\n\t%q", got, want)
			}
			if l.Keys() != 0 {
				t.Errorf("%d keys kept after Close", l.Keys())
			}
			st := h.Stats()
			if st.Filtered["*middleware.RateLimiter"] != tt.dropped {
				t.Errorf("Filtered = %v, want %d", st.Filtered, tt.dropped)
			}
		})
	}
}

// TestRateLimitCloseOnConfigureSwap checks that a Configure that drops a
// RateLimiter closes it: its pending summaries reach the new
// configuration's sinks; one kept by the new configuration stays open.
func TestRateLimitCloseOnConfigureSwap(t *testing.T) {
	clock := newFakeClock()
	rec := &recSink{}
	h, root := tree(t, map[string]loggerjs.Sink{"rec": rec})
	dropped := must(middleware.RateLimitFixedWindow(1, time.Minute, &middleware.RateLimitOptions{Now: clock.Now, Summary: root}))(t)
	kept := must(middleware.RateLimitSlidingWindow(1, time.Minute, &middleware.RateLimitOptions{Now: clock.Now, Summary: root, Key: "k"}))(t)
	cfg := func(mw ...loggerjs.Middleware) loggerjs.Config {
		return loggerjs.Config{
			Sinks:      map[string]loggerjs.Sink{"rec": rec},
			Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"rec"}, Level: loggerjs.LevelTrace}},
			Middleware: mw,
		}
	}
	if err := h.Configure(cfg(dropped, kept)); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		root.Info("x", "k", "1")
	}
	// dropped lets 1 through; kept sees that one and lets it through.
	if err := h.Configure(cfg(kept)); err != nil {
		t.Fatal(err)
	}
	want := []string{":x", ":suppressed 2 records"}
	if got := rec.lines(); !slices.Equal(got, want) {
		t.Fatalf("wrote %q, want %q", got, want)
	}
	r := rec.records()[1]
	if v, _ := attrOf(r, middleware.ReasonKey); v.String() != middleware.ReasonClose {
		t.Errorf("reason %v, want close", v)
	}
	if kept.Keys() != 1 || dropped.Keys() != 0 {
		t.Errorf("keys: kept %d (want 1), dropped %d (want 0)", kept.Keys(), dropped.Keys())
	}
}

// TestRateLimitFlushAndNoSummaryLogger checks Flush's summaries, and
// that without a summary logger the count rides on the next record.
func TestRateLimitFlushAndNoSummaryLogger(t *testing.T) {
	clock := newFakeClock()
	rec := &recSink{}
	h, root := tree(t, map[string]loggerjs.Sink{"rec": rec})
	withSummary := must(middleware.RateLimitFixedWindow(1, time.Minute, &middleware.RateLimitOptions{Now: clock.Now, Summary: root}))(t)
	if err := h.Configure(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"rec": rec},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"rec"}}},
		Middleware: []loggerjs.Middleware{withSummary},
	}); err != nil {
		t.Fatal(err)
	}
	root.Info("a")
	root.Info("a")
	clock.Advance(time.Second)
	withSummary.Flush(context.Background())
	withSummary.Flush(context.Background()) // nothing pending: nothing logged
	if got, want := rec.lines(), []string{":a", ":suppressed 1 records"}; !slices.Equal(got, want) {
		t.Fatalf("wrote %q, want %q", got, want)
	}
	if v, _ := attrOf(rec.records()[1], middleware.ReasonKey); v.String() != middleware.ReasonFlush {
		t.Errorf("reason %v, want flush", v)
	}

	rec2 := &recSink{}
	bare := must(middleware.RateLimitSlidingWindow(2, time.Second, &middleware.RateLimitOptions{Now: clock.Now}))(t)
	_, logger := tree(t, map[string]loggerjs.Sink{"rec": rec2}, bare)
	for range 5 {
		logger.Info("b")
	}
	clock.Advance(time.Second)
	logger.Info("b")
	recs := rec2.records()
	if len(recs) != 3 {
		t.Fatalf("wrote %d records, want 3", len(recs))
	}
	if v, ok := attrOf(recs[2], middleware.SuppressedKey); !ok || v.Uint64() != 3 {
		t.Errorf("record after suppression: suppressed=%v, want 3", v)
	}
}

func TestRateLimitInvalidOptions(t *testing.T) {
	tests := []struct {
		name string
		mk   func() (*middleware.RateLimiter, error)
		want string
	}{
		{"zero rate", func() (*middleware.RateLimiter, error) { return middleware.RateLimit(0, 1, nil) }, "middleware: RateLimit perSecond: 0: must be positive"},
		{"NaN rate", func() (*middleware.RateLimiter, error) { return middleware.RateLimit(math.NaN(), 1, nil) }, "RateLimit perSecond: NaN"},
		{"zero burst", func() (*middleware.RateLimiter, error) { return middleware.RateLimit(1, 0, nil) }, "RateLimit burst: 0"},
		{"zero limit", func() (*middleware.RateLimiter, error) { return middleware.RateLimitFixedWindow(0, time.Second, nil) }, "RateLimitFixedWindow limit: 0"},
		{"zero window", func() (*middleware.RateLimiter, error) { return middleware.RateLimitSlidingWindow(1, 0, nil) }, "RateLimitSlidingWindow window: 0s"},
		{"negative MaxKeys", func() (*middleware.RateLimiter, error) {
			return middleware.RateLimit(1, 1, &middleware.RateLimitOptions{MaxKeys: -1})
		}, "RateLimitOptions.MaxKeys: -1"},
		{"unknown KeyBy", func() (*middleware.RateLimiter, error) {
			return middleware.RateLimit(1, 1, &middleware.RateLimitOptions{KeyBy: 0x80})
		}, "RateLimitOptions.KeyBy"},
		{"SharedKey with By flags", func() (*middleware.RateLimiter, error) {
			return middleware.RateLimit(1, 1, &middleware.RateLimitOptions{KeyBy: middleware.SharedKey | middleware.ByLevel})
		}, "RateLimitOptions.KeyBy: SharedKey combined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := tt.mk()
			if err == nil || !strings.Contains(err.Error(), tt.want) || l != nil {
				t.Errorf("got %v, %v; want an error containing %q", l, err, tt.want)
			}
		})
	}
}
