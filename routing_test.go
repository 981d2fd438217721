package loggerjs_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
)

// logAt is one logging call of a routing scenario.
type logAt struct {
	category []string
	level    slog.Level
	msg      string
}

// TestRouting runs LogTape's category scenarios (seed 000) and the rules
// of LoggerConfig: prefix dispatch, inheritance, Override, level gates on
// the path, sinks reached once, LevelOff, child loggers.
func TestRouting(t *testing.T) {
	info, debug, warn := slog.LevelInfo, slog.LevelDebug, slog.LevelWarn
	tests := []struct {
		name    string
		loggers []loggerjs.LoggerConfig
		logs    []logAt
		want    map[string][]string // sink -> messages received
	}{
		{
			name: "prefix dispatch to every configured ancestor",
			loggers: []loggerjs.LoggerConfig{
				{Category: []string{"my-app"}, Sinks: []string{"a"}},
				{Category: []string{"my-app", "my-module"}, Sinks: []string{"b"}},
			},
			logs: []logAt{
				{[]string{"my-app"}, info, "foo"},
				{[]string{"my-app", "my-module"}, info, "bar"},
				{[]string{"my-app", "my-module", "sub"}, info, "baz"},
				{[]string{"other"}, info, "none"},
			},
			want: map[string][]string{"a": {"foo", "bar", "baz"}, "b": {"bar", "baz"}},
		},
		{
			name: "override cuts the parent's sinks",
			loggers: []loggerjs.LoggerConfig{
				{Category: []string{"my-app"}, Sinks: []string{"a"}},
				{Category: []string{"my-app", "my-module"}, Sinks: []string{"b"}, ParentSinks: loggerjs.Override},
			},
			logs: []logAt{
				{[]string{"my-app"}, info, "foo"},
				{[]string{"my-app", "my-module"}, info, "bar"},
				{[]string{"my-app", "my-module", "deep"}, info, "deep"},
			},
			want: map[string][]string{"a": {"foo"}, "b": {"bar", "deep"}},
		},
		{
			name: "override below keeps the sinks between",
			loggers: []loggerjs.LoggerConfig{
				{Sinks: []string{"a"}},
				{Category: []string{"app"}, Sinks: []string{"b"}},
				{Category: []string{"app", "db"}, ParentSinks: loggerjs.Override},
			},
			logs: []logAt{{[]string{"app", "db"}, info, "q"}, {[]string{"app"}, info, "x"}},
			want: map[string][]string{"a": {"x"}, "b": {"x"}},
		},
		{
			name: "seed 000 levels: my-app info to file, my-module debug to console",
			loggers: []loggerjs.LoggerConfig{
				{Category: []string{"my-app"}, Level: info, Sinks: []string{"a"}},
				{Category: []string{"my-app", "my-module"}, Level: debug, Sinks: []string{"b"}},
			},
			logs: []logAt{
				{[]string{"my-app"}, debug, "app-debug"},
				{[]string{"my-app"}, info, "app-info"},
				{[]string{"my-app", "my-module"}, debug, "mod-debug"},
				{[]string{"my-app", "my-module"}, info, "mod-info"},
			},
			want: map[string][]string{"a": {"app-info", "mod-info"}, "b": {"mod-debug", "mod-info"}},
		},
		{
			name: "a level on the path gates the sinks above it too",
			loggers: []loggerjs.LoggerConfig{
				{Sinks: []string{"a"}},
				{Category: []string{"app"}, Level: warn},
			},
			logs: []logAt{
				{[]string{"app", "db"}, info, "hidden"},
				{[]string{"app", "db"}, warn, "shown"},
				{[]string{"lib"}, debug, "ungated"},
			},
			want: map[string][]string{"a": {"shown", "ungated"}},
		},
		{
			name: "a sink reached through two ancestors gets the record once",
			loggers: []loggerjs.LoggerConfig{
				{Sinks: []string{"a"}},
				{Category: []string{"app"}, Sinks: []string{"a", "a"}},
			},
			logs: []logAt{{[]string{"app", "x"}, info, "once"}},
			want: map[string][]string{"a": {"once"}},
		},
		{
			name: "the most permissive path to a shared sink wins",
			loggers: []loggerjs.LoggerConfig{
				{Sinks: []string{"a"}, Level: warn},
				{Category: []string{"app"}, Sinks: []string{"a"}, Level: debug},
			},
			// From app: path app->app gate is debug (reaches a); path app->root
			// gate is max(debug, warn).
			logs: []logAt{{[]string{"app"}, debug, "d"}, {[]string{"lib"}, info, "lib-info"}},
			want: map[string][]string{"a": {"d"}},
		},
		{
			name: "LevelOff silences a category",
			loggers: []loggerjs.LoggerConfig{
				{Sinks: []string{"a"}},
				{Category: []string{"noisy"}, Level: loggerjs.LevelOff},
			},
			logs: []logAt{{[]string{"noisy"}, loggerjs.LevelFatal, "x"}, {[]string{"quiet"}, info, "y"}},
			want: map[string][]string{"a": {"y"}},
		},
		{
			name:    "no logger configured routes nothing",
			loggers: nil,
			logs:    []logAt{{nil, slog.LevelError, "x"}},
			want:    map[string][]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := sinks.Memory(), sinks.Memory()
			h, err := loggerjs.NewHandler(loggerjs.Config{
				Sinks:   map[string]loggerjs.Sink{"a": a, "b": b},
				Loggers: tt.loggers,
			})
			if err != nil {
				t.Fatal(err)
			}
			root := slog.New(h)
			for _, l := range tt.logs {
				logger := root
				if len(l.category) > 0 {
					logger = loggerjs.Child(root, l.category...)
				}
				logger.Log(context.Background(), l.level, l.msg)
			}
			for name, m := range map[string]*sinks.MemorySink{"a": a, "b": b} {
				if got, want := m.Messages(), tt.want[name]; !slices.Equal(got, want) {
					t.Errorf("sink %s got %q, want %q", name, got, want)
				}
			}
		})
	}
}

// TestEnabledMatchesPlan checks rule 5: Enabled is true exactly when some
// sink would take the record.
func TestEnabledMatchesPlan(t *testing.T) {
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"a": sinks.Memory()},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app"}, Sinks: []string{"a"}, Level: slog.LevelInfo},
			{Category: []string{"app", "db"}, Level: slog.LevelWarn},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		cat   []string
		level slog.Level
		want  bool
	}{
		{nil, slog.LevelError, false},
		{[]string{"app"}, slog.LevelDebug, false},
		{[]string{"app"}, slog.LevelInfo, true},
		{[]string{"app", "db"}, slog.LevelInfo, false},
		{[]string{"app", "db"}, slog.LevelWarn, true},
		{[]string{"app", "web"}, slog.LevelInfo, true},
	} {
		var hh slog.Handler = h
		if tc.cat != nil {
			hh = h.WithAttrs([]slog.Attr{loggerjs.Category(tc.cat...)})
		}
		if got := hh.Enabled(ctx, tc.level); got != tc.want {
			t.Errorf("Enabled(%v, %v) = %v, want %v", tc.cat, tc.level, got, tc.want)
		}
	}
}

// TestChildCategories checks the three ways to extend a category: Child,
// With(Category(...)), and a Category attr on a single record.
func TestChildCategories(t *testing.T) {
	m := sinks.Memory()
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"m": m},
		Loggers: []loggerjs.LoggerConfig{{Category: []string{"app"}, Sinks: []string{"m"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	app := loggerjs.Child(logger, "app")
	app.Info("a")
	app.With(loggerjs.Category("db", "pool")).Info("b")
	app.WithGroup("g").With(loggerjs.Category("web"), "k", 1).Info("c")
	app.Info("d", loggerjs.Category("rec"))
	// slog asks Enabled before the record's attrs exist, so a Category attr
	// on one record refines the category only past the logger's own gate:
	// the root reaches no sink here, so this record goes nowhere.
	logger.Info("e", loggerjs.Category("app", "x"))

	var got []string
	for _, r := range m.Records() {
		got = append(got, r.Message()+"@"+r.CategoryName())
	}
	want := []string{"a@app", "b@app.db.pool", "c@app.web", "d@app.rec"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if c := m.Records()[1].Category; !slices.Equal(c, []string{"app", "db", "pool"}) {
		t.Errorf("Category = %q", c)
	}
}

// TestCategoryAttrInForeignHandler checks that a handler that is not ours
// renders Category as logger=<dotted>.
func TestCategoryAttrInForeignHandler(t *testing.T) {
	var buf bytesBuffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	loggerjs.Child(l, "app", "db").Info("hi", loggerjs.LazyMessage(func() string { return "lazy" }))
	if got, want := buf.String(), "level=INFO msg=hi logger=app.db message=lazy\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

// TestDynamicLevel checks that a *slog.LevelVar on a logger config gates at
// run time, without a new Configure.
func TestDynamicLevel(t *testing.T) {
	var lv slog.LevelVar
	lv.Set(slog.LevelWarn)
	m := sinks.Memory()
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"m": m},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}, Level: &lv}},
	})
	if err != nil {
		t.Fatal(err)
	}
	logger.Info("hidden")
	lv.Set(slog.LevelInfo)
	if !logger.Enabled(context.Background(), slog.LevelInfo) {
		t.Fatal("Enabled(Info) false after lowering the LevelVar")
	}
	logger.Info("shown")
	if got := m.Messages(); !slices.Equal(got, []string{"shown"}) {
		t.Errorf("got %q", got)
	}
}
