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
