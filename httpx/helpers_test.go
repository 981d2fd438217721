package httpx_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/httpx"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

// newLogger returns a logger over a memory sink that keeps every level,
// with the trace middleware in the configuration.
func newLogger(t testing.TB) (*slog.Logger, *sinks.MemorySink) {
	t.Helper()
	mem := sinks.Memory()
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"mem": mem},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"mem"}, Level: loggerjs.LevelTrace}},
		Middleware: []loggerjs.Middleware{middleware.TraceContext(nil)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return logger, mem
}

// roots returns the root attrs of r by key.
func roots(r *loggerjs.Record) map[string]string {
	m := map[string]string{}
	r.RootAttrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.String()
		return true
	})
	return m
}

// attrs returns the attrs of r by key, resolved.
func attrs(r *loggerjs.Record) map[string]slog.Value {
	m := map[string]slog.Value{}
	r.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.Resolve()
		return true
	})
	return m
}

// byMessage returns the records with message msg.
func byMessage(mem *sinks.MemorySink, msg string) []*loggerjs.Record {
	var out []*loggerjs.Record
	for _, r := range mem.Records() {
		if r.Message() == msg {
			out = append(out, r)
		}
	}
	return out
}

// serve runs h behind the middleware made of opts on a loopback server.
func serve(t testing.TB, h http.Handler, opts *httpx.ServerOptions) *httptest.Server {
	t.Helper()
	mw, err := httpx.NewMiddleware(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mw(h))
	t.Cleanup(srv.Close)
	return srv
}

// get sends a GET with headers and returns the response, its body read.
func get(t testing.TB, client *http.Client, url string, headers map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// exampleJSON is the JSON codec without the attrs that change from run
// to run: the time, durations, and the random span ids.
func exampleJSON() *codecs.JSONCodec {
	return codecs.JSON(&codecs.JSONOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		switch a.Key {
		case slog.TimeKey, "duration", "trace_id", "span_id", "trace_flags":
			return slog.Attr{}
		}
		return a
	}})
}
