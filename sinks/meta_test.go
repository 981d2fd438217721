package sinks_test

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

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

// TestFlushReportsEarlierLosses checks that a Flush reports the records
// a queued sink lost before it was called, and that the next Flush does
// not report them again: whether Async's worker fails a record before or
// during the Flush that follows, the caller of Flush learns of it once.
func TestFlushReportsEarlierLosses(t *testing.T) {
	for _, c := range []struct {
		name string
		sink func(dir string) (loggerjs.Sink, error)
	}{
		{"Async(Writer)", func(string) (loggerjs.Sink, error) {
			return sinks.Async(sinks.Writer(failingWriter{}, codecs.JSON(nil)), nil), nil
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := c.sink(t.TempDir())
			if err != nil {
				t.Skip(err)
			}
			h, err := loggerjs.NewHandler(loggerjs.Config{
				Sinks:   map[string]loggerjs.Sink{"s": s},
				Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"s"}}},
			})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close(context.Background())
			slog.New(h).Warn("lost")
			// Wait until the worker has failed the record, before any Flush.
			deadline := time.Now().Add(10 * time.Second)
			for h.Stats().Lost() < 1 {
				if time.Now().After(deadline) {
					t.Fatal("the record was never lost")
				}
				runtime.Gosched()
			}
			var le *sinks.LossError
			if err := s.Flush(context.Background()); !errors.As(err, &le) || le.Records != 1 {
				t.Fatalf("first Flush = %v, want a LossError for 1 record", err)
			}
			if err := s.Flush(context.Background()); err != nil {
				t.Fatalf("second Flush = %v, want nil: the loss was reported already", err)
			}
		})
	}
}
