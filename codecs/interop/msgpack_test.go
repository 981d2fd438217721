package interop

import (
	"bytes"
	"errors"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/vmihailenco/msgpack/v5"
)

var at = time.Date(2026, 11, 21, 20, 15, 4, 123456789, time.UTC)

func record(l slog.Level, cat []string, msg string, args ...any) *loggerjs.Record {
	sr := slog.NewRecord(at, l, msg, 0)
	sr.Add(args...)
	r := loggerjs.NewRecord(sr)
	if cat != nil {
		r.SetCategory(cat...)
	}
	return r
}

// decodeAll reads every object in data with vmihailenco/msgpack.
func decodeAll(t *testing.T, data []byte) []any {
	t.Helper()
	dec := msgpack.NewDecoder(bytes.NewReader(data))
	dec.UseLooseInterfaceDecoding(true)
	var out []any
	for {
		v, err := dec.DecodeInterface()
		if err != nil {
			if err.Error() == "EOF" {
				return out
			}
			t.Fatalf("vmihailenco/msgpack: %v after %d objects", err, len(out))
		}
		out = append(out, v)
	}
}

// TestMsgpackReadByVmihailenco checks that vmihailenco/msgpack reads the
// codec's records, scope, groups and every value kind the way the codec
// documents them.
func TestMsgpackReadByVmihailenco(t *testing.T) {
	var sc *loggerjs.Scope
	sc = sc.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("req")
	r := record(slog.LevelWarn, []string{"app", "db"}, "all kinds",
		"s", "text", "long", string(bytes.Repeat([]byte("y"), 70000)), "neg", -70000, "pos", 300, "u", uint64(math.MaxUint64),
		"f", 0.25, "inf", math.Inf(-1), "b", true, "d", 1500*time.Millisecond,
		"t", time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), "sec", time.Unix(1700000000, 0), "old", time.Date(1800, 1, 1, 0, 0, 0, 7, time.UTC),
		"bytes", []byte{1, 2, 3}, "nil", nil, "err", errors.New("boom"), "level", loggerjs.LevelTrace,
		"slice", []int{1, -2}, "map", map[string]any{"a": "x", "n": 2.5},
		slog.Group("g", "k", 1, slog.Group("h", "deep", "z")),
		"bad", "a\xffb",
	)
	r.Scope = sc
	r.AddRootAttrs(slog.String("trace_id", "abc"))
	c := codecs.Msgpack()
	objs := decodeAll(t, c.Append(nil, r))
	if len(objs) != 1 {
		t.Fatalf("%d objects", len(objs))
	}
	m := objs[0].(map[string]any)
	top := map[string]any{"level": "WARN", "msg": "all kinds", "logger": "app.db", "trace_id": "abc", "svc": "api"}
	for k, v := range top {
		if m[k] != v {
			t.Errorf("%s = %#v, want %#v", k, m[k], v)
		}
	}
	if tm, ok := m["time"].(time.Time); !ok || !tm.Equal(at) {
		t.Errorf("time = %#v", m["time"])
	}
	req := m["req"].(map[string]any)
	want := map[string]any{
		"s": "text", "neg": int64(-70000), "pos": uint64(300), "u": uint64(math.MaxUint64), "f": 0.25, "inf": math.Inf(-1),
		"b": true, "d": uint64(1500 * time.Millisecond), "nil": nil, "err": "boom", "level": "TRACE", "bad": "a\ufffdb",
	}
	for k, v := range want {
		if req[k] != v {
			t.Errorf("req.%s = %#v (%T), want %#v", k, req[k], req[k], v)
		}
	}
	if s, _ := req["long"].(string); len(s) != 70000 {
		t.Errorf("long string: %d bytes", len(s))
	}
	for k, w := range map[string]time.Time{"t": time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), "sec": time.Unix(1700000000, 0), "old": time.Date(1800, 1, 1, 0, 0, 0, 7, time.UTC)} {
		if tm, ok := req[k].(time.Time); !ok || !tm.Equal(w) {
			t.Errorf("req.%s = %#v, want %v", k, req[k], w)
		}
	}
	// Loose decoding reads bin as a string; strict decoding as []byte.
	if b, _ := req["bytes"].(string); b != "\x01\x02\x03" {
		t.Errorf("bytes = %#v", req["bytes"])
	}
	var strict map[string]any
	if err := msgpack.Unmarshal(c.Append(nil, r), &strict); err != nil {
		t.Fatal(err)
	}
	if b, _ := strict["req"].(map[string]any)["bytes"].([]byte); !bytes.Equal(b, []byte{1, 2, 3}) {
		t.Errorf("strict bytes = %#v", strict["req"].(map[string]any)["bytes"])
	}
	if s, _ := req["slice"].([]any); len(s) != 2 || s[1] != int64(-2) {
		t.Errorf("slice = %#v", req["slice"])
	}
	if mm, _ := req["map"].(map[string]any); mm["a"] != "x" || mm["n"] != 2.5 {
		t.Errorf("map = %#v", req["map"])
	}
	g := req["g"].(map[string]any)
	if !isInt(g["k"], 1) || g["h"].(map[string]any)["deep"] != "z" {
		t.Errorf("g = %#v", g)
	}
}

func TestMsgpackBatchReadByVmihailenco(t *testing.T) {
	c := codecs.Msgpack()
	data := c.AppendBatch(nil, []*loggerjs.Record{
		record(slog.LevelInfo, nil, "one"),
		record(slog.LevelError, []string{"x"}, "two", "n", 2),
	})
	objs := decodeAll(t, data)
	if len(objs) != 1 {
		t.Fatalf("%d objects", len(objs))
	}
	batch := objs[0].([]any)
	if len(batch) != 2 || batch[0].(map[string]any)["msg"] != "one" || !isInt(batch[1].(map[string]any)["n"], 2) {
		t.Errorf("batch = %#v", batch)
	}
}

// isInt reports whether v is an integer of any Go type equal to want: the
// library picks the type by the encoded width and by nesting.
func isInt(v any, want int64) bool {
	switch v := v.(type) {
	case int8:
		return int64(v) == want
	case int16:
		return int64(v) == want
	case int32:
		return int64(v) == want
	case int64:
		return v == want
	case uint8:
		return int64(v) == want
	case uint16:
		return int64(v) == want
	case uint32:
		return int64(v) == want
	case uint64:
		return want >= 0 && v == uint64(want)
	}
	return false
}

// FuzzMsgpackReadByVmihailenco checks that vmihailenco/msgpack reads back
// any string, integer and float the codec writes.
func FuzzMsgpackReadByVmihailenco(f *testing.F) {
	f.Add("k", "v", int64(1), 1.5)
	f.Add("", "\xff", int64(math.MinInt64), math.NaN())
	c := codecs.Msgpack()
	f.Fuzz(func(t *testing.T, key, s string, i int64, fl float64) {
		out := c.Append(nil, record(slog.LevelInfo, nil, "m", "s", s, "i", i, "f", fl, slog.Group("g", key, s)))
		var m map[string]any
		if err := msgpack.Unmarshal(out, &m); err != nil {
			t.Fatalf("vmihailenco/msgpack: %v\n% x", err, out)
		}
		if m["s"] != string([]rune(s)) || !isInt(m["i"], i) {
			t.Fatalf("s = %q, i = %#v; want %q, %d", m["s"], m["i"], s, i)
		}
		if g, ok := m["f"].(float64); !ok || (g != fl && !(math.IsNaN(g) && math.IsNaN(fl))) {
			t.Fatalf("f = %#v, want %v", m["f"], fl)
		}
		if g, ok := m["g"].(map[string]any); !ok || g[string([]rune(key))] != string([]rune(s)) {
			t.Fatalf("g = %#v", m["g"])
		}
	})
}
