package loggerjs_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// panicSink panics on every Write.
type panicSink struct{ writes atomic.Int64 }

func (p *panicSink) Write(context.Context, *loggerjs.Record) error {
	p.writes.Add(1)
	panic("disk on fire")
}
func (p *panicSink) Flush(context.Context) error { return nil }
func (p *panicSink) Close(context.Context) error { return nil }

// errWriter fails every write, as a full disk does.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestFailureIsolation puts a panicking sink, a failing sink and a
// panicking middleware beside a healthy sink: the healthy sink gets every
// record, nothing reaches the caller, and the counters are exact.
func TestFailureIsolation(t *testing.T) {
	healthy, meta := sinks.Memory(), sinks.Memory()
	boom := &panicSink{}
	var calls atomic.Int64
	panicky := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		calls.Add(1)
		if r.Source == "" && r.Message() != "calm" {
			panic("middleware bug")
		}
		return true
	})
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"healthy": healthy, "boom": boom, "full": sinks.Writer(errWriter{}, codecs.JSON(nil)), "meta": meta,
		},
		Middleware: []loggerjs.Middleware{panicky},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app"}, Sinks: []string{"healthy", "boom", "full"}},
			{Category: loggerjs.MetaCategory, Sinks: []string{"meta"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	logger := loggerjs.Child(slog.New(h), "app")
	const n = 5
	for i := range n {
		logger.Info("record", "i", i)
	}
	logger.Info("calm")

	if got := healthy.Len(); got != n+1 {
		t.Errorf("healthy sink got %d records, want %d", got, n+1)
	}
	st := h.Stats()
	if st.SinkPanics != n+1 || st.SinkErrors != n+1 || st.MiddlewarePanics != n {
		t.Errorf("counters: panics %d, errors %d, middleware panics %d; want %d, %d, %d",
			st.SinkPanics, st.SinkErrors, st.MiddlewarePanics, n+1, n+1, n)
	}
	if s := st.Sinks["boom"]; s.Panics != n+1 || s.Errors != 0 {
		t.Errorf("boom stats %+v", s)
	}
	if s := st.Sinks["full"]; s.Errors != n+1 {
		t.Errorf("full stats %+v", s)
	}
	if s := st.Sinks["healthy"]; s.Errors+s.Panics+s.WriteAfterClose != 0 {
		t.Errorf("healthy stats %+v", s)
	}
	if got := st.Lost(); got != 2*(n+1) {
		t.Errorf("Lost() = %d, want %d", got, 2*(n+1))
	}

	// The meta logger heard about the failures, within its rate limit
	// (a burst of 10), and every meta record names its cause.
	recs := meta.Records()
	if len(recs) != 10 {
		t.Errorf("meta records = %d, want the burst of 10", len(recs))
	}
	for _, r := range recs {
		if r.CategoryName() != "loggerjs.meta" || r.Source != "loggerjs" || r.Level < slog.LevelWarn {
			t.Errorf("meta record %q: category %q source %q level %v", r.Message(), r.CategoryName(), r.Source, r.Level)
		}
	}
	if st.MetaSuppressed == 0 {
		t.Error("MetaSuppressed = 0 with more failures than the burst")
	}
}

// TestErrorNotReportedIntoFailingSink checks that a sink's failure is
// never reported into that same sink: with the failing sink as the only
// meta sink, the report falls back to stderr.
func TestErrorNotReportedIntoFailingSink(t *testing.T) {
	var w countingErrWriter
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"bad": sinks.Writer(&w, codecs.JSON(nil))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"bad"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	captureStderr(t, func() { slog.New(h).Info("x") })
	if got := w.n.Load(); got != 1 {
		t.Errorf("failing sink was written %d times, want 1 (no meta record into it)", got)
	}
}

type countingErrWriter struct{ n atomic.Int64 }

func (w *countingErrWriter) Write([]byte) (int, error) {
	w.n.Add(1)
	return 0, errors.New("broken pipe")
}

// TestWriteAfterClose checks that writes after Close are counted, not
// panics.
func TestWriteAfterClose(t *testing.T) {
	m := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"m": m},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = m.Close(context.Background())
	out := captureStderr(t, func() { slog.New(h).Warn("late") })
	if st := h.Stats(); st.WriteAfterClose != 1 || st.Sinks["m"].WriteAfterClose != 1 {
		t.Errorf("WriteAfterClose = %d / %d", st.WriteAfterClose, st.Sinks["m"].WriteAfterClose)
	}
	if !strings.Contains(out, "write to a closed sink") || !strings.Contains(out, "sink=m") {
		t.Errorf("stderr fallback = %q", out)
	}
}
