package loggerjs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

// errSlotSink records the error slot of every record it is given.
type errSlotSink struct{ errs []error }

func (s *errSlotSink) Write(_ context.Context, r *loggerjs.Record) error {
	s.errs = append(s.errs, r.Err)
	return nil
}
func (s *errSlotSink) Flush(context.Context) error { return nil }
func (s *errSlotSink) Close(context.Context) error { return nil }

// TestRedactionErrorSlot checks that a record's error slot follows its
// attr through the default redaction: hidden when the attr is, redacted
// when its text is, untouched otherwise, with scope errors as fallback.
func TestRedactionErrorSlot(t *testing.T) {
	const secret = "hunter2-s3cr3t"
	s := &errSlotSink{}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"s": s},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"s"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h)
	bound := errors.New("bound error")
	l.Info("plain", "err", io.EOF)
	l.Info("hidden key", "secret", io.ErrUnexpectedEOF)
	l.Info("secret text", "err", fmt.Errorf("login failed: password=%s", secret))
	l.With("cause", bound).Info("hidden key, scope error", "token", io.EOF)
	l.Info("no error", "n", 1)

	if len(s.errs) != 5 {
		t.Fatalf("got %d records, want 5", len(s.errs))
	}
	if s.errs[0] != io.EOF {
		t.Errorf("plain: Err = %v, want io.EOF", s.errs[0])
	}
	if s.errs[1] != nil {
		t.Errorf("hidden key: Err = %v, want none (the attr was hidden)", s.errs[1])
	}
	if e := s.errs[2]; e == nil || strings.Contains(e.Error(), secret) || !strings.Contains(e.Error(), "login failed") {
		t.Errorf("secret text: Err = %v, want the redacted error", e)
	}
	if s.errs[3] != bound {
		t.Errorf("scope: Err = %v, want the bound error", s.errs[3])
	}
	if s.errs[4] != nil {
		t.Errorf("no error: Err = %v", s.errs[4])
	}

	// The same through a Redactor that is not the built-in one, which the
	// handler calls attr by attr.
	s2 := &errSlotSink{}
	h2, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:    map[string]loggerjs.Sink{"s": s2},
		Loggers:  []loggerjs.LoggerConfig{{Sinks: []string{"s"}}},
		Redactor: keyRedactor{"secret"},
	})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h2).Info("hidden key", "secret", io.EOF, "err", io.ErrClosedPipe)
	if s2.errs[0] != io.ErrClosedPipe {
		t.Errorf("custom redactor: Err = %v, want the next error attr", s2.errs[0])
	}
}

// keyRedactor hides the value of one key.
type keyRedactor struct{ key string }

func (k keyRedactor) RedactAttr(_ []string, a slog.Attr) (slog.Attr, bool) {
	if a.Key == k.key {
		return slog.String(a.Key, "[REDACTED]"), true
	}
	return a, false
}
func (keyRedactor) RedactMessage(m string) (string, bool) { return m, false }

// TestRootAttrsRedacted checks that root attrs, from middleware and from
// the context, are redacted like the record's own, in place or not.
func TestRootAttrsRedacted(t *testing.T) {
	const secret = "hunter2-s3cr3t"
	enrich := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		r.AddRootAttrs(slog.String("password", secret), slog.String("note", "url=https://u:"+secret+"@h/"), slog.Int("n", 1))
		return true
	})
	mw, err := middleware.Redact(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, red := range []struct {
		name string
		rd   loggerjs.Redactor
	}{{"default", nil}, {"middleware.Redact", mw}, {"wrapped", wrappedRedactor{mw}}} {
		t.Run(red.name, func(t *testing.T) {
			var buf strings.Builder
			h, err := loggerjs.NewHandler(loggerjs.Config{
				Sinks:      map[string]loggerjs.Sink{"s": sinks.Writer(&buf, codecs.JSON(nil))},
				Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"s"}}},
				Middleware: []loggerjs.Middleware{enrich},
				Redactor:   red.rd,
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx := loggerjs.WithContextAttrs(context.Background(), slog.String("token", secret))
			for range 3 { // the pooled root slice is reused
				slog.New(h).InfoContext(ctx, "m", "k", "v")
			}
			out := buf.String()
			if strings.Contains(out, secret) {
				t.Fatalf("secret in root attrs written: %s", out)
			}
			if got := strings.Count(out, `"password":"[REDACTED]"`); got != 3 {
				t.Errorf("%d redacted password root attrs, want 3: %s", got, out)
			}
			if got := strings.Count(out, `"n":1`); got != 3 {
				t.Errorf("%d n root attrs, want 3: %s", got, out)
			}
		})
	}
}

// wrappedRedactor hides the in-place method of the redactor it wraps, so
// that the handler takes the attr-by-attr path.
type wrappedRedactor struct{ rd loggerjs.Redactor }

func (w wrappedRedactor) RedactAttr(groups []string, a slog.Attr) (slog.Attr, bool) {
	return w.rd.RedactAttr(groups, a)
}
func (w wrappedRedactor) RedactMessage(m string) (string, bool) { return w.rd.RedactMessage(m) }
