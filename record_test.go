package loggerjs_test

import (
	"context"
	"log/slog"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
)

// messageSink reads the message of every record, as an encoding sink does.
type messageSink struct{ got []string }

func (s *messageSink) Write(_ context.Context, r *loggerjs.Record) error {
	s.got = append(s.got, r.Message())
	return nil
}
func (s *messageSink) Flush(context.Context) error { return nil }
func (s *messageSink) Close(context.Context) error { return nil }

// blindSink never reads the message.
type blindSink struct{ n int }

func (s *blindSink) Write(context.Context, *loggerjs.Record) error { s.n++; return nil }
func (s *blindSink) Flush(context.Context) error                   { return nil }
func (s *blindSink) Close(context.Context) error                   { return nil }

var keepAll = loggerjs.MiddlewareFunc(func(context.Context, *loggerjs.Record) bool { return true })

// TestLazyMessage checks that a lazy message runs at most once, after
// middleware, and only when a sink reads it.
func TestLazyMessage(t *testing.T) {
	var runs atomic.Int64
	lazy := loggerjs.LazyMessage(func() string { runs.Add(1); return "computed" })
	dropDebug := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool { return r.Level > slog.LevelDebug })
	read1, read2, blind := &messageSink{}, &messageSink{}, &blindSink{}
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			// r2 reads through a copy-on-write view; it sorts after r1, so
			// r1 computes the message and r2 must reuse it.
			"r1": read1, "r2": loggerjs.WithMiddleware(read2, keepAll), "blind": blind,
		},
		Middleware: []loggerjs.Middleware{dropDebug},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"all"}, Sinks: []string{"r1", "r2", "blind"}},
			{Category: []string{"blind"}, Sinks: []string{"blind"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	all := loggerjs.Child(logger, "all")
	all.Debug("", lazy) // dropped by middleware: never computed
	if runs.Load() != 0 {
		t.Fatal("computed for a record middleware dropped")
	}
	loggerjs.Child(logger, "blind").Info("", lazy)
	if runs.Load() != 0 {
		t.Fatal("computed for a sink that never read it")
	}
	all.Info("", lazy) // two reading sinks, one through a copy-on-write view
	if runs.Load() != 1 {
		t.Fatalf("computed %d times, want 1", runs.Load())
	}
	all.Info("explicit", lazy)
	if runs.Load() != 1 {
		t.Fatal("computed although the call gave a message")
	}
	if want := []string{"computed", "explicit"}; !slices.Equal(read1.got, want) || !slices.Equal(read2.got, want) {
		t.Errorf("messages %q / %q", read1.got, read2.got)
	}
	if blind.n != 3 {
		t.Errorf("blind sink got %d", blind.n)
	}
}

// TestPerSinkMiddlewareCopiesOnWrite checks that one sink's middleware
// changes only what that sink sees.
func TestPerSinkMiddlewareCopiesOnWrite(t *testing.T) {
	plain, changed := sinks.Memory(), sinks.Memory()
	rewrite := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		r.SetAttr(0, slog.String("user", "***"))
		r.AddAttrs(slog.Bool("rewritten", true))
		r.AddRootAttrs(slog.String("root", "x"))
		r.SetMessage("changed")
		r.Level = slog.LevelError
		return true
	})
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"a-plain": plain, "b-changed": loggerjs.WithMiddleware(changed, rewrite)},
		// The plain sink is written after the changed one too.
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"b-changed", "a-plain"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		logger.Info("original", "user", "alice", "n", 1)
	}
	p, c := plain.Records(), changed.Records()
	if len(p) != 3 || len(c) != 3 {
		t.Fatalf("records %d / %d", len(p), len(c))
	}
	if got := p[2].Attr(0).Value.String(); got != "alice" || p[2].NumAttrs() != 2 || p[2].NumRootAttrs() != 0 ||
		p[2].Message() != "original" || p[2].Level != slog.LevelInfo {
		t.Errorf("plain sink saw the change: user=%q attrs=%d msg=%q", got, p[2].NumAttrs(), p[2].Message())
	}
	if got := c[2].Attr(0).Value.String(); got != "***" || c[2].NumAttrs() != 3 || c[2].Message() != "changed" || c[2].Level != slog.LevelError {
		t.Errorf("changed sink: user=%q attrs=%d msg=%q", got, c[2].NumAttrs(), c[2].Message())
	}
}

// TestRecordClone checks that a clone shares nothing mutable with the
// record, and the error slot.
func TestRecordClone(t *testing.T) {
	m := sinks.Memory()
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"m": m},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	boom := context.DeadlineExceeded
	bound := logger.With("bound_err", context.Canceled)
	bound.Info("a", "k", 1, "err", boom)
	bound.Info("b")
	recs := m.Records()
	if recs[0].Err != boom || recs[1].Err != context.Canceled {
		t.Errorf("error slot: %v, %v", recs[0].Err, recs[1].Err)
	}
	c := recs[0].Clone()
	c.SetAttr(0, slog.Int("k", 2))
	if recs[0].Attr(0).Value.Int64() != 1 {
		t.Error("clone shares attrs")
	}
	if recs[0].Seq >= recs[1].Seq {
		t.Errorf("Seq not increasing: %d, %d", recs[0].Seq, recs[1].Seq)
	}
}

// TestContextAttrs checks that attrs carried by the context reach the
// record as root attrs.
func TestContextAttrs(t *testing.T) {
	m := sinks.Memory()
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"m": m},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"m"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := loggerjs.WithContextAttrs(context.Background(), slog.String("request_id", "r1"))
	ctx = loggerjs.WithContextAttrs(ctx, slog.String("user", "u1"))
	logger.WithGroup("g").InfoContext(ctx, "x", "k", 1)
	r := m.Records()[0]
	var root []string
	r.RootAttrs(func(a slog.Attr) bool { root = append(root, a.String()); return true })
	if want := []string{"request_id=r1", "user=u1"}; !slices.Equal(root, want) {
		t.Errorf("root attrs %q", root)
	}
	if got := loggerjs.ContextAttrs(ctx); len(got) != 2 {
		t.Errorf("ContextAttrs = %v", got)
	}
}
