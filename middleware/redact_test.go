package middleware_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

// TestPerSinkRedaction hides an extra key from one sink only, through
// loggerjs.Redaction and WithMiddleware; the other sink, and the bound
// attrs both share, are not changed by it. The default keys are hidden
// from both.
func TestPerSinkRedaction(t *testing.T) {
	email, err := middleware.Redact(&middleware.RedactOptions{Keys: []string{"email"}, NoDefaultKeys: true})
	if err != nil {
		t.Fatal(err)
	}
	var shipped, local bytes.Buffer
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"shipped": loggerjs.WithMiddleware(sinks.Writer(&shipped, codecs.JSON(nil)), loggerjs.Redaction(email)),
			"local":   sinks.Writer(&local, codecs.JSON(nil)),
		},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"shipped", "local"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	l := logger.With("email", "ada@example.com")
	for range 2 {
		l.Info("signed in", "email", "ada@example.com", "token", "t0k3n", slog.Group("g", "email", "ada@example.com"))
	}
	if strings.Contains(shipped.String(), "ada@example.com") || strings.Count(shipped.String(), "[REDACTED]") != 8 {
		t.Errorf("shipped:\n%s", shipped.String())
	}
	if strings.Count(local.String(), "ada@example.com") != 6 || strings.Contains(local.String(), "t0k3n") {
		t.Errorf("local:\n%s", local.String())
	}
}
