package middleware_test

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/loggerjs/loggerjs"
)

// credentialSink fails every write with an error whose text holds a
// credential, as an HTTP shipper's *url.Error does.
type credentialSink struct{}

func (credentialSink) Write(context.Context, *loggerjs.Record) error {
	return errors.New(`Post "https://user:MetaSecret@collector/v1?api_key=MetaSecret": dial tcp: connection refused`)
}
func (credentialSink) Flush(context.Context) error { return nil }
func (credentialSink) Close(context.Context) error { return nil }

// TestMetaFallbackIsRedacted is the meta logger's leak path: a sink error
// reported where no other sink is reachable goes to stderr, and the
// engine runs the configuration's Redactor over it first.
func TestMetaFallbackIsRedacted(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	defer func() { os.Stderr = stderr }()
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"bad": &credentialSink{}},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"bad"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	logger.Info("x")
	os.Stderr = stderr
	w.Close()
	out, _ := io.ReadAll(r)
	if !strings.Contains(string(out), "sink write failed") {
		t.Fatalf("no meta record on stderr: %q", out)
	}
	if strings.Contains(string(out), "MetaSecret") {
		t.Errorf("the meta fallback wrote the credential: %s", out)
	}
}
