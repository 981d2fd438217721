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
	}
	withPaths, err := New(Options{Paths: []string{"user.email", "*.pin"}, Pseudonymize: []string{"email"}, HMACKey: []byte("k")})
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
					want, ok := rd.RedactAttr(groups, a)
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
