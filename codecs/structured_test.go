package codecs_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// roundTripStructured encodes r, decodes it, checks that encoding the
// decoded record gives the same bytes, and returns the decoded record.
func roundTripStructured(t testing.TB, r *loggerjs.Record) *loggerjs.Record {
	t.Helper()
	c := codecs.Structured()
	enc := c.Append(nil, r)
	recs, err := c.Decode(enc)
	if err != nil {
		t.Fatalf("Decode: %v\n%s", err, enc)
	}
	if len(recs) != 1 {
		t.Fatalf("Decode gave %d records", len(recs))
	}
	if again := c.Append(nil, recs[0]); !bytes.Equal(enc, again) {
		t.Fatalf("re-encoding differs:\n%s\n%s", enc, again)
	}
	return recs[0]
}

func decodedAttr(t *testing.T, r *loggerjs.Record, key string) slog.Value {
	t.Helper()
	for i := range r.NumAttrs() {
		if a := r.Attr(i); a.Key == key {
			return a.Value
		}
	}
	t.Fatalf("no attr %q", key)
	return slog.Value{}
}

type stNode struct {
	Name string
	Next *stNode
	priv int
}

type stStack struct{ msg string }

func (e *stStack) Error() string { return e.msg }
func (e *stStack) Format(f fmt.State, verb rune) {
	fmt.Fprint(f, e.msg)
	if verb == 'v' && f.Flag('+') {
		fmt.Fprint(f, "\nmain.f\n\t/src/main.go:10")
	}
}

func TestStructuredRoundTrip(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	cyc := &stNode{Name: "loop", priv: 1}
	cyc.Next = cyc
	selfMap := map[string]any{"n": 1}
	selfMap["self"] = selfMap
	shared := []int{1, 2, 3}
	base := errors.New("connection refused")
	wrapped := fmt.Errorf("query: %w", base)
	joined := errors.Join(wrapped, errors.New("second"))
	bigInt, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
	bigFloat := new(big.Float).SetPrec(200).Quo(big.NewFloat(1), big.NewFloat(3))

	r := newRecord(slog.LevelWarn, []string{"app", "db"}, "all kinds",
		"s", "text", "i", -7, "u", uint64(math.MaxUint64), "f", 0.1, "b", true, "d", 1500*time.Millisecond,
		"t", time.Date(2026, 7, 1, 12, 0, 0, 5, paris), "tfix", time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("X", -5*3600)),
		"nan", math.NaN(), "inf", math.Inf(-1), "negzero", math.Copysign(0, -1),
		"bytes", []byte{0, 1, 255}, "nilbytes", []byte(nil), "emptybytes", []byte{},
		"nilslice", []string(nil), "emptyslice", []string{}, "nilmap", map[string]int(nil), "emptymap", map[string]int{},
		"nil", nil, "level", slog.LevelWarn, "complex", complex(1, -2),
		"bigint", bigInt, "bigrat", big.NewRat(1, 3), "bigfloat", bigFloat,
		"cycle", cyc, "selfmap", selfMap, "shared1", shared, "shared2", shared,
		"intmap", map[int]string{2: "b", 1: "a"},
		"err", wrapped, "joined", joined, "stack", &stStack{"with stack"},
		"badutf8", "a\xffb",
		slog.Group("g", "inner", 1, slog.Group("h", "deep", "x")),
	)
	d := roundTripStructured(t, r)

	if d.Level != slog.LevelWarn || d.Message() != "all kinds" || d.CategoryName() != "app.db" || !d.Time.Equal(r.Time) {
		t.Errorf("header: level %v msg %q category %q time %v", d.Level, d.Message(), d.CategoryName(), d.Time)
	}
	for _, key := range []string{"s", "i", "u", "f", "b", "d", "g"} {
		if got, want := decodedAttr(t, d, key), decodedAttr(t, r, key); !got.Equal(want) {
			t.Errorf("%s: got %v, want %v", key, got, want)
		}
	}
	for _, key := range []string{"t", "tfix"} {
		got, want := decodedAttr(t, d, key).Time(), decodedAttr(t, r, key).Time()
		gz, goff := got.Zone()
		wz, woff := want.Zone()
		if !got.Equal(want) || got.Location().String() != want.Location().String() || gz != wz || goff != woff {
			t.Errorf("%s: got %v (%s), want %v (%s)", key, got, got.Location(), want, want.Location())
		}
	}
	if f := decodedAttr(t, d, "nan").Float64(); !math.IsNaN(f) {
		t.Errorf("nan: %v", f)
	}
	if f := decodedAttr(t, d, "inf").Float64(); !math.IsInf(f, -1) {
		t.Errorf("inf: %v", f)
	}
	if f := decodedAttr(t, d, "negzero").Float64(); f != 0 || !math.Signbit(f) {
		t.Errorf("negzero: %v", f)
	}
	if b := decodedAttr(t, d, "bytes").Any().([]byte); !bytes.Equal(b, []byte{0, 1, 255}) {
		t.Errorf("bytes: %v", b)
	}
	if b := decodedAttr(t, d, "nilbytes").Any().([]byte); b != nil {
		t.Errorf("nilbytes: %#v", b)
	}
	if b := decodedAttr(t, d, "emptybytes").Any().([]byte); b == nil || len(b) != 0 {
		t.Errorf("emptybytes: %#v", b)
	}
	if s := decodedAttr(t, d, "nilslice").Any().([]any); s != nil {
		t.Errorf("nilslice: %#v", s)
	}
	if s := decodedAttr(t, d, "emptyslice").Any().([]any); s == nil || len(s) != 0 {
		t.Errorf("emptyslice: %#v", s)
	}
	if m := decodedAttr(t, d, "nilmap").Any().(map[string]any); m != nil {
		t.Errorf("nilmap: %#v", m)
	}
	if m := decodedAttr(t, d, "emptymap").Any().(map[string]any); m == nil || len(m) != 0 {
		t.Errorf("emptymap: %#v", m)
	}
	if v := decodedAttr(t, d, "nil"); v.Kind() != slog.KindAny || v.Any() != nil {
		t.Errorf("nil: %v", v)
	}
	if l := decodedAttr(t, d, "level").Any(); l != slog.LevelWarn {
		t.Errorf("level: %#v", l)
	}
	if c := decodedAttr(t, d, "complex").Any(); c != complex(1, -2) {
		t.Errorf("complex: %#v", c)
	}
	if b := decodedAttr(t, d, "bigint").Any().(*big.Int); b.Cmp(bigInt) != 0 {
		t.Errorf("bigint: %v", b)
	}
	if b := decodedAttr(t, d, "bigrat").Any().(*big.Rat); b.Cmp(big.NewRat(1, 3)) != 0 {
		t.Errorf("bigrat: %v", b)
	}
	if b := decodedAttr(t, d, "bigfloat").Any().(*big.Float); b.Cmp(bigFloat) != 0 || b.Prec() != 200 {
		t.Errorf("bigfloat: %v prec %d", b, b.Prec())
	}
	// A struct that points to itself comes back as an Object that does.
	o := decodedAttr(t, d, "cycle").Any().(*codecs.Object)
	if next, _ := o.Field("Next"); next != o || o.Type != "codecs_test.stNode" || len(o.Fields) != 2 {
		t.Errorf("cycle: %+v", o)
	}
	m := decodedAttr(t, d, "selfmap").Any().(map[string]any)
	if self, ok := m["self"].(map[string]any); !ok || reflect.ValueOf(self).UnsafePointer() != reflect.ValueOf(m).UnsafePointer() || m["n"] != int64(1) {
		t.Errorf("selfmap: %v", m)
	}
	s1, s2 := decodedAttr(t, d, "shared1").Any().([]any), decodedAttr(t, d, "shared2").Any().([]any)
	if len(s1) != 3 || &s1[0] != &s2[0] || s1[2] != int64(3) {
		t.Errorf("shared slices not shared: %v %v", s1, s2)
	}
	if im := decodedAttr(t, d, "intmap").Any().(map[any]any); im[int64(1)] != "a" || im[int64(2)] != "b" {
		t.Errorf("intmap: %v", im)
	}
	e := decodedAttr(t, d, "err").Any().(*codecs.DecodedError)
	if e.Msg != "query: connection refused" || e.Type != "*fmt.wrapError" || len(e.Wrapped) != 1 || e.Wrapped[0].Error() != "connection refused" || e.Joined {
		t.Errorf("err: %+v", e)
	}
	if d.Err != error(e) {
		t.Errorf("error slot: %v", d.Err)
	}
	j := decodedAttr(t, d, "joined").Any().(*codecs.DecodedError)
	if !j.Joined || len(j.Wrapped) != 2 || j.Wrapped[0].(*codecs.DecodedError).Wrapped[0].Error() != "connection refused" {
		t.Errorf("joined: %+v", j)
	}
	// The wrapped error logged twice (alone inside the join and as "err")
	// is one value after decoding, as it was before.
	if j.Wrapped[0] != error(e) {
		t.Errorf("shared error not shared")
	}
	if st := decodedAttr(t, d, "stack").Any().(*codecs.DecodedError); st.Stack != "main.f\n\t/src/main.go:10" {
		t.Errorf("stack: %q", st.Stack)
	}
	if s := decodedAttr(t, d, "badutf8").String(); s != "a\xffb" {
		t.Errorf("badutf8: %q", s)
	}
}

func TestStructuredScope(t *testing.T) {
	var sc *loggerjs.Scope
	sc = sc.WithAttrs([]slog.Attr{slog.String("svc", "api"), slog.Any("cause", errors.New("bound"))}).WithGroup("req").WithAttrs([]slog.Attr{slog.Int("id", 7)}).WithGroup("inner")
	r := newRecord(slog.LevelInfo, nil, "m", "a", 1)
	r.Scope, r.Source, r.Seq = sc, "integration:zap", 42
	r.AddRootAttrs(slog.String("trace_id", "abc"))
	d := roundTripStructured(t, r)
	if got := d.Scope.Groups(); !slices_Equal(got, []string{"req", "inner"}) {
		t.Errorf("groups: %v", got)
	}
	if d.Source != "integration:zap" || d.Seq != 42 || d.NumRootAttrs() != 1 || d.RootAttr(0).Value.String() != "abc" {
		t.Errorf("source %q seq %d root %d", d.Source, d.Seq, d.NumRootAttrs())
	}
	if d.Err == nil || d.Err.Error() != "bound" {
		t.Errorf("error slot from scope: %v", d.Err)
	}
	// The same codec reuses the scope's cached encoding.
	c := codecs.Structured()
	if a, b := c.Append(nil, r), c.Append(nil, r); !bytes.Equal(a, b) {
		t.Errorf("second encoding differs")
	}
}

func slices_Equal(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00") && len(a) == len(b)
}

func TestStructuredDecodeErrors(t *testing.T) {
	c := codecs.Structured()
	for _, in := range []string{
		`not json`,
		`{"v":2,"time":0,"pool":[["t","0",0,"UTC",0]]}`,
		`{"v":1,"time":5,"pool":[]}`,
		`{"v":1,"time":0,"pool":[["s","x"]]}`,
		`{"v":1,"time":0,"attrs":["k",1],"pool":[["t","0",0,"UTC",0],["g",["k",1]]]}`,
		`{"v":1,"time":0,"attrs":["k",1],"pool":[["t","0",0,"UTC",0],["m",[2,2]],["a",[]]]}`,
		`{"v":1,"time":0,"attrs":["k",1],"pool":[["t","0",0,"UTC",0],["zz"]]}`,
		`{"v":1,"time":0,"attrs":["k",1],"pool":[["t","0",0,"UTC",0],["e","m","T",[2]],["s","not an error"]]}`,
	} {
		if _, err := c.Decode([]byte(in)); err == nil {
			t.Errorf("Decode(%s): no error", in)
		}
	}
}

func TestStructuredSlogtest(t *testing.T) {
	var buf bytes.Buffer
	c := codecs.Structured()
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		buf.Reset()
		return newCodecHandler(t, &buf, c)
	}, func(t *testing.T) map[string]any {
		recs, err := c.Decode(buf.Bytes())
		if err != nil || len(recs) != 1 {
			t.Fatalf("Decode: %d records, %v", len(recs), err)
		}
		return recordMap(recs[0])
	})
}

// recordMap renders a decoded record as the map testing/slogtest reads:
// time, level and msg at the top, the scope's groups nested, attrs inside.
func recordMap(r *loggerjs.Record) map[string]any {
	m := map[string]any{slog.LevelKey: r.Level, slog.MessageKey: r.Message()}
	if !r.Time.IsZero() {
		m[slog.TimeKey] = r.Time
	}
	r.RootAttrs(func(a slog.Attr) bool { addToMap(m, a); return true })
	cur := m
	type opened struct {
		parent map[string]any
		key    string
	}
	var groups []opened
	for _, l := range r.Scope.Links(nil) {
		if g := l.Group(); g != "" {
			sub := map[string]any{}
			cur[g] = sub
			groups = append(groups, opened{cur, g})
			cur = sub
			continue
		}
		for _, a := range l.Attrs() {
			addToMap(cur, a)
		}
	}
	r.Attrs(func(a slog.Attr) bool { addToMap(cur, a); return true })
	// Groups opened by the scope and left empty are not written.
	for i := len(groups) - 1; i >= 0; i-- {
		if len(groups[i].parent[groups[i].key].(map[string]any)) == 0 {
			delete(groups[i].parent, groups[i].key)
		}
	}
	return m
}

func addToMap(m map[string]any, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() != slog.KindGroup {
		m[a.Key] = a.Value.Any()
		return
	}
	if len(a.Value.Group()) == 0 {
		return
	}
	target := m
	if a.Key != "" {
		sub, ok := m[a.Key].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[a.Key] = sub
		}
		target = sub
	}
	for _, ga := range a.Value.Group() {
		addToMap(target, ga)
	}
}

func TestStructuredExtremeLevels(t *testing.T) {
	for _, l := range []slog.Level{math.MinInt64, math.MaxInt64, loggerjs.LevelOff} {
		r := newRecord(l, nil, "m", "lv", l)
		d := roundTripStructured(t, r)
		if d.Level != l || decodedAttr(t, d, "lv").Any() != l {
			t.Errorf("level %d came back as %d", l, d.Level)
		}
	}
}

func TestStructuredErrorFields(t *testing.T) {
	_, err := os.Open("/nonexistent/loggerjs")
	r := newRecord(slog.LevelError, nil, "open failed", "err", err)
	d := roundTripStructured(t, r)
	e := d.Err.(*codecs.DecodedError)
	if e.Type != "*fs.PathError" || len(e.Fields) != 3 || e.Fields[0].Name != "Op" || e.Fields[0].Value != "open" ||
		e.Fields[1].Value != "/nonexistent/loggerjs" || len(e.Wrapped) != 1 || e.Wrapped[0].Error() != "no such file or directory" {
		t.Fatalf("decoded %+v", e)
	}
	// The Err field and the wrapped error are the same value logged.
	if fe := e.Fields[2].Value.(*codecs.DecodedError); fe.Type != "syscall.Errno" || fe.Msg != "no such file or directory" {
		t.Errorf("Err field: %+v", fe)
	}
	if !errors.Is(e, e.Wrapped[0]) {
		t.Error("errors.Is does not walk Wrapped")
	}
}
