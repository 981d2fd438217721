package remote

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
)

// newTree returns a handler tree that routes category "app" to sink and
// the meta logger to a Memory sink, and a logger for "app".
func newTree(t *testing.T, sink loggerjs.Sink) (*loggerjs.Handler, *slog.Logger, *sinks.MemorySink) {
	t.Helper()
	meta := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"sink": sink, "meta": meta},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app"}, Sinks: []string{"sink"}},
			{Category: loggerjs.MetaCategory, Sinks: []string{"meta"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, slog.New(h).With(loggerjs.Category("app")), meta
}

// metaAttr returns the value of the first attr named key in the meta
// records, and whether there was one.
func metaAttr(meta *sinks.MemorySink, key string) (string, bool) {
	for _, r := range meta.Records() {
		var v string
		found := false
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == key {
				v, found = a.Value.String(), true
				return false
			}
			return true
		})
		if found {
			return v, true
		}
	}
	return "", false
}

// countingHandler counts the NDJSON records it receives, gzipped or not.
type countingHandler struct {
	requests, got atomic.Int64
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.requests.Add(1)
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
	c.got.Add(int64(bytes.Count(body, []byte("\n"))))
	w.WriteHeader(http.StatusNoContent)
}

// TestHTTPRedirectsAreNotDeliveries: a collector that redirects. Go's
// client would follow a 301, 302 or 303 with a GET without a body and
// count the final 2xx as delivered; the sink follows no redirect but a
// 307 or 308 to the same origin, and counts every other one as rejected,
// reporting the Location.
func TestHTTPRedirectsAreNotDeliveries(t *testing.T) {
	const logged = 200
	for _, tc := range []struct {
		name      string
		code      int
		otherHost bool
		delivered bool
	}{
		{"301", http.StatusMovedPermanently, false, false},
		{"302", http.StatusFound, false, false},
		{"303", http.StatusSeeOther, false, false},
		{"307 same host", http.StatusTemporaryRedirect, false, true},
		{"308 same host", http.StatusPermanentRedirect, false, true},
		{"307 other host", http.StatusTemporaryRedirect, true, false},
		{"308 other host", http.StatusPermanentRedirect, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			final := &countingHandler{}
			other := httptest.NewServer(final)
			defer other.Close()
			mux := http.NewServeMux()
			mux.Handle("/final", final)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			target := srv.URL + "/final"
			if tc.otherHost {
				target = other.URL + "/final"
			}
			mux.HandleFunc("/ingest", func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				http.Redirect(w, r, target, tc.code)
			})
			clk := newFakeClock() // MaxWait never passes: one batch, shipped by Flush
			sink := must(HTTP(srv.URL+"/ingest", jsonCodec, &HTTPOptions{Batch: sinks.BatchOptions{MaxRecords: 2 * logged, Clock: clk}}))
			h, l, meta := newTree(t, sink)
			for i := range logged {
				l.Info("event", "i", i)
			}
			err := h.Flush(context.Background())
			if cerr := h.Close(context.Background()); cerr != nil {
				t.Fatalf("Close = %v", cerr)
			}
			lost := h.Stats().Lost()
			if got := final.got.Load(); got+int64(lost) != logged {
				t.Fatalf("received %d + lost %d != logged %d", got, lost, logged)
			}
			if tc.delivered {
				if final.got.Load() != logged || err != nil {
					t.Fatalf("received %d, Flush = %v", final.got.Load(), err)
				}
				return
			}
			if final.requests.Load() != 0 {
				t.Fatalf("the redirect was followed: %d requests to its target", final.requests.Load())
			}
			wantLoss(t, err, "dropped_rejected", logged)
			if loc, ok := metaAttr(meta, "location"); !ok || loc != target {
				t.Fatalf("meta location %q (%v), want %q", loc, ok, target)
			}
		})
	}
}

// closedAddr returns the address of a listener that has been closed:
// connecting to it is refused.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestUnreachableCollectorFlushAndCloseReportLoss: a collector that
// refuses connections. Each batch fails; Flush and Close return an error
// naming the records lost while they ran, and Lost counts every record.
func TestUnreachableCollectorFlushAndCloseReportLoss(t *testing.T) {
	clk := newFakeClock()
	sink := must(OTLP("http://"+closedAddr(t), &OTLPOptions{HTTPOptions: HTTPOptions{
		Batch: sinks.BatchOptions{MaxRecords: 1000, MaxRetries: -1, BreakerFailures: -1, Clock: clk}}}))
	h, l, meta := newTree(t, sink)
	for i := range 30 {
		l.Info("event", "i", i)
	}
	wantLoss(t, h.Flush(context.Background()), "dropped_retries_exhausted", 30)
	if lost := h.Stats().Lost(); lost != 30 {
		t.Fatalf("Lost() = %d after Flush, want 30", lost)
	}
	for i := range 20 {
		l.Info("event", "i", i)
	}
	wantLoss(t, h.Close(context.Background()), "dropped_retries_exhausted", 20)
	if lost := h.Stats().Lost(); lost != 50 {
		t.Fatalf("Lost() = %d after Close, want 50", lost)
	}
	if meta.Len() == 0 {
		t.Fatal("the losses were not reported on the meta logger")
	}
}

// TestUnreachableCollectorCloseDeadline: with retries, the batch waits in
// backoff when Close's deadline passes; Close drops it, counts it and
// says so.
func TestUnreachableCollectorCloseDeadline(t *testing.T) {
	clk := newFakeClock()
	sink := must(HTTP("http://"+closedAddr(t), jsonCodec, &HTTPOptions{Batch: sinks.BatchOptions{MaxRecords: 1000, Clock: clk}}))
	h, l, _ := newTree(t, sink)
	for i := range 10 {
		l.Info("event", "i", i)
	}
	clk.waitTimers(t, 1) // MaxWait, armed by the first record
	for len(clk.added) > 0 {
		<-clk.added
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Close(ctx) }()
	select {
	case <-clk.added: // the backoff after the first refused attempt
	case <-time.After(10 * time.Second):
		t.Fatal("no retry backoff started")
	}
	cancel()
	err := <-done
	wantLoss(t, err, "dropped_flush_deadline", 10)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Close = %v, want it to wrap context.Canceled", err)
	}
	if lost := h.Stats().Lost(); lost != 10 {
		t.Fatalf("Lost() = %d, want 10", lost)
	}
}

// TestUnreachableCollectorCircuitOpen: once the breaker opens, batches
// are dropped without a request; every record is still counted.
func TestUnreachableCollectorCircuitOpen(t *testing.T) {
	clk := newFakeClock()
	sink := must(HTTP("http://"+closedAddr(t), jsonCodec, &HTTPOptions{Batch: sinks.BatchOptions{
		MaxRecords: 1000, MaxRetries: -1, BreakerFailures: 1, BreakerCooldown: time.Hour, Clock: clk}}))
	h, l, _ := newTree(t, sink)
	for i := range 25 {
		l.Info("event", "i", i)
		// One batch at a time, shipped by Flush (MaxWait never passes):
		// the first fails and opens the breaker, which drops the rest.
		reason := "dropped_circuit_open"
		if i == 0 {
			reason = "dropped_retries_exhausted"
		}
		wantLoss(t, h.Flush(context.Background()), reason, 1)
	}
	err := h.Close(context.Background())
	st := h.Stats()
	own := st.RetiredSinks["sink"].Own
	if err != nil || st.Lost() != 25 || own["dropped_retries_exhausted"] != 1 || own["dropped_circuit_open"] != 24 {
		t.Fatalf("Close = %v; Lost() = %d; sink %v", err, st.Lost(), own)
	}
}

// TestEndpointValidation: a malformed endpoint fails the constructor
// instead of dropping every record at send time.
func TestEndpointValidation(t *testing.T) {
	for _, tc := range []struct {
		name, endpoint string
		build          func(string) (*HTTPSink, error)
		want           string // the URL requests go to, or an error's text
		ok             bool
	}{
		{"OTLP host:port", "127.0.0.1:4318", otlpOf, "https://127.0.0.1:4318/v1/logs", true},
		{"OTLP name:port/path", "collector:4318/custom", otlpOf, "https://collector:4318/custom", true},
		{"OTLP bad port", "collector:43x8", otlpOf, `invalid port "43x8"`, false},
		{"OTLP user info", "user@collector:4318", otlpOf, "not a host and port", false},
		{"OTLP base URL", "http://127.0.0.1:4318", otlpOf, "http://127.0.0.1:4318/v1/logs", true},
		{"OTLP base URL slash", "https://collector:4318/", otlpOf, "https://collector:4318/v1/logs", true},
		{"OTLP full URL", "http://collector:4318/custom/logs", otlpOf, "http://collector:4318/custom/logs", true},
		{"OTLP grpc scheme", "grpc://collector:4317", otlpOf, `scheme "grpc"`, false},
		{"OTLP no host", "http://:4318", otlpOf, "no host", false},
		{"OTLP empty", "", otlpOf, "http://localhost:4318/v1/logs", true},
		{"Loki base URL", "http://loki:3100", lokiOf, "http://loki:3100/loki/api/v1/push", true},
		{"Loki host:port", "loki:3100", lokiOf, `write "http://loki:3100"`, false},
		{"HTTP as is", "https://logs.example.com", httpOf, "https://logs.example.com", true},
		{"HTTP bad port", "http://h:port/x", httpOf, "invalid port", false},
		{"HTTP ftp", "ftp://h/x", httpOf, `scheme "ftp"`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.build(tc.endpoint)
			if !tc.ok {
				if err == nil || !strings.Contains(err.Error(), tc.want) || s != nil {
					t.Fatalf("got %v, %v; want an error with %q", s, err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer closeNow(t, s)
			if u := s.url; u != tc.want {
				t.Fatalf("endpoint %q, want %q", u, tc.want)
			}
		})
	}
}

func otlpOf(u string) (*HTTPSink, error) { return OTLP(u, &OTLPOptions{NoEnv: true}) }
func lokiOf(u string) (*HTTPSink, error) { return Loki(u, nil) }
func httpOf(u string) (*HTTPSink, error) { return HTTP(u, nil, nil) }

// flakyWriter fails every third Write with ENOSPC and counts the
// records (lines) of the others.
type flakyWriter struct {
	writes, got atomic.Int64
}

func (w *flakyWriter) Write(p []byte) (int, error) {
	if w.writes.Add(1)%3 == 0 {
		return 0, syscall.ENOSPC
	}
	w.got.Add(int64(bytes.Count(p, []byte("\n"))))
	return len(p), nil
}

// TestConfigureSwapAccountsForEveryRecord: eight goroutines log while
// the configuration is swapped again and again, each swap retiring an
// Async sink over a writer that fails a third of its writes, or an HTTP
// sink whose collector rejects a quarter of the batches and fails
// another quarter. Every record reaches exactly one sink; at the end
// the records received plus Lost are the records logged, exactly.
func TestConfigureSwapAccountsForEveryRecord(t *testing.T) {
	w := &flakyWriter{}
	col := &countingHandler{}
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch requests.Add(1) % 4 {
		case 1:
			io.Copy(io.Discard, r.Body)
			http.Error(rw, "bad batch", http.StatusBadRequest) // rejected
		case 2:
			io.Copy(io.Discard, r.Body)
			http.Error(rw, "busy", http.StatusServiceUnavailable) // failed, not retried
		default:
			col.ServeHTTP(rw, r)
		}
	}))
	defer srv.Close()
	clk := newFakeClock()
	meta := sinks.Memory()
	config := func(i int) loggerjs.Config {
		var sink loggerjs.Sink
		if i%2 == 0 {
			sink = sinks.Async(sinks.Writer(w, jsonCodec), &sinks.AsyncOptions{QueueSize: 256})
		} else {
			sink = must(HTTP(srv.URL, jsonCodec, &HTTPOptions{Batch: sinks.BatchOptions{
				MaxRecords: 16, QueueSize: 256, MaxRetries: -1, Clock: clk}}))
		}
		return loggerjs.Config{
			Sinks: map[string]loggerjs.Sink{"out": sink, "meta": meta},
			Loggers: []loggerjs.LoggerConfig{
				{Category: []string{"app"}, Sinks: []string{"out"}},
				{Category: loggerjs.MetaCategory, Sinks: []string{"meta"}},
			},
		}
	}
	h, err := loggerjs.NewHandler(config(0))
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h).With(loggerjs.Category("app"))
	const goroutines, each = 8, 1500
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range each {
				l.Info("event", "g", g, "i", i)
			}
		}()
	}
	close(start)
	for i := 1; i <= 20; i++ {
		if err := h.Configure(config(i)); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	closeErr := h.Close(context.Background())
	st := h.Stats()
	logged := int64(goroutines * each)
	received := w.got.Load() + col.got.Load()
	if received+int64(st.Lost()) != logged {
		t.Fatalf("received %d + Lost %d = %d, logged %d; Close = %v; stats %+v",
			received, st.Lost(), received+int64(st.Lost()), logged, closeErr, st)
	}
	if st.Lost() == 0 || w.got.Load() == 0 || col.got.Load() == 0 {
		t.Fatalf("writer received %d, collector %d, Lost %d: the swaps or the faults did not happen",
			w.got.Load(), col.got.Load(), st.Lost())
	}
	t.Logf("writer received %d, collector %d, lost %d (retired sinks %v)", w.got.Load(), col.got.Load(), st.Lost(), st.RetiredSinks["out"].Own)
}
