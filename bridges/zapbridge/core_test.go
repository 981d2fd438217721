package zapbridge_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/zapbridge"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
	"go.uber.org/multierr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// newTree returns a loggerjs handler tree whose root writes every level
// as JSON into the returned buffer.
func newTree(t testing.TB, cfg *loggerjs.Config) (*loggerjs.Handler, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	c := loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"json": sinks.Writer(&buf, codecs.JSON(nil))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"json"}}},
	}
	if cfg != nil {
		cfg.Sinks = c.Sinks
		c = *cfg
	}
	h, err := loggerjs.NewHandler(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(t.Context()) })
	return h, &buf
}

// fixedClock makes both loggers stamp the same time.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time                         { return c.t }
func (c fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

var now = time.Date(2025, 3, 4, 5, 6, 7, 890123456, time.UTC)

// nativeEncoderConfig is zap's production encoder configuration with
// times and durations written as the loggerjs JSON codec writes them
// (RFC 3339 with nanoseconds, integer nanoseconds), so that the two
// outputs compare value for value; zap's other encoders differ only in
// the text of the same values.
func nativeEncoderConfig() zapcore.EncoderConfig {
	cfg := zap.NewProductionEncoderConfig()
	cfg.TimeKey = "time"
	cfg.EncodeTime = zapcore.RFC3339NanoTimeEncoder
	cfg.EncodeDuration = zapcore.NanosDurationEncoder
	return cfg
}

func nativeLogger(w io.Writer) *zap.Logger {
	core := zapcore.NewCore(zapcore.NewJSONEncoder(nativeEncoderConfig()), zapcore.AddSync(w), zapcore.DebugLevel)
	return zap.New(core, zap.WithClock(fixedClock{now}))
}

// kv is one top-level member of a JSON object.
type kv struct {
	key   string
	value any
}

// decodeOrdered decodes one JSON object, keeping the order of its
// top-level members; numbers stay json.Number.
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

// envelope are the members that are not fields: compared separately.
var envelope = map[string]bool{
	"time": true, "level": true, "msg": true, "logger": true,
	"caller": true, "stacktrace": true, "stack": true, "source": true,
}

func fieldsOf(members []kv) []kv {
	var out []kv
	for _, m := range members {
		if !envelope[m.key] {
			out = append(out, m)
		}
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

// Values for the table.

type user struct {
	Name string
	Age  int
}

func (u user) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("name", u.Name)
	enc.AddInt("age", u.Age)
	return nil
}

type account struct {
	ID    uint64
	Owner user
	Tags  []string
	Since time.Duration
}

func (a account) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddUint64("id", a.ID)
	if err := enc.AddObject("owner", a.Owner); err != nil {
		return err
	}
	if err := enc.AddArray("tags", zapcore.ArrayMarshalerFunc(func(ae zapcore.ArrayEncoder) error {
		for _, t := range a.Tags {
			ae.AppendString(t)
		}
		return nil
	})); err != nil {
		return err
	}
	enc.OpenNamespace("meta")
	enc.AddDuration("since", a.Since)
	enc.AddBool("active", true)
	return nil
}

// everyKind writes one value of every ObjectEncoder method.
type everyKind struct{}

func (everyKind) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddBinary("bin", []byte{0, 1, 2, 250})
	enc.AddByteString("bs", []byte("héllo"))
	enc.AddBool("b", false)
	enc.AddComplex128("c128", complex(1.5, -2))
	enc.AddComplex64("c64", complex64(complex(1.1, 2.2)))
	enc.AddDuration("d", 1500*time.Millisecond)
	enc.AddFloat64("f64", 3.25)
	enc.AddFloat32("f32", 1.1)
	enc.AddInt("i", -1)
	enc.AddInt64("i64", math.MinInt64)
	enc.AddInt32("i32", math.MaxInt32)
	enc.AddInt16("i16", -16)
	enc.AddInt8("i8", 8)
	enc.AddString("s", `quote " and \ and <html>`)
	enc.AddTime("t", now.Add(time.Hour))
	enc.AddUint("u", 7)
	enc.AddUint64("u64", math.MaxUint64)
	enc.AddUint32("u32", 32)
	enc.AddUint16("u16", 16)
	enc.AddUint8("u8", 255)
	enc.AddUintptr("uptr", 0xdead)
	_ = enc.AddReflected("r", map[string]int{"b": 2, "a": 1})
	return nil
}

// everyElem appends one element of every ArrayEncoder method.
type everyElem struct{}

func (everyElem) MarshalLogArray(enc zapcore.ArrayEncoder) error {
	enc.AppendBool(true)
	enc.AppendByteString([]byte("bytes"))
	enc.AppendComplex128(complex(0, 1))
	enc.AppendComplex64(complex64(complex(-1, -1)))
	enc.AppendFloat64(2.5)
	enc.AppendFloat32(0.1)
	enc.AppendFloat64(math.Inf(-1))
	enc.AppendInt(1)
	enc.AppendInt64(2)
	enc.AppendInt32(3)
	enc.AppendInt16(4)
	enc.AppendInt8(5)
	enc.AppendString("six")
	enc.AppendUint(7)
	enc.AppendUint64(8)
	enc.AppendUint32(9)
	enc.AppendUint16(10)
	enc.AppendUint8(11)
	enc.AppendUintptr(12)
	enc.AppendDuration(13 * time.Microsecond)
	enc.AppendTime(now)
	_ = enc.AppendReflected([]int{14, 15})
	_ = enc.AppendObject(user{"ann", 30})
	_ = enc.AppendArray(zapcore.ArrayMarshalerFunc(func(inner zapcore.ArrayEncoder) error {
		inner.AppendString("nested")
		return nil
	}))
	return nil
}

type failingObject struct{}

func (failingObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("partial", "yes")
	return errors.New("cannot marshal the rest")
}

type ipString string

func (s *ipString) String() string { return string(*s) }

// verboseError is an error whose %+v says more than Error, as
// github.com/pkg/errors' errors do.
type verboseError struct{ msg string }

func (e verboseError) Error() string { return e.msg }

func (e verboseError) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('+') {
		fmt.Fprintf(s, "%s\nmain.handler\n\t/src/main.go:42", e.msg)
		return
	}
	_, _ = io.WriteString(s, e.msg)
}

// A row of the table: fields logged through both loggers. differs lists
// the keys whose values the bridge writes differently, each with the
// difference as the package documentation states it; those are checked
// by check instead of by equality.
type fieldCase struct {
	name    string
	fields  []zap.Field
	differs map[string]string
	check   func(t *testing.T, bridged, native []kv)
}

func fieldTable() []fieldCase {
	ip := ipString("10.0.0.1")
	var nilIP *ipString
	far := time.Date(3000, 1, 2, 3, 4, 5, 6, time.UTC)
	local := time.Date(2024, 6, 7, 8, 9, 10, 11, time.FixedZone("X", 3600))
	return []fieldCase{
		{name: "string", fields: []zap.Field{zap.String("s", "v"), zap.String("esc", "a\"b\\c\n<&>")}},
		{name: "ints", fields: []zap.Field{zap.Int("i", -5), zap.Int64("i64", math.MaxInt64), zap.Int32("i32", -32), zap.Int16("i16", 16), zap.Int8("i8", -8)}},
		{name: "uints", fields: []zap.Field{zap.Uint("u", 5), zap.Uint64("u64", math.MaxUint64), zap.Uint32("u32", 32), zap.Uint16("u16", 16), zap.Uint8("u8", 8), zap.Uintptr("uptr", 0xc0ffee)}},
		{name: "bool", fields: []zap.Field{zap.Bool("yes", true), zap.Bool("no", false)}},
		{name: "floats", fields: []zap.Field{zap.Float64("f", 3.14159), zap.Float64("big", 1e21), zap.Float64("tiny", 5e-324), zap.Float32("f32", 1.1), zap.Float32("f32b", 16777217)}},
		{name: "non-finite floats", fields: []zap.Field{zap.Float64("nan", math.NaN()), zap.Float64("inf", math.Inf(1)), zap.Float32("ninf", float32(math.Inf(-1)))}},
		{name: "complex", fields: []zap.Field{zap.Complex128("c", complex(1, -2.5)), zap.Complex64("c64", complex64(complex(0.1, 0.2))), zap.Complex128("cnan", complex(math.NaN(), math.Inf(1)))}},
		{name: "duration", fields: []zap.Field{zap.Duration("d", 1500*time.Millisecond), zap.Duration("neg", -time.Nanosecond)}},
		{name: "time", fields: []zap.Field{zap.Time("t", now), zap.Time("local", local), zap.Time("far", far)}},
		{name: "binary and bytestring", fields: []zap.Field{zap.Binary("bin", []byte{0, 255, 1}), zap.ByteString("bs", []byte("text ✓"))}},
		{name: "stringer", fields: []zap.Field{zap.Stringer("ip", &ip), zap.Stringer("nil", nilIP)}},
		{name: "reflect", fields: []zap.Field{zap.Reflect("struct", struct{ A, B int }{1, 2}), zap.Reflect("map", map[string]any{"z": 1, "a": []int{1}}), zap.Reflect("nil", nil), zap.Reflect("html", "<b>")}},
		{name: "any", fields: []zap.Field{zap.Any("int", 3), zap.Any("strs", []string{"a", "b"}), zap.Any("dur", time.Second), zap.Any("obj", user{"bo", 4})}},
		{name: "skip", fields: []zap.Field{zap.Skip(), zap.String("after", "skip"), zap.Error(nil)}},
		{name: "object", fields: []zap.Field{zap.Object("user", user{"ann", 30}), zap.Int("after", 1)}},
		{name: "nested object with namespace", fields: []zap.Field{zap.Object("acct", account{ID: 9, Owner: user{"al", 3}, Tags: []string{"x", "y"}, Since: time.Minute})}},
		{name: "every object kind", fields: []zap.Field{zap.Object("o", everyKind{})}},
		{name: "dict", fields: []zap.Field{zap.Dict("d", zap.String("k", "v"), zap.Int("n", 1))}},
		{name: "failing object", fields: []zap.Field{zap.Object("bad", failingObject{})}},
		{name: "arrays", fields: []zap.Field{zap.Strings("ss", []string{"a", "b"}), zap.Ints("is", []int{1, 2}), zap.Float64s("fs", []float64{1.5}), zap.Bools("bs", []bool{true}), zap.Durations("ds", []time.Duration{time.Second}), zap.Times("ts", []time.Time{now}), zap.Strings("empty", nil)}},
		{name: "array of every element", fields: []zap.Field{zap.Array("a", everyElem{})}},
		{name: "array of objects", fields: []zap.Field{zap.Objects("users", []user{{"a", 1}, {"b", 2}})}},
		{name: "inline", fields: []zap.Field{zap.String("before", "x"), zap.Inline(user{"in", 5}), zap.String("after", "y")}},
		{name: "error", fields: []zap.Field{zap.Error(errors.New("boom")), zap.NamedError("cause", fmt.Errorf("wrap: %w", io.EOF))}},
		{name: "error verbose", fields: []zap.Field{zap.Error(verboseError{"bad thing"})}},
		{name: "multi-error", fields: []zap.Field{zap.Error(multierr.Combine(errors.New("one"), verboseError{"two"}, multierr.Combine(errors.New("three"), errors.New("four"))))}},
		{name: "errors list", fields: []zap.Field{zap.Errors("errs", []error{errors.New("a"), nil, errors.New("b")})}},
		{name: "namespace", fields: []zap.Field{zap.String("top", "1"), zap.Namespace("ns"), zap.String("in", "2"), zap.Namespace("deeper"), zap.Int("n", 3)}},
		{
			name:    "empty namespace",
			fields:  []zap.Field{zap.String("top", "1"), zap.Namespace("ns")},
			differs: map[string]string{"ns": "an empty namespace or object is left out, as slog leaves out empty groups"},
			check: func(t *testing.T, bridged, native []kv) {
				if v, ok := member(native, "ns"); !ok || !reflect.DeepEqual(v, map[string]any{}) {
					t.Errorf("zap wrote ns = %v, want {}", v)
				}
				if _, ok := member(bridged, "ns"); ok {
					t.Errorf("bridge wrote an empty ns")
				}
			},
		},
		{name: "duplicate keys", fields: []zap.Field{zap.String("k", "first"), zap.String("k", "second")}},
		{
			name:    "redacted",
			fields:  []zap.Field{zap.String("password", "hunter2"), zap.String("user", "ann")},
			differs: map[string]string{"password": "loggerjs redaction hides the value"},
			check: func(t *testing.T, bridged, native []kv) {
				if v, _ := member(native, "password"); v != "hunter2" {
					t.Errorf("zap wrote password = %v", v)
				}
				if v, _ := member(bridged, "password"); v == "hunter2" {
					t.Errorf("bridge leaked the password")
				}
			},
		},
	}
}

// TestFieldsMatchZapJSON logs every row through the bridge into the
// loggerjs JSON codec and through zap's own JSON encoder, and compares
// the two outputs member by member, in order.
func TestFieldsMatchZapJSON(t *testing.T) {
	for _, tc := range fieldTable() {
		t.Run(tc.name, func(t *testing.T) {
			h, buf := newTree(t, nil)
			bridged := zap.New(zapbridge.NewCore(h, nil), zap.WithClock(fixedClock{now}))
			var nbuf bytes.Buffer
			native := nativeLogger(&nbuf)

			bridged.Info("row", tc.fields...)
			native.Info("row", tc.fields...)

			got := decodeOrdered(t, buf.Bytes())
			want := decodeOrdered(t, nbuf.Bytes())
			for _, m := range []string{"time", "msg"} {
				g, _ := member(got, m)
				w, _ := member(want, m)
				if g != w {
					t.Errorf("%s: bridge %v, zap %v", m, g, w)
				}
			}
			gf, wf := fieldsOf(got), fieldsOf(want)
			if tc.check != nil {
				tc.check(t, gf, wf)
			}
			gf = without(gf, tc.differs)
			wf = without(wf, tc.differs)
			if len(gf) != len(wf) {
				t.Fatalf("bridge wrote %d fields, zap %d\nbridge: %s\nzap:    %s", len(gf), len(wf), buf.Bytes(), nbuf.Bytes())
			}
			for i := range wf {
				if gf[i].key != wf[i].key {
					t.Errorf("field %d: bridge key %q, zap key %q", i, gf[i].key, wf[i].key)
					continue
				}
				if !reflect.DeepEqual(normalize(gf[i].value), normalize(wf[i].value)) {
					t.Errorf("field %q:\nbridge %#v\nzap    %#v", wf[i].key, gf[i].value, wf[i].value)
				}
			}
			if t.Failed() {
				t.Logf("bridge: %s", buf.Bytes())
				t.Logf("zap:    %s", nbuf.Bytes())
			}
		})
	}
}

// normalize makes numbers comparable by value: zap writes 1e21 as
// 1000000000000000000000, encoding/json as 1e+21.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return string(x)
		}
		if _, err := strconv.ParseUint(string(x), 10, 64); err == nil {
			return string(x)
		}
		f, err := x.Float64()
		if err != nil {
			return string(x)
		}
		return f
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

func without(members []kv, keys map[string]string) []kv {
	var out []kv
	for _, m := range members {
		if _, ok := keys[m.key]; !ok {
			out = append(out, m)
		}
	}
	return out
}

// exitHook stands in for zap's panic and exit: it panics with a value
// the test recovers, after zap wrote the entry.
type exitHook struct{ ran *[]zapcore.Level }

type exited struct{ level zapcore.Level }

func (h exitHook) OnWrite(ce *zapcore.CheckedEntry, _ []zapcore.Field) {
	*h.ran = append(*h.ran, ce.Level)
	panic(exited{ce.Level})
}

// TestLevels logs at every zap level and checks the loggerjs level name,
// and that DPanic (in development), Panic and Fatal still run zap's
// terminal behaviour after the record is written.
func TestLevels(t *testing.T) {
	cases := []struct {
		level zapcore.Level
		name  string
		slog  int
	}{
		{zapcore.Level(-2), "TRACE", -8},
		{zapcore.DebugLevel, "DEBUG", -4},
		{zapcore.InfoLevel, "INFO", 0},
		{zapcore.WarnLevel, "WARN", 4},
		{zapcore.ErrorLevel, "ERROR", 8},
		{zapcore.DPanicLevel, "ERROR+1", 9},
		{zapcore.PanicLevel, "ERROR+2", 10},
		{zapcore.FatalLevel, "FATAL", 12},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := zapbridge.Level(tc.level); int(got) != tc.slog {
				t.Errorf("Level(%v) = %v, want %d", tc.level, got, tc.slog)
			}
			h, buf := newTree(t, nil)
			var ran []zapcore.Level
			logger := zap.New(zapbridge.NewCore(h, nil), zap.Development(),
				zap.WithPanicHook(exitHook{&ran}), zap.WithFatalHook(exitHook{&ran}))
			func() {
				defer func() {
					p := recover()
					if tc.level >= zapcore.DPanicLevel {
						if _, ok := p.(exited); !ok {
							t.Errorf("recovered %v, want the terminal hook's panic", p)
						}
						if buf.Len() == 0 {
							t.Errorf("the hook ran before the record was written")
						}
					} else if p != nil {
						panic(p)
					}
				}()
				if ce := logger.Check(tc.level, "at level"); ce != nil {
					ce.Write(zap.Int("n", 1))
				}
			}()
			got := decodeOrdered(t, buf.Bytes())
			if v, _ := member(got, "level"); v != tc.name {
				t.Errorf("level = %v, want %s", v, tc.name)
			}
			wantHook := tc.level >= zapcore.DPanicLevel
			if (len(ran) == 1) != wantHook {
				t.Errorf("terminal hook ran %d times", len(ran))
			}
		})
	}
}

// TestCallerAndStack checks that zap's caller becomes the record's
// source and zap's stack trace the root attr loggerjs.StackKey.
func TestCallerAndStack(t *testing.T) {
	var buf bytes.Buffer
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"json": sinks.Writer(&buf, codecs.JSON(&codecs.JSONOptions{AddSource: true}))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"json"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(t.Context())
	logger := zapbridge.New(slog.New(h), zap.AddStacktrace(zapcore.ErrorLevel)).WithOptions(zap.WithClock(fixedClock{now}))
	_, file, line, _ := runtime.Caller(0)
	logger.Error("with stack") // line+1
	got := decodeOrdered(t, buf.Bytes())
	src, _ := member(got, "source")
	m, _ := src.(map[string]any)
	if m["file"] != file || m["line"] != json.Number(strconv.Itoa(line+1)) || !strings.HasSuffix(m["function"].(string), "TestCallerAndStack") {
		t.Errorf("source = %v, want %s:%d", src, file, line+1)
	}
	stack, _ := member(got, loggerjs.StackKey)
	s, _ := stack.(string)
	if !strings.HasPrefix(s, "github.com/loggerjs/loggerjs/bridges/zapbridge_test.TestCallerAndStack\n\t"+file) {
		t.Errorf("stack = %q, want zap's trace from the test down", s)
	}
	if v, _ := member(got, "msg"); v != "with stack" {
		t.Errorf("msg = %v", v)
	}
}

// TestFatalExitsAfterFlush runs zap's real Fatal in a child process over
// a buffered file sink: the child exits with status 1, and the record is
// in the file, flushed before the exit.
func TestFatalExitsAfterFlush(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	if os.Getenv("ZAPBRIDGE_FATAL_CHILD") != "" {
		file, err := sinks.File(os.Getenv("ZAPBRIDGE_FATAL_CHILD"), &sinks.FileOptions{BufferSize: 64 << 10, FlushEvery: time.Hour})
		if err != nil {
			panic(err)
		}
		h, err := loggerjs.NewHandler(loggerjs.Config{
			Sinks:   map[string]loggerjs.Sink{"file": file},
			Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"file"}}},
		})
		if err != nil {
			panic(err)
		}
		zapbridge.New(slog.New(h)).Fatal("cannot go on", zap.Int("code", 7))
		return // not reached
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFatalExitsAfterFlush$")
	cmd.Env = append(os.Environ(), "ZAPBRIDGE_FATAL_CHILD="+path)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("child: %v, want exit status 1\n%s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := decodeOrdered(t, data)
	if v, _ := member(got, "level"); v != "FATAL" {
		t.Errorf("level = %v in %s", v, data)
	}
	if v, _ := member(got, "code"); v != json.Number("7") {
		t.Errorf("code = %v in %s", v, data)
	}
}
