package codecs_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// fuzzRecord builds a record from fuzz inputs: every slog kind, a group
// (inline when key is empty), an error chain, a map, a slice and bytes,
// with a scope and root attrs chosen by shape.
func fuzzRecord(msg, key, s string, i int64, u uint64, fl float64, b []byte, shape uint8) *loggerjs.Record {
	attrs := []any{
		"s", s, key, s, "i", i, "u", u, "f", fl, "bool", shape&1 == 1,
		"d", time.Duration(i), "t", time.Unix(i%(1<<40), int64(u%1e9)).UTC(),
		slog.Group(key, "gs", s, "gi", i),
		"err", fmt.Errorf("%s: %w", key, errors.New(s)),
		"map", map[string]any{key: s, "n": i},
		"slice", []any{s, fl, i},
		"big", new(big.Int).Mul(big.NewInt(i), new(big.Int).SetUint64(u)),
		"zoned", time.Unix(i%(1<<33), 0).In(time.FixedZone(key, int(i%50000))),
		"cycle", cyclicValue(s),
		"bytes", b,
	}
	r := newRecord(slog.Level(int8(shape)), nil, msg, attrs...)
	if shape&2 != 0 && key != "" {
		r.SetCategory(strings.Split(key, ".")...)
	}
	if shape&4 != 0 {
		var sc *loggerjs.Scope
		sc = sc.WithAttrs([]slog.Attr{slog.String(key, s)})
		if shape&8 != 0 && key != "" {
			sc = sc.WithGroup(key)
		}
		r.Scope = sc
	}
	if shape&16 != 0 {
		r.AddRootAttrs(slog.String("trace_id", s), slog.Int64(key, i))
	}
	return r
}

// cyclicValue returns a map that holds itself through a slice.
func cyclicValue(s string) map[string]any {
	m := map[string]any{"s": s}
	m["list"] = []any{m, s}
	return m
}

func addFuzzSeeds(f *testing.F) {
	f.Add("hello", "k", "v", int64(1), uint64(2), 1.5, []byte("x"), uint8(0))
	f.Add("", "", "", int64(0), uint64(0), 0.0, []byte(nil), uint8(31))
	f.Add("a\xffb", "a b=c", "line\nbreak \"q\"", int64(math.MinInt64), uint64(math.MaxUint64), math.NaN(), []byte{0, 255}, uint8(255))
	f.Add("\x1b[31mred", "g.h", "\u2028\U0001F600", int64(-1), uint64(1<<63), math.Inf(-1), []byte{}, uint8(6))
	f.Add("m", "k", "4bf92f3577b34da6a3ce929d0e0e4736", int64(12), uint64(5), math.Copysign(0, -1), []byte("y"), uint8(20))
}

// FuzzStructuredRoundTrip checks that Decode gives back what was logged:
// the re-encoded record is byte for byte the first encoding, and the
// values come back exactly, invalid UTF-8, NaN and -0 included.
func FuzzStructuredRoundTrip(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, msg, key, s string, i int64, u uint64, fl float64, b []byte, shape uint8) {
		r := fuzzRecord(msg, key, s, i, u, fl, b, shape)
		d := roundTripStructured(t, r)
		if d.Level != r.Level || d.Seq != r.Seq || !d.Time.Equal(r.Time) {
			t.Errorf("header differs")
		}
		if utf8.ValidString(msg) && d.Message() != msg {
			t.Errorf("msg %q, want %q", d.Message(), msg)
		}
		if got := d.Attr(0).Value.String(); got != s {
			t.Errorf("s = %q, want %q", got, s)
		}
		if got := d.Attr(2).Value.Int64(); got != i {
			t.Errorf("i = %d, want %d", got, i)
		}
		if got := d.Attr(3).Value.Uint64(); got != u {
			t.Errorf("u = %d, want %d", got, u)
		}
		if got := d.Attr(4).Value.Float64(); math.Float64bits(got) != math.Float64bits(fl) && !(math.IsNaN(got) && math.IsNaN(fl)) {
			t.Errorf("f = %v, want %v", got, fl)
		}
		if got, _ := d.Attr(d.NumAttrs() - 1).Value.Any().([]byte); !bytes.Equal(got, b) || (got == nil) != (b == nil) {
			t.Errorf("bytes = %#v, want %#v", got, b)
		}
	})
}

// FuzzStructuredDecode feeds Decode arbitrary input: it must not panic,
// and what it accepts must encode and decode to the same bytes again.
func FuzzStructuredDecode(f *testing.F) {
	c := codecs.Structured()
	f.Add(c.Append(nil, fuzzRecord("m", "k", "v", 1, 2, 3, []byte("b"), 31)))
	f.Add([]byte(`{"v":1,"time":0,"attrs":["k",1],"pool":[["t","0",0,"UTC",0],["m",[1,1]]]}`))
	f.Add([]byte(`{"v":1,"time":0,"attrs":["k",1],"pool":[["t","0",0,"UTC",0],["a",[1]]]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := c.Decode(data)
		if err != nil {
			return
		}
		for _, r := range recs {
			enc := c.Append(nil, r)
			again, err := c.Decode(enc)
			if err != nil || len(again) != 1 {
				t.Fatalf("re-decode: %v\n%s", err, enc)
			}
			if enc2 := c.Append(nil, again[0]); !bytes.Equal(enc, enc2) {
				t.Fatalf("not stable:\n%s\n%s", enc, enc2)
			}
		}
	})
}

// FuzzMsgpackRoundTrip checks that Msgpack's decoder gives back the
// values the codec wrote, and re-encodes them to the same bytes.
func FuzzMsgpackRoundTrip(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, msg, key, s string, i int64, u uint64, fl float64, b []byte, shape uint8) {
		r := fuzzRecord(msg, key, s, i, u, fl, b, shape)
		d := roundTripMsgpack(t, r)
		if d.Level != r.Level || !d.Time.Equal(r.Time) || d.Message() != validUTF8(msg) {
			t.Errorf("header differs: %v %v %q", d.Level, d.Time, d.Message())
		}
		// Root attrs and the scope come first among the decoded attrs;
		// without them, the attrs keep their order. They are read by
		// position, as key may itself be "s", "i" or "f".
		if shape&20 == 0 {
			if got := d.Attr(0); got.Key != "s" || got.Value.String() != validUTF8(s) {
				t.Errorf("s = %v, want %q", got, s)
			}
			if got := d.Attr(2); got.Key != "i" || got.Value.Kind() != slog.KindInt64 || got.Value.Int64() != i {
				t.Errorf("i = %v, want %d", got, i)
			}
			if got := d.Attr(4); got.Key != "f" || math.Float64bits(got.Value.Float64()) != math.Float64bits(fl) && !(math.IsNaN(got.Value.Float64()) && math.IsNaN(fl)) {
				t.Errorf("f = %v, want %v", got, fl)
			}
		}
	})
}

// FuzzMsgpackDecode feeds Msgpack's decoder arbitrary input: it must not
// panic, and what it accepts must encode and decode to the same bytes.
func FuzzMsgpackDecode(f *testing.F) {
	c := codecs.Msgpack()
	f.Add(c.Append(nil, fuzzRecord("m", "k", "v", 1, 2, 3, []byte("b"), 31)))
	f.Add(c.AppendBatch(nil, []*loggerjs.Record{fuzzRecord("a", "b", "c", -1, 0, 0, nil, 0)}))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := c.Decode(data)
		if err != nil {
			return
		}
		for _, r := range recs {
			enc := c.Append(nil, r)
			again, err := c.Decode(enc)
			if err != nil || len(again) != 1 {
				t.Fatalf("re-decode: %v\n% x", err, enc)
			}
			if enc2 := c.Append(nil, again[0]); !bytes.Equal(enc, enc2) {
				t.Fatalf("not stable:\n% x\n% x", enc, enc2)
			}
		}
	})
}

// FuzzLogfmtCodec checks that every line parses as logfmt and gives back
// the logged string (with invalid UTF-8 as U+FFFD).
func FuzzLogfmtCodec(f *testing.F) {
	addFuzzSeeds(f)
	c := codecs.Logfmt(nil)
	f.Fuzz(func(t *testing.T, msg, key, s string, i int64, u uint64, fl float64, b []byte, shape uint8) {
		out := c.Append(nil, fuzzRecord(msg, key, s, i, u, fl, b, shape))
		if bytes.Count(out, []byte("\n")) != 1 || out[len(out)-1] != '\n' {
			t.Fatalf("not one line: %q", out)
		}
		pairs, err := parseLogfmt(string(out[:len(out)-1]))
		if err != nil {
			t.Fatalf("%v\n%q", err, out)
		}
		got := map[string]string{}
		for _, p := range pairs {
			if _, ok := got[p.key]; !ok {
				got[p.key] = p.value
			}
		}
		if got["msg"] != validUTF8(msg) {
			t.Errorf("msg = %q, want %q", got["msg"], msg)
		}
		if shape&20 == 0 && got["s"] != validUTF8(s) {
			t.Errorf("s = %q, want %q", got["s"], s)
		}
	})
}

// FuzzPrettyCodec checks that Pretty output is valid UTF-8 with no control
// character but the newlines that end lines, and that the record is one
// line followed only by indented detail lines.
func FuzzPrettyCodec(f *testing.F) {
	addFuzzSeeds(f)
	c := codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorNever})
	f.Fuzz(func(t *testing.T, msg, key, s string, i int64, u uint64, fl float64, b []byte, shape uint8) {
		out := c.Append(nil, fuzzRecord(msg, key, s, i, u, fl, b, shape))
		if !utf8.Valid(out) {
			t.Fatalf("invalid UTF-8: %q", out)
		}
		lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		for n, line := range lines {
			for _, r := range line {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
					t.Fatalf("control character %U in line %d: %q", r, n, line)
				}
			}
			if n > 0 && !strings.HasPrefix(line, "    ") {
				t.Fatalf("detail line %d not indented: %q", n, line)
			}
		}
	})
}

// FuzzOTLPJSONCodec checks that the output is one valid ExportLogsService
// request whose attributes give back the logged string.
func FuzzOTLPJSONCodec(f *testing.F) {
	addFuzzSeeds(f)
	c := codecs.OTLPJSON(nil)
	f.Fuzz(func(t *testing.T, msg, key, s string, i int64, u uint64, fl float64, b []byte, shape uint8) {
		out := c.Append(nil, fuzzRecord(msg, key, s, i, u, fl, b, shape))
		if !json.Valid(out) {
			t.Fatalf("invalid JSON: %s", out)
		}
		req := parseOTLP(t, out)
		lr := req.ResourceLogs[0].ScopeLogs[0].LogRecords[0]
		attrs, err := otlpAttrMap(lr.Attributes)
		if err != nil {
			t.Fatal(err)
		}
		if *lr.Body.StringValue != validUTF8(msg) {
			t.Errorf("body = %q", *lr.Body.StringValue)
		}
		if shape&20 == 0 && attrs["s"] != validUTF8(s) {
			t.Errorf("s = %q, want %q", attrs["s"], s)
		}
	})
}

// FuzzProjectorCodecs checks that the ECS and Google Cloud projections
// always write one valid JSON object.
func FuzzProjectorCodecs(f *testing.F) {
	addFuzzSeeds(f)
	cs := []loggerjs.Codec{codecs.ECS(&codecs.ECSOptions{ServiceName: "svc"}), codecs.GoogleCloud(&codecs.GoogleCloudOptions{ProjectID: "p"})}
	f.Fuzz(func(t *testing.T, msg, key, s string, i int64, u uint64, fl float64, b []byte, shape uint8) {
		r := fuzzRecord(msg, key, s, i, u, fl, b, shape)
		for _, c := range cs {
			out := c.Append(nil, r)
			var m map[string]any
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatalf("%T: %v\n%s", c, err, out)
			}
			if m["message"] != validUTF8(msg) {
				t.Errorf("message = %q", m["message"])
			}
		}
	})
}

// validUTF8 returns s with each byte of invalid UTF-8 replaced by U+FFFD,
// as the codecs write it.
func validUTF8(s string) string { return string([]rune(s)) }
