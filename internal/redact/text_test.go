package redact

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestTextScanner drives the text scanner (RedactMessage, and so error
// text, string values and the output of user methods) over every form of
// text the default redaction must catch, and over text it must leave.
func TestTextScanner(t *testing.T) {
	const s1, s2 = "S3cr3tOne", "S3cr3tTwo"
	header := fmt.Sprint(http.Header{"Authorization": {"Bearer " + s1}, "Cookie": {"a=" + s1 + "; b=" + s2}, "Accept": {"*/*"}})
	tests := []struct {
		name     string
		in, want string // want "" means: only check that no secret is left
		json     bool   // the output must be valid JSON
	}{
		{name: "http.Header", in: header},
		{name: "header map", in: "map[Authorization:[Bearer " + s1 + "]]", want: "map[Authorization:[REDACTED]]"},
		{name: "header map two values", in: "map[Cookie:[a=" + s1 + " b=" + s2 + "] X:[y]]", want: "map[Cookie:[REDACTED] X:[y]]"},
		{name: "cookie header", in: "Cookie: session=" + s1 + "; theme=dark; csrf=" + s2, want: "Cookie: [REDACTED]"},
		{name: "set-cookie header", in: "Set-Cookie: id=" + s1 + "; Path=/; HttpOnly\nHost: x", want: "Set-Cookie: [REDACTED]\nHost: x"},
		{name: "cookie pairs in logfmt", in: `cookie="a=` + s1 + `; b=` + s2 + `" n=1`, want: `cookie="[REDACTED]" n=1`},
		{name: "bearer spaces", in: "Authorization: Bearer    " + s1 + " next", want: "Authorization: [REDACTED] next"},
		{name: "bearer tab", in: "Authorization:\tBearer\t" + s1, want: "Authorization:\t[REDACTED]"},
		{name: "basic", in: "proxy-authorization: Basic " + s1, want: "proxy-authorization: [REDACTED]"},
		{name: "spaces around =", in: "password = " + s1 + " ok", want: "password = [REDACTED] ok"},
		{name: "space before :", in: "token : " + s1, want: "token : [REDACTED]"},
		{name: "json spaced", in: `{"password": "` + s1 + `", "n": 1}`, want: `{"password": "[REDACTED]", "n": 1}`, json: true},
		{name: "yaml", in: "user: bob\npassword: " + s1 + "\nport: 5432", want: "user: bob\npassword: [REDACTED]\nport: 5432"},
		{name: "yaml quoted", in: "api_key: '" + s1 + "'", want: "api_key: '[REDACTED]'"},
		{name: "dsn tcp", in: "open root:" + s1 + "@tcp(db:3306)/app?parseTime=true", want: "open root:[REDACTED]@tcp(db:3306)/app?parseTime=true"},
		{name: "dsn unix, @ and : in the password", in: `dsn="app:p@` + s1 + `:x@unix(/tmp/my.sock)/x"`, want: `dsn="app:[REDACTED]@unix(/tmp/my.sock)/x"`},
		{name: "json string", in: `{"password":"` + s1 + `"}`, want: `{"password":"[REDACTED]"}`, json: true},
		{name: "json number", in: `{"password":12345,"n":1}`, want: `{"password":"[REDACTED]","n":1}`, json: true},
		{name: "json object", in: `{"token":{"a":"` + s1 + `","b":[1,"}"]},"n":[1]}`, want: `{"token":"[REDACTED]","n":[1]}`, json: true},
		{name: "json array", in: `{"secret":["` + s1 + `","` + s2 + `"]}`, want: `{"secret":"[REDACTED]"}`, json: true},
		{name: "json bool", in: `{"passwd":true}`, want: `{"passwd":"[REDACTED]"}`, json: true},
		{name: "json null stays", in: `{"password":null}`, want: `{"password":null}`, json: true},
		{name: "json nested key", in: `{"db":{"password":"` + s1 + `"},"Set-Cookie":"a=` + s2 + `; b=c"}`, json: true},
		{name: "json in a json string", in: `{"body":"{\"password\":\"` + s1 + `\",\"n\":1}"}`, want: `{"body":"{\"password\":\"[REDACTED]\",\"n\":1}"}`, json: true},
		{name: "escaped quote in a value", in: `{"m":"password=` + s1 + `\"x"}`, want: `{"m":"password=[REDACTED]\"x"}`, json: true},
		{name: "unclosed bracket in a json string", in: `{"m":"password: [` + s1 + `"}`, json: true},
		{name: "go struct", in: "{User:bob Password:" + s1 + "}", want: "{User:bob Password:[REDACTED]}"},
		{name: "go struct pointer", in: "&{Name:x Token:" + s1 + " N:1}", want: "&{Name:x Token:[REDACTED] N:1}"},
		{name: "go map", in: "map[password:" + s1 + " x:y]", want: "map[password:[REDACTED] x:y]"},
		{name: "go nested struct", in: "{Creds:{User:u Secret:" + s1 + "}}", want: "{Creds:{User:u Secret:[REDACTED]}}"},
		{name: "go struct value", in: "{Password:{A:" + s1 + " B:" + s2 + "}}", want: "{Password:[REDACTED]}"},
		{name: "dotted key", in: "db.password=" + s1, want: "db.password=[REDACTED]"},
		{name: "otel header key", in: "http.request.header.authorization=Bearer " + s1, want: "http.request.header.authorization=[REDACTED]"},
		{name: "otel cookie key", in: `http.request.header.cookie="a=` + s1 + `"`, want: `http.request.header.cookie="[REDACTED]"`},
		{name: "url userinfo", in: "GET https://u:" + s1 + "@h/x?api_key=" + s2 + "&a=b", want: "GET https://u:[REDACTED]@h/x?api_key=[REDACTED]&a=b"},
		{name: "time", in: "at 12:30:01 key=value", want: "at 12:30:01 key=value"},
		{name: "host port", in: "dial 10.0.0.1:8080 ok", want: "dial 10.0.0.1:8080 ok"},
		{name: "mailto", in: "mailto:bob@example.com", want: "mailto:bob@example.com"},
		{name: "ordinary json", in: `{"user":"bob","n":[1,2]}`, want: `{"user":"bob","n":[1,2]}`, json: true},
		{name: "ordinary go struct", in: "{User:bob Note:hi}", want: "{User:bob Note:hi}"},
	}
	rd := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, changed := rd.RedactMessage(tt.in)
			if tt.want != "" && out != tt.want {
				t.Errorf("RedactMessage(%q)\n = %q\nwant %q", tt.in, out, tt.want)
			}
			if strings.Contains(out, s1) || strings.Contains(out, s2) {
				t.Errorf("secret survived: %q", out)
			}
			if changed != (out != tt.in) {
				t.Errorf("changed = %v for %q -> %q", changed, tt.in, out)
			}
			if tt.json && !json.Valid([]byte(out)) {
				t.Errorf("no longer JSON: %q", out)
			}
			if again, _ := rd.RedactMessage(out); again != out {
				t.Errorf("not idempotent: %q -> %q", out, again)
			}
		})
	}
}

// TestTextScannerMaskInJSON checks that a mask with quotes in it keeps
// JSON valid.
func TestTextScannerMaskInJSON(t *testing.T) {
	rd, err := New(Options{Mask: `<"hidden"\>`})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{`{"password":"x"}`, `{"password":1}`, `{"token":{"a":1}}`} {
		out, _ := rd.RedactMessage(in)
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%q -> %q: %v", in, out, err)
		}
		for _, x := range v {
			if x != `<"hidden"\>` {
				t.Errorf("%q -> %q", in, out)
			}
		}
	}
}

// TestKeys checks every form of key the default list matches, as an attr
// key, a map key, a struct's JSON name and in text, and keys it must not
// match.
func TestKeys(t *testing.T) {
	hidden := []string{
		"password", "PASSWORD", "Password", "passwd", "token", "secret", "authorization",
		"Authorization", "cookie", "set-cookie", "Set_Cookie", "SET-COOKIE",
		"proxy-authorization", "Proxy-Authorization", "proxy_authorization", "PROXY_AUTHORIZATION",
		"apiKey", "api_key", "api-key", "API_KEY", "stripe_key", "STRIPE-KEY", "sessionKey",
		"access_token", "sessionToken", "client_secret", "db_password",
		"db.password", "DB.Password", "http.request.header.authorization",
		"http.request.header.cookie", "http.request.header.set-cookie",
		"http.request.header.proxy-authorization", "config.db.api_key", "a.b.sessionToken",
		"a-very-long-prefix-that-is-longer-than-thirty-two-bytes.password",
		"a-very-long-prefix-that-is-longer-than-thirty-two-bytes_password",
	}
	kept := []string{
		"method", "keyboard", "monkey", "tokens", "passwords_count", "password.length",
		"db.", "key", "secretary", "cookies_enabled", "authorization_url", "db.host",
		"token_count", "author",
	}
	rd := Default()
	const s = "KeySecret9"
	for _, k := range hidden {
		if got, ok := rd.RedactAttr(nil, slog.String(k, s)); !ok || got.Value.String() != Mask {
			t.Errorf("attr %q: not hidden", k)
		}
		if got, ok := rd.RedactAttr(nil, slog.Any("m", map[string]any{k: s})); !ok || strings.Contains(render(got.Value), s) {
			t.Errorf("map key %q: not hidden", k)
		}
		if got, ok := rd.RedactAttr(nil, slog.Any("m", map[any]any{k: s, 1: "x"})); !ok || strings.Contains(render(got.Value), s) {
			t.Errorf("map[any]any key %q: not hidden", k)
		}
		for _, form := range []string{k + "=" + s, k + ": " + s, `"` + k + `":"` + s + `"`, k + " = " + s} {
			if out, _ := rd.RedactMessage(form); strings.Contains(out, s) {
				t.Errorf("text %q: %q", form, out)
			}
		}
	}
	for _, k := range kept {
		if got, ok := rd.RedactAttr(nil, slog.String(k, s)); ok {
			t.Errorf("attr %q: hidden (%v)", k, got)
		}
		if out, _ := rd.RedactMessage(k + "=" + s); out != k+"="+s {
			t.Errorf("text %q: %q", k+"="+s, out)
		}
	}
}
