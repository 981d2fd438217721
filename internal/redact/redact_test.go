package redact

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const secret = "hunter2-s3cr3t"

// render writes v the way a codec would see it after resolving: fmt %+v of
// the resolved value, which reaches unexported fields too.
func render(v slog.Value) string {
	v = v.Resolve()
	if v.Kind() == slog.KindGroup {
		var b strings.Builder
		for _, a := range v.Group() {
			fmt.Fprintf(&b, "%s=%s ", a.Key, render(a.Value))
		}
		return b.String()
	}
	if v.Kind() == slog.KindAny {
		if e, ok := v.Any().(error); ok {
			var b strings.Builder
			walkErr(e, func(e error) { b.WriteString(e.Error() + "|") })
			return b.String()
		}
		j, _ := json.Marshal(v.Any())
		return fmt.Sprintf("%+v %s", v.Any(), j)
	}
	return v.String()
}

func walkErr(e error, f func(error)) {
	if e == nil {
		return
	}
	f(e)
	switch u := e.(type) {
	case interface{ Unwrap() []error }:
		for _, c := range u.Unwrap() {
			walkErr(c, f)
		}
	case interface{ Unwrap() error }:
		walkErr(u.Unwrap(), f)
	}
}

type lv struct{ key string }

func (l lv) LogValue() slog.Value {
	return slog.GroupValue(slog.String(l.key, secret), slog.Int("n", 1))
}

type creds struct {
	User     string
	Password string
	APIKey   string `json:"api_key"`
}

type hidden struct {
	name  string
	token string
}

type intSecret struct {
	Name     string
	Password int
}

func TestRedactAttrHidesEveryPath(t *testing.T) {
	rd := Default()
	jsonType := reflect.StructOf([]reflect.StructField{{Name: "F", Type: reflect.TypeFor[string](), Tag: `json:"set-cookie"`}})
	tagged := reflect.New(jsonType).Elem()
	tagged.Field(0).SetString(secret)
	u, _ := url.Parse("https://bob:" + secret + "@example.com/x?access_token=" + secret + "&q=1#id_token=" + secret)
	tests := []struct {
		name string
		attr slog.Attr
	}{
		{"string", slog.String("password", secret)},
		{"case", slog.String("Authorization", "Bearer "+secret)},
		{"suffix", slog.String("STRIPE_KEY", secret)},
		{"camel", slog.String("sessionToken", secret)},
		{"hyphen", slog.String("Set-Cookie", secret)},
		{"int", slog.Int("token", 12345)},
		{"group", slog.Group("a", slog.Group("b", slog.String("secret", secret)))},
		{"group key", slog.Group("cookie", slog.String("x", secret))},
		{"inline group", slog.Group("", slog.String("passwd", secret))},
		{"logvaluer", slog.Any("v", lv{"api_key"})},
		{"map", slog.Any("m", map[string]any{"apiKey": secret, "ok": 1})},
		{"map string", slog.Any("m", map[string]string{"token": secret})},
		{"nested map", slog.Any("m", map[string]any{"x": []any{map[string]string{"db_password": secret}}})},
		{"struct", slog.Any("c", creds{User: "bob", Password: secret})},
		{"struct ptr", slog.Any("c", &creds{User: "bob", APIKey: secret})},
		{"struct tag", slog.Any("c", tagged.Interface())},
		{"unexported", slog.Any("h", hidden{name: "x", token: secret})},
		{"int field", slog.Any("i", intSecret{Name: "n", Password: 424242})},
		{"slice", slog.Any("s", []creds{{Password: secret}})},
		{"header", slog.Any("h", http.Header{"Authorization": {"Bearer " + secret}, "Accept": {"*/*"}})},
		{"url", slog.Any("u", u)},
		{"url value", slog.Any("u", *u)},
		{"url string", slog.String("u", "see https://bob:"+secret+"@example.com/?api_key="+secret)},
		{"url userinfo only", slog.String("u", "https://"+secret+"@example.com/")},
		{"query", slog.Any("q", url.Values{"access_token": {secret}})},
		{"error", slog.Any("err", fmt.Errorf("login failed: password=%s", secret))},
		{"wrapped", slog.Any("err", fmt.Errorf("outer: %w", fmt.Errorf("inner token=%s", secret)))},
		{"join", slog.Any("err", errors.Join(io.EOF, fmt.Errorf(`{"secret":"%s"}`, secret)))},
		{"url error", slog.Any("err", &url.Error{Op: "Get", URL: "https://u:" + secret + "@h/?api_key=" + secret, Err: io.EOF})},
		{"wrapped url error", slog.Any("err", fmt.Errorf("call: %w", &url.Error{Op: "Get", URL: "https://h/?access_token=" + secret, Err: io.EOF}))},
		{"error in struct", slog.Any("s", struct{ Err error }{fmt.Errorf("token: %s", secret)})},
		{"go syntax", slog.String("dump", fmt.Sprintf("%+v", creds{Password: secret}))},
		{"pointer to string", slog.Any("p", map[string]*string{"password": ptr(secret)})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := render(tt.attr.Value)
			if !strings.Contains(before, secret) && !strings.Contains(before, "12345") && !strings.Contains(before, "424242") {
				t.Fatalf("test case does not carry the secret: %s", before)
			}
			got, ok := rd.RedactAttr(nil, tt.attr)
			if !ok {
				t.Fatalf("RedactAttr found nothing in %s", before)
			}
			out := render(got.Value)
			for _, s := range []string{secret, "12345", "424242"} {
				if strings.Contains(out, s) {
					t.Errorf("secret survived: %s", out)
				}
			}
			if render(tt.attr.Value) != before {
				t.Errorf("the original value was modified: %s", render(tt.attr.Value))
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestRedactAttrLeavesOrdinaryValues(t *testing.T) {
	rd := Default()
	attrs := []slog.Attr{
		slog.String("method", "GET"), slog.String("path", "/api/v1/users?page=2"),
		slog.Int("status", 200), slog.String("addr", "10.0.0.1:8080"),
		slog.String("url", "https://example.com/a?b=c"), slog.String("keyboard", "qwerty"),
		slog.String("monkey", "x"), slog.Any("err", io.EOF),
		slog.Any("m", map[string]int{"token_count": 3}),
		slog.Any("s", struct{ Name string }{"n"}),
		slog.Group("g", slog.String("time", "12:30:01")),
		slog.String("msg", "error: connection refused"),
	}
	for _, a := range attrs {
		if got, ok := rd.RedactAttr(nil, a); ok {
			t.Errorf("%s: changed to %s", a, got)
		}
	}
}

func TestPaths(t *testing.T) {
	rd, err := New(Options{Paths: []string{"user.email", "*.pin"}})
	if err != nil {
		t.Fatal(err)
	}
	a := slog.Group("user", slog.String("email", "a@b"), slog.String("pin", "1234"), slog.String("name", "x"))
	got, ok := rd.RedactAttr(nil, a)
	if !ok || strings.Contains(render(got.Value), "a@b") || strings.Contains(render(got.Value), "1234") || !strings.Contains(render(got.Value), "x") {
		t.Errorf("got %s", render(got.Value))
	}
	// The path starts at the top level, the logger's groups included.
	if _, ok := rd.RedactAttr([]string{"req"}, a); ok {
		t.Errorf("user.email matched under req")
	}
	got, ok = rd.RedactAttr([]string{"user"}, slog.String("email", "a@b"))
	if !ok || got.Value.String() != Mask {
		t.Errorf("user.email under the logger group user: %v", got)
	}
	// Through a struct in slog.Any.
	got, ok = rd.RedactAttr(nil, slog.Any("user", struct{ Email string }{"a@b"}))
	if !ok || strings.Contains(render(got.Value), "a@b") {
		t.Errorf("struct path: %s", render(got.Value))
	}
}

func TestPatterns(t *testing.T) {
	rd, err := New(Options{Patterns: []Pattern{BearerToken(), JWT(), CardNumber(), regexpPattern("ssn", regexp.MustCompile(`\b\d{3}-\d{2}-\d{4}\b`))}})
	if err != nil {
		t.Fatal(err)
	}
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl"
	tests := []struct{ in, want string }{
		{"auth Bearer abc.def-123 done", "auth Bearer [REDACTED] done"},
		{"token " + jwt + " end", "token [REDACTED] end"},
		{"card 4111 1111 1111 1111 ok", "card [REDACTED] ok"},
		{"card 4111-1111-1111-1111", "card [REDACTED]"},
		{"not a card 4111 1111 1111 1112", "not a card 4111 1111 1111 1112"},
		{"order 12345678901234567890123", "order 12345678901234567890123"},
		{"ssn 123-45-6789", "ssn [REDACTED]"},
		{"plain text", "plain text"},
	}
	for _, tt := range tests {
		got, _ := rd.RedactMessage(tt.in)
		if got != tt.want {
			t.Errorf("RedactMessage(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMessageKeyValue(t *testing.T) {
	rd := Default()
	tests := []struct{ in, want string }{
		{"login password=hunter2 ok", "login password=[REDACTED] ok"},
		{`body {"token":"abc","n":1}`, `body {"token":"[REDACTED]","n":1}`},
		{"Authorization: Bearer abc def", "Authorization: [REDACTED] def"},
		{"GET https://u:p@h/x?api_key=k&a=b", "GET https://u:[REDACTED]@h/x?api_key=[REDACTED]&a=b"},
		{"map[secret:s1 x:y]", "map[secret:[REDACTED] x:y]"},
		{"at 12:30 key=value", "at 12:30 key=value"},
	}
	for _, tt := range tests {
		got, _ := rd.RedactMessage(tt.in)
		if got != tt.want {
			t.Errorf("RedactMessage(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPseudonymize(t *testing.T) {
	rd, err := New(Options{Pseudonymize: []string{"email"}, Pseudonym: testPseudonym})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := rd.RedactAttr(nil, slog.String("email", "a@b.c"))
	b, _ := rd.RedactAttr(nil, slog.Any("u", map[string]string{"email": "a@b.c"}))
	c, _ := rd.RedactAttr(nil, slog.String("email", "x@y.z"))
	if !strings.HasPrefix(a.Value.String(), "hmac:") || len(a.Value.String()) != 5+32 {
		t.Fatalf("pseudonym %q", a.Value)
	}
	if got := b.Value.Any().(map[string]string)["email"]; got != a.Value.String() {
		t.Errorf("not joinable: %q vs %q", got, a.Value)
	}
	if c.Value.String() == a.Value.String() {
		t.Errorf("different values, same pseudonym")
	}
	if _, err := New(Options{Pseudonymize: []string{"email"}}); err == nil {
		t.Errorf("no Pseudonym: no error")
	}
}

func TestOptionErrors(t *testing.T) {
	for _, o := range []Options{
		{Keys: []string{""}},
		{Keys: []string{"a*b"}},
		{Paths: []string{"a..b"}},
		{Paths: []string{"a.b*"}},
		{Patterns: []Pattern{{}}},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v): no error", o)
		}
	}
}

func TestCopyOnWriteKeepsCallerValues(t *testing.T) {
	rd := Default()
	m := map[string]any{"token": secret}
	s := []creds{{Password: secret}}
	g := []slog.Attr{slog.String("secret", secret)}
	u, _ := url.Parse("https://a:" + secret + "@h/?token=" + secret)
	for _, a := range []slog.Attr{slog.Any("m", m), slog.Any("s", s), slog.Group("g", g[0]), slog.Any("u", u)} {
		rd.RedactAttr(nil, a)
	}
	if m["token"] != secret || s[0].Password != secret || g[0].Value.String() != secret || u.String() != "https://a:"+secret+"@h/?token="+secret {
		t.Errorf("caller's values changed: %v %v %v %v", m, s, g, u)
	}
}

func TestCycleAndDepthDoNotHang(t *testing.T) {
	type node struct {
		Next *node
		Name string
	}
	n := &node{Name: "x"}
	n.Next = n
	rd := Default()
	rd.RedactAttr(nil, slog.Any("n", n)) // returns
	m := map[string]any{}
	m["self"] = m
	rd.RedactAttr(nil, slog.Any("m", m))
}

func TestPanickingValuesDoNotPanic(t *testing.T) {
	rd := Default()
	rd.RedactAttr(nil, slog.Any("err", panicErr{}))
	v, _ := rd.RedactAttr(nil, slog.Any("v", panicValuer{}))
	func() {
		defer func() { recover() }() // the codec's resolve catches it
		v.Value.Resolve()
	}()
}

type panicErr struct{}

func (panicErr) Error() string { panic("boom") }

type panicValuer struct{}

func (panicValuer) LogValue() slog.Value { panic("boom") }

func TestHasSeparator(t *testing.T) {
	for n := range 40 {
		for pos := range n {
			for _, c := range []byte{':', '='} {
				b := []byte(strings.Repeat("a", n))
				b[pos] = c
				if !hasSeparator(string(b)) {
					t.Fatalf("missed %q at %d of %d", c, pos, n)
				}
			}
		}
		// Bytes next to ':' and '=' in value, and the top bit set.
		if s := strings.Repeat("9;<>\xba\xbd\x3b", n)[:n]; hasSeparator(s) {
			t.Fatalf("false positive in %q", s)
		}
	}
}

type inner struct{ Password string }

type Exported struct{ Token string }

type outer struct {
	inner
	Name string
	F    func()
	C    chan int
}

type outerExported struct {
	Exported
	Name string
}

func TestEmbeddedAndExoticStructs(t *testing.T) {
	rd := Default()
	for _, a := range []slog.Attr{
		slog.Any("o", outer{inner: inner{Password: secret}, Name: "n", F: func() {}, C: make(chan int)}),
		slog.Any("o", &outer{inner: inner{Password: secret}}),
		slog.Any("o", outerExported{Exported{Token: secret}, "n"}),
	} {
		got, ok := rd.RedactAttr(nil, a)
		if !ok {
			t.Fatalf("%v: nothing hidden", a)
		}
		j, _ := json.Marshal(got.Value.Any())
		if out := fmt.Sprintf("%+v %s", got.Value.Any(), j); strings.Contains(out, secret) {
			t.Errorf("secret survived: %s", out)
		}
	}
	// Nothing to hide: unchanged, no panic.
	if _, ok := rd.RedactAttr(nil, slog.Any("o", outer{Name: "n", F: func() {}})); ok {
		t.Error("changed a value with nothing to hide")
	}
}

func TestBytesAndRawJSON(t *testing.T) {
	rd := Default()
	raw := json.RawMessage(`{"user":"ada","password":"` + secret + `"}`)
	got, ok := rd.RedactAttr(nil, slog.Any("body", raw))
	out, isRaw := got.Value.Any().(json.RawMessage)
	if !ok || !isRaw || strings.Contains(string(out), secret) || !json.Valid(out) {
		t.Errorf("raw JSON: %s", got.Value)
	}
	got, ok = rd.RedactAttr(nil, slog.Any("b", []byte("token="+secret)))
	if b, _ := got.Value.Any().([]byte); !ok || strings.Contains(string(b), secret) {
		t.Errorf("bytes: %s", got.Value)
	}
	if !strings.Contains(string(raw), secret) {
		t.Error("caller's bytes changed")
	}
}

func TestHTTPRequest(t *testing.T) {
	req, _ := http.NewRequest("GET", "https://bob:"+secret+"@example.com/x?api_key="+secret, nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Cookie", "session="+secret)
	got, ok := Default().RedactAttr(nil, slog.Any("req", req))
	if !ok {
		t.Fatal("nothing hidden")
	}
	if out := fmt.Sprintf("%+v", got.Value.Any()); strings.Contains(out, secret) {
		t.Errorf("secret survived: %s", out)
	}
	if req.Header.Get("Authorization") != "Bearer "+secret || req.URL.User.String() != "bob:"+secret {
		t.Error("the caller's request changed")
	}
}

type apiError struct {
	Code  int    `json:"code"`
	Token string `json:"token"`
}

func (e *apiError) Error() string { return "api error " + strconv.Itoa(e.Code) }
func (e *apiError) MarshalJSON() ([]byte, error) {
	type plain apiError
	return json.Marshal((*plain)(e))
}

func TestErrorWithMarshalJSON(t *testing.T) {
	e := &apiError{Code: 401, Token: secret}
	got, ok := Default().RedactAttr(nil, slog.Any("err", e))
	if !ok {
		t.Fatal("nothing hidden")
	}
	re, isErr := got.Value.Any().(*apiError)
	if !isErr {
		t.Fatalf("type lost: %T", got.Value.Any())
	}
	j, _ := json.Marshal(re)
	if strings.Contains(string(j), secret) || re.Code != 401 || e.Token != secret {
		t.Errorf("got %s, original %+v", j, e)
	}
}
