package interop

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	slogformatter "github.com/samber/slog-formatter"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

// TestSlogFormatterInsideLoggerjs runs slog-formatter's formatters as
// loggerjs middleware: they rewrite record and bound attrs, and the
// default redaction still applies to what they produce.
func TestSlogFormatterInsideLoggerjs(t *testing.T) {
	var buf bytes.Buffer
	format := middleware.FromSlog(slogformatter.NewFormatterHandler(
		slogformatter.FormatByKey("user", func(v slog.Value) slog.Value {
			return slog.StringValue(strings.ToUpper(v.String()))
		}),
		slogformatter.ErrorFormatter("error"),
	))
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": sinks.Writer(&buf, codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime}))},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
		Middleware: []loggerjs.Middleware{format},
	})
	if err != nil {
		t.Fatal(err)
	}
	logger.With("user", "ada").Error("login failed", "error", errors.New("bad credentials: password=hunter2"))

	got := lines(t, &buf)
	if len(got) != 1 {
		t.Fatalf("%d records: %s", len(got), buf.String())
	}
	if got[0]["user"] != "ADA" {
		t.Errorf("bound attr not formatted: %s", buf.String())
	}
	e, ok := got[0]["error"].(map[string]any)
	if !ok || e["message"] != "bad credentials: password=[REDACTED]" || e["type"] != "*errors.errorString" {
		t.Errorf("error not formatted into a group: %s", buf.String())
	}
	if strings.Contains(buf.String(), "hunter2") {
		t.Errorf("secret written: %s", buf.String())
	}
}
