package middleware_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/slogtest"
)

// TestSlogtestWrap runs testing/slogtest and the slogtest suite over
// Wrap and ToSlog in front of slog.JSONHandler: with no middleware, with
// the default redaction, and with Enrich, whose root attrs go outside
// the logger's groups. Wrap keeps its own scope, so WithGroup("") is
// settled before slog.JSONHandler sees it.
func TestSlogtestWrap(t *testing.T) {
	redact, err := middleware.Redact(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		wrap func(next slog.Handler) slog.Handler
	}{
		{"Wrap", func(next slog.Handler) slog.Handler { return middleware.Wrap(next) }},
		{"WrapRedact", func(next slog.Handler) slog.Handler { return middleware.Wrap(next, loggerjs.Redaction(redact)) }},
		{"WrapEnrich", func(next slog.Handler) slog.Handler {
			return middleware.Wrap(next, middleware.Enrich(slog.String("service", "api")))
		}},
		{"ToSlog", func(next slog.Handler) slog.Handler { return middleware.ToSlog()(next) }},
		{"ToSlogRedact", func(next slog.Handler) slog.Handler { return middleware.ToSlog(loggerjs.Redaction(redact))(next) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			slogtest.RunWriter(t, func(_ *testing.T, w io.Writer) slog.Handler {
				return c.wrap(slog.NewJSONHandler(w, nil))
			}, slogtest.ParseJSON, nil)
		})
	}
}
