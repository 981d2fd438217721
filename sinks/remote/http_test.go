package remote

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
)

// fakeCollector is an httptest server that stands in for a log collector.
// Its fail function may answer a request itself (an error status, a hang,
// a reset) and return true; otherwise the request is accepted and its
// records counted.
type fakeCollector struct {
	srv      *httptest.Server
	requests atomic.Int64
	got      atomic.Int64
	fail     func(n int64, w http.ResponseWriter, r *http.Request) bool
	count    func(body []byte) int // records in an accepted body; default NDJSON lines
	check    func(r *http.Request, body []byte)
}

func newFakeCollector(t *testing.T) *fakeCollector {
	c := &fakeCollector{}
	c.srv = httptest.NewServer(http.HandlerFunc(c.serve))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *fakeCollector) serve(w http.ResponseWriter, r *http.Request) {
	n := c.requests.Add(1)
	if c.fail != nil && c.fail(n, w, r) {
		return
	}
	var rd io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rd = zr
	}
	body, err := io.ReadAll(rd)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if c.check != nil {
		c.check(r, body)
	}
	if c.count != nil {
		c.got.Add(int64(c.count(body)))
	} else {
		c.got.Add(int64(bytes.Count(body, []byte("\n"))))
	}
	w.WriteHeader(http.StatusNoContent)
}

// reset closes the request's connection with a TCP RST.
func reset(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.(*net.TCPConn).SetLinger(0)
	conn.Close()
}

// pump advances clk past any backoff until cond holds.
func pump(t *testing.T, clk *fakeClock, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		clk.Advance(time.Second)
		time.Sleep(time.Millisecond)
	}
}

// must returns v, and panics (failing the test) on err.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func httpOpts(clk *fakeClock) *HTTPOptions {
	return &HTTPOptions{Batch: sinks.BatchOptions{MaxRecords: 5, MaxWait: time.Second, MaxBackoff: time.Second, BaseBackoff: 100 * time.Millisecond, ShipTimeout: 200 * time.Millisecond, Clock: clk}}
}

func logN(s interface {
	Write(context.Context, *loggerjs.Record) error
}, from, to int) {
	for i := from; i < to; i++ {
		s.Write(context.Background(), rec(i))
	}
}

func TestHTTP503ThenRecovers(t *testing.T) {
	clk := newFakeClock()
	c := newFakeCollector(t)
	c.fail = func(n int64, w http.ResponseWriter, _ *http.Request) bool {
		if n <= 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}
		return false
	}
	s := must(HTTP(c.srv.URL, jsonCodec, httpOpts(clk)))
	logN(s, 0, 10)
	pump(t, clk, "delivery", func() bool { return c.got.Load() == 10 })
	closeNow(t, s)
	st := s.SinkStats()
	checkAccounting(t, 10, c.got.Load(), 0, st)
	if st["retried"] != 3 || st["breaker_state"] != breakerClosed {
		t.Fatalf("stats %v", st)
	}
}

func TestHTTP429RetryAfter(t *testing.T) {
	clk := newFakeClock()
	c := newFakeCollector(t)
	c.fail = func(n int64, w http.ResponseWriter, _ *http.Request) bool {
		if n == 1 {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
		return false
	}
	s := must(HTTP(c.srv.URL, jsonCodec, httpOpts(clk)))
	logN(s, 0, 5)
	eventually(t, "first request", func() bool { return c.requests.Load() == 1 })
	clk.waitTimers(t, 1)
	clk.Advance(2999 * time.Millisecond) // past MaxBackoff, short of Retry-After
	time.Sleep(5 * time.Millisecond)
	if c.requests.Load() != 1 {
		t.Fatal("retried before Retry-After")
	}
	clk.Advance(time.Millisecond)
	eventually(t, "delivery", func() bool { return c.got.Load() == 5 })
	closeNow(t, s)
	checkAccounting(t, 5, c.got.Load(), 0, s.SinkStats())
}

func TestRetryAfterHTTPDate(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if d, ok := retryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now); !ok || d != 90*time.Second {
		t.Fatalf("got %v %v", d, ok)
	}
	if _, ok := retryAfter("soon", now); ok {
		t.Fatal("parsed garbage")
	}
}

func TestHTTPHangsPastTimeout(t *testing.T) {
	clk := newFakeClock()
	c := newFakeCollector(t)
	release := make(chan struct{})
	defer close(release)
	c.fail = func(n int64, w http.ResponseWriter, _ *http.Request) bool {
		if n == 1 {
			<-release // a collector that stops answering
			return true
		}
		return false
	}
	s := must(HTTP(c.srv.URL, jsonCodec, httpOpts(clk)))
	logN(s, 0, 5)
	pump(t, clk, "delivery after the timeout", func() bool { return c.got.Load() == 5 })
	closeNow(t, s)
	st := s.SinkStats()
	checkAccounting(t, 5, c.got.Load(), 0, st)
	if st["retried"] != 1 {
		t.Fatalf("stats %v", st)
	}
}

func TestHTTPCloseDeadlineWhileCollectorHangs(t *testing.T) {
	c := newFakeCollector(t)
	release := make(chan struct{})
	defer close(release)
	c.fail = func(int64, http.ResponseWriter, *http.Request) bool { <-release; return true }
	s := must(HTTP(c.srv.URL, jsonCodec, &HTTPOptions{Batch: sinks.BatchOptions{MaxRecords: 5, ShipTimeout: time.Hour}}))
	logN(s, 0, 12)
	eventually(t, "a request hanging", func() bool { return c.requests.Load() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := s.Close(ctx); err == nil {
		t.Fatal("Close met its deadline")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Close took %v", d)
	}
	st := s.SinkStats()
	if st["dropped_flush_deadline"] != 12 {
		t.Fatalf("stats %v", st)
	}
	checkAccounting(t, 12, c.got.Load(), 0, st)
}

func TestHTTPConnectionResets(t *testing.T) {
	clk := newFakeClock()
	c := newFakeCollector(t)
	c.fail = func(n int64, w http.ResponseWriter, _ *http.Request) bool {
		if n <= 2 {
			reset(w)
			return true
		}
		return false
	}
	s := must(HTTP(c.srv.URL, jsonCodec, httpOpts(clk)))
	logN(s, 0, 10)
	pump(t, clk, "delivery after resets", func() bool { return c.got.Load() == 10 })
	closeNow(t, s)
	st := s.SinkStats()
	checkAccounting(t, 10, c.got.Load(), 0, st)
	if st["retried"] < 2 {
		t.Fatalf("stats %v", st)
	}
}

func TestHTTPCollectorGoneThenBackBreaker(t *testing.T) {
	clk := newFakeClock()
	c := newFakeCollector(t)
	addr := c.srv.Listener.Addr().String()
	// MaxWait never passes on clk: each Flush ships the one record
	// written before it, so the loss it reports is that record's.
	s := must(HTTP(c.srv.URL, jsonCodec, &HTTPOptions{Batch: sinks.BatchOptions{
		MaxRecords: 100, MaxRetries: -1, BreakerFailures: 3, BreakerCooldown: 30 * time.Second,
		ShipTimeout: time.Second, Clock: clk}}))
	meta := newMetaLog()
	s.SetMetaReporter("http", meta)
	send := func(i int, lost string) {
		t.Helper()
		s.Write(context.Background(), rec(i))
		n := int64(0)
		if lost != "" {
			n = 1
		}
		wantLoss(t, s.Flush(context.Background()), lost, n)
	}
	send(0, "")
	c.srv.Close() // the collector goes away entirely
	for i := 1; i <= 3; i++ {
		send(i, "dropped_retries_exhausted") // connection refused, three times: the breaker opens
	}
	if st := s.SinkStats(); st["breaker_state"] != breakerOpen {
		t.Fatalf("breaker not open: %v", st)
	}
	send(4, "dropped_circuit_open") // refused by the breaker without a request
	send(5, "dropped_circuit_open")
	if st := s.SinkStats(); st["dropped_circuit_open"] != 2 {
		t.Fatalf("stats %v", s.SinkStats())
	}

	// The collector comes back on the same address.
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	back := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(c.serve)}}
	back.Start()
	defer back.Close()
	send(6, "dropped_circuit_open") // still open: dropped
	clk.Advance(30 * time.Second)
	send(7, "") // the half-open probe succeeds
	if st := s.SinkStats(); st["breaker_state"] != breakerClosed {
		t.Fatalf("breaker not closed after probe: %v", st)
	}
	send(8, "")
	closeNow(t, s)
	st := s.SinkStats()
	checkAccounting(t, 9, c.got.Load(), 0, st)
	if c.got.Load() != 3 || st["dropped_retries_exhausted"] != 3 || st["dropped_circuit_open"] != 3 || st["breaker_opened"] != 1 {
		t.Fatalf("got %d; stats %v", c.got.Load(), st)
	}
	msgs := strings.Join(meta.all(), "\n")
	if !strings.Contains(msgs, "circuit breaker open") || !strings.Contains(msgs, "circuit breaker closed") {
		t.Fatalf("meta reports: %s", msgs)
	}
}

func TestHTTPStatusClasses(t *testing.T) {
	for _, tc := range []struct {
		name     string
		code     int
		retry500 bool
		attempts int64
		reason   string
	}{
		{"400 dropped", 400, false, 1, "dropped_rejected"},
		{"413 dropped", 413, false, 1, "dropped_rejected"},
		{"500 dropped by default", 500, false, 1, "dropped_rejected"},
		{"500 retried with Retry500", 500, true, 3, "dropped_retries_exhausted"},
		{"408 retried", 408, false, 3, "dropped_retries_exhausted"},
		{"502 retried", 502, false, 3, "dropped_retries_exhausted"},
		{"504 retried", 504, false, 3, "dropped_retries_exhausted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			c := newFakeCollector(t)
			c.fail = func(_ int64, w http.ResponseWriter, _ *http.Request) bool {
				w.WriteHeader(tc.code)
				return true
			}
			o := httpOpts(clk)
			o.Batch.MaxRetries = 2
			o.Retry500 = tc.retry500
			s := must(HTTP(c.srv.URL, jsonCodec, o))
			logN(s, 0, 5)
			pump(t, clk, tc.reason, func() bool { return s.SinkStats()[tc.reason] == 5 })
			closeLosing(t, s, tc.reason, 5)
			if c.requests.Load() != tc.attempts {
				t.Fatalf("%d requests, want %d", c.requests.Load(), tc.attempts)
			}
			checkAccounting(t, 5, 0, 0, s.SinkStats())
		})
	}
}

func TestHTTPRequestShape(t *testing.T) {
	c := newFakeCollector(t)
	var seen atomic.Value
	c.check = func(r *http.Request, body []byte) {
		seen.Store(r.Header.Get("Content-Type") + "|" + r.Header.Get("Content-Encoding") + "|" +
			r.Header.Get("Authorization") + "|" + r.Header.Get("X-Team") + "|" + r.Method)
	}
	s := must(HTTP(c.srv.URL, jsonCodec, &HTTPOptions{BearerToken: "t0k", Header: http.Header{"X-Team": {"core"}}}))
	logN(s, 0, 3)
	closeNow(t, s)
	if got := seen.Load(); got != "application/x-ndjson|gzip|Bearer t0k|core|POST" {
		t.Fatalf("request %v", got)
	}
	checkAccounting(t, 3, c.got.Load(), 0, s.SinkStats())
}

func TestLokiPreset(t *testing.T) {
	c := newFakeCollector(t)
	var tenant atomic.Value
	c.count = func(body []byte) int {
		var req struct {
			Streams []struct {
				Stream map[string]string
				Values [][2]string
			}
		}
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("bad Loki body %s: %v", body, err)
			return 0
		}
		n := 0
		for _, st := range req.Streams {
			if st.Stream["job"] != "api" || st.Stream["level"] == "" {
				t.Errorf("stream labels %v", st.Stream)
			}
			for _, v := range st.Values {
				if v[0] != "1778051289000000000" || !strings.HasPrefix(v[1], `{"time":`) {
					t.Errorf("value %q", v)
				}
				n++
			}
		}
		return n
	}
	c.check = func(r *http.Request, _ []byte) { tenant.Store(r.Header.Get("X-Scope-OrgID")) }
	s := must(Loki(c.srv.URL, &LokiOptions{Labels: map[string]string{"job": "api"}, TenantID: "acme"}))
	logN(s, 0, 4)
	w := rec(5)
	w.Level = 4
	s.Write(context.Background(), w)
	closeNow(t, s)
	if c.got.Load() != 5 || tenant.Load() != "acme" {
		t.Fatalf("got %d, tenant %v", c.got.Load(), tenant.Load())
	}
	checkAccounting(t, 5, c.got.Load(), 0, s.SinkStats())
}

func TestOTLPPreset(t *testing.T) {
	c := newFakeCollector(t)
	c.count = func(body []byte) int {
		var req struct {
			ResourceLogs []struct {
				ScopeLogs []struct {
					LogRecords []struct {
						SeverityText string
						Body         struct{ StringValue string }
					}
				}
			}
		}
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("bad OTLP body %s: %v", body, err)
			return 0
		}
		n := 0
		for _, rl := range req.ResourceLogs {
			for _, sl := range rl.ScopeLogs {
				for _, lr := range sl.LogRecords {
					if lr.SeverityText != "INFO" || !strings.HasPrefix(lr.Body.StringValue, "m") {
						t.Errorf("log record %+v", lr)
					}
					n++
				}
			}
		}
		return n
	}
	s := must(OTLP(c.srv.URL+"/v1/logs", nil))
	logN(s, 0, 7)
	closeNow(t, s)
	if c.got.Load() != 7 {
		t.Fatalf("got %d", c.got.Load())
	}
	checkAccounting(t, 7, c.got.Load(), 0, s.SinkStats())
}

// TestHTTPStatsThroughHandler: a handler tree reports the HTTP sink's
// counters under its configured name, Lost counts its drops, and the
// meta logger hears of them.
func TestHTTPStatsThroughHandler(t *testing.T) {
	c := newFakeCollector(t)
	c.fail = func(n int64, w http.ResponseWriter, _ *http.Request) bool {
		if n%2 == 1 {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return true
		}
		return false
	}
	meta := sinks.Memory()
	sink := must(HTTP(c.srv.URL, jsonCodec, &HTTPOptions{Batch: sinks.BatchOptions{MaxRecords: 1}}))
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"collector": sink, "meta": meta},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app"}, Sinks: []string{"collector"}},
			{Category: loggerjs.MetaCategory, Sinks: []string{"meta"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h).With(loggerjs.Category("app"))
	for i := range 6 {
		l.Info("event", "i", i)
		h.Flush(context.Background()) // one batch at a time: odd requests fail
	}
	st := h.Stats()
	own := st.Sinks["collector"].Own
	if own["dropped_rejected"] != 3 || own["shipped"] != 3 || st.Lost() != 3 {
		t.Fatalf("own %v, lost %d", own, st.Lost())
	}
	checkAccounting(t, 6, c.got.Load(), 0, own)
	if meta.Len() == 0 {
		t.Fatal("drops not reported on the meta logger")
	}
	h.Close(context.Background())
}

func TestOTLPPartialSuccessCounted(t *testing.T) {
	for _, answer := range []string{
		`{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"too old"}}`,
		`{"partialSuccess":{"rejectedLogRecords":2}}`,
	} {
		c := newFakeCollector(t)
		c.fail = func(_ int64, w http.ResponseWriter, r *http.Request) bool {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, answer)
			return true
		}
		// One batch of 5, shipped by Close: MaxWait never passes.
		s := must(OTLP(c.srv.URL+"/v1/logs", &OTLPOptions{HTTPOptions: HTTPOptions{Batch: sinks.BatchOptions{MaxRecords: 10, Clock: newFakeClock()}}}))
		logN(s, 0, 5)
		wantLoss(t, s.Close(context.Background()), "dropped_rejected", 2)
		st := s.SinkStats()
		if st["dropped_rejected"] != 2 || st["shipped"] != 3 {
			t.Fatalf("answer %s: stats %v", answer, st)
		}
		checkAccounting(t, 5, st["shipped"], 0, st)
	}
}
