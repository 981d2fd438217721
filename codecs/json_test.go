package codecs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

type point struct {
	X, Y int
	Tag  string `json:"tag,omitempty"`
}

type cyclic struct {
	Name string
	Next *cyclic
}

type panicMarshaler struct{}

func (panicMarshaler) MarshalJSON() ([]byte, error) { panic("marshal exploded") }

type failMarshaler struct{}

func (failMarshaler) MarshalJSON() ([]byte, error) { return nil, errors.New("cannot marshal") }

type nilErr struct{ msg string }

func (e *nilErr) Error() string { return e.msg }

type upperText string

func (u upperText) MarshalText() ([]byte, error) { return []byte(strings.ToUpper(string(u))), nil }

type groupValuer struct{}

func (groupValuer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("kind", "valuer"), slog.Int("n", 3))
}

type chainValuer int

func (c chainValuer) LogValue() slog.Value {
	if c == 0 {
		return slog.StringValue("bottom")
	}
	return slog.AnyValue(c - 1)
}

var fixedTime = time.Date(2026, 11, 21, 12, 30, 45, 123456789, time.FixedZone("X", 3600))

// jsonCase is one row of the differential table: handler shape (With,
// WithGroup) and the record's attrs.
type jsonCase struct {
	name  string
	shape func(slog.Handler) slog.Handler
	level slog.Level
	msg   string
	attrs []slog.Attr
}

func jsonCases() []jsonCase {
	selfRef := &cyclic{Name: "a"}
	selfRef.Next = selfRef
	var nilPtrErr *nilErr
	var nilPoint *point
	return []jsonCase{
		{name: "no attrs", msg: "hello"},
		{name: "every kind", attrs: []slog.Attr{
			slog.String("s", "str"), slog.Int("i", -3), slog.Int64("i64", math.MinInt64), slog.Uint64("u", math.MaxUint64),
			slog.Float64("f", 3.25), slog.Bool("b", true), slog.Duration("d", 1500*time.Millisecond),
			slog.Time("t", fixedTime), slog.Any("struct", point{1, 2, "p"}), slog.Any("map", map[string]int{"a": 1}),
			slog.Any("slice", []string{"x", "y"}), slog.Any("err", errors.New("boom")), slog.Any("nil", nil),
			slog.Any("bytes", []byte("raw")), slog.Any("text", upperText("shout")), slog.Any("nilptr", nilPoint),
			slog.Any("level", slog.LevelWarn), slog.Any("dur_any", time.Second),
		}},
		{name: "floats as encoding/json writes them", attrs: []slog.Attr{
			slog.Float64("big", 1e21), slog.Float64("small", 1e-7), slog.Float64("negzero", math.Copysign(0, -1)),
			slog.Float64("tenth", 0.1), slog.Float64("max", math.MaxFloat64), slog.Float64("tiny", 5e-324),
		}},
		{name: "strings that need escaping", msg: "quote\" back\\ nl\n tab\t ctl\x01 <html>&", attrs: []slog.Attr{
			slog.String("utf8", "héllo 世界 \u2028\u2029"), slog.String("bad utf8", "a\xffb\xc3"),
			slog.String("key \"quoted\"\n", "v"), slog.String("", "empty key"),
		}},
		{name: "groups", attrs: []slog.Attr{
			slog.Group("g", slog.Int("a", 1), slog.Group("h", slog.String("b", "x"))),
			slog.Group("empty"), slog.Group("", slog.Int("inlined", 2)),
			slog.Group("only-empty", slog.Group("e")), slog.Int("after", 3),
		}},
		{name: "the empty attr is elided", attrs: []slog.Attr{{}, slog.Int("kept", 1), {}}},
		{name: "LogValuers", attrs: []slog.Attr{
			slog.Any("gv", groupValuer{}), slog.Any("chain", chainValuer(3)),
			slog.Any("", groupValuer{}),
		}},
		{name: "bound attrs", shape: func(h slog.Handler) slog.Handler {
			return h.WithAttrs([]slog.Attr{slog.String("svc", "api"), slog.Int("pid", 7)})
		}, attrs: []slog.Attr{slog.Int("n", 1)}},
		{name: "bound group without record attrs", shape: func(h slog.Handler) slog.Handler {
			return h.WithGroup("req")
		}},
		{name: "bound group with record attrs", shape: func(h slog.Handler) slog.Handler {
			return h.WithGroup("req")
		}, attrs: []slog.Attr{slog.String("path", "/")}},
		{name: "groups and attrs bound in layers", shape: func(h slog.Handler) slog.Handler {
			h = h.WithAttrs([]slog.Attr{slog.Int("a", 1)}).WithGroup("g1")
			h = h.WithAttrs([]slog.Attr{slog.Int("b", 2)}).WithGroup("g2").WithGroup("g3")
			return h.WithAttrs([]slog.Attr{slog.Int("c", 3)}).WithGroup("g4")
		}, attrs: []slog.Attr{slog.Int("d", 4)}},
		{name: "layers without record attrs", shape: func(h slog.Handler) slog.Handler {
			return h.WithGroup("g1").WithAttrs([]slog.Attr{slog.Int("b", 2)}).WithGroup("g2")
		}},
		{name: "bound empty groups only", shape: func(h slog.Handler) slog.Handler {
			return h.WithAttrs([]slog.Attr{slog.Group("e")})
		}, attrs: []slog.Attr{slog.Int("x", 1)}},
		{name: "record attr that is an empty group inside a bound group", shape: func(h slog.Handler) slog.Handler {
			return h.WithGroup("g")
		}, attrs: []slog.Attr{slog.Group("e")}},
		{name: "levels between the names", level: slog.LevelInfo + 2, attrs: []slog.Attr{slog.Int("x", 1)}},
		{name: "bad values marked in place", attrs: []slog.Attr{
			slog.Float64("nan", math.NaN()), slog.Float64("inf", math.Inf(1)), slog.Float64("ninf", math.Inf(-1)),
			slog.Any("cycle", selfRef), slog.Any("panics", panicMarshaler{}), slog.Any("fails", failMarshaler{}),
			slog.Any("nil err", nilPtrErr), slog.Any("chan", make(chan int)), slog.Any("func", func() {}),
			slog.Any("badmap", map[point]int{{}: 1}), slog.Int("after", 1),
		}},
	}
}

// handle logs one case through h with a fixed time and PC.
func handle(t *testing.T, h slog.Handler, c jsonCase, pc uintptr) {
	t.Helper()
	if c.shape != nil {
		h = c.shape(h)
	}
	r := slog.NewRecord(fixedTime, c.level, c.msg, pc)
	r.AddAttrs(c.attrs...)
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

func newJSONHandler(t *testing.T, w *bytes.Buffer, opts *codecs.JSONOptions) slog.Handler {
	t.Helper()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:    map[string]loggerjs.Sink{"out": sinks.Writer(w, codecs.JSON(opts))},
		Loggers:  []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
		Redactor: loggerjs.NoRedaction,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func parseLine(t *testing.T, b []byte) map[string]any {
	t.Helper()
	if n := bytes.Count(b, []byte("\n")); n != 1 || b[len(b)-1] != '\n' {
		t.Fatalf("want exactly one line, got %d newlines: %q", n, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("invalid JSON %v: %s", err, b)
	}
	return m
}

// TestJSONMatchesSlog is the differential test: for records with no
// category, the codec's output parses to the same object as
// slog.JSONHandler's with the same options.
func TestJSONMatchesSlog(t *testing.T) {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	renameAndDrop := func(groups []string, a slog.Attr) slog.Attr {
		switch {
		case a.Key == slog.MessageKey && len(groups) == 0:
			a.Key = "message"
		case a.Key == "pid":
			return slog.Attr{}
		case a.Key == slog.LevelKey && len(groups) == 0:
			return slog.String("severity", a.Value.Any().(slog.Level).String())
		case len(groups) > 0:
			a.Key = strings.Join(groups, ">") + ">" + a.Key
		case a.Value.Kind() == slog.KindTime:
			return slog.Int64(a.Key, a.Value.Time().Unix())
		}
		return a
	}
	options := []struct {
		name string
		slog *slog.HandlerOptions
		ours *codecs.JSONOptions
	}{
		{"defaults", nil, nil},
		{"AddSource", &slog.HandlerOptions{AddSource: true}, &codecs.JSONOptions{AddSource: true}},
		{"ReplaceAttr", &slog.HandlerOptions{ReplaceAttr: renameAndDrop}, &codecs.JSONOptions{ReplaceAttr: renameAndDrop}},
	}
	for _, o := range options {
		for _, c := range jsonCases() {
			t.Run(o.name+"/"+c.name, func(t *testing.T) {
				var want, got bytes.Buffer
				sopts := &slog.HandlerOptions{Level: slog.Level(math.MinInt)}
				if o.slog != nil {
					*sopts = *o.slog
					sopts.Level = slog.Level(math.MinInt)
				}
				handle(t, slog.NewJSONHandler(&want, sopts), c, pcs[0])
				handle(t, newJSONHandler(t, &got, o.ours), c, pcs[0])
				wm, gm := parseLine(t, want.Bytes()), parseLine(t, got.Bytes())
				if !reflect.DeepEqual(wm, gm) {
					t.Errorf("objects differ\nslog:     %s\nloggerjs: %s", want.Bytes(), got.Bytes())
				}
			})
		}
	}
}

// TestJSONDepartures covers where the codec differs from slog.JSONHandler
// on purpose: the category, TRACE and FATAL, root attrs, and inputs on
// which slog writes invalid JSON or panics.
func TestJSONDepartures(t *testing.T) {
	before := loggerjs.Stats().CodecFallbacks
	var buf bytes.Buffer
	c := codecs.JSON(&codecs.JSONOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == "explode" {
			panic("replace exploded")
		}
		return a
	}})
	r := loggerjs.NewRecord(slog.NewRecord(time.Time{}, loggerjs.LevelTrace, "m", 0))
	r.SetCategory("app", "db")
	r.AddAttrs(
		slog.Time("year", time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC)),
		slog.Any("lv", panicValuer{}),
		slog.Int("explode", 1),
		slog.Any("fatal", loggerjs.LevelFatal),
	)
	r.AddRootAttrs(slog.String("trace_id", "abc"))
	buf.Write(c.Append(nil, r))
	got := parseLine(t, buf.Bytes())
	want := map[string]any{
		"level": "TRACE", "msg": "m", "logger": "app.db", "trace_id": "abc",
		"year":    "!ERROR:time.Time year outside of range [0,9999]",
		"lv":      "!PANIC: LogValue: valuer exploded",
		"explode": "!PANIC: ReplaceAttr: replace exploded",
		"fatal":   "FATAL",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if n := loggerjs.Stats().CodecFallbacks - before; n != 3 {
		t.Errorf("CodecFallbacks grew by %d, want 3", n)
	}
}

// TestJSONReplaceAttrEmptiesNestedGroup covers a ReplaceAttr that removes
// every attr of a nested group. slog.JSONHandler then leaves the group on
// its ReplaceAttr stack and drops the separator before the next attr;
// the codec restores both.
func TestJSONReplaceAttrEmptiesNestedGroup(t *testing.T) {
	var seen []string
	c := codecs.JSON(&codecs.JSONOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == "secret" {
			return slog.Attr{}
		}
		if a.Key == "after" {
			seen = append([]string(nil), groups...)
		}
		return a
	}})
	r := loggerjs.NewRecord(slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0))
	r.AddAttrs(slog.Int("a", 1), slog.Group("g", slog.Group("h", slog.String("secret", "x"))), slog.Int("after", 2))
	got := parseLine(t, c.Append(nil, r))
	want := map[string]any{"level": "INFO", "msg": "m", "a": 1.0, "after": 2.0}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if len(seen) != 0 {
		t.Errorf("ReplaceAttr saw groups %q for a top-level attr", seen)
	}
}

type panicValuer struct{}

func (panicValuer) LogValue() slog.Value { panic("valuer exploded") }

// TestJSONCountsFallbacks checks that each bad value is counted once in
// the handler tree's stats.
func TestJSONCountsFallbacks(t *testing.T) {
	var buf bytes.Buffer
	h := newJSONHandler(t, &buf, nil)
	slog.New(h).Info("x", "nan", math.NaN(), "bad", "\xff", "ok", 1, "panic", panicMarshaler{})
	parseLine(t, buf.Bytes())
	if n := h.(*loggerjs.Handler).Stats().CodecFallbacks; n != 3 {
		t.Errorf("CodecFallbacks = %d, want 3", n)
	}
}

// TestJSONScopeEncodedOnce checks that bound attrs are encoded once per
// logger, not once per record: a LogValuer bound with With runs once.
func TestJSONScopeEncodedOnce(t *testing.T) {
	var buf bytes.Buffer
	var runs int
	logger := slog.New(newJSONHandler(t, &buf, nil)).With("v", countingValuer{&runs})
	for range 5 {
		logger.Info("x")
	}
	if runs != 1 {
		t.Errorf("bound LogValuer ran %d times, want 1", runs)
	}
	if n := strings.Count(buf.String(), `"v":"counted"`); n != 5 {
		t.Errorf("%d records carry the bound attr", n)
	}
}

type countingValuer struct{ n *int }

func (c countingValuer) LogValue() slog.Value { *c.n++; return slog.StringValue("counted") }

// FuzzJSONCodec checks, for fuzzed keys, strings, numbers and group names,
// that the output is one valid JSON line and parses to the same object as
// slog.JSONHandler's.
func FuzzJSONCodec(f *testing.F) {
	f.Add("k", "v", int64(1), 1.5, "g", "msg")
	f.Add("", "\xff\x00\u2028", int64(-1), math.Inf(1), "", "")
	f.Add("a\"b", "<&>", int64(math.MaxInt64), math.NaN(), "g.h", "\n")
	f.Fuzz(func(t *testing.T, key, s string, i int64, fl float64, group, msg string) {
		c := jsonCase{
			msg: msg,
			shape: func(h slog.Handler) slog.Handler {
				// As slog.Logger does, an empty group name adds no group.
				h = h.WithAttrs([]slog.Attr{slog.String(key, s)})
				if group != "" {
					h = h.WithGroup(group)
				}
				return h
			},
			attrs: []slog.Attr{
				slog.String(key, s), slog.Int64("i", i), slog.Float64("f", fl),
				slog.Group(group, slog.String(s, key)), slog.Any("m", map[string]string{key: s}),
			},
		}
		var want, got bytes.Buffer
		handle(t, slog.NewJSONHandler(&want, nil), c, 0)
		handle(t, newJSONHandler(t, &got, nil), c, 0)
		gm := parseLine(t, got.Bytes())
		var wm map[string]any
		if json.Unmarshal(want.Bytes(), &wm) != nil {
			return // slog wrote invalid JSON; ours was valid above
		}
		if !reflect.DeepEqual(wm, gm) {
			t.Errorf("objects differ\nslog:     %s\nloggerjs: %s", want.Bytes(), got.Bytes())
		}
	})
}

func ExampleJSON() {
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"stdout": sinks.Writer(exampleStdout{}, codecs.JSON(&codecs.JSONOptions{
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey && len(groups) == 0 {
					return slog.Attr{} // stable output
				}
				return a
			},
		}))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"stdout"}}},
	})
	if err != nil {
		panic(err)
	}
	loggerjs.Child(logger, "app", "db").With("pool", 4).WithGroup("query").Info("slow", "ms", 312)
	// Output:
	// {"level":"INFO","msg":"slow","logger":"app.db","pool":4,"query":{"ms":312}}
}

type exampleStdout struct{}

func (exampleStdout) Write(p []byte) (int, error) { fmt.Print(string(p)); return len(p), nil }
