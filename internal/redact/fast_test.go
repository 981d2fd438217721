package redact

import (
	"errors"
	"log/slog"
	"math/rand/v2"
	"testing"
)

// TestPlainErrorFastPathMatchesWalk checks that an errors.New value is
// settled by the fast path exactly as the general walk settles it: the
// same text and the same verdict, for texts with and without secrets,
// under keys that are and are not secret.
func TestPlainErrorFastPathMatchesWalk(t *testing.T) {
	texts := []string{
		"", "connection reset by peer", "password=hunter2", "dial postgres://u:pw@db:5432/x",
		"token: abc", "a=b", "Authorization: Bearer xyz", "x:", "=",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := "ab=:@/ pwdtokenPASSWORD\n\"{}"
	for range 2000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		texts = append(texts, string(b))
	}
	for _, r := range []*Redactor{Default(), mustNew(t, Options{Keys: []string{"err"}})} {
		for _, key := range []string{"error", "err", "password"} {
			for _, text := range texts {
				a := slog.Any(key, errors.New(text))
				fast, fch := r.RedactAttr(nil, a)
				slow, sch := r.redactAttrSlow(nil, a)
				if fch != sch || fast.Value.String() != slow.Value.String() {
					t.Fatalf("key %q text %q: fast path %v %q, walk %v %q", key, text, fch, fast.Value, sch, slow.Value)
				}
				attrs := []slog.Attr{a}
				ch, chAny := r.RedactAttrs(nil, attrs)
				if ch != sch || attrs[0].Value.String() != slow.Value.String() || ch && !chAny {
					t.Fatalf("RedactAttrs key %q text %q: %v %v %q, walk %v %q", key, text, ch, chAny, attrs[0].Value, sch, slow.Value)
				}
			}
		}
	}
}

func mustNew(t *testing.T, o Options) *Redactor {
	t.Helper()
	r, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
