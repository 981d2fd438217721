package redact

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// netURLRedacted is what the walk made of a *url.URL when the package
// used net/url itself: the reference the reflective form is held to.
func netURLRedacted(r *Redactor, u *url.URL) (*url.URL, bool) {
	changed := false
	nu := *u
	if u.User != nil {
		if _, has := u.User.Password(); has {
			nu.User = url.UserPassword(u.User.Username(), r.mask)
		} else {
			nu.User = url.User(r.mask)
		}
		changed = true
	}
	if q, ok := netURLQuery(r, u.RawQuery); ok {
		nu.RawQuery, changed = q, true
	}
	if strings.IndexByte(u.Fragment, '=') >= 0 {
		if f, ok := netURLQuery(r, u.Fragment); ok {
			nu.Fragment, nu.RawFragment, changed = f, "", true
		}
	}
	if s, ok := r.text(u.Opaque); ok {
		nu.Opaque, changed = s, true
	}
	return &nu, changed
}

// netURLQuery is redactQuery as it was with url.QueryUnescape.
func netURLQuery(r *Redactor, q string) (string, bool) {
	if q == "" {
		return q, false
	}
	var b strings.Builder
	changed := false
	for rest := q; ; {
		part, tail, more := cutAny(rest, "&;")
		key, _, hasValue := strings.Cut(part, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if hasValue && r.secret.matchKey(key) {
			if !changed {
				b.WriteString(q[:len(q)-len(rest)])
				changed = true
			}
			b.WriteString(part[:strings.IndexByte(part, '=')+1])
			b.WriteString(r.mask)
		} else if changed {
			b.WriteString(part)
		}
		if !more {
			break
		}
		if changed {
			b.WriteByte(rest[len(part)])
		}
		rest = tail
	}
	if !changed {
		return q, false
	}
	return b.String(), true
}

func checkURL(t *testing.T, rd *Redactor, u *url.URL) {
	t.Helper()
	want, wantOK := netURLRedacted(rd, u)
	for _, x := range []any{u, *u} {
		got, ok := rd.RedactAttr(nil, slog.Any("u", x))
		if ok != wantOK {
			t.Fatalf("%T %q: changed %v, want %v", x, u, ok, wantOK)
		}
		if !ok {
			continue
		}
		var gu *url.URL
		switch g := got.Value.Any().(type) {
		case *url.URL:
			gu = g
		case url.URL:
			gu = &g
		default:
			t.Fatalf("%T %q became %T %v", x, u, g, g)
		}
		if reflect.TypeOf(got.Value.Any()) != reflect.TypeOf(x) {
			t.Fatalf("%T %q became %T", x, u, got.Value.Any())
		}
		if gu.String() != want.String() || !reflect.DeepEqual(gu, want) {
			t.Fatalf("%T %q:\n got %q %#v\nwant %q %#v", x, u, gu, gu, want, want)
		}
	}
}

// TestURLWithoutNetURL checks that URLs, read without net/url, are
// redacted as net/url's own API would redact them: userinfo, query and
// fragment parameters, opaque text, with the value's type kept and the
// caller's value untouched.
func TestURLWithoutNetURL(t *testing.T) {
	rd := Default()
	for _, s := range []string{
		"https://bob:" + secret + "@example.com/x?access_token=" + secret + "&q=1#id_token=" + secret,
		"https://" + secret + "@example.com/",
		"https://bob:@example.com/",
		"postgres://app:p%40ss%3Aw0rd@db:5432/x?sslmode=disable",
		"https://example.com/cb?page=2&api%5Fkey=" + secret,
		"https://example.com/cb?a+password=x&password=" + secret + "&b=%zz",
		"https://example.com/cb?%zz=1&token=" + secret,
		"https://example.com/cb;x=1;secret=" + secret,
		"https://example.com/cb?x=1;secret=" + secret,
		"https://example.com/cb#frag",
		"https://example.com/cb#token=" + secret + "&a=%2F",
		"mailto:joe@example.com?password=" + secret,
		"secret:password=" + secret,
		"https://example.com/plain?q=1",
	} {
		u, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		before := u.String()
		checkURL(t, rd, u)
		if u.String() != before {
			t.Errorf("the caller's URL changed: %q, was %q", u, before)
		}
	}
	nilURL, _ := rd.RedactAttr(nil, slog.Any("u", (*url.URL)(nil)))
	if nilURL.Value.Any() != (*url.URL)(nil) {
		t.Errorf("nil *url.URL became %#v", nilURL.Value.Any())
	}
}

// TestUserinfoWithoutNetURL checks that a *url.Userinfo alone (a field of
// a struct) becomes url.User(mask), as it did with net/url.
func TestUserinfoWithoutNetURL(t *testing.T) {
	type conn struct {
		Host string
		Auth *url.Userinfo
	}
	rd := Default()
	got, ok := rd.RedactAttr(nil, slog.Any("c", conn{Host: "db", Auth: url.UserPassword("bob", secret)}))
	c, isConn := got.Value.Any().(conn)
	if !ok || !isConn {
		t.Fatalf("got %v %T", ok, got.Value.Any())
	}
	if _, has := c.Auth.Password(); has || c.Auth.Username() != Mask || c.Host != "db" {
		t.Errorf("Userinfo redacted to %q, host %q", c.Auth, c.Host)
	}
	got, ok = rd.RedactAttr(nil, slog.Any("c", conn{Host: "db"}))
	if c, _ := got.Value.Any().(conn); ok || c.Auth != nil {
		t.Errorf("nil Userinfo: %v %v", ok, got.Value)
	}
}

// TestURLErrorWithoutNetURL checks that a *url.Error stays a *url.Error,
// with its URL text and the error it wraps redacted, found by errors.As
// in a chain.
func TestURLErrorWithoutNetURL(t *testing.T) {
	rd := Default()
	inner := fmt.Errorf("read: token=%s: %w", secret, io.EOF)
	for _, err := range []error{
		&url.Error{Op: "Get", URL: "https://u:" + secret + "@h/?api_key=" + secret, Err: io.EOF},
		&url.Error{Op: "Post", URL: "https://h/", Err: inner},
		fmt.Errorf("call: %w", &url.Error{Op: "Get", URL: "https://h/?access_token=" + secret, Err: nil}),
	} {
		got, ok := rd.RedactAttr(nil, slog.Any("err", err))
		if !ok {
			t.Fatalf("%v: nothing hidden", err)
		}
		e, _ := got.Value.Any().(error)
		var ue *url.Error
		if !errors.As(e, &ue) {
			t.Fatalf("%v: no *url.Error in %T %v", err, e, e)
		}
		if strings.Contains(e.Error(), secret) || !strings.Contains(e.Error(), Mask) {
			t.Errorf("%v: redacted to %v", err, e)
		}
		var orig *url.Error
		errors.As(err, &orig)
		if ue.Op != orig.Op || (orig.Err == nil) != (ue.Err == nil) || orig.Err == io.EOF && ue.Err != io.EOF {
			t.Errorf("%#v redacted to %#v", orig, ue)
		}
	}
	plain := &url.Error{Op: "Get", URL: "https://h/", Err: io.EOF}
	if got, ok := rd.RedactAttr(nil, slog.Any("err", plain)); ok || got.Value.Any() != error(plain) {
		t.Errorf("a clean *url.Error changed: %v", got.Value)
	}
}

// TestURLLookalikesFailClosed checks that types named like net/url's but
// declared elsewhere are walked as any struct, and that a net/url type
// whose fields the walk does not know becomes the mask.
func TestURLLookalikesFailClosed(t *testing.T) {
	type URL struct{ User, RawQuery string }
	rd := Default()
	got, ok := rd.RedactAttr(nil, slog.Any("u", URL{User: "bob", RawQuery: "token=" + secret}))
	if u, isURL := got.Value.Any().(URL); !ok || !isURL || u.User != "bob" || strings.Contains(u.RawQuery, secret) {
		t.Errorf("lookalike URL redacted to %v %#v", ok, got.Value.Any())
	}
	// A struct without the fields redactURL needs.
	if v, ok := rd.redactURL(reflect.ValueOf(URL{})); !ok || v.Interface() != Mask {
		t.Errorf("unknown URL layout: %v %v, want the mask", v, ok)
	}
	if _, ok := rd.redactUserinfo(reflect.ValueOf(URL{}), true); ok {
		t.Error("unknown Userinfo layout accepted")
	}
}

func TestQueryUnescape(t *testing.T) {
	for _, s := range []string{"", "a", "a+b", "%41%4a%4A", "%", "%4", "%zz", "a%2", "%25%2B+", "é%C3%A9", "%%41"} {
		got, ok := queryUnescape(s)
		want, err := url.QueryUnescape(s)
		if ok != (err == nil) || ok && got != want {
			t.Errorf("queryUnescape(%q) = %q, %v; url.QueryUnescape: %q, %v", s, got, ok, want, err)
		}
	}
}

// FuzzRedactURL holds the reflective URL redaction to net/url's API on
// any URL url.Parse accepts, and queryUnescape to url.QueryUnescape.
func FuzzRedactURL(f *testing.F) {
	for _, s := range []string{
		"https://bob:pw@example.com/x?access_token=t&q=1#id_token=i",
		"postgres://app:p%40ss@db:5432/x?sslmode=disable",
		"https://h/cb?a%5Fkey=1&api%5Fkey=2;token=3&%zz=4",
		"mailto:joe@example.com?password=x",
		"//u@h", "https://h/#a=b&secret=c",
	} {
		f.Add(s)
	}
	rd := Default()
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := queryUnescape(s)
		want, err := url.QueryUnescape(s)
		if ok != (err == nil) || ok && got != want {
			t.Fatalf("queryUnescape(%q) = %q, %v; url.QueryUnescape: %q, %v", s, got, ok, want, err)
		}
		u, err := url.Parse(s)
		if err != nil {
			return
		}
		checkURL(t, rd, u)
	})
}
