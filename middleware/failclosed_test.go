package middleware_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/middleware"
)

// panickingRedactor panics on every call, after it could have hidden
// nothing.
type panickingRedactor struct{}

func (panickingRedactor) RedactAttr([]string, slog.Attr) (slog.Attr, bool) { panic("redactor bug") }
func (panickingRedactor) RedactMessage(string) (string, bool)              { panic("redactor bug") }

// failClosedStage is a redaction stage of its own that panics.
type failClosedStage struct{}

func (failClosedStage) Process(context.Context, *loggerjs.Record) bool { panic("stage bug") }
func (failClosedStage) FailsClosed() bool                              { return true }

func TestWrapFailsClosedWhenARedactionStagePanics(t *testing.T) {
	tests := []struct {
		name string
		mw   loggerjs.Middleware
	}{
		{"FailClosed middleware", failClosedStage{}},
		// Needs loggerjs.Redaction's middleware to report FailsClosed.
		{"loggerjs.Redaction", loggerjs.Redaction(panickingRedactor{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, via := range []string{"Wrap", "ToSlog"} {
				var buf bytes.Buffer
				next := slog.NewTextHandler(&buf, nil)
				var h slog.Handler
				if via == "Wrap" {
					h = middleware.Wrap(next, middleware.Enrich(slog.String("e", "1")), tt.mw)
				} else {
					h = middleware.ToSlog(tt.mw)(next)
				}
				l := slog.New(h)
				l.Info("first", "password", "FailClosedSecret")
				l.With("a", 1).WithGroup("g").Info("second", "password", "FailClosedSecret")
				if buf.Len() != 0 {
					t.Errorf("%s: records went on: %s", via, buf.String())
				}
				wh, ok := h.(*middleware.WrapHandler)
				if !ok {
					t.Fatalf("%s: handler of type %T", via, h)
				}
				if n := wh.RedactorPanics(); n != 2 {
					t.Errorf("%s: RedactorPanics %d, want 2", via, n)
				}
			}
		})
	}
	// Other middleware still fails open, as before.
	var buf bytes.Buffer
	boom := loggerjs.MiddlewareFunc(func(context.Context, *loggerjs.Record) bool { panic("boom") })
	h := middleware.Wrap(slog.NewTextHandler(&buf, nil), boom)
	slog.New(h).Info("kept")
	if !strings.Contains(buf.String(), "kept") || h.(*middleware.WrapHandler).RedactorPanics() != 0 {
		t.Errorf("a panicking ordinary middleware: %q", buf.String())
	}
}

// TestRedactorIsUsableEverywhere checks the methods of the Redactor type
// Redact returns, as a Config.Redactor and through loggerjs.Redaction in
// Wrap.
func TestRedactorIsUsableEverywhere(t *testing.T) {
	rd, err := middleware.Redact(nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := rd.RedactAttr([]string{"g"}, slog.String("db.password", "x")); !ok || a.Value.String() != "[REDACTED]" {
		t.Errorf("RedactAttr: %v %v", a, ok)
	}
	attrs := []slog.Attr{slog.String("proxy-authorization", "Basic x"), slog.Int("n", 1)}
	if changed, _ := rd.RedactAttrs(nil, attrs); !changed || attrs[0].Value.String() != "[REDACTED]" {
		t.Errorf("RedactAttrs: %v", attrs)
	}
	if m, ok := rd.RedactMessage(`{"password":1}`); !ok || m != `{"password":"[REDACTED]"}` {
		t.Errorf("RedactMessage: %q", m)
	}
	if s, ok := rd.RedactText("root:pw@tcp(h)/db"); !ok || s != "root:[REDACTED]@tcp(h)/db" {
		t.Errorf("RedactText: %q", s)
	}
	var buf bytes.Buffer
	slog.New(middleware.Wrap(slog.NewTextHandler(&buf, nil), loggerjs.Redaction(rd))).Info("m", "http.request.header.cookie", "WrapSecret")
	if strings.Contains(buf.String(), "WrapSecret") || !strings.Contains(buf.String(), "REDACTED") {
		t.Errorf("through Wrap: %s", buf.String())
	}
}
