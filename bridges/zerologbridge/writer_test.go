package zerologbridge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/zerologbridge"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/rs/zerolog"
)

func newTree(t testing.TB, codec loggerjs.Codec) (*loggerjs.Handler, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	if codec == nil {
		codec = codecs.JSON(nil)
	}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"json": sinks.Writer(&buf, codec)},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"json"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	return h, &buf
}

type kv struct {
	key   string
	value any
}

func decodeOrdered(t testing.TB, line []byte) []kv {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", line)
	}
	var out []kv
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("%v in %s", err, line)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%v in %s", err, line)
		}
		out = append(out, kv{tok.(string), v})
	}
	return out
}

func member(members []kv, key string) (any, bool) {
	for _, m := range members {
		if m.key == key {
			return m.value, true
		}
	}
	return nil, false
}

var envelope = map[string]bool{"time": true, "level": true, "msg": true, "message": true, "caller": true, "stack": true, "source": true}

func fieldsOf(members []kv) []kv {
	var out []kv
	for _, m := range members {
		if !envelope[m.key] {
			out = append(out, m)
		}
	}
	return out
}

// normalize makes numbers comparable by value (1e21 and
// 1000000000000000000000 are one number).
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return string(x)
		}
		if _, err := strconv.ParseUint(string(x), 10, 64); err == nil {
			return string(x)
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return string(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

// msToNanos rewrites zerolog's default duration form (float
// milliseconds) as the integer nanoseconds the loggerjs JSON codec
// writes, at any depth: the documented difference of a duration key.
func msToNanos(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return json.Number(strconv.FormatInt(int64(math.Round(f*1e6)), 10))
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = msToNanos(e)
		}
		return out
	}
	return v
}

type point struct{ X, Y int }

func (p point) MarshalZerologObject(e *zerolog.Event) {
	e.Int("x", p.X).Int("y", p.Y).Dur("dur", time.Second)
}

type label string

func (l label) String() string { return "label:" + string(l) }

var durationKeys = []string{"dur", "durs", "neg"}

type fieldCase struct {
	name string
	log  func(e *zerolog.Event) *zerolog.Event
}

func fieldTable() []fieldCase {
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	return []fieldCase{
		{"strings", func(e *zerolog.Event) *zerolog.Event {
			return e.Str("s", "v").Str("esc", "q\"b\\n\n\t<&> \u2028 é").Strs("ss", []string{"a", ""})
		}},
		{"ints", func(e *zerolog.Event) *zerolog.Event {
			return e.Int("i", -1).Int8("i8", -8).Int16("i16", 16).Int32("i32", -32).Int64("i64", math.MinInt64).Ints("is", []int{1, 2})
		}},
		{"uints", func(e *zerolog.Event) *zerolog.Event {
			return e.Uint("u", 1).Uint8("u8", 255).Uint16("u16", 16).Uint32("u32", 32).Uint64("u64", math.MaxUint64)
		}},
		{"floats", func(e *zerolog.Event) *zerolog.Event {
			return e.Float64("f", 3.25).Float64("whole", 2).Float32("f32", 1.1).Float64("big", 1e21).Float64("tiny", 1e-7).Floats64("fs", []float64{0.5, 1})
		}},
		{"non-finite floats", func(e *zerolog.Event) *zerolog.Event {
			return e.Float64("nan", math.NaN()).Float64("inf", math.Inf(1)).Float64("ninf", math.Inf(-1))
		}},
		{"bool", func(e *zerolog.Event) *zerolog.Event { return e.Bool("t", true).Bools("bs", []bool{false, true}) }},
		{"durations", func(e *zerolog.Event) *zerolog.Event {
			return e.Dur("dur", 1500*time.Microsecond).Durs("durs", []time.Duration{time.Second, time.Millisecond}).Dur("neg", -time.Millisecond)
		}},
		{"times", func(e *zerolog.Event) *zerolog.Event {
			return e.Time("t", at).Times("ts", []time.Time{at, at.Add(time.Hour)}).Time("zone", at.In(time.FixedZone("X", -3600)))
		}},
		{"errors", func(e *zerolog.Event) *zerolog.Event {
			return e.Err(errors.New("boom")).AnErr("cause", fmt.Errorf("wrap: %w", errors.New("inner"))).Errs("errs", []error{errors.New("a"), nil})
		}},
		{"interface", func(e *zerolog.Event) *zerolog.Event {
			return e.Interface("struct", point{1, 2}).Interface("map", map[string]any{"b": 1, "a": []int{1}}).Interface("nil", nil)
		}},
		{"any", func(e *zerolog.Event) *zerolog.Event {
			return e.Any("n", 3).Any("s", "x").Any("dur", 2*time.Second)
		}},
		{"raw json", func(e *zerolog.Event) *zerolog.Event {
			return e.RawJSON("raw", []byte(`{"z":1,"a":[true,null,{"k":"v"}],"e":{}}`))
		}},
		{"bytes and hex", func(e *zerolog.Event) *zerolog.Event {
			return e.Bytes("b", []byte("bytes")).Hex("h", []byte{0xde, 0xad})
		}},
		{"net", func(e *zerolog.Event) *zerolog.Event {
			return e.IPAddr("ip", net.ParseIP("10.0.0.1")).IPPrefix("net", net.IPNet{IP: net.IPv4(10, 0, 0, 0), Mask: net.CIDRMask(8, 32)}).MACAddr("mac", net.HardwareAddr{1, 2, 3, 4, 5, 6})
		}},
		{"stringer", func(e *zerolog.Event) *zerolog.Event {
			return e.Stringer("l", label("x")).Stringers("ls", []fmt.Stringer{label("a"), label("b")})
		}},
		{"object and embed", func(e *zerolog.Event) *zerolog.Event {
			return e.Object("p", point{3, 4}).EmbedObject(point{5, 6})
		}},
		{"dict", func(e *zerolog.Event) *zerolog.Event {
			return e.Dict("d", zerolog.Dict().Str("k", "v").Dict("inner", zerolog.Dict().Int("n", 1).Dur("dur", time.Millisecond)))
		}},
		{"array", func(e *zerolog.Event) *zerolog.Event {
			return e.Array("a", zerolog.Arr().Str("s").Int(1).Float64(1.5).Bool(false).Dict(zerolog.Dict().Str("k", "v")).Object(point{7, 8}))
		}},
		{"empty containers", func(e *zerolog.Event) *zerolog.Event {
			return e.Dict("empty", zerolog.Dict()).Array("none", zerolog.Arr()).Str("after", "x")
		}},
		{"fields map", func(e *zerolog.Event) *zerolog.Event {
			return e.Fields(map[string]any{"b": 2, "a": "1"})
		}},
		{"duplicate keys", func(e *zerolog.Event) *zerolog.Event { return e.Str("k", "1").Str("k", "2") }},
	}
}

// TestFieldsMatchZerologJSON logs every row through zerolog into the
// bridge and the loggerjs JSON codec, and through zerolog into a buffer,
// and compares the two outputs member by member, in order. Durations are
// compared in nanoseconds: zerolog writes float milliseconds, the codec
// integer nanoseconds (the documented difference).
func TestFieldsMatchZerologJSON(t *testing.T) {
	durKeys := map[string]bool{}
	for _, k := range durationKeys {
		durKeys[k] = true
	}
	for _, tc := range fieldTable() {
		t.Run(tc.name, func(t *testing.T) {
			h, buf := newTree(t, nil)
			w := zerologbridge.NewWriter(slog.New(h), &zerologbridge.Options{DurationKeys: durationKeys})
			var nbuf bytes.Buffer
			bl, nl := zerolog.New(w), zerolog.New(&nbuf)
			tc.log(bl.Info()).Msg("row")
			tc.log(nl.Info()).Msg("row")

			got, want := decodeOrdered(t, buf.Bytes()), decodeOrdered(t, nbuf.Bytes())
			if m, _ := member(got, "msg"); m != "row" {
				t.Errorf("msg = %v", m)
			}
			gf, wf := fieldsOf(got), withoutEmptyObjects(fieldsOf(want))
			if len(gf) != len(wf) {
				t.Fatalf("bridge wrote %d fields, zerolog %d\nbridge:  %s\nzerolog: %s", len(gf), len(wf), buf.Bytes(), nbuf.Bytes())
			}
			for i := range wf {
				wv := wf[i].value
				if durKeys[wf[i].key] {
					wv = msToNanos(wv)
				}
				if gf[i].key != wf[i].key {
					t.Errorf("field %d: bridge key %q, zerolog %q", i, gf[i].key, wf[i].key)
				} else if !reflect.DeepEqual(normalize(gf[i].value), normalize(nestedDurations(wf[i].key, wv))) {
					t.Errorf("field %q:\nbridge  %#v\nzerolog %#v", wf[i].key, gf[i].value, wv)
				}
			}
			if t.Failed() {
				t.Logf("bridge:  %s", buf.Bytes())
				t.Logf("zerolog: %s", nbuf.Bytes())
			}
			if w.Invalid() != 0 {
				t.Errorf("Invalid = %d", w.Invalid())
			}
		})
	}
}

// nestedDurations applies msToNanos to duration keys inside objects and
// lists, and leaves out empty objects (the documented differences).
func nestedDurations(key string, v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = nestedDurations(key, e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if m, ok := e.(map[string]any); ok && len(m) == 0 {
				continue
			}
			if k == "dur" {
				out[k] = msToNanos(e)
			} else {
				out[k] = nestedDurations(k, e)
			}
		}
		return out
	}
	return v
}

// withoutEmptyObjects leaves out top-level empty objects: the codec, as
// slog, writes no empty group.
func withoutEmptyObjects(members []kv) []kv {
	var out []kv
	for _, m := range members {
		if o, ok := m.value.(map[string]any); ok && len(o) == 0 {
			continue
		}
		out = append(out, m)
	}
	return out
}

// TestKinds checks the attr kinds the decoder produces, which JSON text
// alone cannot show: integers, floats, groups, lists, times and
// durations.
func TestKinds(t *testing.T) {
	mem := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"m": mem},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	zl := zerolog.New(zerologbridge.NewWriter(slog.New(h), &zerologbridge.Options{DurationKeys: []string{"took"}}))
	zl.Info().Int("i", 1).Uint64("u", math.MaxUint64).Float64("f", 1.5).Dur("took", 1500*time.Millisecond).
		Time("at", at).Dict("d", zerolog.Dict().Int("n", 1)).Ints("l", []int{1}).Str("s", "text").Bool("b", true).
		Err(errors.New("bad")).Msg("kinds")
	r := mem.Records()[0]
	want := map[string]slog.Kind{"i": slog.KindInt64, "u": slog.KindUint64, "f": slog.KindFloat64, "took": slog.KindDuration,
		"at": slog.KindTime, "d": slog.KindGroup, "l": slog.KindAny, "s": slog.KindString, "b": slog.KindBool, "error": slog.KindAny}
	r.Attrs(func(a slog.Attr) bool {
		if k, ok := want[a.Key]; !ok || a.Value.Kind() != k {
			t.Errorf("%s: kind %v, want %v", a.Key, a.Value.Kind(), k)
		}
		delete(want, a.Key)
		switch a.Key {
		case "took":
			if a.Value.Duration() != 1500*time.Millisecond {
				t.Errorf("took = %v", a.Value.Duration())
			}
		case "at":
			if !a.Value.Time().Equal(at) {
				t.Errorf("at = %v", a.Value.Time())
			}
		}
		return true
	})
	if len(want) > 0 {
		t.Errorf("missing attrs %v", want)
	}
	if r.Err == nil || r.Err.Error() != "bad" {
		t.Errorf("error slot = %v", r.Err)
	}
	if r.Source != zerologbridge.Source {
		t.Errorf("Source = %q", r.Source)
	}
}

// TestFormats checks times and durations under zerolog's other formats.
func TestFormats(t *testing.T) {
	defer func(tf, df string, du time.Duration) {
		zerolog.TimeFieldFormat, zerolog.DurationFieldFormat, zerolog.DurationFieldUnit = tf, df, du
	}(zerolog.TimeFieldFormat, zerolog.DurationFieldFormat, zerolog.DurationFieldUnit)
	at := time.Date(2025, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
	cases := []struct {
		name       string
		timeFormat string
		durFormat  string
		durUnit    time.Duration
		opts       zerologbridge.Options
		wantTime   time.Time
	}{
		{"unix ms, int seconds", zerolog.TimeFormatUnixMs, zerolog.DurationFormatInt, time.Second, zerologbridge.Options{TimeKeys: []string{"at"}, DurationKeys: []string{"took"}}, at},
		{"unix seconds, float micros", zerolog.TimeFormatUnix, zerolog.DurationFormatFloat, time.Microsecond, zerologbridge.Options{TimeKeys: []string{"at"}, DurationKeys: []string{"took"}}, at.Truncate(time.Second)},
		{"RFC3339Nano, string durations", time.RFC3339Nano, zerolog.DurationFormatString, time.Millisecond, zerologbridge.Options{}, at},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			zerolog.TimeFieldFormat, zerolog.DurationFieldFormat, zerolog.DurationFieldUnit = tc.timeFormat, tc.durFormat, tc.durUnit
			mem := sinks.Memory()
			h, err := loggerjs.NewHandler(loggerjs.Config{Sinks: map[string]loggerjs.Sink{"m": mem}, Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}}})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close(context.Background())
			zl := zerolog.New(zerologbridge.NewWriter(slog.New(h), &tc.opts))
			zl.Info().Time("at", at).Dur("took", 3*time.Second).Int("n", 5).Msg("m")
			r := mem.Records()[0]
			got := map[string]slog.Value{}
			r.Attrs(func(a slog.Attr) bool { got[a.Key] = a.Value; return true })
			if v := got["at"]; v.Kind() != slog.KindTime || !v.Time().Equal(tc.wantTime) {
				t.Errorf("at = %v (%v), want %v", v, v.Kind(), tc.wantTime)
			}
			if v := got["took"]; v.Kind() != slog.KindDuration || v.Duration() != 3*time.Second {
				t.Errorf("took = %v (%v)", v, v.Kind())
			}
			if v := got["n"]; v.Kind() != slog.KindInt64 {
				t.Errorf("n = %v (%v)", v, v.Kind())
			}
		})
	}
}

// TestTimestamp checks that zerolog's timestamp field is the record's
// time, and its absence gives the time of the write.
func TestTimestamp(t *testing.T) {
	defer func(f string) { zerolog.TimeFieldFormat = f }(zerolog.TimeFieldFormat)
	zerolog.TimeFieldFormat = time.RFC3339Nano
	mem := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{Sinks: map[string]loggerjs.Sink{"m": mem}, Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	at := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	zl := zerolog.New(zerologbridge.NewWriter(slog.New(h), nil))
	zl.Info().Time(zerolog.TimestampFieldName, at).Msg("stamped")
	before := time.Now()
	zl.Info().Msg("unstamped")
	recs := mem.Records()
	if !recs[0].Time.Equal(at) || recs[0].NumAttrs() != 0 {
		t.Errorf("stamped: time %v, %d attrs", recs[0].Time, recs[0].NumAttrs())
	}
	if recs[1].Time.Before(before) {
		t.Errorf("unstamped: time %v before %v", recs[1].Time, before)
	}
}

// TestLevelsAndCategory logs at every zerolog level and checks the
// loggerjs level, and the category read from the logger field.
func TestLevelsAndCategory(t *testing.T) {
	cases := []struct {
		level zerolog.Level
		name  string
	}{
		{zerolog.TraceLevel, "TRACE"},
		{zerolog.DebugLevel, "DEBUG"},
		{zerolog.InfoLevel, "INFO"},
		{zerolog.WarnLevel, "WARN"},
		{zerolog.ErrorLevel, "ERROR"},
		{zerolog.FatalLevel, "FATAL"},
		{zerolog.PanicLevel, "ERROR+2"},
		{zerolog.NoLevel, "INFO"},
	}
	if l := zerologbridge.Level(zerolog.Level(-2)); l != loggerjs.LevelTrace-4 {
		t.Errorf("Level(-2) = %v", l)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, buf := newTree(t, nil)
			zl := zerolog.New(zerologbridge.NewWriter(loggerjs.Child(slog.New(h), "app"), nil)).With().Str("logger", "db.pool").Logger()
			zl.WithLevel(tc.level).Msg("m")
			got := decodeOrdered(t, buf.Bytes())
			if v, _ := member(got, "level"); v != tc.name {
				t.Errorf("level = %v, want %s", v, tc.name)
			}
			if v, _ := member(got, "logger"); v != "app.db.pool" {
				t.Errorf("logger = %v", v)
			}
		})
	}
}

// TestCategoryLevels checks that the loggerjs level of the event's
// category applies, and that New sets zerolog's level to the floor.
func TestCategoryLevels(t *testing.T) {
	mem := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"m": mem},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"m"}, Level: slog.LevelWarn},
			{Category: []string{"db"}, Sinks: []string{"m"}, Level: slog.LevelDebug, ParentSinks: loggerjs.Override},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	zl := zerologbridge.New(slog.New(h), nil)
	if zl.GetLevel() != zerolog.DebugLevel {
		t.Errorf("zerolog level = %v, want debug (db's)", zl.GetLevel())
	}
	zl.Debug().Msg("root debug")
	zl.Info().Str("logger", "db").Msg("db info")
	zl.Debug().Str("logger", "db").Msg("db debug")
	zl.Warn().Msg("root warn")
	if got := strings.Join(mem.Messages(), ","); got != "db info,db debug,root warn" {
		t.Errorf("records: %s", got)
	}
}

// TestFatalAndPanicFlush checks that Fatal and Panic events are flushed
// before zerolog exits or panics.
func TestFatalAndPanicFlush(t *testing.T) {
	defer func(f func()) { zerolog.FatalExitFunc = f }(zerolog.FatalExitFunc)
	type exited struct{}
	zerolog.FatalExitFunc = func() { panic(exited{}) }
	fc := &flushCounter{}
	h, err := loggerjs.NewHandler(loggerjs.Config{Sinks: map[string]loggerjs.Sink{"m": fc}, Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	zl := zerologbridge.New(slog.New(h), nil)
	for _, f := range []func(){func() { zl.Fatal().Msg("fatal") }, func() { zl.Panic().Msg("panic") }} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		}()
	}
	if fc.flushes != 2 || fc.Len() != 2 {
		t.Errorf("flushes %d, records %d; want 2, 2", fc.flushes, fc.Len())
	}
}

type flushCounter struct {
	sinks.MemorySink
	flushes int
}

func (f *flushCounter) Flush(context.Context) error { f.flushes++; return nil }

// TestCallerAndStack checks that zerolog's caller becomes the record's
// PC and its stack the root attr loggerjs.StackKey.
func TestCallerAndStack(t *testing.T) {
	defer func(m func(error) any) { zerolog.ErrorStackMarshaler = m }(zerolog.ErrorStackMarshaler)
	zerolog.ErrorStackMarshaler = func(err error) any {
		return []map[string]string{{"func": "main.run", "source": "main.go", "line": "12"}, {"func": "main.main", "source": "main.go", "line": "5"}}
	}
	h, buf := newTree(t, codecs.JSON(&codecs.JSONOptions{AddSource: true}))
	zl := zerolog.New(zerologbridge.NewWriter(slog.New(h), nil))
	_, file, line, _ := runtime.Caller(0)
	zl.Error().Caller().Stack().Err(errors.New("x")).Msg("with caller") // line+1
	got := decodeOrdered(t, buf.Bytes())
	src, _ := member(got, "source")
	m, _ := src.(map[string]any)
	if m["file"] != file || m["line"] != json.Number(strconv.Itoa(line+1)) {
		t.Errorf("source = %v, want %s:%d", src, file, line+1)
	}
	if _, ok := member(got, "caller"); ok {
		t.Errorf("caller kept as an attr too")
	}
	if s, _ := member(got, loggerjs.StackKey); s != "main.run\n\tmain.go:12\nmain.main\n\tmain.go:5" {
		t.Errorf("stack = %q", s)
	}
}

// TestInvalidJSON checks that an event that is not valid JSON is written
// as a marked message and counted, never dropped.
func TestInvalidJSON(t *testing.T) {
	h, buf := newTree(t, nil)
	w := zerologbridge.NewWriter(slog.New(h), nil)
	zl := zerolog.New(w)
	zl.Warn().RawJSON("raw", []byte(`{"unclosed":`)).Msg("broken")
	_, _ = w.Write([]byte("plain text line\n"))
	_, _ = w.Write([]byte(`{"a":1} trailing`))
	if w.Invalid() != 3 {
		t.Errorf("Invalid = %d, want 3", w.Invalid())
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d records:\n%s", len(lines), buf.String())
	}
	first := decodeOrdered(t, []byte(lines[0]))
	if msg, _ := member(first, "msg"); !strings.Contains(msg.(string), `"raw":{"unclosed":`) {
		t.Errorf("message = %v, want the event's text", msg)
	}
	if v, _ := member(first, "level"); v != "WARN" {
		t.Errorf("level = %v", v)
	}
	if _, ok := member(first, zerologbridge.BadJSONKey); !ok {
		t.Errorf("no %s marker: %s", zerologbridge.BadJSONKey, lines[0])
	}
	second := decodeOrdered(t, []byte(lines[1]))
	if msg, _ := member(second, "msg"); msg != "plain text line" {
		t.Errorf("message = %v", msg)
	}
}

// loopSink writes every record it receives back through zerolog.
type loopSink struct {
	mu     sync.Mutex
	logger zerolog.Logger
	got    []string
}

func (s *loopSink) Write(_ context.Context, r *loggerjs.Record) error {
	s.mu.Lock()
	s.got = append(s.got, r.Message())
	s.mu.Unlock()
	s.logger.Warn().Str("seen", r.Message()).Msg("sink saw a record")
	return nil
}
func (s *loopSink) Flush(context.Context) error { return nil }
func (s *loopSink) Close(context.Context) error { return nil }

// TestLoopIsCut installs the writer under a sink that logs through the
// same zerolog logger: the inner events are dropped and counted.
func TestLoopIsCut(t *testing.T) {
	sink := &loopSink{}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"loop": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"loop"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	w := zerologbridge.NewWriter(slog.New(h), nil)
	sink.logger = zerolog.New(w)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 25 {
				sink.logger.Info().Msg("outer")
			}
		})
	}
	wg.Wait()
	if len(sink.got) != 100 {
		t.Errorf("sink got %d records, want 100", len(sink.got))
	}
	for _, m := range sink.got {
		if m != "outer" {
			t.Fatalf("sink got %q from inside the bridge", m)
		}
	}
	if w.Drops() != 100 || h.Stats().BridgeDrops != 100 {
		t.Errorf("drops: writer %d, stats %d; want 100", w.Drops(), h.Stats().BridgeDrops)
	}
}

// TestDeepNesting checks that nesting past the bound is a marker, not a
// crash.
func TestDeepNesting(t *testing.T) {
	mem := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{Sinks: map[string]loggerjs.Sink{"m": mem}, Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	w := zerologbridge.NewWriter(slog.New(h), nil)
	deep := `{"message":"deep","d":` + strings.Repeat(`[`, 100000) + strings.Repeat(`]`, 100000) + `,"after":1}`
	_, _ = w.Write([]byte(deep))
	r := mem.Records()[0]
	if r.Message() != "deep" || r.NumAttrs() != 2 || w.Invalid() != 0 {
		t.Fatalf("message %q, %d attrs, invalid %d", r.Message(), r.NumAttrs(), w.Invalid())
	}
	if n := strings.Count(fmt.Sprint(r.Attr(0).Value), "["); n > 64 {
		t.Errorf("d nests %d deep", n)
	}
	if a := r.Attr(1); a.Key != "after" || a.Value.Int64() != 1 {
		t.Errorf("after = %v", a)
	}
}
