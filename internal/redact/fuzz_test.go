package redact

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// pairForms are the ways a key and its value are written in text.
var pairForms = []string{
	"%s=%s", "%s: %s", `"%s":"%s"`, "%s = %s", `"%s": %s`, "map[%s:%s]", "{User:u %s:%s}",
	"%s:\tBearer  %s", `{"%s":[1,"%s"]}`, `%s="a=1; b=%s"`, `{\"%s\":\"%s\"}`, "&{%s:%s N:1}",
	"%s: [Bearer %s]",
}

// FuzzRedactText checks that the text scanner never panics, is
// idempotent, keeps JSON valid, and hides the value of a sensitive pair
// written in any of pairForms under any default key, wherever it is put
// in the text.
func FuzzRedactText(f *testing.F) {
	for _, s := range []string{
		"password=hunter2", "GET https://u:p@h/?api_key=k&a=b", `{"token":"x"}`,
		"Authorization: Bearer abc", "map[secret:s]", "a=b:c=d", "://@", "token=\"unterminated",
		"card 4111 1111 1111 1111", "eyJa.eyJb.c", `{"password":{"a":[1,2]},"n":null}`,
		"Cookie: a=1; b=2", "root:pw@tcp(h:1)/db", `{"m":"password=x\\\"y"}`, "password = x",
		"map[Authorization:[Bearer x]]", `{\"token\":\"x\"}`, "{User:u Password:{A:b}}",
	} {
		f.Add(s, "s3cr3tvalue", uint8(0), uint8(0))
	}
	rd, err := New(Options{Patterns: []Pattern{BearerToken(), JWT(), CardNumber()}})
	if err != nil {
		f.Fatal(err)
	}
	def := Default()
	f.Fuzz(func(t *testing.T, s, secret string, key, form uint8) {
		out, _ := rd.RedactText(s)
		again, _ := rd.RedactText(out)
		if again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, again)
		}
		// The key scanner keeps JSON valid (value patterns replace what
		// they match, a number included, as it stands).
		if json.Valid([]byte(s)) {
			if out, _ := def.RedactText(s); !json.Valid([]byte(out)) {
				t.Fatalf("JSON broken: %q -> %q", s, out)
			}
		}
		if len(secret) < 4 || strings.Contains(s, secret) || strings.Contains(Mask, secret) ||
			strings.ContainsFunc(secret, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
			}) {
			return
		}
		k := plantKeys[int(key)%len(plantKeys)]
		pair := fmt.Sprintf(pairForms[int(form)%len(pairForms)], k, secret)
		if strings.Contains(k, secret) {
			return
		}
		text := s + " " + pair + " " + s
		if out, _ := rd.RedactText(text); strings.Contains(out, secret) {
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
