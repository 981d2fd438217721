package otelcol

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/loggerjs/loggerjs/sinks/remote"
)

// patient are batch options that keep retrying a collector that is down
// or failing for about a minute, quickly, without the breaker.
func patient(maxRetries int) sinks.BatchOptions {
	return sinks.BatchOptions{
		MaxRecords: 10, MaxWait: 10 * time.Millisecond,
		MaxRetries: maxRetries, BaseBackoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		MaxRetryAfter: 20 * time.Millisecond, RetryBudgetRatio: 1, RetryBudgetBurst: 1 << 20,
		BreakerFailures: -1, ShipTimeout: 5 * time.Second,
	}
}

// logN logs n records through a handler tree over sink and returns the
// tree.
func logN(t *testing.T, sink loggerjs.Sink, n int) *loggerjs.Handler {
	t.Helper()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"out": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h).With(loggerjs.Category("faults"))
	for i := range n {
		l.Info("record", "i", i)
	}
	return h
}

// poll waits, bounded, until cond holds.
func poll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func closeTree(t *testing.T, h *loggerjs.Handler) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return h.Close(ctx)
}

// checkDelivered asserts that the collector holds the n records, each
// once.
func checkDelivered(t *testing.T, col *collector, n int) {
	t.Helper()
	recs := col.waitRecords(n)
	seen := map[string]bool{}
	for _, r := range recs {
		i := r.Attrs["i"].String()
		if seen[i] {
			t.Fatalf("record %s received twice", i)
		}
		seen[i] = true
	}
	if len(recs) != n {
		t.Fatalf("collector received %d records, want %d", len(recs), n)
	}
}

// breakOutput makes the collector's file exporter fail (its directory is
// replaced by a file), so the collector answers 503; fixOutput undoes it.
func (c *collector) breakOutput() {
	dir := filepath.Dir(c.out)
	if err := os.RemoveAll(dir); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o644); err != nil {
		c.t.Fatal(err)
	}
}

func (c *collector) fixOutput() {
	dir := filepath.Dir(c.out)
	if err := os.Remove(dir); err != nil {
		c.t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		c.t.Fatal(err)
	}
}

// TestPlainCollectorDownThenUp: records logged while the collector is
// down are retried and all delivered once it is up.
func TestPlainCollectorDownThenUp(t *testing.T) {
	col := newCollector(t)
	sink, err := remote.OTLP(col.URL(), &remote.OTLPOptions{NoEnv: true, HTTPOptions: remote.HTTPOptions{Batch: patient(10000)}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 100
	h := logN(t, sink, n)
	poll(t, "a failed attempt", func() bool { return sink.SinkStats()["retried"] > 0 })
	col.start()
	if err := closeTree(t, h); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, col, n)
	if st := sink.SinkStats(); st["shipped"] != n {
		t.Fatalf("stats %v", st)
	}
}

// TestPlainCollector503ThenRecovers: the collector answers 503 while its
// exporter fails; the sink retries, and every record arrives once it
// recovers.
func TestPlainCollector503ThenRecovers(t *testing.T) {
	col := startCollector(t)
	col.breakOutput()
	sink, err := remote.OTLP(col.URL(), &remote.OTLPOptions{NoEnv: true, HTTPOptions: remote.HTTPOptions{Batch: patient(10000)}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 100
	h := logN(t, sink, n)
	poll(t, "a 503 retried", func() bool { return sink.SinkStats()["retried"] >= 3 })
	if got := len(flatten(col.requests())); got != 0 {
		t.Fatalf("the broken collector wrote %d records", got)
	}
	col.fixOutput()
	if err := closeTree(t, h); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, col, n)
	if st := sink.SinkStats(); st["shipped"] != n {
		t.Fatalf("stats %v", st)
	}
}

// TestPlainCollector503Forever: when the collector never recovers every
// record is counted as lost, and Lost says so.
func TestPlainCollector503Forever(t *testing.T) {
	col := startCollector(t)
	col.breakOutput()
	sink, err := remote.OTLP(col.URL(), &remote.OTLPOptions{NoEnv: true, HTTPOptions: remote.HTTPOptions{Batch: patient(3)}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	h := logN(t, sink, n)
	err = closeTree(t, h)
	st := sink.SinkStats()
	if err == nil || st["dropped_retries_exhausted"] != n || h.Stats().Lost() != n {
		t.Fatalf("Close = %v, stats %v, Lost %d; want all %d counted", err, st, h.Stats().Lost(), n)
	}
}

// TestPlainCollector429: a proxy in front of the real collector answers
// 429 with Retry-After to the first requests, as a collector's
// rate-limiting gateway does; the sink waits and retries, and every
// record arrives.
func TestPlainCollector429(t *testing.T) {
	col := startCollector(t)
	target, _ := url.Parse(col.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	var throttled atomic.Int64
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if throttled.Add(1) <= 3 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	sink, err := remote.OTLP(front.URL, &remote.OTLPOptions{NoEnv: true, HTTPOptions: remote.HTTPOptions{Batch: patient(100)}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 40
	h := logN(t, sink, n)
	if err := closeTree(t, h); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, col, n)
	if st := sink.SinkStats(); st["shipped"] != n || st["retried"] < 3 {
		t.Fatalf("stats %v", st)
	}
}

// fastRetry is the SDK exporter's retry, shortened for the tests.
var fastRetry = otlploghttp.RetryConfig{Enabled: true, InitialInterval: 5 * time.Millisecond, MaxInterval: 50 * time.Millisecond, MaxElapsedTime: 60 * time.Second}

// TestSDKCollectorDownThenUp: the SDK's OTLP/HTTP exporter does not
// retry a refused connection (only "temporary" network errors and
// retryable statuses), so the records of an export made while the
// collector is down are lost; the bridge counts them as
// dropped_export_failed, and Lost says so. Records logged once it is up
// arrive.
func TestSDKCollectorDownThenUp(t *testing.T) {
	col := newCollector(t)
	sink := sdkSink(t, col, "sdk", fastRetry)
	const n = 30
	h := logN(t, sink, n)
	if err := h.Flush(context.Background()); err == nil {
		t.Fatal("Flush with the collector down returned nil")
	}
	if st := sink.SinkStats(); st["dropped_export_failed"] != n || h.Stats().Lost() != n {
		t.Fatalf("stats %v, Lost %d; want %d records counted", st, h.Stats().Lost(), n)
	}
	col.start()
	l := slog.New(h).With(loggerjs.Category("faults"))
	for i := range n {
		l.Info("record", "i", n+i)
	}
	if err := closeTree(t, h); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, col, n)
	if st := sink.SinkStats(); st["exported"] != n || st["emitted"] != 2*n {
		t.Fatalf("stats %v", st)
	}
}

// TestSDKCollector503Forever: records the SDK's exporter could not
// deliver are counted as dropped_export_failed, and Lost says so.
func TestSDKCollector503Forever(t *testing.T) {
	col := startCollector(t)
	col.breakOutput()
	retry := fastRetry
	retry.MaxElapsedTime = 300 * time.Millisecond
	sink := sdkSink(t, col, "sdk", retry)
	const n = 30
	h := logN(t, sink, n)
	err := closeTree(t, h)
	st := sink.SinkStats()
	if err == nil || !strings.Contains(err.Error(), "503") && !strings.Contains(err.Error(), "lost") ||
		st["dropped_export_failed"] != n || h.Stats().Lost() != n {
		t.Fatalf("Close = %v, stats %v, Lost %d; want all %d counted", err, st, h.Stats().Lost(), n)
	}
}
