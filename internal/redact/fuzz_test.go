package redact

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// FuzzRedactText checks that the text scanner never panics, hides the
// value of a sensitive pair wherever it is put, and is idempotent.
func FuzzRedactText(f *testing.F) {
	for _, s := range []string{
		"password=hunter2", "GET https://u:p@h/?api_key=k&a=b", `{"token":"x"}`,
		"Authorization: Bearer abc", "map[secret:s]", "a=b:c=d", "://@", "token=\"unterminated",
		"card 4111 1111 1111 1111", "eyJa.eyJb.c",
	} {
		f.Add(s, "s3cr3tvalue")
	}
	rd, err := New(Options{Patterns: []Pattern{BearerToken(), JWT(), CardNumber()}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s, secret string) {
		out, _ := rd.RedactText(s)
		again, _ := rd.RedactText(out)
		if again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, again)
		}
		// A pair with a plain value, set apart by spaces, is hidden.
		if secret == "" || strings.ContainsFunc(secret, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
		}) {
			return
		}
		text := s + " password=" + secret + " " + s
		if out, _ := rd.RedactText(text); strings.Contains(out, "password="+secret) {
			t.Fatalf("secret survived in %q", out)
		}
	})
}

// FuzzRedactJSONValues redacts values decoded from JSON, as slog.Any
// values: the walk never panics, and every "password" in the result holds
// the mask (or the zero value it held).
func FuzzRedactJSONValues(f *testing.F) {
	for _, s := range []string{
		`{"password":"x"}`, `[{"a":{"password":1}},{"password":null}]`, `{"password":{"b":2},"c":[1,"password=y"]}`,
		`"password=z"`, `{"x":{"y":{"z":{"password":true}}}}`,
	} {
		f.Add([]byte(s))
	}
	rd := Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		got, _ := rd.RedactAttr(nil, slog.Any("v", v))
		var check func(x any)
		check = func(x any) {
			switch x := x.(type) {
			case map[string]any:
				for k, e := range x {
					if strings.EqualFold(k, "password") && e != Mask && e != nil && e != "" && e != 0.0 && e != false {
						t.Fatalf("password kept %#v in %s", e, data)
					}
					check(e)
				}
			case []any:
				for _, e := range x {
					check(e)
				}
			}
		}
		check(got.Value.Any())
	})
}
