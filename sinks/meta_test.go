package sinks_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestOneFailureOneMetaRecord checks that a failing sink behind Async
// yields one meta record per failure, at Error, naming the sink, the
// error and the record that was lost (its message redacted), and that
// the loss is counted once.
func TestOneFailureOneMetaRecord(t *testing.T) {
	async := sinks.Async(sinks.Writer(failingWriter{}, codecs.JSON(nil)), nil)
	meta := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"async": async, "meta": meta},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app"}, Sinks: []string{"async"}},
			{Category: loggerjs.MetaCategory, Sinks: []string{"meta"}, ParentSinks: loggerjs.Override},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	loggerjs.Child(slog.New(h), "app", "pay").Warn("charge token=abc123 failed")
	if err := h.Flush(context.Background()); err == nil {
		t.Error("Flush returned nil although its record was lost")
	}
	recs := meta.Records()
	if len(recs) != 1 {
		for _, r := range recs {
			t.Logf("meta: %s", r.Message())
		}
		t.Fatalf("%d meta records, want 1", len(recs))
	}
	r := recs[0]
	attrs := map[string]string{}
	r.Attrs(func(a slog.Attr) bool {
		attrs[a.Key] = a.Value.String()
		return true
	})
	want := map[string]string{
		"sink": "async", "record_level": "WARN", "record_category": "app.pay",
		"record_message": "charge token=[REDACTED] failed", "records": "1",
	}
	for k, v := range want {
		if attrs[k] != v {
			t.Errorf("meta attr %s = %q, want %q (all: %v)", k, attrs[k], v, attrs)
		}
	}
	if r.Level != slog.LevelError || !strings.Contains(attrs["error"], "disk on fire") {
		t.Errorf("meta record at %v with error %q", r.Level, attrs["error"])
	}
	if st := h.Stats(); st.Lost() != 1 {
		t.Errorf("Lost = %d, want 1", st.Lost())
	}
	_ = h.Close(context.Background())
}
