package middleware_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/middleware"
)

// csStep logs count records (numbered from 1 in the attr "n", per
// message) at level, after moving the clock by advance.
type csStep struct {
	advance time.Duration
	level   slog.Level
	msg     string
	count   int
	args    []any
}

// TestCountSamplers checks zap's and zerolog's sampling rules, with exact
// counts, through a handler tree: which records reach the sink, in order.
func TestCountSamplers(t *testing.T) {
	clock := newFakeClock()
	every2 := func() loggerjs.Middleware { return must(middleware.EveryNth(2, nil))(t) }
	tests := []struct {
		name    string
		sampler func() (*middleware.CountSampler, error)
		steps   []csStep
		want    []string // "message#n" kept, in order
		kept    uint64
		dropped uint64
	}{
		{
			name: "zap: first 2, then every 3rd, per level and message",
			sampler: func() (*middleware.CountSampler, error) {
				return middleware.FirstThenEvery(2, 3, time.Second, &middleware.CountSampleOptions{Now: clock.Now})
			},
			steps: []csStep{
				{level: info, msg: "m", count: 10}, {level: info, msg: "other", count: 3}, {level: warn, msg: "m", count: 3},
			},
			want:    []string{"m#1", "m#2", "m#5", "m#8", "other#1", "other#2", "m#1", "m#2"},
			kept:    8,
			dropped: 8,
		},
		{
			name: "zap: a new tick starts the count again, at the tick's end exactly",
			sampler: func() (*middleware.CountSampler, error) {
				return middleware.FirstThenEvery(1, 0, time.Second, &middleware.CountSampleOptions{Now: clock.Now})
			},
			steps: []csStep{
				{level: info, msg: "m", count: 3},
				{advance: 999 * time.Millisecond, level: info, msg: "m", count: 1},
				{advance: time.Millisecond, level: info, msg: "m", count: 2}, // one second after the tick began
			},
			want:    []string{"m#1", "m#1"},
			kept:    2,
			dropped: 4,
		},
		{
			name: "zap: thereafter 0 drops everything past the first",
			sampler: func() (*middleware.CountSampler, error) {
				return middleware.FirstThenEvery(3, 0, time.Minute, &middleware.CountSampleOptions{Now: clock.Now})
			},
			steps:   []csStep{{level: debug, msg: "m", count: 10}},
			want:    []string{"m#1", "m#2", "m#3"},
			kept:    3,
			dropped: 7,
		},
		{
			name: "KeepLevel exempts records from counting",
			sampler: func() (*middleware.CountSampler, error) {
				return middleware.FirstThenEvery(1, 0, time.Minute, &middleware.CountSampleOptions{Now: clock.Now, KeepLevel: slog.LevelError})
			},
			steps:   []csStep{{level: info, msg: "m", count: 2}, {level: errL, msg: "e", count: 3}},
			want:    []string{"m#1", "e#1", "e#2", "e#3"},
			kept:    4,
			dropped: 1,
		},
		{
			name:    "zerolog BasicSampler: every 3rd, all records together",
			sampler: func() (*middleware.CountSampler, error) { return middleware.EveryNth(3, nil) },
			steps:   []csStep{{level: info, msg: "a", count: 5}, {level: errL, msg: "b", count: 5}},
			want:    []string{"a#1", "a#4", "b#2", "b#5"},
			kept:    4,
			dropped: 6,
		},
		{
			name:    "zerolog BasicSampler: N 1 keeps everything",
			sampler: func() (*middleware.CountSampler, error) { return middleware.EveryNth(1, nil) },
			steps:   []csStep{{level: info, msg: "a", count: 3}},
			want:    []string{"a#1", "a#2", "a#3"},
			kept:    3,
		},
		{
			name: "EveryNth per Key attr",
			sampler: func() (*middleware.CountSampler, error) {
				return middleware.EveryNth(2, &middleware.CountSampleOptions{Key: "user"})
			},
			steps: []csStep{
				{level: info, msg: "u1", count: 3, args: []any{"user", "u1"}},
				{level: info, msg: "u2", count: 3, args: []any{"user", "u2"}},
			},
			want:    []string{"u1#1", "u1#3", "u2#1", "u2#3"},
			kept:    4,
			dropped: 2,
		},
		{
			name: "zerolog BurstSampler: a burst per period, then nothing",
			sampler: func() (*middleware.CountSampler, error) {
				return middleware.Burst(3, time.Second, nil, &middleware.CountSampleOptions{Now: clock.Now})
			},
			steps: []csStep{
				{level: info, msg: "a", count: 5},
				{advance: time.Second, level: info, msg: "b", count: 4},
			},
			want:    []string{"a#1", "a#2", "a#3", "b#1", "b#2", "b#3"},
			kept:    6,
			dropped: 3,
		},
		{
			name: "zerolog BurstSampler with a NextSampler",
			sampler: func() (*middleware.CountSampler, error) {
				return middleware.Burst(2, time.Second, every2(), &middleware.CountSampleOptions{Now: clock.Now})
			},
			steps:   []csStep{{level: info, msg: "a", count: 8}},
			want:    []string{"a#1", "a#2", "a#3", "a#5", "a#7"},
			kept:    5,
			dropped: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := must(tt.sampler())(t)
			rec := &recSink{}
			h, logger := tree(t, map[string]loggerjs.Sink{"rec": rec}, s)
			logged := 0
			for _, st := range tt.steps {
				clock.Advance(st.advance)
				for i := range st.count {
					logger.Log(context.Background(), st.level, st.msg, append([]any{"n", i + 1}, st.args...)...)
					logged++
				}
			}
			var got []string
			for _, r := range rec.records() {
				n, _ := attrOf(r, "n")
				got = append(got, fmt.Sprintf("%s#%d", r.Message(), n.Int64()))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("kept\n\t%q\nwant\n\t%q", got, tt.want)
			}
			if s.Kept() != tt.kept || s.Dropped() != tt.dropped {
				t.Errorf("Kept %d, Dropped %d; want %d, %d", s.Kept(), s.Dropped(), tt.kept, tt.dropped)
			}
			ms := h.Stats()
			if ms.Filtered["*middleware.CountSampler"] != tt.dropped || uint64(rec.len())+ms.FilteredTotal() != uint64(logged) {
				t.Errorf("Filtered %v, delivered %d, logged %d", ms.Filtered, rec.len(), logged)
			}
		})
	}
}

func TestCountSamplerMaxKeys(t *testing.T) {
	s := must(middleware.FirstThenEvery(1, 0, time.Hour, &middleware.CountSampleOptions{MaxKeys: 2}))(t)
	rec := &recSink{}
	_, logger := tree(t, map[string]loggerjs.Sink{"rec": rec}, s)
	for _, m := range []string{"a", "b", "a", "c", "b", "a"} {
		logger.Info(m)
	}
	// a, b kept; a dropped; c evicts b; b (new again) evicts a; a (new
	// again) kept.
	if got, want := rec.lines(), []string{":a", ":b", ":c", ":b", ":a"}; !slices.Equal(got, want) {
		t.Errorf("kept %q, want %q", got, want)
	}
	if s.Keys() != 2 {
		t.Errorf("%d keys, want 2", s.Keys())
	}
}

func TestCountSamplerInvalidOptions(t *testing.T) {
	tests := []struct {
		name string
		mk   func() (*middleware.CountSampler, error)
		want string
	}{
		{"negative first", func() (*middleware.CountSampler, error) { return middleware.FirstThenEvery(-1, 1, time.Second, nil) }, "middleware: FirstThenEvery first: -1"},
		{"negative thereafter", func() (*middleware.CountSampler, error) { return middleware.FirstThenEvery(1, -1, time.Second, nil) }, "FirstThenEvery thereafter: -1"},
		{"zero tick", func() (*middleware.CountSampler, error) { return middleware.FirstThenEvery(1, 1, 0, nil) }, "FirstThenEvery tick: 0s"},
		{"zero n", func() (*middleware.CountSampler, error) { return middleware.EveryNth(0, nil) }, "EveryNth n: 0"},
		{"zero burst", func() (*middleware.CountSampler, error) { return middleware.Burst(0, time.Second, nil, nil) }, "Burst burst: 0"},
		{"zero period", func() (*middleware.CountSampler, error) { return middleware.Burst(1, 0, nil, nil) }, "Burst period: 0s"},
		{"negative MaxKeys", func() (*middleware.CountSampler, error) {
			return middleware.EveryNth(2, &middleware.CountSampleOptions{MaxKeys: -3})
		}, "CountSampleOptions.MaxKeys: -3"},
		{"bad KeyBy", func() (*middleware.CountSampler, error) {
			return middleware.EveryNth(2, &middleware.CountSampleOptions{KeyBy: middleware.SharedKey | middleware.ByMessage})
		}, "CountSampleOptions.KeyBy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.mk()
			if err == nil || !strings.Contains(err.Error(), tt.want) || s != nil {
				t.Errorf("got %v, %v; want an error containing %q", s, err, tt.want)
			}
		})
	}
}

// TestMinLevel uses the level filter per sink and per category: the
// records each sink receives, and the filtered counts.
func TestMinLevel(t *testing.T) {
	all, warnOnly, dbOnly := &recSink{}, &recSink{}, &recSink{}
	lv := new(slog.LevelVar)
	lv.Set(slog.LevelWarn)
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"all":  all,
			"warn": loggerjs.WithMiddleware(warnOnly, middleware.MinLevel(lv)),
			"db":   dbOnly,
		},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"all", "warn"}, Level: slog.LevelDebug},
			{Category: []string{"app", "db"}, Sinks: []string{"db"}, Middleware: []loggerjs.Middleware{
				loggerjs.Named("db-min", middleware.MinLevel(slog.LevelInfo)),
			}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	root := slog.New(h)
	db := loggerjs.Child(root, "app", "db")
	root.Debug("r.debug")
	root.Warn("r.warn")
	db.Debug("db.debug") // dropped by db-min, for every sink on its path
	db.Info("db.info")
	db.Error("db.error")
	lv.Set(slog.LevelError)
	root.Warn("r.warn2")
	if got, want := all.lines(), []string{":r.debug", ":r.warn", "app.db:db.info", "app.db:db.error", ":r.warn2"}; !slices.Equal(got, want) {
		t.Errorf("all: %q, want %q", got, want)
	}
	if got, want := warnOnly.lines(), []string{":r.warn", "app.db:db.error"}; !slices.Equal(got, want) {
		t.Errorf("warn: %q, want %q", got, want)
	}
	if got, want := dbOnly.lines(), []string{"app.db:db.info", "app.db:db.error"}; !slices.Equal(got, want) {
		t.Errorf("db: %q, want %q", got, want)
	}
	st := h.Stats()
	if st.Filtered["db-min"] != 1 || st.Filtered["*middleware.LevelFilter"] != 3 {
		t.Errorf("Filtered %v, want db-min 1 and *middleware.LevelFilter 3", st.Filtered)
	}
	if middleware.MinLevel(nil).Process(context.Background(), loggerjs.NewRecord(slog.NewRecord(time.Time{}, slog.LevelDebug, "d", 0))) {
		t.Errorf("MinLevel(nil) kept a Debug record; nil means Info")
	}
}
