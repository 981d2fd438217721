package httpx_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs/contextx"
	"github.com/loggerjs/loggerjs/httpx"
)

// recordingServer answers with status and keeps the headers of the last
// request.
type recordingServer struct {
	*httptest.Server
	mu     sync.Mutex
	header http.Header
}

func newRecordingServer(t *testing.T, status int) *recordingServer {
	rs := &recordingServer{}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		rs.header = r.Header.Clone()
		rs.mu.Unlock()
		w.Header().Set("X-Upstream", "u1")
		w.Header().Set("Set-Cookie", "s=SECRETCOOKIE")
		w.WriteHeader(status)
		fmt.Fprint(w, "body that is never logged")
	}))
	t.Cleanup(rs.Close)
	return rs
}

func (rs *recordingServer) last() http.Header {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.header
}

// requestScope returns a context like the one the server middleware
// gives a handler: a span (child of the caller's) and baggage.
func requestScope(t *testing.T) (context.Context, contextx.Span) {
	tp, _ := contextx.ParseTraceparent(callerTP)
	s := contextx.SpanOf(tp)
	s.State, _ = contextx.ParseTraceState("rojo=00f067aa0ba902b7")
	s = s.Child()
	b, _ := contextx.ParseBaggage("userId=alice,serverNode=DF%2028")
	return contextx.WithBaggage(contextx.WithSpan(context.Background(), s), b), s
}

func newTransport(t *testing.T, base http.RoundTripper, o *httpx.ClientOptions) *http.Client {
	t.Helper()
	tr, err := httpx.NewTransport(base, o)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: tr}
}

func do(t *testing.T, c *http.Client, ctx context.Context, method, url string, header http.Header) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if header != nil {
		req.Header = header
	}
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return resp, err
}

func TestTransportPropagatesTheRequestScope(t *testing.T) {
	logger, mem := newLogger(t)
	up := newRecordingServer(t, 200)
	c := newTransport(t, up.Client().Transport, &httpx.ClientOptions{Logger: logger})
	ctx, span := requestScope(t)
	header := http.Header{"X-Mine": {"1"}}
	if _, err := do(t, c, ctx, "GET", up.URL, header); err != nil {
		t.Fatal(err)
	}
	got := up.last()
	tp, err := contextx.ParseTraceparent(got.Get("Traceparent"))
	if err != nil {
		t.Fatal(err)
	}
	if tp.TraceIDString() != callerTrace || tp.SpanIDString() == span.SpanIDString() || tp.SpanIDString() == callerSpan || !tp.Sampled() {
		t.Errorf("traceparent sent %v; the request's span %s", tp, span.SpanIDString())
	}
	if got.Get("Tracestate") != "rojo=00f067aa0ba902b7" || got.Get("Baggage") != "userId=alice,serverNode=DF%2028" || got.Get("X-Mine") != "1" {
		t.Errorf("headers sent %v", got)
	}
	if len(header) != 1 {
		t.Errorf("the caller's request was modified: %v", header)
	}
	if mem.Len() != 0 {
		t.Errorf("a fast, successful call logged: %q", mem.Messages())
	}

	// Two calls, two spans.
	do(t, c, ctx, "GET", up.URL, nil)
	if again := up.last().Get("Traceparent"); again == got.Get("Traceparent") {
		t.Error("two calls sent the same parent id")
	}

	// A traceparent set by the caller (another tracer) is left alone.
	own := "00-" + strings.Repeat("a", 32) + "-" + strings.Repeat("b", 16) + "-00"
	do(t, c, ctx, "GET", up.URL, http.Header{"Traceparent": {own}})
	if up.last().Get("Traceparent") != own {
		t.Errorf("caller's traceparent replaced by %q", up.last().Get("Traceparent"))
	}

	// No span, no baggage: nothing added.
	do(t, c, context.Background(), "GET", up.URL, nil)
	if h := up.last(); h.Get("Traceparent") != "" || h.Get("Baggage") != "" {
		t.Errorf("headers without a scope: %v", h)
	}

	// NoPropagation.
	quiet := newTransport(t, up.Client().Transport, &httpx.ClientOptions{Logger: logger, NoPropagation: true})
	do(t, quiet, ctx, "GET", up.URL, nil)
	if h := up.last(); h.Get("Traceparent") != "" || h.Get("Baggage") != "" {
		t.Errorf("NoPropagation sent %v", h)
	}
}

func TestTransportLogsFailedCalls(t *testing.T) {
	logger, mem := newLogger(t)
	up := newRecordingServer(t, 503)
	c := newTransport(t, up.Client().Transport, &httpx.ClientOptions{
		Logger: logger, RequestHeaders: []string{"Authorization", "X-Mine"}, ResponseHeaders: []string{"X-Upstream", "Set-Cookie"},
	})
	ctx, span := requestScope(t)
	url := strings.Replace(up.URL, "http://", "http://user:SECRETPASS@", 1) + "/pay?id=7&access_token=SECRETTOKEN"
	resp, err := do(t, c, ctx, "POST", url, http.Header{"Authorization": {"Bearer SECRETBEARER"}, "X-Mine": {"m"}})
	if err != nil || resp.StatusCode != 503 {
		t.Fatalf("%v %v", resp, err)
	}
	recs := mem.Records()
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0]
	a := attrs(r)
	out := fmt.Sprint(a, roots(r))
	if strings.Contains(out, "SECRET") || strings.Contains(out, "never logged") {
		t.Errorf("secret or body written: %s", out)
	}
	host, port, _ := strings.Cut(strings.TrimPrefix(up.URL, "http://"), ":")
	wantPort, _ := strconv.Atoi(port)
	if r.Level != slog.LevelError || r.Message() != "outbound request failed with 503" ||
		a["http.request.method"].String() != "POST" || a["http.response.status_code"].Int64() != 503 ||
		a["error.type"].String() != "503" || a["server.address"].String() != host || a["server.port"].Int64() != int64(wantPort) ||
		a["http.response.body.size"].Int64() != int64(len("body that is never logged")) {
		t.Errorf("record %q at %v: %v", r.Message(), r.Level, a)
	}
	// The root's redactor masks URL passwords and token pairs in text
	// too: either mask will do.
	if u := a["url.full"].String(); !strings.HasPrefix(u, "http://REDACTED:") || !strings.Contains(u, "@"+host) || !strings.Contains(u, "/pay?id=7&access_token=") {
		t.Errorf("url.full %q", u)
	}
	if fmt.Sprint(a["http.request.header.authorization"]) != "[REDACTED]" || fmt.Sprint(a["http.request.header.x-mine"]) != "[m]" ||
		fmt.Sprint(a["http.response.header.x-upstream"]) != "[u1]" || fmt.Sprint(a["http.response.header.set-cookie"]) != "[REDACTED]" {
		t.Errorf("headers %v", a)
	}
	// The record is in the call's span: span_id is the call's (sent as
	// the traceparent's parent-id), parent_span_id the request's.
	ids := roots(r)
	sent, _ := contextx.ParseTraceparent(up.last().Get("Traceparent"))
	if ids[contextx.SpanIDKey] != sent.SpanIDString() || ids[contextx.ParentSpanIDKey] != span.SpanIDString() || ids[contextx.TraceIDKey] != callerTrace {
		t.Errorf("ids %v; sent %v; request span %s", ids, sent, span.SpanIDString())
	}
}

func TestTransportLogsTransportErrorsAndCancels(t *testing.T) {
	logger, mem := newLogger(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close() // nothing listens there any more
	c := newTransport(t, nil, &httpx.ClientOptions{Logger: logger})
	if _, err := do(t, c, context.Background(), "GET", deadURL, nil); err == nil {
		t.Fatal("a call to a closed server succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := do(t, c, ctx, "GET", deadURL, nil); err == nil {
		t.Fatal("a canceled call succeeded")
	}
	recs := mem.Records()
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	if r := recs[0]; r.Level != slog.LevelError || r.Message() != "outbound request failed" || r.Err == nil ||
		attrs(r)["error.type"].String() == "" || attrs(r)["http.response.status_code"].Kind() != slog.KindAny {
		t.Errorf("transport error: %q at %v, err %v, attrs %v", r.Message(), r.Level, r.Err, attrs(r))
	}
	if r := recs[1]; r.Level != slog.LevelWarn || attrs(r)["error.type"].String() != "canceled" {
		t.Errorf("canceled: %q at %v, attrs %v", r.Message(), r.Level, attrs(r))
	}
}

func TestTransportSlowAndSuccessRecords(t *testing.T) {
	logger, mem := newLogger(t)
	up := newRecordingServer(t, 200)
	// Every real call takes more than a nanosecond.
	slow := newTransport(t, up.Client().Transport, &httpx.ClientOptions{Logger: logger, SlowThreshold: time.Nanosecond})
	do(t, slow, context.Background(), "GET", up.URL, nil)
	if recs := mem.Records(); len(recs) != 1 || recs[0].Level != slog.LevelWarn || recs[0].Message() != "slow outbound request" ||
		attrs(recs[0])["duration"].Duration() <= 0 {
		t.Fatalf("slow call: %v", mem.Messages())
	}
	all := newTransport(t, up.Client().Transport, &httpx.ClientOptions{Logger: logger, Success: slog.LevelDebug, SlowThreshold: -1})
	do(t, all, context.Background(), "GET", up.URL, nil)
	if recs := mem.Records(); len(recs) != 2 || recs[1].Level != slog.LevelDebug || recs[1].Message() != "outbound request" {
		t.Fatalf("Success level: %v", mem.Messages())
	}
	strict := newTransport(t, up.Client().Transport, &httpx.ClientOptions{Logger: logger, Failed: func(s int) bool { return s != 201 }})
	do(t, strict, context.Background(), "GET", up.URL, nil)
	if recs := mem.Records(); len(recs) != 3 || recs[2].Level != slog.LevelError {
		t.Fatalf("custom Failed: %v", mem.Messages())
	}
}

func TestTransportOptionErrors(t *testing.T) {
	for _, o := range []httpx.ClientOptions{
		{RequestHeaders: []string{"bad header"}},
		{ResponseHeaders: []string{""}},
		{SecretQueryKeys: []string{""}},
	} {
		if _, err := httpx.NewTransport(nil, &o); err == nil || !strings.HasPrefix(err.Error(), "httpx: ") {
			t.Errorf("%+v: err %v", o, err)
		}
	}
}

// ExampleNewTransport sends a call from inside a request scope: the
// service downstream receives the trace context.
func ExampleNewTransport() {
	downstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tp, _ := contextx.ParseTraceparent(r.Header.Get("Traceparent"))
		fmt.Println("downstream trace:", tp.TraceIDString())
		fmt.Println("downstream baggage:", r.Header.Get("Baggage"))
	}))
	defer downstream.Close()
	t, err := httpx.NewTransport(nil, nil)
	if err != nil {
		panic(err)
	}
	client := &http.Client{Transport: t}

	caller, _ := contextx.ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	ctx := contextx.WithSpan(context.Background(), contextx.SpanOf(caller).Child())
	b, _ := contextx.ParseBaggage("tenant=acme")
	ctx = contextx.WithBaggage(ctx, b)
	req, _ := http.NewRequestWithContext(ctx, "GET", downstream.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	// Output:
	// downstream trace: 4bf92f3577b34da6a3ce929d0e0e4736
	// downstream baggage: tenant=acme
}
