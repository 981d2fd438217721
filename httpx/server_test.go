package httpx_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/contextx"
	"github.com/loggerjs/loggerjs/httpx"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

const (
	callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan  = "00f067aa0ba902b7"
	callerTP    = "00-" + callerTrace + "-" + callerSpan + "-01"
)

// deep logs the way code far from the handler does: a logger with a
// group and bound attrs, and the request's context.
func deep(ctx context.Context, logger *slog.Logger) {
	logger.WithGroup("repo").With("table", "users").DebugContext(ctx, "query", "rows", 1)
}

// TestRecordDeepInHandlerCarriesRequestIDs: a record logged deep in a
// handler, inside a group, carries the request id and this service's
// span at the top level; the access record too.
func TestRecordDeepInHandlerCarriesRequestIDs(t *testing.T) {
	logger, mem := newLogger(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) {
		deep(r.Context(), logger)
		io.WriteString(w, "ada")
	})
	srv := serve(t, mux, &httpx.ServerOptions{Logger: logger})
	resp, body := get(t, srv.Client(), srv.URL+"/users/42?page=2", map[string]string{
		"X-Request-Id": "req-1", "Traceparent": callerTP, "Tracestate": "rojo=1", "User-Agent": "test/1.0",
	})
	if resp.StatusCode != 200 || body != "ada" || resp.Header.Get("X-Request-Id") != "req-1" {
		t.Fatalf("response %d %q, id %q", resp.StatusCode, body, resp.Header.Get("X-Request-Id"))
	}
	q := byMessage(mem, "query")
	if len(q) != 1 {
		t.Fatalf("%d query records", len(q))
	}
	ids := roots(q[0])
	if ids["request_id"] != "req-1" || ids[contextx.TraceIDKey] != callerTrace || ids[contextx.ParentSpanIDKey] != callerSpan ||
		ids[contextx.TraceFlagsKey] != "01" || len(ids[contextx.SpanIDKey]) != 16 || ids[contextx.SpanIDKey] == callerSpan {
		t.Errorf("root attrs of the deep record: %v", ids)
	}
	if a := attrs(q[0]); len(a) != 1 || a["rows"].Int64() != 1 || q[0].Scope == nil {
		t.Errorf("the record's own attrs: %v, scope %v", a, q[0].Scope)
	}

	acc := byMessage(mem, "request served")
	if len(acc) != 1 {
		t.Fatalf("%d access records", len(acc))
	}
	if got := roots(acc[0]); got[contextx.SpanIDKey] != ids[contextx.SpanIDKey] || got["request_id"] != "req-1" {
		t.Errorf("access record ids %v, deep record's %v", got, ids)
	}
	a := attrs(acc[0])
	want := map[string]string{
		"http.request.method": "GET", "http.route": "/users/{id}", "url.path": "/users/42", "url.query": "page=2",
		"url.scheme": "http", "http.response.status_code": "200", "http.response.body.size": "3",
		"client.address": "127.0.0.1", "user_agent.original": "test/1.0", "network.protocol.version": "1.1",
	}
	for k, v := range want {
		if a[k].String() != v {
			t.Errorf("%s = %q, want %q", k, a[k], v)
		}
	}
	if a["duration"].Kind() != slog.KindDuration || a["duration"].Duration() <= 0 {
		t.Errorf("duration %v", a["duration"])
	}
	if acc[0].Level != slog.LevelInfo {
		t.Errorf("level %v", acc[0].Level)
	}
}

// TestConcurrentRequestsKeepTheirOwnAttrs sends 100 requests at once to
// a real server; every record carries its own request's ids and no
// other's.
func TestConcurrentRequestsKeepTheirOwnAttrs(t *testing.T) {
	logger, mem := newLogger(t)
	release := make(chan struct{})
	var arrived sync.WaitGroup
	const n = 100
	arrived.Add(n)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		<-release // every request is in flight at once
		ctx := contextx.With(r.Context(), slog.String("user", r.URL.Query().Get("user")))
		logger.WithGroup("h").InfoContext(ctx, "handled", "want", r.URL.Query().Get("user"))
		deep(ctx, logger)
	})
	srv := serve(t, h, &httpx.ServerOptions{Logger: logger})
	client := srv.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = n
	traceOf := func(i int) string { return fmt.Sprintf("%032x", i+1) }
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, _ := get(t, client, fmt.Sprintf("%s/?user=u%d", srv.URL, i), map[string]string{
				"X-Request-Id": fmt.Sprintf("r%d", i),
				"Traceparent":  "00-" + traceOf(i) + "-" + callerSpan + "-01",
			})
			if resp.StatusCode != 200 {
				t.Errorf("request %d: status %d", i, resp.StatusCode)
			}
		})
	}
	arrived.Wait()
	close(release)
	wg.Wait()

	spans := map[string]string{} // request id -> span id
	seen := map[string]int{}
	for _, r := range mem.Records() {
		ids := roots(r)
		id := ids["request_id"]
		var i int
		if _, err := fmt.Sscanf(id, "r%d", &i); err != nil {
			t.Fatalf("record %q: request id %q", r.Message(), id)
		}
		seen[id]++
		if ids[contextx.TraceIDKey] != traceOf(i) {
			t.Errorf("%s: trace %s in request %s", r.Message(), ids[contextx.TraceIDKey], id)
		}
		if s, ok := spans[id]; ok && s != ids[contextx.SpanIDKey] {
			t.Errorf("request %s: two span ids %s, %s", id, s, ids[contextx.SpanIDKey])
		}
		spans[id] = ids[contextx.SpanIDKey]
		if r.Message() == "handled" {
			if u := ids["user"]; u != fmt.Sprintf("u%d", i) {
				t.Errorf("request %s: user %q", id, u)
			}
		}
	}
	if len(seen) != n {
		t.Errorf("%d request ids seen, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 3 { // handled, query, request served
			t.Errorf("request %s: %d records", id, c)
		}
	}
	distinct := map[string]bool{}
	for _, s := range spans {
		distinct[s] = true
	}
	if len(distinct) != n {
		t.Errorf("%d distinct span ids for %d requests", len(distinct), n)
	}
}

// TestPanicBecomes500AndAnErrorRecord: a panicking handler gives a 500
// and an Error record with the panic and the stack, in the request's
// scope; the server goes on.
func TestPanicBecomes500AndAnErrorRecord(t *testing.T) {
	logger, mem := newLogger(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Partial", "1")
		var s []int
		_ = s[len(r.URL.Path)] // an index out of range: a runtime error
	})
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {})
	srv := serve(t, mux, &httpx.ServerOptions{Logger: logger})
	resp, body := get(t, srv.Client(), srv.URL+"/boom", map[string]string{"X-Request-Id": "p1"})
	if resp.StatusCode != 500 || !strings.Contains(body, "Internal Server Error") || resp.Header.Get("X-Partial") != "" ||
		resp.Header.Get("X-Request-Id") != "p1" {
		t.Errorf("response %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp, _ := get(t, srv.Client(), srv.URL+"/ok", nil); resp.StatusCode != 200 {
		t.Errorf("after a panic: %d", resp.StatusCode)
	}
	p := byMessage(mem, "panic serving request")
	if len(p) != 1 {
		t.Fatalf("%d panic records", len(p))
	}
	a := attrs(p[0])
	if p[0].Level != slog.LevelError || p[0].Err == nil || !strings.Contains(a["panic"].String(), "index out of range") ||
		!strings.HasPrefix(a["error.type"].String(), "runtime.") {
		t.Errorf("panic record: level %v, err %v, attrs %v", p[0].Level, p[0].Err, a)
	}
	if st := a["stack"].String(); !strings.Contains(st, "TestPanicBecomes500AndAnErrorRecord") || !strings.Contains(st, "server_test.go") ||
		strings.Contains(st, "runtime/debug.Stack") || !strings.HasPrefix(st, "goroutine ") {
		t.Errorf("stack without the handler's frame:\n%s", st)
	}
	if roots(p[0])["request_id"] != "p1" {
		t.Errorf("panic record ids %v", roots(p[0]))
	}
	acc := byMessage(mem, "request served")
	if len(acc) != 2 || acc[0].Level != slog.LevelError || attrs(acc[0])["http.response.status_code"].Int64() != 500 ||
		attrs(acc[0])["error.type"].String() != "500" {
		t.Errorf("access record of the panic: %v", acc)
	}
}

// TestAbortHandlerIsRaisedAgain: net/http's http.ErrAbortHandler goes on
// up to the server, after the access record.
func TestAbortHandlerIsRaisedAgain(t *testing.T) {
	logger, mem := newLogger(t)
	mw, err := httpx.NewMiddleware(&httpx.ServerOptions{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "partial")
		panic(http.ErrAbortHandler)
	}))
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/abort", nil))
		t.Error("ServeHTTP returned")
	}()
	if n := len(byMessage(mem, "panic serving request")); n != 0 {
		t.Errorf("%d panic records for an abort", n)
	}
	acc := byMessage(mem, "request served")
	if len(acc) != 1 || acc[0].Level != slog.LevelWarn || attrs(acc[0])["error.type"].String() != "aborted" {
		t.Fatalf("access record: %v", acc)
	}

	// Through a real server, the client sees the connection cut.
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Error("an aborted response read whole")
	}
}

// TestPanicAfterTheResponseBeganAbortsIt: a handler that panics after
// writing cannot get a 500; the response is cut instead.
func TestPanicAfterTheResponseBeganAbortsIt(t *testing.T) {
	logger, mem := newLogger(t)
	mw, _ := httpx.NewMiddleware(&httpx.ServerOptions{Logger: logger})
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "half")
		panic(errors.New("late failure"))
	}))
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}()
	p := byMessage(mem, "panic serving request")
	if len(p) != 1 || p[0].Err == nil || p[0].Err.Error() != "late failure" {
		t.Fatalf("panic record: %v", p)
	}
	if acc := byMessage(mem, "request served"); len(acc) != 1 || attrs(acc[0])["error.type"].String() != "aborted" ||
		attrs(acc[0])["http.response.status_code"].Int64() != 200 {
		t.Errorf("access record %v", acc)
	}
}

// TestAccessRecordPrivacy: no body, only allowlisted headers, secret
// headers and query values REDACTED.
func TestAccessRecordPrivacy(t *testing.T) {
	logger, mem := newLogger(t)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Set-Cookie", "sid=SECRETCOOKIE")
		w.Header().Set("X-Cache", "hit")
		w.Write(append([]byte("echo:"), body...))
	})
	srv := serve(t, h, &httpx.ServerOptions{
		Logger:          logger,
		RequestHeaders:  []string{"Authorization", "accept", "X-Absent"},
		ResponseHeaders: []string{"set-cookie", "X-Cache"},
		SecretQueryKeys: []string{"otp"},
	})
	req, _ := http.NewRequest("POST", srv.URL+"/login?user=ada&token=SECRETTOKEN&otp=SECRETOTP&X-Amz-Signature=SECRETSIG&a%5Fkey=SECRETKEY", strings.NewReader("password=SECRETBODY"))
	req.Header.Set("Authorization", "Bearer SECRETBEARER")
	req.Header.Set("Accept", "text/plain")
	req.Header.Set("X-Not-Listed", "hidden-header")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	acc := byMessage(mem, "request served")
	if len(acc) != 1 {
		t.Fatalf("%d access records", len(acc))
	}
	a := attrs(acc[0])
	out := fmt.Sprint(a, roots(acc[0]))
	for _, secret := range []string{"SECRET", "hidden-header"} {
		if strings.Contains(out, secret) {
			t.Errorf("%s written: %s", secret, out)
		}
	}
	// The root's redactor masks token=... in text too: either mask will do.
	if got := a["url.query"].String(); !strings.HasPrefix(got, "user=ada&token=") || !strings.HasSuffix(got, "&otp=REDACTED&X-Amz-Signature=REDACTED&a%5Fkey=REDACTED") {
		t.Errorf("url.query %q", got)
	}
	if got := fmt.Sprint(a["http.request.header.authorization"]); got != "[REDACTED]" {
		t.Errorf("authorization %s", got)
	}
	if got := fmt.Sprint(a["http.request.header.accept"]); got != "[text/plain]" {
		t.Errorf("accept %s", got)
	}
	if got := fmt.Sprint(a["http.response.header.set-cookie"]); got != "[REDACTED]" {
		t.Errorf("set-cookie %s", got)
	}
	if got := fmt.Sprint(a["http.response.header.x-cache"]); got != "[hit]" {
		t.Errorf("x-cache %s", got)
	}
	if _, ok := a["http.request.header.x-absent"]; ok {
		t.Error("an absent header written")
	}
	if a["http.request.body.size"].Int64() != int64(len("password=SECRETBODY")) || a["http.request.method"].String() != "POST" {
		t.Errorf("request size and method: %v", a)
	}
}

// TestLevelsSkipsAndIDs covers the level by status, a custom level
// function, skipped paths, request ids that are refused, a custom id
// header and maker, and SetRoute and RequestID.
func TestLevelsSkipsAndIDs(t *testing.T) {
	logger, mem := newLogger(t)
	var seenID string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seenID = httpx.RequestID(r.Context())
		httpx.SetRoute(r.Context(), "/custom/{x}")
		switch r.URL.Path {
		case "/404":
			http.NotFound(w, r)
		case "/503":
			w.WriteHeader(503)
		case "/early-hints":
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusAccepted)
		}
	})
	srv := serve(t, h, &httpx.ServerOptions{
		Logger: logger, SkipPaths: []string{"/healthz"},
		Skip:            func(r *http.Request) bool { return r.URL.Path == "/metrics" },
		RequestIDHeader: "x-correlation-id", NewRequestID: func() string { return "made" },
	})
	for _, tt := range []struct {
		path, id   string
		level      slog.Level
		status     int
		wantID     string
		accessSeen bool
	}{
		{"/200", "given", slog.LevelInfo, 200, "given", true},
		{"/404", "", slog.LevelWarn, 404, "made", true},
		{"/503", "has space", slog.LevelError, 503, "made", true},
		{"/early-hints", strings.Repeat("x", 129), slog.LevelInfo, 202, "made", true},
		{"/healthz", "h", 0, 200, "h", false},
		{"/metrics", "m", 0, 200, "m", false},
	} {
		n := len(byMessage(mem, "request served"))
		resp, _ := get(t, srv.Client(), srv.URL+tt.path, map[string]string{"X-Correlation-Id": tt.id})
		if resp.StatusCode != tt.status || resp.Header.Get("X-Correlation-Id") != tt.wantID || seenID != tt.wantID {
			t.Errorf("%s: status %d, id %q, handler saw %q", tt.path, resp.StatusCode, resp.Header.Get("X-Correlation-Id"), seenID)
		}
		acc := byMessage(mem, "request served")
		if !tt.accessSeen {
			if len(acc) != n {
				t.Errorf("%s: access record written for a skipped path", tt.path)
			}
			continue
		}
		if len(acc) != n+1 {
			t.Fatalf("%s: no access record", tt.path)
		}
		last := acc[n]
		a := attrs(last)
		if last.Level != tt.level || a["http.response.status_code"].Int64() != int64(tt.status) || a["http.route"].String() != "/custom/{x}" {
			t.Errorf("%s: level %v, attrs %v", tt.path, last.Level, a)
		}
	}
	if httpx.RequestID(context.Background()) != "" {
		t.Error("a request id outside a request")
	}
	httpx.SetRoute(context.Background(), "/nothing") // does nothing, does not panic

	// A custom level function, and a new id whatever came.
	logger2, mem2 := newLogger(t)
	srv2 := serve(t, http.NotFoundHandler(), &httpx.ServerOptions{
		Logger: logger2, IgnoreRequestID: true,
		Level: func(status int) slog.Level { return slog.LevelDebug },
	})
	resp, _ := get(t, srv2.Client(), srv2.URL, map[string]string{"X-Request-Id": "spoofed"})
	if id := resp.Header.Get("X-Request-Id"); id == "spoofed" || len(id) != 16 {
		t.Errorf("IgnoreRequestID: id %q", id)
	}
	if acc := byMessage(mem2, "request served"); len(acc) != 1 || acc[0].Level != slog.LevelDebug {
		t.Errorf("custom level: %v", acc)
	}
}

// TestW3CHarnessThroughTheServer replays the trace-context harness on
// the middleware: what the handler's outbound call sends for each
// incoming set of headers.
func TestW3CHarnessThroughTheServer(t *testing.T) {
	logger, _ := newLogger(t)
	var mu sync.Mutex
	var got http.Header
	downstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Clone()
		mu.Unlock()
	}))
	defer downstream.Close()
	tr, err := httpx.NewTransport(downstream.Client().Transport, &httpx.ClientOptions{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: tr}
	var serverSpan string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := contextx.SpanFrom(r.Context())
		serverSpan = s.SpanIDString()
		req, _ := http.NewRequestWithContext(r.Context(), "GET", downstream.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		resp.Body.Close()
	})
	srv := serve(t, h, &httpx.ServerOptions{Logger: logger})

	send := func(headers [][2]string) (contextx.Traceparent, http.Header) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL, nil)
		for _, kv := range headers {
			req.Header.Add(kv[0], kv[1])
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		mu.Lock()
		defer mu.Unlock()
		tps := got.Values("Traceparent")
		if len(tps) != 1 {
			t.Fatalf("%d traceparent headers sent", len(tps))
		}
		tp, err := contextx.ParseTraceparent(tps[0])
		if err != nil || tp.Version != 0 {
			t.Fatalf("sent %q: %v", tps[0], err)
		}
		return tp, got
	}
	const id = "12345678901234567890123456789012"
	// Missing: a new trace.
	if tp, _ := send(nil); tp.TraceIDString() == id {
		t.Error("no traceparent: the trace id is not new")
	}
	// Included: same trace, new parent id, the call's own span.
	tp, hdr := send([][2]string{{"traceparent", "00-" + id + "-1234567890123456-01"}, {"tracestate", "foo=1,bar=2"}})
	if tp.TraceIDString() != id || tp.SpanIDString() == "1234567890123456" || tp.SpanIDString() == serverSpan || !tp.Sampled() {
		t.Errorf("included: sent %v (server span %s)", tp, serverSpan)
	}
	if hdr.Get("Tracestate") != "foo=1,bar=2" {
		t.Errorf("tracestate sent %q", hdr.Get("Tracestate"))
	}
	// Duplicated traceparent: a new trace.
	if tp, _ := send([][2]string{{"traceparent", "00-12345678901234567890123456789011-1234567890123456-01"}, {"traceparent", "00-" + id + "-1234567890123456-01"}}); tp.TraceIDString() == id || tp.TraceIDString() == "12345678901234567890123456789011" {
		t.Error("duplicated traceparent kept")
	}
	// Future version: kept, sent as 00.
	if tp, _ := send([][2]string{{"traceparent", "cc-" + id + "-1234567890123456-01-what-the-future-will-be-like"}}); tp.TraceIDString() != id {
		t.Error("future version dropped")
	}
	// Invalid: a new trace, and its tracestate dropped.
	tp, hdr = send([][2]string{{"traceparent", "00-00000000000000000000000000000000-1234567890123456-01"}, {"tracestate", "foo=1"}})
	if tp.TraceIDString() == "00000000000000000000000000000000" || hdr.Get("Tracestate") != "" {
		t.Errorf("invalid traceparent: %v, tracestate %q", tp, hdr.Get("Tracestate"))
	}
	// Tracestate without traceparent: dropped.
	if _, hdr := send([][2]string{{"tracestate", "foo=1"}}); hdr.Get("Tracestate") != "" {
		t.Error("tracestate without traceparent passed on")
	}
	// Tracestate with duplicated keys: dropped; the trace kept.
	if tp, hdr := send([][2]string{{"traceparent", "00-" + id + "-1234567890123456-00"}, {"tracestate", "foo=1"}, {"tracestate", "foo=2"}}); tp.TraceIDString() != id || hdr.Get("Tracestate") != "" || tp.Sampled() {
		t.Errorf("duplicated tracestate keys: %v %q", tp, hdr.Get("Tracestate"))
	}
	// Baggage travels on.
	if _, hdr := send([][2]string{{"baggage", "userId=alice"}, {"baggage", "serverNode=DF%2028,isProduction=false"}}); hdr.Get("Baggage") != "userId=alice,serverNode=DF%2028,isProduction=false" {
		t.Errorf("baggage sent %q", hdr.Get("Baggage"))
	}
}

// TestIgnoreIncomingTrace starts a new trace whatever came.
func TestIgnoreIncomingTrace(t *testing.T) {
	logger, mem := newLogger(t)
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if contextx.BaggageFrom(r.Context()).Len() != 0 {
			t.Error("baggage taken")
		}
	}), &httpx.ServerOptions{Logger: logger, IgnoreIncomingTrace: true})
	get(t, srv.Client(), srv.URL, map[string]string{"Traceparent": callerTP, "Baggage": "a=1"})
	ids := roots(byMessage(mem, "request served")[0])
	if ids[contextx.TraceIDKey] == callerTrace || ids[contextx.ParentSpanIDKey] != "" || ids[contextx.TraceFlagsKey] != "03" {
		t.Errorf("ids %v", ids)
	}
}

// TestFingersCrossedScopePerRequest: with a fingers-crossed sink as a
// scope, a request that ends well writes nothing of its detail, and one
// that fails writes all of it, and only its own.
func TestFingersCrossedScopePerRequest(t *testing.T) {
	mem := sinks.Memory()
	fc, err := middleware.FingersCrossed(mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	var _ httpx.Scope = fc
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"fc": fc},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"fc"}, Level: slog.LevelDebug}},
		Middleware: []loggerjs.Middleware{middleware.TraceContext(nil)},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		logger.DebugContext(r.Context(), "detail of ok")
	})
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) {
		logger.DebugContext(r.Context(), "detail of fail")
		w.WriteHeader(500)
	})
	srv := serve(t, mux, &httpx.ServerOptions{Logger: logger, Scopes: []httpx.Scope{fc}})
	get(t, srv.Client(), srv.URL+"/ok", map[string]string{"X-Request-Id": "ok"})
	get(t, srv.Client(), srv.URL+"/fail", map[string]string{"X-Request-Id": "fail"})
	got := mem.Messages()
	if fmt.Sprint(got) != "[detail of fail request served]" {
		t.Errorf("written: %q", got)
	}
	for _, r := range mem.Records() {
		if roots(r)["request_id"] != "fail" {
			t.Errorf("%q of request %q written", r.Message(), roots(r)["request_id"])
		}
	}
	if fc.Held() != 0 {
		t.Errorf("%d records still held after the requests", fc.Held())
	}
	if _, err := httpx.NewMiddleware(&httpx.ServerOptions{Scopes: []httpx.Scope{nil}}); err == nil {
		t.Error("nil scope accepted")
	}
}

func TestServerOptionErrors(t *testing.T) {
	for _, o := range []httpx.ServerOptions{
		{RequestIDHeader: "bad header"},
		{RequestHeaders: []string{"ok", ""}},
		{ResponseHeaders: []string{"a:b"}},
		{SecretQueryKeys: []string{""}},
	} {
		if _, err := httpx.NewMiddleware(&o); err == nil || !strings.HasPrefix(err.Error(), "httpx: ") {
			t.Errorf("%+v: err %v", o, err)
		}
	}
	if _, err := httpx.NewMiddleware(nil); err != nil {
		t.Errorf("nil options: %v", err)
	}
}

// TestWriterKeepsOptionalInterfaces: Flush, ReadFrom and
// http.ResponseController reach the real writer, and sizes are counted.
func TestWriterKeepsOptionalInterfaces(t *testing.T) {
	logger, mem := newLogger(t)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := w.(http.Flusher); !ok {
			t.Error("not a Flusher")
		}
		io.WriteString(w, "ab")
		w.(http.Flusher).Flush()
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Error(err)
		}
		if _, err := w.(io.ReaderFrom).ReadFrom(strings.NewReader("cde")); err != nil {
			t.Error(err)
		}
	})
	srv := serve(t, h, &httpx.ServerOptions{Logger: logger})
	if _, body := get(t, srv.Client(), srv.URL, nil); body != "abcde" {
		t.Errorf("body %q", body)
	}
	if a := attrs(byMessage(mem, "request served")[0]); a["http.response.body.size"].Int64() != 5 {
		t.Errorf("size %v", a["http.response.body.size"])
	}
}

// ExampleNewMiddleware serves one request with the middleware and shows
// its access record (the time, duration, ids and client port left out).
func ExampleNewMiddleware() {
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"out": sinks.Stdout(exampleJSON())},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
	})
	mw, err := httpx.NewMiddleware(&httpx.ServerOptions{Logger: logger})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello/{name}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello, %s", r.PathValue("name"))
	})
	req := httptest.NewRequest("GET", "/hello/ada", nil)
	req.Header.Set("X-Request-Id", "r-1")
	mw(mux).ServeHTTP(httptest.NewRecorder(), req)
	// Output:
	// {"level":"INFO","msg":"request served","request_id":"r-1","http.request.method":"GET","http.route":"/hello/{name}","url.path":"/hello/ada","url.scheme":"http","http.response.status_code":200,"http.response.body.size":10,"client.address":"192.0.2.1","network.protocol.version":"1.1"}
}
