package logrusbridge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	"github.com/loggerjs/loggerjs/bridges/logrusbridge"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/sirupsen/logrus"
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
		t.Fatalf("not an object: %q", line)
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

var envelope = map[string]bool{"time": true, "level": true, "msg": true, "func": true, "file": true, "source": true, "logger": true}

func fieldsOf(members []kv) []kv {
	var out []kv
	for _, m := range members {
		if !envelope[m.key] {
			out = append(out, m)
		}
	}
	return out
}

type point struct{ X, Y int }

type marshaled struct{}

func (marshaled) MarshalJSON() ([]byte, error) { return []byte(`{"custom":true}`), nil }

var now = time.Date(2025, 3, 4, 5, 6, 7, 890123456, time.UTC)

// fieldTable rows are logrus.Fields as call sites pass them.
func fieldTable() []struct {
	name   string
	fields logrus.Fields
} {
	return []struct {
		name   string
		fields logrus.Fields
	}{
		{"strings", logrus.Fields{"s": "v", "esc": "q\"b\\n\n<&>", "empty": ""}},
		{"ints", logrus.Fields{"i": -1, "i8": int8(-8), "i16": int16(16), "i32": int32(-32), "i64": int64(math.MinInt64)}},
		{"uints", logrus.Fields{"u": uint(1), "u8": uint8(255), "u16": uint16(16), "u32": uint32(32), "u64": uint64(math.MaxUint64), "uptr": uintptr(9)}},
		{"floats", logrus.Fields{"f": 3.25, "f32": float32(1.5), "big": 1e21, "tiny": 1e-7}},
		{"bool", logrus.Fields{"t": true, "f": false}},
		{"duration", logrus.Fields{"d": 1500 * time.Millisecond}},
		{"time", logrus.Fields{"t": now, "zone": now.In(time.FixedZone("X", 3600))}},
		{"errors", logrus.Fields{"error": errors.New("boom"), "cause": fmt.Errorf("wrap: %w", io.EOF)}},
		{"struct and pointer", logrus.Fields{"p": point{1, 2}, "pp": &point{3, 4}}},
		{"map and slice", logrus.Fields{"m": map[string]any{"b": 1, "a": []int{1, 2}}, "l": []string{"x", "y"}, "empty": []int{}}},
		{"bytes", logrus.Fields{"b": []byte("bytes")}},
		{"nil", logrus.Fields{"nil": nil}},
		{"marshaler", logrus.Fields{"m": marshaled{}, "ip": net.ParseIP("10.0.0.1")}},
		{"clashing keys", logrus.Fields{"msg": "field", "level": 3, "time": "noon", "fields.a": 1, "z": 2}},
		{"many", logrus.Fields{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10, "k": 11, "l": 12}},
	}
}

// TestFieldsMatchLogrusJSON logs every row through logrus into the hook
// and the loggerjs JSON codec, and through logrus's own JSONFormatter,
// and compares the two outputs member by member, in order.
func TestFieldsMatchLogrusJSON(t *testing.T) {
	for _, tc := range fieldTable() {
		t.Run(tc.name, func(t *testing.T) {
			h, buf := newTree(t, nil)
			bridged := logrus.New()
			logrusbridge.Install(bridged, slog.New(h), nil)
			var nbuf bytes.Buffer
			native := logrus.New()
			native.SetOutput(&nbuf)
			native.SetFormatter(&logrus.JSONFormatter{TimestampFormat: time.RFC3339Nano, DisableHTMLEscape: true})

			bridged.WithFields(tc.fields).WithTime(now).Info("row")
			native.WithFields(tc.fields).WithTime(now).Info("row")

			got, want := decodeOrdered(t, buf.Bytes()), decodeOrdered(t, nbuf.Bytes())
			for _, k := range []string{"time", "msg"} {
				g, _ := member(got, k)
				w, _ := member(want, k)
				if g != w {
					t.Errorf("%s: bridge %v, logrus %v", k, g, w)
				}
			}
			gf, wf := fieldsOf(got), fieldsOf(want)
			if !reflect.DeepEqual(gf, wf) {
				t.Errorf("fields differ\nbridge: %s\nlogrus: %s", buf.Bytes(), nbuf.Bytes())
			}
		})
	}
}

// TestLevels logs at every logrus level and checks the loggerjs level,
// and that Panic still panics after the record is written.
func TestLevels(t *testing.T) {
	cases := []struct {
		level logrus.Level
		name  string
	}{
		{logrus.TraceLevel, "TRACE"},
		{logrus.DebugLevel, "DEBUG"},
		{logrus.InfoLevel, "INFO"},
		{logrus.WarnLevel, "WARN"},
		{logrus.ErrorLevel, "ERROR"},
		{logrus.FatalLevel, "FATAL"},
		{logrus.PanicLevel, "ERROR+2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, buf := newTree(t, nil)
			logger := logrus.New()
			logrusbridge.Install(logger, slog.New(h), nil)
			var exited int
			logger.ExitFunc = func(code int) { exited = code }
			func() {
				defer func() {
					if p := recover(); (p != nil) != (tc.level == logrus.PanicLevel) {
						t.Errorf("recovered %v", p)
					}
				}()
				switch tc.level {
				case logrus.FatalLevel:
					logger.Fatal("m")
				case logrus.PanicLevel:
					logger.Panic("m")
				default:
					logger.Log(tc.level, "m")
				}
			}()
			got := decodeOrdered(t, buf.Bytes())
			if v, _ := member(got, "level"); v != tc.name {
				t.Errorf("level = %v, want %s", v, tc.name)
			}
			if (exited == 1) != (tc.level == logrus.FatalLevel) {
				t.Errorf("exit code %d", exited)
			}
		})
	}
}

// TestFatalAndPanicFlush checks that the sinks are flushed before logrus
// exits or panics.
func TestFatalAndPanicFlush(t *testing.T) {
	fc := &flushCounter{}
	h, err := loggerjs.NewHandler(loggerjs.Config{Sinks: map[string]loggerjs.Sink{"m": fc}, Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	logger := logrus.New()
	logrusbridge.Install(logger, slog.New(h), nil)
	flushedAtExit := -1
	logger.ExitFunc = func(int) { flushedAtExit = fc.flushes }
	logger.Fatal("fatal")
	func() {
		defer func() { _ = recover() }()
		logger.Panic("panic")
	}()
	if flushedAtExit != 1 || fc.flushes != 2 || fc.Len() != 2 {
		t.Errorf("flushes at exit %d, after %d, records %d", flushedAtExit, fc.flushes, fc.Len())
	}
}

type flushCounter struct {
	sinks.MemorySink
	flushes int
}

func (f *flushCounter) Flush(context.Context) error { f.flushes++; return nil }

// TestContextCallerCategory checks the entry's context (its loggerjs
// attrs reach the record), caller and category field.
func TestContextCallerCategory(t *testing.T) {
	h, buf := newTree(t, codecs.JSON(&codecs.JSONOptions{AddSource: true}))
	logger := logrus.New()
	logrusbridge.Install(logger, loggerjs.Child(slog.New(h), "app"), nil)
	logger.SetReportCaller(true)
	ctx := loggerjs.WithContextAttrs(context.Background(), slog.String("request_id", "r-1"))
	_, file, line, _ := runtime.Caller(0)
	logger.WithContext(ctx).WithField("logger", "db").WithField("n", 1).Info("m") // line+1
	got := decodeOrdered(t, buf.Bytes())
	if v, _ := member(got, "request_id"); v != "r-1" {
		t.Errorf("request_id = %v in %s", v, buf.Bytes())
	}
	if v, _ := member(got, "logger"); v != "app.db" {
		t.Errorf("logger = %v", v)
	}
	src, _ := member(got, "source")
	m, _ := src.(map[string]any)
	if m["file"] != file || m["line"] != json.Number(strconv.Itoa(line+1)) {
		t.Errorf("source = %v, want %s:%d", src, file, line+1)
	}
}

// TestNothingPrinted checks that Install leaves logrus printing nothing
// of its own.
func TestNothingPrinted(t *testing.T) {
	h, _ := newTree(t, nil)
	logger := logrus.New()
	logrusbridge.Install(logger, slog.New(h), nil)
	var out bytes.Buffer
	logger.SetOutput(&out)
	logger.WithField("k", "v").Warn("m")
	if out.Len() != 0 {
		t.Errorf("logrus printed %q", out.String())
	}
}

// TestCategoryLevels checks the level of the category an entry names,
// and the logrus level Install sets.
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
	logger := logrus.New()
	logrusbridge.Install(logger, slog.New(h), nil)
	if logger.GetLevel() != logrus.DebugLevel {
		t.Errorf("logrus level = %v, want debug", logger.GetLevel())
	}
	logger.Debug("root debug")
	logger.WithField("logger", "db").Debug("db debug")
	logger.Warn("root warn")
	if got := strings.Join(mem.Messages(), ","); got != "db debug,root warn" {
		t.Errorf("records: %s", got)
	}
	if r := mem.Records()[0]; r.Source != logrusbridge.Source || r.CategoryName() != "db" {
		t.Errorf("source %q, category %q", r.Source, r.CategoryName())
	}
}

// loopSink writes every record it receives back through logrus.
type loopSink struct {
	mu     sync.Mutex
	logger *logrus.Logger
	got    []string
}

func (s *loopSink) Write(_ context.Context, r *loggerjs.Record) error {
	s.mu.Lock()
	s.got = append(s.got, r.Message())
	s.mu.Unlock()
	s.logger.WithField("seen", r.Message()).Warn("sink saw a record")
	return nil
}
func (s *loopSink) Flush(context.Context) error { return nil }
func (s *loopSink) Close(context.Context) error { return nil }

// TestLoopIsCut installs the hook on logrus's standard logger under a
// sink that logs through it: the inner entries are dropped and counted,
// and the process does not hang.
func TestLoopIsCut(t *testing.T) {
	sink := &loopSink{logger: logrus.StandardLogger()}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"loop": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"loop"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	std := logrus.StandardLogger()
	defer func(f logrus.Formatter, o io.Writer, l logrus.Level) {
		std.ReplaceHooks(make(logrus.LevelHooks))
		std.SetFormatter(f)
		std.SetOutput(o)
		std.SetLevel(l)
	}(std.Formatter, std.Out, std.GetLevel())
	hook := logrusbridge.Install(nil, slog.New(h), nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 25 {
				logrus.Info("outer")
			}
		})
	}
	wg.Wait()
	if len(sink.got) != 100 {
		t.Errorf("sink got %d records, want 100", len(sink.got))
	}
	for _, m := range sink.got {
		if m != "outer" {
			t.Fatalf("sink got %q from inside the hook", m)
		}
	}
	if hook.Drops() != 100 || h.Stats().BridgeDrops != 100 {
		t.Errorf("drops: hook %d, stats %d; want 100", hook.Drops(), h.Stats().BridgeDrops)
	}
}
