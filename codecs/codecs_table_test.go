package codecs_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// Value types for the table: each misbehaves in one way.
type (
	tblPoint        struct{ X, Y int }
	tblPanicJSON    struct{ A int }
	tblPanicValuer  struct{}
	tblPanicString  struct{ A int }
	tblPanicText    struct{ A int }
	tblStringValuer struct{}
	tblGroupValuer  struct{}
)

func (tblPanicJSON) MarshalJSON() ([]byte, error) { panic("json exploded") }
func (tblPanicJSON) String() string               { return "json-stringer" }
func (tblPanicValuer) LogValue() slog.Value       { panic("valuer exploded") }
func (tblPanicString) String() string             { panic("string exploded") }
func (tblPanicText) MarshalText() ([]byte, error) { panic("text exploded") }
func (tblStringValuer) LogValue() slog.Value      { return slog.StringValue("resolved") }
func (tblGroupValuer) LogValue() slog.Value       { return slog.GroupValue(slog.Int("n", 3)) }
func (p tblPoint) String() string                 { return fmt.Sprintf("(%d,%d)", p.X, p.Y) }

// codecColumns are the columns of the table, in order.
var codecColumns = []string{"JSON", "Logfmt", "Pretty", "Structured", "Msgpack", "ECS", "OTLPJSON"}

func tableCodecs() map[string]loggerjs.Codec {
	return map[string]loggerjs.Codec{
		"JSON":       codecs.JSON(nil),
		"Logfmt":     codecs.Logfmt(nil),
		"Pretty":     codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorNever}),
		"Structured": codecs.Structured(),
		"Msgpack":    codecs.Msgpack(),
		"ECS":        codecs.ECS(nil),
		"OTLPJSON":   codecs.OTLPJSON(nil),
	}
}

// TestCodecsTable drives every codec over the same records, one attr "v"
// each. Each cell is what the codec's output, parsed back (or, for
// Pretty, read), shows for "v", and how many fallbacks it counted. Every
// output must also be valid for its format.
func TestCodecsTable(t *testing.T) {
	selfMap := map[string]any{"k": 1}
	selfMap["self"] = selfMap
	wrapped := fmt.Errorf("query: %w", errors.New("refused"))
	tests := []struct {
		name  string
		attr  slog.Attr
		cells []string // one per codecColumns
	}{
		{"string", slog.String("v", "hello world"), []string{
			`"hello world"`,
			`v=hello world`,
			`v="hello world"`,
			`String hello world`,
			`string "hello world"`,
			`"hello world"`,
			`string "hello world"`,
		}},
		{"int64", slog.Int64("v", -42), []string{
			`-42`,
			`v=-42`,
			`v=-42`,
			`Int64 -42`,
			`int64 -42`,
			`-42`,
			`int64 -42`,
		}},
		{"uint64", slog.Uint64("v", math.MaxUint64), []string{
			`18446744073709551615`,
			`v=18446744073709551615`,
			`v=18446744073709551615`,
			`Uint64 18446744073709551615`,
			`uint64 18446744073709551615`,
			`18446744073709551615`,
			`string "18446744073709551615"`,
		}},
		{"float64", slog.Float64("v", 3.25), []string{
			`3.25`,
			`v=3.25`,
			`v=3.25`,
			`Float64 3.25`,
			`float64 3.25`,
			`3.25`,
			`float64 3.25`,
		}},
		{"bool", slog.Bool("v", true), []string{
			`true`,
			`v=true`,
			`v=true`,
			`Bool true`,
			`bool true`,
			`true`,
			`bool true`,
		}},
		{"duration", slog.Duration("v", 1500*time.Millisecond), []string{
			`1500000000`,
			`v=1.5s`,
			`v=1.5s`,
			`Duration 1.5s`,
			`int64 1500000000`,
			`1500000000`,
			`int64 1500000000`,
		}},
		{"time", slog.Time("v", testTime), []string{
			`"2026-11-21T20:15:04.123456789Z"`,
			`v=2026-11-21T20:15:04.123Z`,
			`v=2026-11-21T20:15:04.123Z`,
			`Time 2026-11-21T20:15:04.123456789Z`,
			`time.Time 2026-11-21T20:15:04.123456789Z`,
			`"2026-11-21T20:15:04.123456789Z"`,
			`string "2026-11-21T20:15:04.123456789Z"`,
		}},
		{"any struct", slog.Any("v", tblPoint{1, 2}), []string{
			`{"X":1,"Y":2}`,
			`v=(1,2)`,
			`v=(1,2)`,
			`Any *codecs.Object codecs_test.tblPoint{X=int64 1 Y=int64 2}`,
			`map {X=int64 1 Y=int64 2}`,
			`{"X":1,"Y":2}`,
			`map {X=int64 1 Y=int64 2}`,
		}},
		{"any nil", slog.Any("v", nil), []string{
			`null`,
			`v=<nil>`,
			`v=<nil>`,
			`Any <nil>`,
			`<nil>`,
			`null`,
			`<nil>`,
		}},
		{"bytes", slog.Any("v", []byte("hi")), []string{
			`"aGk="`,
			`v=hi`,
			`v=hi`,
			`Any []uint8 "hi"`,
			`[]uint8 "hi"`,
			`"aGk="`,
			`[]uint8 "hi"`,
		}},
		{"level", slog.Any("v", slog.LevelWarn), []string{
			`"WARN"`,
			`v=WARN`,
			`v=WARN`,
			`Any slog.Level WARN`,
			`string "WARN"`,
			`"WARN"`,
			`string "WARN"`,
		}},
		{"group", slog.Group("v", "a", 1, slog.Group("b", "c", "x")), []string{
			`{"a":1,"b":{"c":"x"}}`,
			`v.a=1 v.b.c=x`,
			`v.a=1 v.b.c=x`,
			`Group {a=Int64 1 b=Group {c=String x}}`,
			`map {a=int64 1 b=map {c=string "x"}}`,
			`{"a":1,"b":{"c":"x"}}`,
			`map {a=int64 1 b=map {c=string "x"}}`,
		}},
		{"inline group", slog.Group("", "v", 1), []string{
			`1`,
			`v=1`,
			`v=1`,
			`Group {v=Int64 1}`,
			`int64 1`,
			`1`,
			`int64 1`,
		}},
		{"empty group", slog.Group("v"), []string{
			`<absent>`,
			`<absent>`,
			``,
			`Group {}`,
			`<absent>`,
			`<absent>`,
			`<absent>`,
		}},
		{"group of empty group", slog.Group("v", slog.Group("e")), []string{
			`<absent>`,
			`<absent>`,
			``,
			`Group {}`,
			`<absent>`,
			`<absent>`,
			`<absent>`,
		}},
		{"LogValuer", slog.Any("v", tblStringValuer{}), []string{
			`"resolved"`,
			`v=resolved`,
			`v=resolved`,
			`String resolved`,
			`string "resolved"`,
			`"resolved"`,
			`string "resolved"`,
		}},
		{"LogValuer to group", slog.Any("v", tblGroupValuer{}), []string{
			`{"n":3}`,
			`v.n=3`,
			`v.n=3`,
			`Group {n=Int64 3}`,
			`map {n=int64 3}`,
			`{"n":3}`,
			`map {n=int64 3}`,
		}},
		{"error", slog.Any("v", errors.New("boom")), []string{
			`"boom"`,
			`v=boom`,
			`v=boom`,
			`Any *codecs.DecodedError boom (*errors.errorString)`,
			`string "boom"`,
			`"boom"`,
			`string "boom"`,
		}},
		{"wrapped error", slog.Any("v", wrapped), []string{
			`"query: refused"`,
			`v=query: refused`,
			"v=\"query: refused\"\n    v:\n      query [*fmt.wrapError]\n      └─ refused [*errors.errorString]",
			`Any *codecs.DecodedError query: refused (*fmt.wrapError) wraps [refused (*errors.errorString)]`,
			`string "query: refused"`,
			`"query: refused"`,
			`string "query: refused"`,
		}},
		{"bad: panicking MarshalJSON", slog.Any("v", tblPanicJSON{1}), []string{
			`"!PANIC: json exploded" [1 fallback]`,
			`v=json-stringer`,
			`v=json-stringer`,
			`Any *codecs.Object codecs_test.tblPanicJSON{A=int64 1}`,
			`string "!PANIC: json exploded" [1 fallback]`,
			`"!PANIC: json exploded" [1 fallback]`,
			`string "!PANIC: json exploded" [1 fallback]`,
		}},
		{"bad: panicking LogValue", slog.Any("v", tblPanicValuer{}), []string{
			`"!PANIC: LogValue: valuer exploded" [1 fallback]`,
			`v=!PANIC: LogValue: valuer exploded [1 fallback]`,
			`v="!PANIC: LogValue: valuer exploded" [1 fallback]`,
			`String !PANIC: LogValue: valuer exploded [1 fallback]`,
			`string "!PANIC: LogValue: valuer exploded" [1 fallback]`,
			`"!PANIC: LogValue: valuer exploded" [1 fallback]`,
			`string "!PANIC: LogValue: valuer exploded" [1 fallback]`,
		}},
		{"bad: panicking String", slog.Any("v", tblPanicString{7}), []string{
			`{"A":7}`,
			`v=!PANIC: string exploded [1 fallback]`,
			`v="!PANIC: string exploded" [1 fallback]`,
			`Any *codecs.Object codecs_test.tblPanicString{A=int64 7}`,
			`map {A=int64 7}`,
			`{"A":7}`,
			`map {A=int64 7}`,
		}},
		{"bad: panicking MarshalText", slog.Any("v", tblPanicText{7}), []string{
			`"!PANIC: text exploded" [1 fallback]`,
			`v=!PANIC: text exploded [1 fallback]`,
			`v="!PANIC: text exploded" [1 fallback]`,
			`Any *codecs.Object codecs_test.tblPanicText{A=int64 7}`,
			`string "!PANIC: text exploded" [1 fallback]`,
			`"!PANIC: text exploded" [1 fallback]`,
			`string "!PANIC: text exploded" [1 fallback]`,
		}},
		{"bad: cycle", slog.Any("v", selfMap), []string{
			`"!ERROR:json: unsupported value: encountered a cycle via map[string]interface {}" [1 fallback]`,
			`v=!ERROR: cyclic value [1 fallback]`,
			`v="!ERROR: cyclic value" [1 fallback]`,
			`Any map {k=int64 1 self=map {k=int64 1 self=map {k={…} self={…}}}}`,
			`string "!ERROR:json: unsupported value: encountered a cycle via map[string]interface {}" [1 fallback]`,
			`"!ERROR:json: unsupported value: encountered a cycle via map[string]interface {}" [1 fallback]`,
			`string "!ERROR:json: unsupported value: encountered a cycle via map[string]interface {}" [1 fallback]`,
		}},
		{"bad: invalid UTF-8", slog.String("v", "a\xffb"), []string{
			`"a�b" [1 fallback]`,
			`v=a�b [1 fallback]`,
			`v="a\ufffdb" [1 fallback]`,
			`String "a\xffb"`,
			`string "a�b" [1 fallback]`,
			`"a�b" [1 fallback]`,
			`string "a�b" [1 fallback]`,
		}},
		{"bad: NaN", slog.Float64("v", math.NaN()), []string{
			`"!ERROR:json: unsupported value: NaN" [1 fallback]`,
			`v=NaN`,
			`v=NaN`,
			`Float64 NaN`,
			`float64 NaN`,
			`"!ERROR:json: unsupported value: NaN" [1 fallback]`,
			`float64 NaN`,
		}},
		{"bad: -Inf", slog.Float64("v", math.Inf(-1)), []string{
			`"!ERROR:json: unsupported value: -Inf" [1 fallback]`,
			`v=-Inf`,
			`v=-Inf`,
			`Float64 -Inf`,
			`float64 -Inf`,
			`"!ERROR:json: unsupported value: -Inf" [1 fallback]`,
			`float64 -Inf`,
		}},
	}
	cs := tableCodecs()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.cells) != len(codecColumns) {
				t.Fatalf("%d cells for %d codecs", len(tt.cells), len(codecColumns))
			}
			for i, col := range codecColumns {
				// AddAttrs, unlike slog.Record.Add, keeps empty groups, so
				// the codecs meet them.
				r := newRecord(slog.LevelInfo, nil, "m")
				r.AddAttrs(tt.attr)
				before := loggerjs.Stats().CodecFallbacks
				out := cs[col].Append(nil, r)
				n := loggerjs.Stats().CodecFallbacks - before
				got, err := extractV(col, out)
				if err != nil {
					t.Errorf("%s: output not valid: %v\n%q", col, err, out)
					continue
				}
				switch n {
				case 0:
				case 1:
					got += " [1 fallback]"
				default:
					got += fmt.Sprintf(" [%d fallbacks]", n)
				}
				if got != tt.cells[i] {
					t.Errorf("%s:\n got %s\nwant %s", col, got, tt.cells[i])
				}
				if os.Getenv("CODECS_TABLE_DUMP") != "" {
					lit := strconv.Quote(got)
					if !strings.ContainsAny(got, "`\n") && strconv.CanBackquote(got) {
						lit = "`" + got + "`"
					}
					fmt.Printf("%s | %s | %s\n", tt.name, col, lit)
				}
			}
		})
	}
}

// extractV parses a codec's output and returns what it shows for "v".
func extractV(col string, out []byte) (string, error) {
	switch col {
	case "JSON", "ECS":
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return "", err
		}
		v, ok := m["v"]
		if !ok {
			return "<absent>", nil
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "", err
		}
		return strings.TrimSpace(b.String()), nil
	case "Logfmt":
		pairs, err := parseLogfmt(strings.TrimSuffix(string(out), "\n"))
		if err != nil {
			return "", err
		}
		var parts []string
		for _, p := range pairs {
			if p.key == "v" || strings.HasPrefix(p.key, "v.") {
				parts = append(parts, p.key+"="+p.value)
			}
		}
		if parts == nil {
			return "<absent>", nil
		}
		return strings.Join(parts, " "), nil
	case "Pretty":
		s := strings.TrimSuffix(string(out), "\n")
		const head = "20:15:04.123 INFO  m"
		if !strings.HasPrefix(s, head) {
			return "", fmt.Errorf("no header")
		}
		return strings.TrimPrefix(s[len(head):], " "), nil
	case "Structured":
		recs, err := codecs.Structured().Decode(out)
		if err != nil {
			return "", err
		}
		for i := range recs[0].NumAttrs() {
			a := recs[0].Attr(i)
			if a.Key == "v" || a.Key == "" {
				return describeValue(a.Value, 0), nil
			}
		}
		return "<absent>", nil
	case "Msgpack":
		recs, err := codecs.Msgpack().Decode(out)
		if err != nil {
			return "", err
		}
		v, ok := recordMap(recs[0])["v"]
		if !ok {
			return "<absent>", nil
		}
		return describeGo(v, 0), nil
	case "OTLPJSON":
		var req otlpRequest
		if err := json.Unmarshal(out, &req); err != nil {
			return "", err
		}
		m, err := otlpAttrMap(req.ResourceLogs[0].ScopeLogs[0].LogRecords[0].Attributes)
		if err != nil {
			return "", err
		}
		v, ok := m["v"]
		if !ok {
			return "<absent>", nil
		}
		return describeGo(v, 0), nil
	}
	return "", fmt.Errorf("unknown column %s", col)
}

// describeValue renders a decoded slog.Value with its kind.
func describeValue(v slog.Value, depth int) string {
	switch v.Kind() {
	case slog.KindGroup:
		var parts []string
		for _, a := range v.Group() {
			parts = append(parts, a.Key+"="+describeValue(a.Value, depth+1))
		}
		return "Group {" + strings.Join(parts, " ") + "}"
	case slog.KindAny:
		return "Any " + describeGo(v.Any(), depth)
	case slog.KindString:
		if s := v.String(); !utf8Valid(s) {
			return fmt.Sprintf("String %q", s)
		}
	case slog.KindTime:
		return "Time " + v.Time().Format(time.RFC3339Nano)
	}
	return v.Kind().String() + " " + v.String()
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\x00") == s }

// describeGo renders a decoded Go value with its type, cutting cycles.
func describeGo(x any, depth int) string {
	if depth > 2 {
		return "{…}"
	}
	switch x := x.(type) {
	case nil:
		return "<nil>"
	case string:
		return fmt.Sprintf("string %q", x)
	case []byte:
		return fmt.Sprintf("[]uint8 %q", x)
	case time.Time:
		return "time.Time " + x.Format(time.RFC3339Nano)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k+"="+describeGo(x[k], depth+1))
		}
		return "map {" + strings.Join(parts, " ") + "}"
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, describeGo(e, depth+1))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case *codecs.Object:
		var parts []string
		for _, f := range x.Fields {
			parts = append(parts, f.Name+"="+describeGo(f.Value, depth+1))
		}
		return "*codecs.Object " + x.Type + "{" + strings.Join(parts, " ") + "}"
	case *codecs.DecodedError:
		s := fmt.Sprintf("*codecs.DecodedError %s (%s)", x.Msg, x.Type)
		if len(x.Wrapped) > 0 {
			var parts []string
			for _, w := range x.Wrapped {
				d := w.(*codecs.DecodedError)
				parts = append(parts, fmt.Sprintf("%s (%s)", d.Msg, d.Type))
			}
			s += " wraps [" + strings.Join(parts, " ") + "]"
		}
		return s
	}
	return fmt.Sprintf("%T %v", x, x)
}
