package redact

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// plantKeys are default keys a secret is planted under, in the forms
// they take in code, JSON and headers.
var plantKeys = []string{
	"password", "Password", "passwd", "token", "secret", "authorization", "Authorization",
	"cookie", "Set-Cookie", "proxy-authorization", "apiKey", "api_key", "stripe_key",
	"access_token", "client_secret", "db_password", "db.password",
	"http.request.header.authorization", "http.request.header.cookie",
}

// valuer is a LogValuer that resolves to the value it holds.
type valuer struct{ v slog.Value }

func (v valuer) LogValue() slog.Value { return v.v }

// holder and pair are struct types the generator nests.
type holder struct {
	Name  string
	Inner any
	Items []any
}

type pair struct {
	ID   int
	Next *pair
	Data any
}

// gen builds random nested values with one secret planted at a chosen
// depth under a default key; everything around it is harmless.
type gen struct {
	r      *rand.Rand
	secret string
	key    string
}

// filler returns a harmless scalar.
func (g *gen) filler() any {
	switch g.r.Intn(4) {
	case 0:
		return g.r.Intn(1000)
	case 1:
		return "plain text"
	case 2:
		return "ok=1 at 12:30:00"
	}
	return nil
}

// leaf returns a value that holds the secret under the key, in one of
// the shapes a secret reaches a logger in.
func (g *gen) leaf() any {
	k, s := g.key, g.secret
	switch g.r.Intn(10) {
	case 0:
		return map[string]any{k: s, "n": 1}
	case 1:
		return map[any]any{k: s, 2: "two"}
	case 2:
		return taggedStruct(k, s)
	case 3:
		return slog.GroupValue(slog.String(k, s), slog.Int("n", 1))
	case 4:
		return json.RawMessage(`{"x":1,"` + k + `":"` + s + `"}`)
	case 5:
		return []byte(k + "=" + s)
	case 6:
		return k + ": " + s
	case 7:
		return fmt.Errorf("wrapped: %w", fmt.Errorf(`failed {"%s":"%s"}`, k, s))
	case 8:
		return valuer{slog.GroupValue(slog.String(k, s))}
	}
	return map[string]string{k: s}
}

// wrap returns v one level down inside a random container, with random
// harmless siblings.
func (g *gen) wrap(v any) any {
	switch g.r.Intn(9) {
	case 0:
		return map[string]any{"a": g.filler(), "in": v}
	case 1:
		l := make([]any, 1+g.r.Intn(3))
		for i := range l {
			l[i] = g.filler()
		}
		l[g.r.Intn(len(l))] = v
		return l
	case 2:
		return holder{Name: "h", Inner: v}
	case 3:
		return &holder{Items: []any{g.filler(), v}}
	case 4:
		return &pair{ID: 1, Data: v}
	case 5:
		return slog.GroupValue(slog.Int("n", 2), slog.Any("in", v))
	case 6:
		if sv, ok := v.(slog.Value); ok {
			return valuer{slog.GroupValue(slog.Attr{Key: "in", Value: sv})}
		}
		return valuer{slog.GroupValue(slog.Any("in", v))}
	case 7:
		return map[any]any{"in": v, 3: g.filler()}
	}
	p := &pair{Data: v}
	return &p
}

// value returns a value with the secret at depth levels down.
func (g *gen) value(depth int) any {
	v := g.leaf()
	for range depth {
		v = g.wrap(v)
	}
	return v
}

// wide returns a slice of n harmless structs with the secret in one
// element, at index at.
func (g *gen) wide(n, at int) any {
	l := make([]holder, n)
	for i := range l {
		l[i] = holder{Name: "x"}
	}
	l[at].Inner = g.leaf()
	return l
}

// asAttr makes v an attr as a caller would log it.
func asAttr(v any) slog.Attr {
	if sv, ok := v.(slog.Value); ok {
		return slog.Attr{Key: "v", Value: sv}
	}
	return slog.Any("v", v)
}

// TestPropertyNoLeakAtAnyDepthOrSize plants a secret under a default key
// at random depths (up to twice the depth limit) and positions (up to
// twice the node budget) in random nested values, and checks that no
// text of the redacted value holds it. The seed is fixed, so a failure
// reproduces; it is printed with each failing case.
func TestPropertyNoLeakAtAnyDepthOrSize(t *testing.T) {
	rd := Default()
	r := rand.New(rand.NewSource(20260405))
	for i := range 3000 {
		seed := r.Int63()
		g := &gen{r: rand.New(rand.NewSource(seed)), secret: fmt.Sprintf("Prop%dSecret", i), key: plantKeys[r.Intn(len(plantKeys))]}
		var v any
		if i%50 == 49 {
			n := 1 + g.r.Intn(2*maxNodes)
			v = g.wide(n, g.r.Intn(n))
		} else {
			v = g.value(g.r.Intn(2*maxDepth + 2))
		}
		a := asAttr(v)
		if !strings.Contains(dump(a.Value), g.secret) && !strings.Contains(dump(a.Value), tooDeepToDump) {
			t.Fatalf("seed %d: the generator did not plant the secret", seed)
		}
		if out := redactedDump(t, rd, a); strings.Contains(out, g.secret) {
			t.Fatalf("seed %d, key %q: secret survived in %.2000s", seed, g.key, out)
		}
		// Inside a group, as a record's attr list would carry it.
		if out := redactedDump(t, rd, slog.Group("req", slog.String("id", "1"), a)); strings.Contains(out, g.secret) {
			t.Fatalf("seed %d, key %q, in a group: secret survived", seed, g.key)
		}
	}
}

// FuzzRedactNested runs the walker over values built from the fuzzer's
// seed, depth and width: the walk returns, and the secret never survives.
func FuzzRedactNested(f *testing.F) {
	for _, c := range []struct {
		seed         int64
		depth, width uint16
		key          uint8
	}{{1, 0, 0, 0}, {2, 16, 0, 3}, {3, 33, 0, 5}, {4, 80, 0, 7}, {5, 1, 12000, 9}} {
		f.Add(c.seed, c.depth, c.width, c.key)
	}
	rd := Default()
	f.Fuzz(func(t *testing.T, seed int64, depth, width uint16, key uint8) {
		g := &gen{r: rand.New(rand.NewSource(seed)), secret: "FuzzSecret", key: plantKeys[int(key)%len(plantKeys)]}
		var v any
		if width > 0 {
			n := int(width)%(3*maxNodes) + 1
			v = g.wide(n, g.r.Intn(n))
		} else {
			v = g.value(int(depth) % 400)
		}
		if out := redactedDump(t, rd, asAttr(v)); strings.Contains(out, g.secret) {
			t.Fatalf("secret survived")
		}
	})
}

// taggedStruct returns a struct whose one field is named key in JSON.
func taggedStruct(key, secret string) any {
	t := reflect.StructOf([]reflect.StructField{
		{Name: "Visible", Type: reflect.TypeFor[string]()},
		{Name: "F", Type: reflect.TypeFor[string](), Tag: reflect.StructTag(`json:"` + key + `"`)},
	})
	v := reflect.New(t).Elem()
	v.Field(0).SetString("yes")
	v.Field(1).SetString(secret)
	return v.Interface()
}
