package middleware_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/contextx"
	"github.com/loggerjs/loggerjs/middleware"
)

// fcStep is one record logged in a FingersCrossed table test, or a move
// of the clock (advance, with no message).
type fcStep struct {
	cat     string // dotted category; "" for the root
	req     string // request_id carried in the context; "" for none
	level   slog.Level
	msg     string
	advance time.Duration
}

func step(cat string, level slog.Level, msg string) fcStep {
	return fcStep{cat: cat, level: level, msg: msg}
}

func reqStep(req string, level slog.Level, msg string) fcStep {
	return fcStep{req: req, level: level, msg: msg}
}

func wait(d time.Duration) fcStep { return fcStep{advance: d} }

const (
	trace = loggerjs.LevelTrace
	debug = slog.LevelDebug
	info  = slog.LevelInfo
	warn  = slog.LevelWarn
	errL  = slog.LevelError
	fatal = loggerjs.LevelFatal
)

// TestFingersCrossedLogTape runs the cases of LogTape's fingersCrossed
// documentation and test suite through a real handler tree: the exact
// records the wrapped sink receives, in order, and the exact counts.
func TestFingersCrossedLogTape(t *testing.T) {
	tests := []struct {
		name  string
		opts  *middleware.FingersCrossedOptions
		steps []fcStep
		want  []string         // "category:message" written, in order
		stats map[string]int64 // SinkStats entries checked, before Close
	}{
		{
			name: "defaults: one buffer, released by an error, then pass through",
			opts: nil,
			steps: []fcStep{
				step("a", trace, "t"), step("b", debug, "d"), step("a", info, "i"), step("c", warn, "w"),
				step("b", errL, "e"), step("a", debug, "after"), step("c", fatal, "f"),
			},
			want:  []string{"a:t", "b:d", "a:i", "c:w", "b:e", "a:after", "c:f"},
			stats: map[string]int64{"held": 0, "released": 4, "passed": 3, "filtered_discarded": 0},
		},
		{
			name:  "custom trigger level",
			opts:  &middleware.FingersCrossedOptions{Capacity: 10, Trigger: slog.LevelWarn},
			steps: []fcStep{step("", trace, "t"), step("", debug, "d"), step("", info, "i"), step("", warn, "w"), step("", errL, "e")},
			want:  []string{":t", ":d", ":i", ":w", ":e"},
		},
		{
			name:  "a full buffer drops its oldest",
			opts:  &middleware.FingersCrossedOptions{Capacity: 3},
			steps: []fcStep{step("", trace, "t"), step("", debug, "d"), step("", info, "i"), step("", warn, "w"), step("", errL, "e")},
			want:  []string{":d", ":i", ":w", ":e"},
			stats: map[string]int64{"filtered_discarded": 1, "discarded_overflow": 1, "released": 3},
		},
		{
			name:  "fatal triggers too; an empty buffer triggers alone",
			opts:  nil,
			steps: []fcStep{step("", fatal, "f"), step("", debug, "d")},
			want:  []string{":f", ":d"},
		},
		{
			name:  "PassThrough: after a trigger every record passes",
			opts:  &middleware.FingersCrossedOptions{Capacity: 10},
			steps: []fcStep{step("", debug, "d1"), step("", errL, "e1"), step("", debug, "d2"), step("", info, "i2")},
			want:  []string{":d1", ":e1", ":d2", ":i2"},
		},
		{
			name:  "HoldAgain: after a trigger the buffer holds again",
			opts:  &middleware.FingersCrossedOptions{Capacity: 10, AfterTrigger: middleware.HoldAgain},
			steps: []fcStep{step("", debug, "d1"), step("", errL, "e1"), step("", debug, "d2"), step("", info, "i2"), step("", errL, "e2"), step("", debug, "d3")},
			want:  []string{":d1", ":e1", ":d2", ":i2", ":e2"},
			stats: map[string]int64{"held": 1, "released": 3, "passed": 2},
		},
		{
			name: "BufferLevel: above it and below the trigger passes straight through",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, BufferLevel: slog.LevelDebug, Trigger: slog.LevelWarn},
			steps: []fcStep{
				step("", trace, "t"), step("", debug, "d"), step("", info, "i"), step("", debug, "d2"), step("", warn, "w"),
			},
			want:  []string{":i", ":t", ":d", ":d2", ":w"},
			stats: map[string]int64{"passed": 2, "released": 3},
		},
		{
			name: "BufferLevel with category isolation",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, BufferLevel: slog.LevelDebug, Isolation: middleware.IsolateCategory},
			steps: []fcStep{
				step("a", debug, "a.d"), step("b", debug, "b.d"), step("a", info, "a.i"), step("b", warn, "b.w"), step("a", errL, "a.e"),
			},
			want: []string{"a:a.i", "b:b.w", "a:a.d", "a:a.e"},
		},
		{
			name: "IsolateCategory: a trigger releases its own category only",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, Isolation: middleware.IsolateCategory},
			steps: []fcStep{
				step("app", debug, "1"), step("app.db", debug, "2"), step("other", debug, "3"), step("app", errL, "e"),
				step("app", debug, "4"), step("app.db", debug, "5"),
			},
			want:  []string{"app:1", "app:e", "app:4"},
			stats: map[string]int64{"held": 3, "buffers": 3},
		},
		{
			name: "IsolateDescendants (LogTape descendant)",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, Isolation: middleware.IsolateDescendants},
			steps: []fcStep{
				step("app", debug, "1"), step("app.module", debug, "2"), step("app.module.sub", debug, "3"),
				step("other", debug, "4"), step("appx", debug, "5"), step("app", errL, "e"),
				step("app.module", debug, "6"), step("other", debug, "7"),
			},
			want:  []string{"app:1", "app.module:2", "app.module.sub:3", "app:e", "app.module:6"},
			stats: map[string]int64{"held": 3, "released": 3},
		},
		{
			name: "IsolateAncestors (LogTape ancestor)",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, Isolation: middleware.IsolateAncestors},
			steps: []fcStep{
				step("app", debug, "1"), step("app.module", debug, "2"), step("app.module.sub", debug, "3"),
				step("app.module.sub.leaf", debug, "4"), step("app.module.sub", errL, "e"),
			},
			want: []string{"app:1", "app.module:2", "app.module.sub:3", "app.module.sub:e"},
		},
		{
			name: "IsolateAncestorsAndDescendants (LogTape both)",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, Isolation: middleware.IsolateAncestorsAndDescendants},
			steps: []fcStep{
				step("app", debug, "root"), step("app.parent", debug, "parent"), step("app.sibling", debug, "sibling"),
				step("app.parent.child", debug, "child"), step("other", debug, "other"), step("app.parent", errL, "e"),
			},
			want:  []string{"app:root", "app.parent:parent", "app.parent.child:child", "app.parent:e"},
			stats: map[string]int64{"held": 2},
		},
		{
			name: "released records are merged in the order they were logged",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, Isolation: middleware.IsolateAncestorsAndDescendants},
			steps: []fcStep{
				step("app", debug, "1"), step("app.sub", debug, "2"), step("app", info, "3"), step("app.sub", debug, "4"), step("app", errL, "e"),
			},
			want: []string{"app:1", "app.sub:2", "app:3", "app.sub:4", "app:e"},
		},
		{
			name: "the root category is nobody's ancestor or descendant",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, Isolation: middleware.IsolateAncestorsAndDescendants},
			steps: []fcStep{
				step("", debug, "root"), step("app", info, "app"), step("", errL, "e"),
			},
			want: []string{":root", ":e"},
		},
		{
			name: "a custom matcher",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, Match: func(trigger, held []string) bool { return trigger[0] == held[0] }},
			steps: []fcStep{
				step("app.module1", debug, "1"), step("app.module2", debug, "2"), step("other.module", debug, "3"),
				step("app.module3", errL, "e"),
			},
			want: []string{"app.module1:1", "app.module2:2", "app.module3:e"},
		},
		{
			name: "a panicking matcher releases nothing more",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, Match: func(trigger, held []string) bool { panic("matcher") }},
			steps: []fcStep{
				step("a", debug, "1"), step("b", debug, "2"), step("b", errL, "e"),
			},
			want: []string{"b:2", "b:e"},
		},
		{
			name: "released buffers keep separate states",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, Isolation: middleware.IsolateDescendants},
			steps: []fcStep{
				step("app1", debug, "1"), step("app1", errL, "e"), step("app2", debug, "2"), step("app1", debug, "3"), step("app2", info, "4"),
			},
			want:  []string{"app1:1", "app1:e", "app1:3"},
			stats: map[string]int64{"held": 2},
		},
		{
			name: "ContextKeys: a trigger releases its own request only",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, ContextKeys: []string{"request_id"}},
			steps: []fcStep{
				reqStep("r1", debug, "r1.d"), reqStep("r2", debug, "r2.d"), reqStep("", debug, "none.d"),
				reqStep("r1", errL, "r1.e"), reqStep("r1", debug, "r1.after"), reqStep("", errL, "none.e"),
			},
			want:  []string{":r1.d", ":r1.e", ":r1.after", ":none.d", ":none.e"},
			stats: map[string]int64{"held": 1, "buffers": 3},
		},
		{
			name: "ContextKeys with IsolateDescendants: both must match",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, ContextKeys: []string{"request_id"}, Isolation: middleware.IsolateDescendants},
			steps: []fcStep{
				{cat: "app", req: "r1", level: debug, msg: "1"}, {cat: "app.db", req: "r1", level: debug, msg: "2"},
				{cat: "app.db", req: "r2", level: debug, msg: "3"}, {cat: "other", req: "r1", level: debug, msg: "4"},
				{cat: "app", req: "r1", level: errL, msg: "e"},
			},
			want: []string{"app:1", "app.db:2", "app:e"},
		},
		{
			name: "MaxBuffers: the least recently used buffer is discarded and counted",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, ContextKeys: []string{"request_id"}, MaxBuffers: 2},
			steps: []fcStep{
				reqStep("r1", debug, "r1.a"), reqStep("r1", debug, "r1.b"), reqStep("r2", debug, "r2.a"),
				reqStep("r1", debug, "r1.c"), // r1 is the most recent now
				reqStep("r3", debug, "r3.a"), // evicts r2
				reqStep("r2", errL, "r2.e"),  // evicts r1
				reqStep("r3", errL, "r3.e"),
			},
			want:  []string{":r2.e", ":r3.a", ":r3.e"},
			stats: map[string]int64{"filtered_discarded": 4, "discarded_evicted": 4, "buffers_evicted": 2, "held": 0, "buffers": 2},
		},
		{
			name: "TTL: an idle buffer is discarded and counted; a used one stays",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, ContextKeys: []string{"request_id"}, TTL: time.Minute},
			steps: []fcStep{
				reqStep("r1", debug, "r1.a"), reqStep("r2", debug, "r2.a"),
				wait(time.Minute), reqStep("r2", debug, "r2.b"), // exactly TTL: r1 is kept
				wait(time.Second), reqStep("r3", debug, "r3.a"), // r1 expires
				reqStep("r1", errL, "r1.e"), reqStep("r2", errL, "r2.e"),
			},
			want:  []string{":r1.e", ":r2.a", ":r2.b", ":r2.e"},
			stats: map[string]int64{"filtered_discarded": 1, "discarded_expired": 1, "buffers_expired": 1, "held": 1},
		},
		{
			name: "TTL: a released context goes back to holding once idle",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, ContextKeys: []string{"request_id"}, TTL: time.Minute},
			steps: []fcStep{
				reqStep("r1", errL, "r1.e"), wait(30 * time.Second), reqStep("r1", debug, "r1.pass"),
				wait(61 * time.Second), reqStep("r1", debug, "r1.held"),
			},
			want:  []string{":r1.e", ":r1.pass"},
			stats: map[string]int64{"held": 1, "buffers_expired": 1, "filtered_discarded": 0},
		},
		{
			name: "TTL: the stats notice expiry without a write",
			opts: &middleware.FingersCrossedOptions{Capacity: 10, TTL: time.Minute},
			steps: []fcStep{
				step("", debug, "a"), step("", debug, "b"), wait(2 * time.Minute),
			},
			want:  []string{},
			stats: map[string]int64{"held": 0, "filtered_discarded": 2, "discarded_expired": 2, "buffers": 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			if tt.opts != nil && tt.opts.TTL > 0 {
				tt.opts.Now = clock.Now
			}
			rec := &recSink{}
			fc := must(middleware.FingersCrossed(rec, tt.opts))(t)
			h, root := tree(t, map[string]loggerjs.Sink{"fc": fc})
			logged := 0
			for _, s := range tt.steps {
				if s.msg == "" {
					clock.Advance(s.advance)
					continue
				}
				ctx := context.Background()
				if s.req != "" {
					ctx = contextx.With(ctx, slog.String("request_id", s.req))
				}
				l := root
				if s.cat != "" {
					l = loggerjs.Child(root, strings.Split(s.cat, ".")...)
				}
				l.Log(ctx, s.level, s.msg)
				logged++
			}
			if got := rec.lines(); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("wrote\n\t%q\nwant\n\t%q", got, tt.want)
			}
			st := fc.SinkStats()
			for k, v := range tt.stats {
				if st[k] != v {
					t.Errorf("SinkStats[%q] = %d, want %d (all: %v)", k, st[k], v, st)
				}
			}
			// Every record is delivered or counted as filtered, once the
			// handler is closed.
			if err := h.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			ms := h.Stats()
			if got := uint64(rec.len()) + ms.Lost() + ms.FilteredTotal(); got != uint64(logged) {
				t.Errorf("delivered %d + lost %d + filtered %d != %d logged", rec.len(), ms.Lost(), ms.FilteredTotal(), logged)
			}
		})
	}
}

// TestFingersCrossedScopeWithOptions checks that a Begin scope keeps its
// own buffer whatever the isolation, follows AfterTrigger, and that Close
// counts what live scopes hold.
func TestFingersCrossedScopeWithOptions(t *testing.T) {
	rec := &recSink{}
	fc := must(middleware.FingersCrossed(rec, &middleware.FingersCrossedOptions{
		Capacity: 10, AfterTrigger: middleware.HoldAgain, ContextKeys: []string{"request_id"},
	}))(t)
	h, root := tree(t, map[string]loggerjs.Sink{"fc": fc})
	ctx := contextx.With(context.Background(), slog.String("request_id", "r1"))
	s1, end1 := fc.Begin(ctx)
	s2, _ := fc.Begin(ctx) // never ended: Close must count it
	root.DebugContext(ctx, "outside")
	root.DebugContext(s1, "s1.a")
	root.DebugContext(s2, "s2.a")
	root.ErrorContext(s1, "s1.e")
	root.DebugContext(s1, "s1.b") // HoldAgain: held
	want := []string{":s1.a", ":s1.e"}
	if got := rec.lines(); !slices.Equal(got, want) {
		t.Fatalf("wrote %q, want %q", got, want)
	}
	end1() // discards s1.b
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := fc.SinkStats()
	wantStats := map[string]int64{"held": 0, "discarded_scope": 1, "discarded_close": 2, "filtered_discarded": 3}
	for k, v := range wantStats {
		if st[k] != v {
			t.Errorf("SinkStats[%q] = %d, want %d", k, st[k], v)
		}
	}
	if ms := h.Stats(); uint64(rec.len())+ms.Lost()+ms.FilteredTotal() != 5 {
		t.Errorf("delivered %d + lost %d + filtered %d != 5", rec.len(), ms.Lost(), ms.FilteredTotal())
	}
}

func TestFingersCrossedInvalidOptions(t *testing.T) {
	tests := []struct {
		name string
		opts *middleware.FingersCrossedOptions
		want string
	}{
		{"zero capacity", &middleware.FingersCrossedOptions{}, "middleware: FingersCrossedOptions.Capacity: 0: must be at least 1"},
		{"negative capacity", &middleware.FingersCrossedOptions{Capacity: -1}, "FingersCrossedOptions.Capacity: -1"},
		{"buffer level at the trigger", &middleware.FingersCrossedOptions{Capacity: 1, BufferLevel: slog.LevelWarn, Trigger: slog.LevelWarn}, "FingersCrossedOptions.BufferLevel: WARN: must be below Trigger (WARN)"},
		{"buffer level above the default trigger", &middleware.FingersCrossedOptions{Capacity: 1, BufferLevel: loggerjs.LevelFatal}, "FingersCrossedOptions.BufferLevel: FATAL"},
		{"unknown after-trigger", &middleware.FingersCrossedOptions{Capacity: 1, AfterTrigger: 7}, "FingersCrossedOptions.AfterTrigger: 7"},
		{"unknown isolation", &middleware.FingersCrossedOptions{Capacity: 1, Isolation: 9}, "FingersCrossedOptions.Isolation: 9"},
		{"match with a mode", &middleware.FingersCrossedOptions{Capacity: 1, Isolation: middleware.IsolateAncestors, Match: func(_, _ []string) bool { return true }}, "FingersCrossedOptions.Match"},
		{"negative max buffers", &middleware.FingersCrossedOptions{Capacity: 1, MaxBuffers: -1}, "FingersCrossedOptions.MaxBuffers: -1"},
		{"negative TTL", &middleware.FingersCrossedOptions{Capacity: 1, TTL: -time.Second}, "FingersCrossedOptions.TTL: -1s"},
		{"empty context key", &middleware.FingersCrossedOptions{Capacity: 1, ContextKeys: []string{"a", ""}}, "FingersCrossedOptions.ContextKeys[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc, err := middleware.FingersCrossed(&recSink{}, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
			if fc != nil {
				t.Errorf("a sink returned with the error")
			}
		})
	}
	if _, err := middleware.FingersCrossed(nil, nil); err == nil {
		t.Errorf("no error for a nil sink")
	}
	if _, err := middleware.FingersCrossed(&recSink{}, nil); err != nil {
		t.Errorf("nil options: %v", err)
	}
}
