package codecs_test

import (
	"bytes"
	"errors"
	"log/slog"
	"math"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// roundTripMsgpack encodes r, decodes it, checks that encoding the decoded
// record gives the same bytes, and returns the decoded record.
func roundTripMsgpack(t testing.TB, r *loggerjs.Record) *loggerjs.Record {
	t.Helper()
	c := codecs.Msgpack()
	enc := c.Append(nil, r)
	recs, err := c.Decode(enc)
	if err != nil {
		t.Fatalf("Decode: %v\n% x", err, enc)
	}
	if len(recs) != 1 {
		t.Fatalf("Decode gave %d records", len(recs))
	}
	if again := c.Append(nil, recs[0]); !bytes.Equal(enc, again) {
		t.Fatalf("re-encoding differs:\n% x\n% x", enc, again)
	}
	return recs[0]
}

func TestMsgpackRoundTrip(t *testing.T) {
	var sc *loggerjs.Scope
	sc = sc.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("req")
	r := newRecord(loggerjs.LevelFatal, []string{"app", "db"}, "kinds",
		"s", "text", "long", string(bytes.Repeat([]byte("x"), 300)), "i", -70000, "small", 5, "u", uint64(math.MaxUint64),
		"f", 0.1, "nan", math.NaN(), "inf", math.Inf(1), "b", false, "d", time.Second,
		"t", time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), "old", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		"bytes", []byte{1, 2}, "nil", nil, "err", errors.New("boom"), "level", slog.LevelWarn,
		"slice", []int{1, 2}, "map", map[string]any{"a": 1.5, "b": []string{"x"}}, "empty", map[string]int{},
		slog.Group("g", "k", 1, slog.Group("", "inline", 2)),
	)
	r.Scope = sc
	r.AddRootAttrs(slog.String("trace_id", "abc"))
	d := roundTripMsgpack(t, r)
	if d.Level != loggerjs.LevelFatal || d.Message() != "kinds" || d.CategoryName() != "app.db" || !d.Time.Equal(r.Time) {
		t.Errorf("header: %v %q %q %v", d.Level, d.Message(), d.CategoryName(), d.Time)
	}
	m := recordMap(d)
	want := map[string]any{
		"trace_id": "abc", "svc": "api",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	req := m["req"].(map[string]any)
	checks := map[string]any{
		"s": "text", "i": int64(-70000), "small": int64(5), "u": uint64(math.MaxUint64), "f": 0.1, "inf": math.Inf(1),
		"b": false, "d": int64(time.Second), "t": time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		"old": time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), "nil": nil, "err": "boom", "level": "WARN",
	}
	for k, v := range checks {
		if req[k] != v {
			t.Errorf("req.%s = %#v, want %#v", k, req[k], v)
		}
	}
	if f := req["nan"].(float64); !math.IsNaN(f) {
		t.Errorf("nan = %v", f)
	}
	if b := req["bytes"].([]byte); !bytes.Equal(b, []byte{1, 2}) {
		t.Errorf("bytes = %v", b)
	}
	if s := req["slice"].([]any); len(s) != 2 || s[1] != int64(2) {
		t.Errorf("slice = %v", s)
	}
	if g := req["map"].(map[string]any); g["a"] != 1.5 || g["b"].([]any)[0] != "x" {
		t.Errorf("map = %v", g)
	}
	if e, ok := req["empty"].(map[string]any); !ok || len(e) != 0 {
		t.Errorf("empty = %#v", req["empty"])
	}
	if g := req["g"].(map[string]any); g["k"] != int64(1) || g["inline"] != int64(2) {
		t.Errorf("g = %v", g)
	}
}

func TestMsgpackBatch(t *testing.T) {
	c := codecs.Msgpack()
	a := newRecord(slog.LevelInfo, nil, "one")
	b := newRecord(slog.LevelWarn, nil, "two", "k", "v")
	data := c.AppendBatch(nil, []*loggerjs.Record{a, b})
	data = c.Append(data, a) // a batch, then a lone record: one stream
	recs, err := c.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0].Message() != "one" || recs[1].Message() != "two" || recs[2].Message() != "one" || recs[1].NumAttrs() != 1 {
		t.Fatalf("decoded %d records", len(recs))
	}
}

func TestMsgpackBadValues(t *testing.T) {
	selfMap := map[string]any{}
	selfMap["self"] = selfMap
	before := loggerjs.Stats().CodecFallbacks
	r := newRecord(slog.LevelInfo, nil, "m\xff", "bad\xff", "v\xff", "cycle", selfMap, "nanany", []float64{math.NaN()}, "panics", panicTextMarshaler{})
	d := roundTripMsgpack(t, r)
	m := recordMap(d)
	if d.Message() != "m\ufffd" || m["bad\ufffd"] != "v\ufffd" {
		t.Errorf("invalid UTF-8: %q %v", d.Message(), m)
	}
	for _, k := range []string{"cycle", "nanany", "panics"} {
		if s, _ := m[k].(string); len(s) < 7 || (s[:7] != "!ERROR:" && s[:7] != "!PANIC:") {
			t.Errorf("%s = %#v, want a marker", k, m[k])
		}
	}
	if n := loggerjs.Stats().CodecFallbacks - before; n != 6 {
		t.Errorf("CodecFallbacks grew by %d, want 6", n)
	}
}

type panicTextMarshaler struct{}

func (panicTextMarshaler) MarshalText() ([]byte, error) { panic("text exploded") }

func TestMsgpackDecodeErrors(t *testing.T) {
	c := codecs.Msgpack()
	good := c.Append(nil, newRecord(slog.LevelInfo, nil, "m", "k", 1))
	for i := range good {
		if _, err := c.Decode(good[:i]); err == nil && i > 0 {
			t.Errorf("truncated to %d bytes: no error", i)
		}
	}
	for _, in := range [][]byte{
		{0xc1},                  // never used
		{0x81, 0xa1, 'x', 0x01}, // no level or msg
		{0x82, 0xa5, 'l', 'e', 'v', 'e', 'l', 0xa3, 'B', 'A', 'D', 0xa3, 'm', 's', 'g', 0xa0},
		{0xdf, 0xff, 0xff, 0xff, 0xff},
		{0xdd, 0x7f, 0xff, 0xff, 0xff, 0x80},
	} {
		if _, err := c.Decode(in); err == nil {
			t.Errorf("Decode(% x): no error", in)
		}
	}
}

func TestMsgpackSlogtest(t *testing.T) {
	var buf bytes.Buffer
	c := codecs.Msgpack()
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

func TestMsgpackExtremeLevels(t *testing.T) {
	for _, l := range []slog.Level{math.MinInt64, math.MaxInt64, loggerjs.LevelOff, loggerjs.LevelTrace - 1, slog.LevelInfo + 2} {
		if d := roundTripMsgpack(t, newRecord(l, nil, "m")); d.Level != l {
			t.Errorf("level %d came back as %d", l, d.Level)
		}
	}
}
