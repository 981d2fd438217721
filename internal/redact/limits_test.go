package redact

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

// dump returns every text a codec could write of v: strings, byte slices,
// map keys, error texts along their chains, the exported and unexported
// fields of structs, what LogValuers resolve to and what pointers point
// to. Cycles are cut by identity; a value nested deeper than dumpDepth
// (which no redacted value is) shows as tooDeepToDump.
func dump(v any) string {
	var b strings.Builder
	d := &dumper{b: &b, seen: map[uintptr]bool{}}
	d.value(reflect.ValueOf(v))
	return b.String()
}

const (
	dumpDepth     = 2000
	tooDeepToDump = "!DUMP: too deep"
)

type dumper struct {
	b     *strings.Builder
	seen  map[uintptr]bool
	depth int
}

func (d *dumper) deeper() bool {
	if d.depth >= dumpDepth {
		d.b.WriteString(tooDeepToDump)
		return false
	}
	d.depth++
	return true
}

func (d *dumper) slog(v slog.Value) {
	if !d.deeper() {
		return
	}
	defer func() { d.depth-- }()
	for range 200 {
		if v.Kind() != slog.KindLogValuer {
			break
		}
		v = v.LogValuer().LogValue()
	}
	switch v.Kind() {
	case slog.KindGroup:
		for _, a := range v.Group() {
			d.b.WriteString(a.Key + "=")
			d.slog(a.Value)
			d.b.WriteString(" ")
		}
	case slog.KindAny:
		d.value(reflect.ValueOf(v.Any()))
	default:
		d.b.WriteString(v.String())
	}
}

func (d *dumper) value(v reflect.Value) {
	if !v.IsValid() || !d.deeper() {
		return
	}
	defer func() { d.depth-- }()
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case slog.Value:
			d.slog(x)
			return
		case slog.Attr:
			d.b.WriteString(x.Key + "=")
			d.slog(x.Value)
			return
		case slog.LogValuer:
			d.slog(slog.AnyValue(x))
			return
		case error:
			if v.Kind() != reflect.Pointer || !v.IsNil() {
				d.b.WriteString(x.Error() + " | ")
			}
		case json.Marshaler:
			if j, err := x.MarshalJSON(); err == nil {
				d.b.Write(j)
			}
		}
	}
	switch v.Kind() {
	case reflect.String:
		d.b.WriteString(v.String() + " ")
	case reflect.Pointer, reflect.Map, reflect.Slice:
		if v.IsNil() {
			return
		}
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			d.b.Write(v.Bytes())
			d.b.WriteString(" ")
			return
		}
		p := v.Pointer()
		if v.Kind() == reflect.Slice {
			p += uintptr(v.Len()) // two slices of one array may differ
		}
		if d.seen[p] {
			return
		}
		d.seen[p] = true
		switch v.Kind() {
		case reflect.Pointer:
			d.value(v.Elem())
		case reflect.Map:
			it := v.MapRange()
			for it.Next() {
				d.value(it.Key())
				d.b.WriteString(":")
				d.value(it.Value())
			}
		default:
			for i := range v.Len() {
				d.value(v.Index(i))
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			d.value(v.Index(i))
		}
	case reflect.Interface:
		d.value(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			d.b.WriteString(v.Type().Field(i).Name + ":")
			d.value(v.Field(i))
		}
	}
}

// redactedDump redacts a and dumps the result.
func redactedDump(t *testing.T, rd *Redactor, a slog.Attr) string {
	t.Helper()
	got, _ := rd.RedactAttr(nil, a)
	out := dump(got.Value)
	if strings.Contains(out, tooDeepToDump) {
		t.Errorf("%s: the redacted value is nested deeper than %d", a.Key, dumpDepth)
	}
	return out
}

func nestMaps(n int, leaf any) any {
	v := leaf
	for i := range n {
		v = map[string]any{fmt.Sprint("l", i): v}
	}
	return v
}

type item struct {
	Name     string
	Password string
}

type box struct{ Inner any }

// TestLimitsFailClosed puts a secret past every limit of the walk and
// checks that it is replaced, by the marker of that limit.
func TestLimitsFailClosed(t *testing.T) {
	const s = "DeepSecret7"
	rd := Default()
	bigSlice := make([]item, 20000)
	for i := range bigSlice {
		bigSlice[i] = item{Name: "n"}
	}
	bigSlice[5000].Password = s // the 5,001st element
	bigSlice[19999].Name = "password=" + s
	strs := make([]any, 30000)
	for i := range strs {
		strs[i] = "x"
	}
	strs[29999] = "token=" + s
	var chain error = fmt.Errorf("password=%s", s)
	for range 39 {
		chain = fmt.Errorf("link: %w", chain)
	}
	deepGroup := slog.String("password", s)
	for i := range 40 {
		deepGroup = slog.Group(fmt.Sprint("g", i), deepGroup)
	}
	var deepPtr any = &item{Password: s}
	for range 40 {
		deepPtr = &box{Inner: deepPtr}
	}
	tests := []struct {
		name   string
		attr   slog.Attr
		marker string
	}{
		{"map 17 deep", slog.Any("m", nestMaps(17, map[string]any{"password": s})), ""},
		{"map 33 deep", slog.Any("m", nestMaps(33, map[string]any{"password": s})), MarkTooDeep},
		{"map 200 deep", slog.Any("m", nestMaps(200, map[string]any{"password": s})), MarkTooDeep},
		{"map 33 deep, secret in text", slog.Any("m", nestMaps(33, "token="+s)), MarkTooDeep},
		{"groups 40 deep", deepGroup, MarkTooDeep},
		{"pointers 40 deep", slog.Any("p", deepPtr), MarkTooDeep},
		{"slice of structs past the budget", slog.Any("s", bigSlice), MarkTooLarge},
		{"slice of strings past the budget", slog.Any("s", strs), MarkTooLarge},
		{"error chain of 40", slog.Any("err", chain), MarkLongChain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if before := dump(tt.attr.Value); !strings.Contains(before, s) && !strings.Contains(before, tooDeepToDump) {
				t.Fatal("the case does not carry its secret")
			}
			out := redactedDump(t, rd, tt.attr)
			if strings.Contains(out, s) {
				i := strings.Index(out, s)
				t.Fatalf("secret survived: …%s…", out[max(0, i-200):i+len(s)])
			}
			if tt.marker != "" && !strings.Contains(out, tt.marker) {
				t.Errorf("no %q in the result", tt.marker)
			}
		})
	}
	// Every link of the long chain, as a codec walking it sees it.
	got, _ := rd.RedactAttr(nil, slog.Any("err", chain))
	n := 0
	for e := got.Value.Any().(error); e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), s) {
			t.Errorf("link %d: %q", n, e.Error())
		}
		n++
	}
	if n != maxErrorDepth+1 {
		t.Errorf("chain of %d links, want %d (the last a marker)", n, maxErrorDepth+1)
	}
}

type selfValuer struct{ n int }

func (v selfValuer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("password", "SelfSecret"), slog.Any("next", selfValuer{v.n + 1}))
}

type cyclic struct {
	Name string
	Next *cyclic
	More []*cyclic
}

// TestHostileValuesAreBounded walks values that would never end, or take
// exponential time, without bounds; each returns, with its secret hidden.
func TestHostileValuesAreBounded(t *testing.T) {
	rd := Default()
	m := map[string]any{"password": "CycleSecret"}
	m["a"], m["b"], m["c"] = m, m, m // 3^32 paths
	l := []any{"token=CycleSecret", nil, nil}
	l[1], l[2] = l, l
	c := &cyclic{Name: "secret=CycleSecret"}
	c.Next = c
	c.More = []*cyclic{c, c, c}
	var deep any = "password=CycleSecret"
	for range 1_000_000 {
		deep = []any{deep}
	}
	mm := map[any]any{"password": "CycleSecret"}
	mm["self"] = mm
	mm[1] = mm
	for _, a := range []slog.Attr{
		slog.Any("v", selfValuer{}),
		slog.Any("m", m),
		slog.Any("l", l),
		slog.Any("c", c),
		slog.Any("deep", deep),
		slog.Any("mm", mm),
		slog.Group("g", slog.Any("v", selfValuer{}), slog.Any("m", m)),
	} {
		if out := redactedDump(t, rd, a); strings.Contains(out, "CycleSecret") || strings.Contains(out, "SelfSecret") {
			t.Errorf("%s: secret survived", a.Key)
		}
	}
}

type withRaw struct {
	Body json.RawMessage
	Data []byte
}

type loginError struct {
	User     string
	Password string
}

func (e *loginError) Error() string { return "login failed for " + e.User }

type codeError struct {
	Code  int
	Token int
}

func (e codeError) Error() string { return "code " + fmt.Sprint(e.Code) }

type Embedded struct{ Token string }

type hasUnexportedEmbedded struct {
	inner
	Name string
}

// TestPathsAtAnyDepth checks the values the walker once passed through
// below the top level: raw JSON and bytes, map[any]any, the fields of
// errors in a chain, unexported embedded structs.
func TestPathsAtAnyDepth(t *testing.T) {
	const s = "PathSecret5"
	rd := Default()
	raw := json.RawMessage(`{"user":"u","password":"` + s + `","n":{"token":12}}`)
	tests := []struct {
		name string
		attr slog.Attr
	}{
		{"raw JSON in a struct in a slice", slog.Any("v", []any{withRaw{Body: raw}})},
		{"raw JSON in a map", slog.Any("v", map[string]any{"a": map[string]any{"body": raw}})},
		{"raw JSON behind a pointer", slog.Any("v", &withRaw{Body: raw})},
		{"bytes in a struct", slog.Any("v", withRaw{Data: []byte("token=" + s)})},
		{"map[any]any", slog.Any("v", map[any]any{"password": s, 1: "one"})},
		{"nested map[any]any", slog.Any("v", map[any]any{"db": map[any]any{"host": "h", "password": s}})},
		{"map[any]any in []any", slog.Any("v", []any{map[any]any{"api_key": s}})},
		{"error fields", slog.Any("err", &loginError{User: "bob", Password: s})},
		{"error fields wrapped", slog.Any("err", fmt.Errorf("call: %w", &loginError{User: "bob", Password: s}))},
		{"error fields joined", slog.Any("err", errors.Join(errors.New("x"), &loginError{Password: s}))},
		{"error in a struct field", slog.Any("v", struct{ Err error }{&loginError{Password: s}})},
		{"unexported embedded", slog.Any("v", hasUnexportedEmbedded{inner: inner{Password: s}, Name: "n"})},
		{"LogValuer in a group", slog.Group("g", slog.Any("v", lv{"token"}))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := dump(tt.attr.Value)
			if !strings.Contains(before, s) && !strings.Contains(before, secret) {
				t.Fatal("the case does not carry its secret")
			}
			got, ok := rd.RedactAttr(nil, tt.attr)
			if !ok {
				t.Fatal("nothing hidden")
			}
			if out := dump(got.Value); strings.Contains(out, s) || strings.Contains(out, secret) {
				t.Errorf("secret survived: %s", out)
			}
			if after := dump(tt.attr.Value); len(after) != len(before) || !strings.Contains(after, s) && !strings.Contains(after, secret) {
				t.Error("the caller's value changed")
			}
		})
	}
	// Raw JSON stays JSON where it sits.
	got, _ := rd.RedactAttr(nil, slog.Any("v", []any{withRaw{Body: raw}}))
	body := got.Value.Any().([]any)[0].(withRaw).Body
	if !json.Valid(body) || !strings.Contains(string(body), `"token":"[REDACTED]"`) {
		t.Errorf("raw JSON: %s", body)
	}
	// An error whose fields alone held the secret keeps its type.
	got, _ = rd.RedactAttr(nil, slog.Any("err", fmt.Errorf("call: %w", &loginError{User: "bob", Password: s})))
	var le *loginError
	if !errors.As(got.Value.Any().(error), &le) || le.User != "bob" || le.Password != Mask {
		t.Errorf("error fields: %#v", le)
	}
	// A field the mask does not fit: a stand-in with the text.
	got, _ = rd.RedactAttr(nil, slog.Any("err", codeError{Code: 3, Token: 424242}))
	if out := dump(got.Value); strings.Contains(out, "424242") || !strings.Contains(out, "code 3") {
		t.Errorf("int field: %s", out)
	}
}
