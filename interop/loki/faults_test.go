package loki

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/loggerjs/loggerjs/sinks/remote"
)

// TestLokiDownThenUp: records logged while VictoriaLogs is down are
// retried and, once it is up, all delivered, each once.
func TestLokiDownThenUp(t *testing.T) {
	srv := newServer(t)
	sink, err := remote.Loki(srv.PushURL(), &remote.LokiOptions{HTTPOptions: remote.HTTPOptions{Batch: sinks.BatchOptions{
		MaxRecords: 10, MaxWait: 10 * time.Millisecond,
		MaxRetries: 10000, BaseBackoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		RetryBudgetRatio: 1, RetryBudgetBurst: 1 << 20, BreakerFailures: -1, ShipTimeout: 5 * time.Second,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"loki": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"loki"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	const n = 100
	l := slog.New(h).With(loggerjs.Category("faults"))
	for i := range n {
		l.Info("record", "i", i)
	}
	deadline := time.Now().Add(30 * time.Second)
	for sink.SinkStats()["retried"] == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no failed attempt retried: stats %v", sink.SinkStats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	srv.start()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := sink.SinkStats(); st["shipped"] != n || h.Stats().Lost() != 0 {
		t.Fatalf("stats %v, Lost %d; want all %d shipped", st, h.Stats().Lost(), n)
	}
	entries, _ := srv.waitEntries("*", 0, n)
	seen := map[int]bool{}
	for _, e := range entries {
		v, _ := e.get("_msg")
		var rec struct{ I int }
		if err := json.Unmarshal([]byte(v), &rec); err != nil {
			t.Fatalf("line %q: %v", v, err)
		}
		if seen[rec.I] {
			t.Fatalf("record %d stored twice", rec.I)
		}
		seen[rec.I] = true
	}
	for i := range n {
		if !seen[i] {
			t.Errorf("record %d not stored", i)
		}
	}
}
