package codecs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// bufferSink is a Sink that keeps what its codec writes.
type bufferSink struct {
	codec loggerjs.Codec
	mu    sync.Mutex
	buf   []byte
}

func (s *bufferSink) Write(_ context.Context, r *loggerjs.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = s.codec.Append(s.buf, r)
	return nil
}

func (s *bufferSink) Flush(context.Context) error { return nil }
func (s *bufferSink) Close(context.Context) error { return nil }

// boundsCodecs are the codecs the crash tests drive, by name.
func boundsCodecs() map[string]loggerjs.Codec {
	return map[string]loggerjs.Codec{
		"JSON":        codecs.JSON(nil),
		"Logfmt":      codecs.Logfmt(nil),
		"Pretty":      codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorNever}),
		"Structured":  codecs.Structured(),
		"Msgpack":     codecs.Msgpack(),
		"OTLPJSON":    codecs.OTLPJSON(nil),
		"ECS":         codecs.ECS(nil),
		"GoogleCloud": codecs.GoogleCloud(nil),
	}
}

// selfValuer logs a group that holds itself.
type selfValuer struct{}

func (v selfValuer) LogValue() slog.Value { return slog.GroupValue(slog.Any("self", v)) }

// TreeNode logs its name, its parent and its children, each of which logs
// its parent again.
type TreeNode struct {
	Name     string
	Parent   *TreeNode
	Children []*TreeNode
}

func (n *TreeNode) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("name", n.Name)}
	if n.Parent != nil {
		attrs = append(attrs, slog.Any("parent", n.Parent))
	}
	for i, c := range n.Children {
		attrs = append(attrs, slog.Any("child"+strconv.Itoa(i), c))
	}
	return slog.GroupValue(attrs...)
}

// crashValues builds the values that once overflowed the stack or grew
// memory without end, by name.
var crashValues = map[string]func() any{
	"self-valuer": func() any { return selfValuer{} },
	"tree": func() any {
		root := &TreeNode{Name: "root"}
		for i := range 3 {
			root.Children = append(root.Children, &TreeNode{Name: "c" + strconv.Itoa(i), Parent: root})
		}
		return root
	},
	"cyclic-map": func() any {
		m := map[string]any{}
		m["self"] = m
		list := make([]any, 100_001)
		for i := range list {
			list[i] = i
		}
		m["list"] = list
		return m
	},
	"deep-group": func() any {
		v := slog.IntValue(1)
		for range 1_000_000 {
			v = slog.GroupValue(slog.Attr{Key: "g", Value: v})
		}
		return v
	},
	"deep-map": func() any {
		var v any = 1
		for range 1_000_000 {
			v = map[string]any{"m": v}
		}
		return v
	},
	"deep-slice": func() any {
		var v any = 1
		for range 1_000_000 {
			v = []any{v}
		}
		return v
	},
}

const crashChildEnv = "LOGGERJS_CODECS_CRASH_CHILD"

// TestCrashChild is the child process of TestNoValueCrashes: it logs one
// crash value through every codec, with redaction on or off, and writes
// each codec's output to a file of its own.
func TestCrashChild(t *testing.T) {
	spec := os.Getenv(crashChildEnv)
	if spec == "" {
		t.Skip("run by TestNoValueCrashes")
	}
	name, mode, dir := splitSpec(spec)
	sinks := map[string]loggerjs.Sink{}
	var names []string
	for cn, c := range boundsCodecs() {
		sinks[cn] = &bufferSink{codec: c}
		names = append(names, cn)
	}
	cfg := loggerjs.Config{Sinks: sinks, Loggers: []loggerjs.LoggerConfig{{Sinks: names}}}
	if mode == "off" {
		cfg.Redactor = loggerjs.NoRedaction
	}
	h, err := loggerjs.NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Info("crash", "v", crashValues[name](), "after", 1)
	for cn, s := range sinks {
		if err := os.WriteFile(filepath.Join(dir, cn), s.(*bufferSink).buf, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	fallbacks := strconv.FormatUint(h.Stats().CodecFallbacks, 10)
	if err := os.WriteFile(filepath.Join(dir, "fallbacks"), []byte(fallbacks), 0o600); err != nil {
		t.Fatal(err)
	}
}

func splitSpec(spec string) (name, mode, dir string) {
	name, rest, _ := strings.Cut(spec, ",")
	mode, dir, _ = strings.Cut(rest, ",")
	return name, mode, dir
}

// TestNoValueCrashes logs each crash value in a child process, through a
// handler from loggerjs.NewHandler with every codec as a sink, with
// redaction on and off. The child must exit 0, and each codec must have
// written one valid line (as its own decoder or a parser reads it) with
// a marker in the value's place, counted as a fallback.
func TestNoValueCrashes(t *testing.T) {
	if testing.Short() {
		t.Skip("child processes")
	}
	var cases []string
	for name := range crashValues {
		cases = append(cases, name)
	}
	slices.Sort(cases)
	for _, name := range cases {
		for _, mode := range []string{"on", "off"} {
			t.Run(name+"/redaction-"+mode, func(t *testing.T) {
				dir := t.TempDir()
				// A child that loops instead of crashing is stopped.
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), crashChildEnv+"="+name+","+mode+","+dir)
				if out, err := cmd.CombinedOutput(); err != nil {
					tail := out[max(0, len(out)-2000):]
					t.Fatalf("child: %v\n%s", err, tail)
				}
				// With redaction on, the redactor may have cut the value
				// down first, with a marker of its own; then the codecs
				// meet no bound and count nothing.
				n, _ := os.ReadFile(filepath.Join(dir, "fallbacks"))
				marked := false
				for cn := range boundsCodecs() {
					out, err := os.ReadFile(filepath.Join(dir, cn))
					if err != nil {
						t.Fatal(err)
					}
					err = checkBoundedLine(cn, out)
					if err != nil && err.Error() == "no marker" && mode == "on" && bytes.Contains(out, []byte("[REDACTED")) {
						continue
					}
					if err != nil {
						t.Errorf("%s: %v\n%.600s", cn, err, out)
					}
					marked = true
				}
				if marked && (string(n) == "0" || len(n) == 0) {
					t.Errorf("no codec fallback counted (%q)", n)
				}
			})
		}
	}
}

// checkBoundedLine checks that out is one valid record of codec cn that
// holds a marker and the attr logged after the crash value.
func checkBoundedLine(cn string, out []byte) error {
	if !bytes.Contains(out, []byte("!ERROR")) {
		return fmt.Errorf("no marker")
	}
	switch cn {
	case "Msgpack":
		recs, err := codecs.Msgpack().Decode(out)
		if err != nil || len(recs) != 1 {
			return fmt.Errorf("Decode: %d records, %v", len(recs), err)
		}
		return hasAfter(recs[0])
	case "Structured":
		recs, err := codecs.Structured().Decode(out)
		if err != nil || len(recs) != 1 {
			return fmt.Errorf("Decode: %d records, %v", len(recs), err)
		}
		return hasAfter(recs[0])
	}
	if bytes.Count(out, []byte("\n")) != 1 || out[len(out)-1] != '\n' {
		return fmt.Errorf("not one line")
	}
	line := string(out[:len(out)-1])
	switch cn {
	case "Logfmt":
		pairs, err := parseLogfmt(line)
		if err != nil {
			return err
		}
		if !slices.Contains(pairs, logfmtPair{"after", "1"}) {
			return fmt.Errorf("after=1 missing")
		}
	case "Pretty":
		if !utf8.ValidString(line) || !strings.Contains(line, " after=1") {
			return fmt.Errorf("invalid UTF-8 or after=1 missing")
		}
	default:
		if !json.Valid(out) {
			return fmt.Errorf("invalid JSON")
		}
		if !strings.Contains(line, `"after"`) {
			return fmt.Errorf("after missing")
		}
	}
	return nil
}

func hasAfter(r *loggerjs.Record) error {
	for i := range r.NumAttrs() {
		if a := r.Attr(i); a.Key == "after" {
			return nil
		}
	}
	return fmt.Errorf("attr after missing")
}

// secretJSON emits a secret through MarshalJSON; secretText through
// MarshalText; secretString through String; secretErr through Error.
type (
	secretJSON   struct{ A int }
	secretText   struct{}
	secretString struct{ N int }
	secretErr    struct{ Op string }
	withCreds    struct {
		Host  string
		creds struct{ User, Password string }
	}
	wrapsString struct{ Inner secretString }
)

func (secretJSON) MarshalJSON() ([]byte, error) { return []byte(`{"password":"hunter2","a":1}`), nil }
func (secretText) MarshalText() ([]byte, error) { return []byte("password=hunter2"), nil }
func (s secretString) String() string           { return "token=hunter2" }
func (e *secretErr) Error() string              { return e.Op + ": password=hunter2" }
func (badJSONAfterRedact) MarshalJSON() ([]byte, error) {
	return []byte(`{"a":"password=hunter2"}`), nil
}

type badJSONAfterRedact struct{}

// TestUserMethodOutputRedacted checks that every codec passes what a
// value's own methods print through the record's redaction, with the
// default redactor for a record that came through no handler.
func TestUserMethodOutputRedacted(t *testing.T) {
	wc := withCreds{Host: "h"}
	wc.creds.User, wc.creds.Password = "bob", "hunter2"
	values := map[string]any{
		"MarshalJSON": secretJSON{},
		"MarshalText": secretText{},
		"String":      secretString{},
		"Error":       &secretErr{Op: "dial"},
		"nested":      []any{wrapsString{}, map[string]any{"k": secretString{}}},
		"unexported":  wc,
		"errorField":  fmt.Errorf("wrapped: %w", &secretErr{Op: "password=hunter2"}),
	}
	for vn, v := range values {
		for cn, c := range boundsCodecs() {
			r := newRecord(slog.LevelError, nil, "m", "v", v)
			out := c.Append(nil, r)
			if bytes.Contains(out, []byte("hunter2")) || bytes.Contains(out, []byte("bob")) {
				t.Errorf("%s, %s: secret written: %q", vn, cn, out)
			}
		}
	}
}

// TestUserMethodOutputNotRedactedWhenOff checks that a handler with
// NoRedaction writes what the methods print as it is.
func TestUserMethodOutputNotRedactedWhenOff(t *testing.T) {
	sink := &bufferSink{codec: codecs.JSON(nil)}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:    map[string]loggerjs.Sink{"s": sink},
		Loggers:  []loggerjs.LoggerConfig{{Sinks: []string{"s"}}},
		Redactor: loggerjs.NoRedaction,
	})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Info("m", "v", secretJSON{}, "e", &secretErr{Op: "dial"})
	if n := bytes.Count(sink.buf, []byte("hunter2")); n != 2 {
		t.Errorf("%d secrets written with redaction off, want 2: %s", n, sink.buf)
	}
}

// TestRedactedJSONMustStayValid checks that JSON which redaction made
// invalid is written as a marker and counted.
func TestRedactedJSONMustStayValid(t *testing.T) {
	for _, cn := range []string{"JSON", "ECS", "OTLPJSON", "Msgpack"} {
		c := boundsCodecs()[cn]
		r := newRecord(slog.LevelInfo, nil, "m", "v", badJSONAfterRedact{})
		out := c.Append(nil, r)
		if bytes.Contains(out, []byte("hunter2")) {
			t.Errorf("%s: secret written: %q", cn, out)
		}
		if cn != "Msgpack" && !json.Valid(out) {
			t.Errorf("%s: invalid JSON: %s", cn, out)
		}
	}
}

// TestFallbackPrintsExportedFieldsOnly checks the text codecs' %+v
// stand-in: exported fields as %+v writes them, never unexported ones.
func TestFallbackPrintsExportedFieldsOnly(t *testing.T) {
	wc := withCreds{Host: "h"}
	wc.creds.User = "bob"
	type point struct{ X, Y int }
	tests := []struct {
		v    any
		want string
	}{
		{wc, `v={Host:h}`},
		{&point{1, 2}, `v="&{X:1 Y:2}"`},
		{map[string]int{"b": 2, "a": 1}, `v="map[a:1 b:2]"`},
		{[]any{1.5, "x", nil, point{3, 4}}, `v="[1.5 x <nil> {X:3 Y:4}]"`},
		{[2]bool{true, false}, `v="[true false]"`},
		{struct{ S secretString }{}, `v="{S:token=[REDACTED]}"`},
	}
	for _, tt := range tests {
		out := string(codecs.Logfmt(nil).Append(nil, newRecord(slog.LevelInfo, nil, "m", "v", tt.v)))
		if !strings.Contains(out, " "+tt.want+"\n") {
			t.Errorf("%#v: %q, want it to end with %s", tt.v, out, tt.want)
		}
	}
}

// deepJSON emits JSON arrays nested n deep.
type deepJSON int

func (n deepJSON) MarshalJSON() ([]byte, error) {
	return []byte(strings.Repeat("[", int(n)) + strings.Repeat("]", int(n))), nil
}

// TestBoundsMarkers checks each bound in each codec directly: the marker
// in the value's place, the fallback counted, and the output read back by
// the codec's own decoder or a parser.
func TestBoundsMarkers(t *testing.T) {
	deepGroup := func(n int) slog.Value {
		v := slog.IntValue(1)
		for range n {
			v = slog.GroupValue(slog.Attr{Key: "g", Value: v})
		}
		return v
	}
	deepMap := func(n int) any {
		var v any = 1
		for range n {
			v = map[string]any{"m": v}
		}
		return v
	}
	wide := make([]slog.Attr, 0, 200_000)
	for i := range 200_000 {
		wide = append(wide, slog.Int("k"+strconv.Itoa(i), i))
	}
	tests := []struct {
		name   string
		v      any
		marker string
		except []string // codecs the bound does not reach
	}{
		{"group depth 100", deepGroup(99), "", nil},
		{"group depth 101", deepGroup(101), "!ERROR: too deep", nil},
		{"map depth 99", deepMap(99), "", []string{"Structured"}},
		{"map depth 101", deepMap(101), "!ERROR: too deep", []string{"Structured"}},
		{"MarshalJSON depth 150", deepJSON(150), "!ERROR: too deep", []string{"JSON", "ECS", "GoogleCloud", "Logfmt", "Pretty", "Structured"}},
		{"200,000 attrs", slog.GroupValue(wide...), "!ERROR: too many values", nil},
		{"self valuer", selfValuer{}, "!ERROR: too deep", nil},
	}
	for _, tt := range tests {
		for cn, c := range boundsCodecs() {
			if slices.Contains(tt.except, cn) {
				continue
			}
			r := newRecord(slog.LevelInfo, nil, "m", "v", tt.v, "after", 1)
			out := c.Append(nil, r)
			if err := checkBoundedLine(cn, out); err != nil && (tt.marker != "" || err.Error() != "no marker") {
				t.Errorf("%s, %s: %v\n%.300s", tt.name, cn, err, out)
			}
			if tt.marker != "" && !bytes.Contains(out, []byte(tt.marker)) {
				t.Errorf("%s, %s: no %q in %.300s", tt.name, cn, tt.marker, out)
			}
			if tt.marker == "" && bytes.Contains(out, []byte("!ERROR")) {
				t.Errorf("%s, %s: marker where none was due: %.300s", tt.name, cn, out)
			}
		}
	}
}

// TestStructuredManyNodes checks that a record of 65,536 attrs and more
// keeps its time and first attrs, points the rest at one marker node, and
// decodes.
func TestStructuredManyNodes(t *testing.T) {
	c := codecs.Structured()
	for _, n := range []int{65_534, 65_535, 65_536, 100_000} {
		args := make([]any, 0, n)
		for i := range n {
			args = append(args, slog.Int("k", i))
		}
		r := newRecord(slog.LevelInfo, nil, "m", args...)
		recs, err := c.Decode(c.Append(nil, r))
		if err != nil || len(recs) != 1 {
			t.Fatalf("%d attrs: %d records, %v", n, len(recs), err)
		}
		d := recs[0]
		if !d.Time.Equal(r.Time) || d.NumAttrs() != n || d.Attr(0).Value.Int64() != 0 {
			t.Errorf("%d attrs: time %v, %d attrs, first %v", n, d.Time, d.NumAttrs(), d.Attr(0))
		}
		last := d.Attr(n - 1).Value
		if full := n >= 65_535; full != (last.String() == "!ERROR: too many values") {
			t.Errorf("%d attrs: last attr %v", n, last)
		}
	}
}

// TestStructuredBigNumbers checks that a big.Int Decode can read comes
// back exactly and a larger one is a marker, and that both lines decode.
func TestStructuredBigNumbers(t *testing.T) {
	c := codecs.Structured()
	fits := new(big.Int).Exp(big.NewInt(10), big.NewInt(65_535), nil) // 65,536 digits
	huge := new(big.Int).Exp(big.NewInt(10), big.NewInt(200_000), nil)
	prec := new(big.Float).SetPrec(1 << 20).SetInt64(3)
	for _, v := range []any{fits, huge, new(big.Rat).SetFrac(huge, big.NewInt(7)), prec} {
		recs, err := c.Decode(c.Append(nil, newRecord(slog.LevelInfo, nil, "m", "v", v)))
		if err != nil || len(recs) != 1 {
			t.Fatalf("%T: %v", v, err)
		}
		got := recs[0].Attr(0).Value.Any()
		if v == fits {
			if g, ok := got.(*big.Int); !ok || g.Cmp(fits) != 0 {
				t.Errorf("10^65535 came back as %T", got)
			}
		} else if got != "!ERROR: number too long" {
			t.Errorf("%T: %v", v, got)
		}
	}
}

// TestMsgpackDecodesDeepNesting checks that Decode reads everything the
// codec writes at its deepest: groups and values 100 deep.
func TestMsgpackDecodesDeepNesting(t *testing.T) {
	c := codecs.Msgpack()
	var sc *loggerjs.Scope
	for range 50 {
		sc = sc.WithGroup("s")
	}
	for _, v := range []any{deepJSON(99), deepJSON(100), selfValuer{}} {
		r := newRecord(slog.LevelInfo, nil, "m", "v", v)
		r.Scope = sc
		if _, err := c.Decode(c.Append(nil, r)); err != nil {
			t.Errorf("%T: %v", v, err)
		}
	}
}

// fuzzNested builds a value from ops: each byte opens a map, a slice, a
// group or a struct pointer, adds a leaf, refers back to a container
// above it (a cycle), or closes the innermost container. Deep values
// come from long runs of opens.
func fuzzNested(ops []byte) any {
	type frame struct {
		m     map[string]any
		s     *[]any
		g     *[]slog.Attr
		node  *TreeNode
		build func(v any)
	}
	var rootVal any
	stack := []*frame{{build: func(v any) { rootVal = v }}}
	add := func(v any) {
		f := stack[len(stack)-1]
		switch {
		case f.m != nil:
			f.m["k"+strconv.Itoa(len(f.m))] = v
		case f.s != nil:
			*f.s = append(*f.s, v)
		case f.g != nil:
			*f.g = append(*f.g, slog.Any("a"+strconv.Itoa(len(*f.g)), v))
		case f.node != nil:
			if n, ok := v.(*TreeNode); ok {
				f.node.Children = append(f.node.Children, n)
			}
		default:
			f.build(v)
		}
	}
	for _, op := range ops {
		switch op % 8 {
		case 0:
			m := map[string]any{}
			add(m)
			stack = append(stack, &frame{m: m})
		case 1:
			s := new([]any)
			*s = []any{}
			stack = append(stack, &frame{s: s})
			// The slice is added when it closes, once its elements are in.
		case 2:
			g := new([]slog.Attr)
			stack = append(stack, &frame{g: g})
		case 3:
			n := &TreeNode{Name: "n"}
			if p := stack[len(stack)-1].node; p != nil {
				n.Parent = p
			}
			add(n)
			stack = append(stack, &frame{node: n})
		case 4:
			add(int(op))
		case 5:
			add(string(rune(op)) + "=x password=y")
		case 6:
			for i := len(stack) - 1; i > 0; i-- {
				if f := stack[i]; f.m != nil {
					add(f.m)
					break
				} else if f.node != nil {
					add(f.node)
					break
				}
			}
		case 7:
			if len(stack) > 1 {
				f := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				closeFrame(f.s, f.g, add)
			}
		}
	}
	for len(stack) > 1 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		closeFrame(f.s, f.g, add)
	}
	return rootVal
}

func closeFrame(s *[]any, g *[]slog.Attr, add func(any)) {
	switch {
	case s != nil:
		add(*s)
	case g != nil:
		add(slog.GroupValue(*g...))
	}
}

// FuzzBoundedValues logs values of any shape, depth and sharing (cycles
// through maps, LogValuers that log their parents) through every codec:
// each must write one valid line that its decoder or a parser reads, with
// the attr logged after the value intact.
func FuzzBoundedValues(f *testing.F) {
	f.Add([]byte{0, 4, 6, 7})
	f.Add([]byte{3, 3, 6, 3, 6, 6})
	f.Add(bytes.Repeat([]byte{1}, 150))
	f.Add(bytes.Repeat([]byte{2, 4}, 120))
	f.Add(bytes.Repeat([]byte{0, 3, 5, 6}, 60))
	cs := boundsCodecs()
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 4096 {
			return
		}
		v := fuzzNested(ops)
		for cn, c := range cs {
			out := c.Append(nil, newRecord(slog.LevelInfo, nil, "m", "v", v, "after", 1))
			if err := checkBoundedLine(cn, out); err != nil && err.Error() != "no marker" {
				t.Fatalf("%s: %v\n%.2000q", cn, err, out)
			}
		}
	})
}
