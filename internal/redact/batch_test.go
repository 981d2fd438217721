package redact

import (
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"
)

// TestRedactAttrsMatchesRedactAttr checks that the in-place batch form
// gives every attr what RedactAttr gives it, with the flags right, for
// the default Redactor and for one with paths and a pseudonymiser (which
// takes the path-aware branch).
func TestRedactAttrsMatchesRedactAttr(t *testing.T) {
	u, _ := url.Parse("https://bob:" + secret + "@example.com/")
	attrs := []slog.Attr{
		slog.String("method", "GET"),
		slog.String("password", secret),
		slog.Int("token", 12345),
		slog.String("note", "token="+secret),
		slog.Time("at", time.Unix(1, 0)),
		slog.Duration("d", time.Second),
		slog.Float64("f", 0.5),
		slog.Bool("b", true),
		slog.Any("err", io.EOF),
		slog.Any("err2", fmt.Errorf("login failed: password=%s", secret)),
		slog.Any("secret", io.EOF), // an error under a hidden key: the slot must move
		slog.Any("v", lv{"api_key"}),
		slog.Any("plain", lv{"name"}),
		slog.Group("user", slog.String("email", "a@b.c"), slog.String("pin", "1234")),
		slog.Any("u", u),
		slog.Any("m", map[string]any{"ok": 1}),
		slog.String("email", "a@b.c"),
		slog.Group("plain", slog.String("method", "GET"), slog.Int("status", 200), slog.String("remote", "10.0.0.1:51234")),
		slog.Group("outer", slog.Group("inner", slog.Int("n", 1), slog.String("api_key", secret))),
		slog.Group("", slog.String("passwd", secret)),
		slog.Group("cookie", slog.Int("n", 1)),
		slog.Group("g", slog.Any("err", io.EOF), slog.Int("n", 1)),
		slog.Any("s", strValuer("token="+secret)),
		slog.Any("s2", strValuer("nothing here")),
		slog.Any("deep", groupValuer{}),
	}
	withPaths, err := New(Options{Paths: []string{"user.email", "*.pin"}, Pseudonymize: []string{"email"}, Pseudonym: testPseudonym})
	if err != nil {
		t.Fatal(err)
	}
	for name, rd := range map[string]*Redactor{"default": Default(), "paths": withPaths} {
		for _, groups := range [][]string{nil, {"req"}} {
			t.Run(fmt.Sprint(name, groups), func(t *testing.T) {
				batch := append([]slog.Attr(nil), attrs...)
				changed, changedAny := rd.RedactAttrs(groups, batch)
				var wantChanged, wantAny bool
				for i, a := range attrs {
					// The walk is the reference the fast paths must agree with.
					ref, refOK := rd.redactAttrSlow(groups, a)
					want, ok := rd.RedactAttr(groups, a)
					if ok != refOK || render(want.Value) != render(ref.Value) {
						t.Errorf("%s: RedactAttr %s %v, the walk %s %v", a.Key, render(want.Value), ok, render(ref.Value), refOK)
					}
					if got := batch[i]; got.Key != want.Key || render(got.Value) != render(want.Value) {
						t.Errorf("%s: batch %s, one by one %s", a.Key, render(got.Value), render(want.Value))
					}
					wantChanged = wantChanged || ok
					if ok && (a.Value.Kind() == slog.KindAny || want.Value.Kind() == slog.KindAny) {
						wantAny = true
					}
				}
				if changed != wantChanged || changedAny != wantAny {
					t.Errorf("flags: changed %v changedAny %v, want %v %v", changed, changedAny, wantChanged, wantAny)
				}
				if !changed || !changedAny {
					t.Error("the attrs carry secrets, errors among them: both flags must be set")
				}
			})
		}
	}
	// Nothing to hide: no flag, no change.
	ordinary := []slog.Attr{slog.String("method", "GET"), slog.Int("n", 1), slog.Any("err", io.EOF)}
	if changed, changedAny := Default().RedactAttrs(nil, ordinary); changed || changedAny {
		t.Errorf("ordinary attrs: changed %v changedAny %v", changed, changedAny)
	}
}

// strValuer is a LogValuer that resolves to a string.
type strValuer string

func (s strValuer) LogValue() slog.Value { return slog.StringValue(string(s)) }

// groupValuer resolves to a group holding a group with a secret in it.
type groupValuer struct{}

func (groupValuer) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("id", 7), slog.Group("auth", slog.String("token", secret)))
}
