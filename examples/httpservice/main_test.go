package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// console is the service's console, safe to read while it writes.
type console struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(p)
}

// lines returns the first line of every record written.
func (c *console) lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for l := range strings.Lines(c.buf.String()) {
		if !strings.HasPrefix(l, " ") {
			out = append(out, strings.TrimSuffix(l, "\n"))
		}
	}
	return out
}

var fieldRE = regexp.MustCompile(`([a-z_.]+)=("(?:[^"\\]|\\.)*"|\S+)`)

// fields returns the key=value pairs of a pretty line.
func fields(line string) map[string]string {
	m := map[string]string{}
	for _, f := range fieldRE.FindAllStringSubmatch(line, -1) {
		m[f[1]] = f[2]
	}
	return m
}

// find returns the lines that have prefix (level and category) and msg,
// and every field of want.
func find(lines []string, prefix string, want map[string]string) []map[string]string {
	var out []map[string]string
next:
	for _, l := range lines {
		if !strings.HasPrefix(l, prefix) {
			continue
		}
		f := fields(l)
		for k, v := range want {
			if f[k] != v {
				continue next
			}
		}
		out = append(out, f)
	}
	return out
}

// start runs the service on a loopback port and returns its URL, its
// console, a func that stops it and waits for run to return, and the
// channel run's error comes on.
func start(t *testing.T, demo bool) (string, *console, func() error, <-chan error) {
	t.Helper()
	out := &console{}
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, options{
			addr: "127.0.0.1:0", demo: demo, out: out, format: sinks.ConsolePretty,
			pretty: &codecs.PrettyOptions{OmitTime: true},
			ready:  func(u string) error { urls <- u; return nil },
		})
	}()
	var url string
	select {
	case url = <-urls:
	case err := <-done:
		cancel()
		t.Fatalf("run returned before it listened: %v", err)
	}
	stop := func() error {
		cancel()
		return <-done
	}
	t.Cleanup(func() { cancel() })
	return url, out, stop, done
}

func fetch(t *testing.T, url string, header map[string]string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

// TestServiceRecords drives the service with real requests and checks
// what it wrote on its pretty console.
func TestServiceRecords(t *testing.T) {
	url, out, stop, _ := start(t, false)

	// A traced request: this service's span is a child of the caller's.
	status, body, _ := fetch(t, url+"/users/1", map[string]string{
		"X-Request-Id": "req-users-1", "Traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"Authorization": "Bearer SECRET-TOKEN",
	})
	if status != 200 || !strings.Contains(body, `"ada"`) {
		t.Fatalf("/users/1: %d %s", status, body)
	}
	// A failed outbound call: the Debug detail of the request comes out.
	if status, _, _ := fetch(t, url+"/orders/2", map[string]string{"X-Request-Id": "req-orders-2"}); status != 502 {
		t.Errorf("/orders/2: %d", status)
	}
	// A panic: 500, and the request id in the response.
	status, _, h := fetch(t, url+"/panic", map[string]string{"X-Request-Id": "req-panic"})
	if status != 500 || h.Get("X-Request-Id") != "req-panic" {
		t.Errorf("/panic: %d, id %q", status, h.Get("X-Request-Id"))
	}
	// A health check: served, not logged.
	if status, _, _ := fetch(t, url+"/healthz", map[string]string{"X-Request-Id": "req-health"}); status != 200 {
		t.Errorf("/healthz: %d", status)
	}
	// A request that ends well: its Debug detail is held back.
	fetch(t, url+"/users/2", map[string]string{"X-Request-Id": "req-users-2"})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	lines := out.lines()
	all := strings.Join(lines, "\n")
	if strings.Contains(all, "SECRET-TOKEN") {
		t.Errorf("a secret reached the console:\n%s", all)
	}

	access := find(lines, "INFO  http.server: request served", map[string]string{"request_id": "req-users-1"})
	if len(access) != 1 {
		t.Fatalf("access record of /users/1 missing:\n%s", all)
	}
	a := access[0]
	for k, v := range map[string]string{
		"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "parent_span_id": "00f067aa0ba902b7", "trace_flags": "01",
		"http.request.method": "GET", "http.route": "/users/{id}", "url.path": "/users/1", "http.response.status_code": "200",
		"client.address": "127.0.0.1", "http.request.header.authorization": "[REDACTED]",
	} {
		if a[k] != v {
			t.Errorf("/users/1 access record: %s=%q, want %q", k, a[k], v)
		}
	}
	if a["span_id"] == "" || a["span_id"] == "00f067aa0ba902b7" || a["duration"] == "" {
		t.Errorf("/users/1 access record: span_id %q, duration %q", a["span_id"], a["duration"])
	}

	// /orders/2: the held Debug record, the failed call and the app's
	// Error all carry the request's ids; the call is a child span.
	order := find(lines, "ERROR http.server: request served", map[string]string{"request_id": "req-orders-2"})
	debug := find(lines, "DEBUG app: checking stock", map[string]string{"request_id": "req-orders-2"})
	call := find(lines, "ERROR http.client: outbound request failed with 503", map[string]string{"request_id": "req-orders-2"})
	if len(order) != 1 || len(debug) != 1 || len(call) != 1 {
		t.Fatalf("/orders/2: %d access, %d debug, %d call records:\n%s", len(order), len(debug), len(call), all)
	}
	if debug[0]["span_id"] != order[0]["span_id"] || call[0]["parent_span_id"] != order[0]["span_id"] || call[0]["trace_id"] != order[0]["trace_id"] {
		t.Errorf("/orders/2 ids: access %v, debug %v, call %v", order[0], debug[0], call[0])
	}
	// The inventory request it made is served in the same trace, as a
	// child of the call.
	inv := find(lines, "ERROR http.server: request served", map[string]string{"url.path": "/inventory/unknown"})
	if len(inv) != 1 || inv[0]["trace_id"] != order[0]["trace_id"] || inv[0]["parent_span_id"] != call[0]["span_id"] {
		t.Errorf("inventory access record %v; call %v", inv, call[0])
	}

	// /panic: the Error record with its stack, the held Debug record,
	// and a 500 access record.
	if p := find(lines, "ERROR http.server: panic serving request", map[string]string{"request_id": "req-panic"}); len(p) != 1 || !strings.Contains(p[0]["panic"], "nil pointer") {
		t.Errorf("panic record: %v", p)
	}
	if !strings.Contains(out.buf.String(), "    stack:\n      goroutine ") || !strings.Contains(out.buf.String(), "main.go:") {
		t.Errorf("no stack under the panic record:\n%s", out.buf.String())
	}
	if len(find(lines, "DEBUG app: about to fail", map[string]string{"request_id": "req-panic"})) != 1 ||
		len(find(lines, "ERROR http.server: request served", map[string]string{"request_id": "req-panic", "http.response.status_code": "500"})) != 1 {
		t.Errorf("panic request records:\n%s", all)
	}

	// Skipped and held back.
	if strings.Contains(all, "req-health") {
		t.Error("the health check was logged")
	}
	if len(find(lines, "DEBUG app: query", map[string]string{"request_id": "req-users-2"})) != 0 ||
		len(find(lines, "INFO  http.server: request served", map[string]string{"request_id": "req-users-2"})) != 1 {
		t.Errorf("/users/2: its Debug detail written, or its access record missing:\n%s", all)
	}
	if !strings.Contains(all, "INFO  app: shutting down") {
		t.Error("no shutdown record")
	}
}

// TestDemoStopsByItself runs the service as -demo does: it sends its
// requests and returns without being stopped.
func TestDemoStopsByItself(t *testing.T) {
	_, out, _, done := start(t, true)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatalf("the demo did not stop:\n%s", strings.Join(out.lines(), "\n"))
	}
	lines := out.lines()
	for _, d := range demoRequests[:5] {
		if len(find(lines, "", map[string]string{"url.path": d.path})) == 0 {
			t.Errorf("no record of the demo's %s:\n%s", d.path, strings.Join(lines, "\n"))
		}
	}
	if !strings.Contains(strings.Join(lines, "\n"), "INFO  app: shutting down") {
		t.Error("no shutdown record")
	}
}
