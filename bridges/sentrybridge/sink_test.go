package sentrybridge_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"
	"go.uber.org/goleak"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/sentrybridge"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
}

// sentryServer is a local Sentry endpoint: it decodes the envelopes
// sentry-go posts to /api/<project>/envelope/ and keeps their items.
type sentryServer struct {
	srv    *httptest.Server
	mu     sync.Mutex
	events []map[string]any
	logs   []map[string]any
	status int // answer to give; 0 means 200
}

func newSentryServer(t *testing.T) *sentryServer {
	s := &sentryServer{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// DSN points sentry-go at the server, project 1.
func (s *sentryServer) DSN() string {
	return strings.Replace(s.srv.URL, "http://", "http://public@", 1) + "/1"
}

func (s *sentryServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/1/envelope/" {
		http.Error(w, "not an envelope endpoint: "+r.URL.Path, http.StatusNotFound)
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	data, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.status != 0 {
		http.Error(w, "failing", s.status)
		return
	}
	lines := bytes.Split(data, []byte("\n"))
	// An envelope: a header, then item headers each followed by a payload.
	for i := 1; i+1 < len(lines); i += 2 {
		var h struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(lines[i], &h); err != nil {
			http.Error(w, "bad item header", http.StatusBadRequest)
			return
		}
		var payload map[string]any
		dec := json.NewDecoder(bytes.NewReader(lines[i+1]))
		dec.UseNumber()
		if err := dec.Decode(&payload); err != nil {
			http.Error(w, "bad item payload", http.StatusBadRequest)
			return
		}
		switch h.Type {
		case "event":
			s.events = append(s.events, payload)
		case "log":
			for _, it := range payload["items"].([]any) {
				s.logs = append(s.logs, it.(map[string]any))
			}
		}
	}
	w.WriteHeader(http.StatusOK)
}

func (s *sentryServer) got() (events, logs []map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.events...), append([]map[string]any(nil), s.logs...)
}

// newTree returns a logger over a handler tree whose only sink is a
// Sentry sink to srv, with stacks attached at Error.
func newTree(t *testing.T, srv *sentryServer, opts sentrybridge.Options) (*slog.Logger, *loggerjs.Handler, *sentrybridge.Sink) {
	t.Helper()
	opts.ClientOptions.Dsn = srv.DSN()
	sink, err := sentrybridge.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:           map[string]loggerjs.Sink{"sentry": sink},
		Loggers:         []loggerjs.LoggerConfig{{Sinks: []string{"sentry"}, Level: loggerjs.LevelTrace}},
		StackTraceLevel: slog.LevelError,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close(context.Background()) })
	return slog.New(h), h, sink
}

func closeTree(t *testing.T, h *loggerjs.Handler) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return h.Close(ctx)
}

type lazy struct{}

func (lazy) LogValue() slog.Value { return slog.GroupValue(slog.String("kind", "lazy")) }

// get walks a decoded JSON value by keys and indexes.
func get(v any, path ...any) any {
	for _, p := range path {
		switch p := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[p]
		case int:
			s, _ := v.([]any)
			if p >= len(s) {
				return nil
			}
			v = s[p]
		}
	}
	return v
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestErrorBecomesIssue: an Error record with an error arrives at the
// endpoint as an event with the chain as exceptions, a stack trace, the
// category as the logger, every attr kind in the attributes context, the
// breadcrumbs of the hub in the context, tags, fingerprint and trace.
func TestErrorBecomesIssue(t *testing.T) {
	srv := newSentryServer(t)
	l, h, sink := newTree(t, srv, sentrybridge.Options{
		TagKeys:     []string{"tenant"},
		Fingerprint: func(r *loggerjs.Record) []string { return []string{"{{ default }}", r.CategoryName()} },
	})
	hub := sink.Hub().Clone()
	ctx := sentry.SetHubOnContext(context.Background(), hub)
	db := l.With(loggerjs.Category("app", "db")).With("tenant", "acme")
	db.InfoContext(ctx, "connecting", "host", "db1")
	db.DebugContext(ctx, "below the breadcrumb level")
	zone := time.FixedZone("IST", 5*3600+1800)
	chain := fmt.Errorf("query users: %w", fmt.Errorf("dial tcp: %w", io.EOF))
	db.WithGroup("q").ErrorContext(ctx, "query failed", "err", chain,
		"int", 42, "int64", int64(math.MinInt64), "uint64", uint64(math.MaxUint64), "float", 2.5, "bool", true,
		"string", "s", "time", time.Date(2026, 3, 4, 5, 6, 7, 890, zone), "dur", 1500*time.Millisecond,
		slog.Group("g", "a", 1), "lazy", lazy{}, "strs", []string{"x", "y"}, "map", map[string]int{"k": 1},
		"bytes", []byte{0, 1, 2}, "nil", nil)
	if err := closeTree(t, h); err != nil {
		t.Fatal(err)
	}
	events, _ := srv.got()
	if len(events) != 1 {
		t.Fatalf("%d events, want 1", len(events))
	}
	e := events[0]
	for _, c := range []struct {
		path []any
		want string
	}{
		{[]any{"level"}, `"error"`},
		{[]any{"message"}, `"query failed"`},
		{[]any{"logger"}, `"app.db"`},
		{[]any{"tags", "tenant"}, `"acme"`},
		{[]any{"fingerprint"}, `["{{ default }}","app.db"]`},
		{[]any{"exception", 0, "type"}, `"*errors.errorString"`},
		{[]any{"exception", 0, "value"}, `"EOF"`},
		{[]any{"exception", 1, "value"}, `"dial tcp: EOF"`},
		{[]any{"exception", 2, "type"}, `"*fmt.wrapError"`},
		{[]any{"exception", 2, "value"}, `"query users: dial tcp: EOF"`},
		{[]any{"contexts", "attributes", "tenant"}, `"acme"`},
		{[]any{"contexts", "attributes", "q", "int"}, `42`},
		{[]any{"contexts", "attributes", "q", "int64"}, `-9223372036854775808`},
		{[]any{"contexts", "attributes", "q", "uint64"}, `"18446744073709551615"`},
		{[]any{"contexts", "attributes", "q", "float"}, `2.5`},
		{[]any{"contexts", "attributes", "q", "bool"}, `true`},
		{[]any{"contexts", "attributes", "q", "string"}, `"s"`},
		{[]any{"contexts", "attributes", "q", "time"}, `"2026-03-04T05:06:07.00000089+05:30"`},
		{[]any{"contexts", "attributes", "q", "dur"}, `1500000000`},
		{[]any{"contexts", "attributes", "q", "err"}, `"query users: dial tcp: EOF"`},
		{[]any{"contexts", "attributes", "q", "g"}, `{"a":1}`},
		{[]any{"contexts", "attributes", "q", "lazy"}, `{"kind":"lazy"}`},
		{[]any{"contexts", "attributes", "q", "strs"}, `["x","y"]`},
		{[]any{"contexts", "attributes", "q", "map"}, `{"k":1}`},
		{[]any{"contexts", "attributes", "q", "bytes"}, `"AAEC"`},
		{[]any{"contexts", "attributes", "q", "nil"}, `null`},
		{[]any{"breadcrumbs", 0, "message"}, `"connecting"`},
		{[]any{"breadcrumbs", 0, "category"}, `"app.db"`},
		{[]any{"breadcrumbs", 0, "data", "host"}, `"db1"`},
		{[]any{"breadcrumbs", 1}, `null`},
	} {
		if got := js(get(e, c.path...)); got != c.want {
			t.Errorf("%v = %s, want %s", c.path, got, c.want)
		}
	}
	frames, _ := get(e, "exception", 2, "stacktrace", "frames").([]any)
	if len(frames) == 0 || !strings.Contains(js(frames[len(frames)-1]), "TestErrorBecomesIssue") {
		t.Errorf("the outermost exception's stack trace does not end in the test: %s", js(frames))
	}
	if st := sink.SinkStats(); st["captured"] != 1 || st["sent"] != 1 {
		t.Errorf("stats %v", st)
	}
}

// TestLevelsAndRouting: records below EventLevel, or without an error,
// are breadcrumbs, not events; Fatal events are fatal; MessageEvents
// makes an Error record without an error an event.
func TestLevelsAndRouting(t *testing.T) {
	srv := newSentryServer(t)
	l, h, _ := newTree(t, srv, sentrybridge.Options{})
	l.Warn("warn with an error", "err", errors.New("w"))
	l.Error("error without one")
	l.Log(context.Background(), loggerjs.LevelFatal, "fatal", "err", errors.New("f"))
	closeTree(t, h)
	events, _ := srv.got()
	if len(events) != 1 || js(get(events[0], "level")) != `"fatal"` || js(get(events[0], "message")) != `"fatal"` {
		t.Fatalf("events %s", js(events))
	}

	srv2 := newSentryServer(t)
	l2, h2, _ := newTree(t, srv2, sentrybridge.Options{MessageEvents: true, EventLevel: slog.LevelWarn})
	l2.Warn("warn without an error")
	l2.Info("info")
	closeTree(t, h2)
	events, _ = srv2.got()
	if len(events) != 1 || js(get(events[0], "level")) != `"warning"` || get(events[0], "exception") != nil {
		t.Fatalf("events %s", js(events))
	}
}

// TestStructuredLogs: with Logs, the records that are not events arrive
// as Sentry structured logs with their attrs and category.
func TestStructuredLogs(t *testing.T) {
	srv := newSentryServer(t)
	l, h, _ := newTree(t, srv, sentrybridge.Options{Logs: true, BreadcrumbLevel: loggerjs.LevelTrace})
	l.With(loggerjs.Category("app")).Info("hello", "n", 7, slog.Group("g", "s", "x"))
	l.Log(context.Background(), loggerjs.LevelTrace, "fine")
	closeTree(t, h)
	_, logs := srv.got()
	if len(logs) != 2 {
		t.Fatalf("%d logs: %s", len(logs), js(logs))
	}
	for _, c := range []struct {
		path []any
		want string
	}{
		{[]any{0, "body"}, `"hello"`},
		{[]any{0, "level"}, `"info"`},
		{[]any{0, "attributes", "n", "value"}, `7`},
		{[]any{0, "attributes", "g.s", "value"}, `"x"`},
		{[]any{0, "attributes", "logger", "value"}, `"app"`},
		{[]any{1, "level"}, `"trace"`},
	} {
		var all []any
		for _, l := range logs {
			all = append(all, l)
		}
		if got := js(get(all, c.path...)); got != c.want {
			t.Errorf("%v = %s, want %s", c.path, got, c.want)
		}
	}
}

// TestDropsCounted: events the endpoint refuses and events BeforeSend
// drops are counted, and Lost includes them.
func TestDropsCounted(t *testing.T) {
	srv := newSentryServer(t)
	srv.status = http.StatusInternalServerError
	l, h, sink := newTree(t, srv, sentrybridge.Options{ClientOptions: sentry.ClientOptions{
		BeforeSend: func(e *sentry.Event, _ *sentry.EventHint) *sentry.Event {
			if e.Message == "filtered" {
				return nil
			}
			return e
		}}})
	l.Error("refused", "err", errors.New("a"))
	l.Error("filtered", "err", errors.New("b"))
	closeTree(t, h)
	st := sink.SinkStats()
	if st["captured"] != 2 || st["dropped_send_failed"] != 1 || st["dropped_by_client"] != 1 || st["sent"] != 0 {
		t.Fatalf("stats %v", st)
	}
	if lost := h.Stats().Lost(); lost != 2 {
		t.Fatalf("Lost() = %d, want 2", lost)
	}
}

// TestNewErrors: a missing or bad DSN fails New.
func TestNewErrors(t *testing.T) {
	if _, err := sentrybridge.New(sentrybridge.Options{}); err == nil {
		t.Fatal("no error without a DSN")
	}
	if _, err := sentrybridge.New(sentrybridge.Options{ClientOptions: sentry.ClientOptions{Dsn: "::bad"}}); err == nil {
		t.Fatal("no error with a bad DSN")
	}
}

// TestTraceContext: the trace_id and span_id root attrs (from
// middleware.Trace) become the event's trace context.
func TestTraceContext(t *testing.T) {
	srv := newSentryServer(t)
	sink, err := sentrybridge.New(sentrybridge.Options{ClientOptions: sentry.ClientOptions{Dsn: srv.DSN()}})
	if err != nil {
		t.Fatal(err)
	}
	sr := slog.NewRecord(time.Now(), slog.LevelError, "traced", 0)
	sr.AddAttrs(slog.Any("err", errors.New("x")))
	r := loggerjs.NewRecord(sr)
	r.Err = errors.New("x")
	r.AddRootAttrs(slog.String("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"), slog.String("span_id", "00f067aa0ba902b7"))
	sink.Write(context.Background(), r)
	sink.Close(context.Background())
	events, _ := srv.got()
	if len(events) != 1 || js(get(events[0], "contexts", "trace", "trace_id")) != `"4bf92f3577b34da6a3ce929d0e0e4736"` ||
		js(get(events[0], "contexts", "trace", "span_id")) != `"00f067aa0ba902b7"` {
		t.Fatalf("%d events, trace context %s", len(events), js(get(map[string]any(events[0]), "contexts", "trace")))
	}
}
