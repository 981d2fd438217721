package sinks

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
)

// gateWriter blocks every Write until open is closed, then keeps the
// bytes; fail makes every Write return ENOSPC.
type gateWriter struct {
	open    chan struct{}
	entered chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
	fail    bool
}

func newGateWriter() *gateWriter {
	return &gateWriter{open: make(chan struct{}), entered: make(chan struct{}, 1)}
}

func (w *gateWriter) Write(p []byte) (int, error) {
	select {
	case w.entered <- struct{}{}:
	default:
	}
	<-w.open
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fail {
		return 0, syscall.ENOSPC
	}
	return w.buf.Write(p)
}

func (w *gateWriter) lines() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Split(strings.TrimSuffix(w.buf.String(), "\n"), "\n")
}

func TestAsyncEncodesOnCallerAndKeepsOrder(t *testing.T) {
	w := newGateWriter()
	close(w.open)
	s := Async(Writer(w, jsonCodec), nil)
	vals := []string{"before"}
	for i := range 100 {
		sr := slog.NewRecord(testTime, slog.LevelInfo, "m", 0)
		sr.AddAttrs(slog.Int("i", i), slog.Any("v", vals))
		s.Write(context.Background(), loggerjs.NewRecord(sr))
	}
	vals[0] = "after" // a value changed after the call must not show
	closeNow(t, s)
	lines := w.lines()
	if len(lines) != 100 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if !strings.Contains(l, `"i":`+itoa(i)+`,`) || !strings.Contains(l, "before") {
			t.Fatalf("line %d: %s", i, l)
		}
	}
	st := s.SinkStats()
	checkAccounting(t, 100, 100, 0, st)
	if st["shipped"] != 100 {
		t.Fatalf("stats %v", st)
	}
}

func TestAsyncClonesForRecordSinks(t *testing.T) {
	m := Memory()
	s := Async(m, nil)
	for i := range 10 {
		s.Write(context.Background(), rec(i))
	}
	if err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if m.Len() != 10 || m.Messages()[9] != "m9" {
		t.Fatalf("memory has %v", m.Messages())
	}
	closeNow(t, s)
	if err := m.Write(context.Background(), rec(0)); !errors.Is(err, loggerjs.ErrClosed) {
		t.Fatal("Close did not close the inner sink")
	}
}

func TestAsyncPolicies(t *testing.T) {
	for _, policy := range []Policy{DropNewest, DropOldest, Block} {
		t.Run(policy.String(), func(t *testing.T) {
			clk := newFakeClock()
			w := newGateWriter()
			s := Async(Writer(w, jsonCodec), &AsyncOptions{QueueSize: 8, MaxBatch: 1, Policy: policy, BlockTimeout: 50 * time.Millisecond, Clock: clk})
			s.Write(context.Background(), rec(0))
			<-w.entered // the worker holds record 0 in a blocked write
			for i := 1; i <= 8; i++ {
				s.Write(context.Background(), rec(i))
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				for i := 9; i < 12; i++ {
					s.Write(context.Background(), rec(i))
				}
			}()
			if policy == Block {
				for range 3 {
					clk.waitTimers(t, 1)
					clk.Advance(50 * time.Millisecond)
				}
			}
			<-done
			close(w.open)
			var lost map[string]int64
			if policy == DropOldest {
				lost = map[string]int64{"dropped_queue_full": 3} // pushed out of the queue before Close
			}
			closeReports(t, s, lost)
			st := s.SinkStats()
			n := len(w.lines())
			if st["dropped_queue_full"] != 3 || n != 9 {
				t.Fatalf("%d lines; stats %v", n, st)
			}
			checkAccounting(t, 12, int64(n), 0, st)
		})
	}
}

func TestAsyncInnerErrorsCounted(t *testing.T) {
	w := newGateWriter()
	w.fail = true
	close(w.open)
	s := Async(Writer(w, jsonCodec), nil)
	meta := newMetaLog()
	s.SetMetaReporter("async", meta)
	for i := range 50 {
		s.Write(context.Background(), rec(i))
	}
	// The worker may be failing batches while Close starts: Close reports
	// the records that were still unresolved then, at most all 50.
	if lost := lossOf(t, s.Close(context.Background())); lost > 50 {
		t.Fatalf("Close lost %d of 50", lost)
	}
	st := s.SinkStats()
	if st["dropped_write_error"] != 50 || st["shipped"] != 0 {
		t.Fatalf("stats %v", st)
	}
	checkAccounting(t, 50, 0, 0, st)
	if len(meta.all()) == 0 {
		t.Fatal("no meta report of the loss")
	}
}

func TestAsyncCloseDeadlineWithHungInner(t *testing.T) {
	w := newGateWriter()
	s := Async(Writer(w, jsonCodec), &AsyncOptions{MaxBatch: 1})
	for i := range 5 {
		s.Write(context.Background(), rec(i))
	}
	<-w.entered
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := s.Close(ctx); err == nil {
		t.Fatal("Close met its deadline with a hung writer")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Close took %v", d)
	}
	if err := s.Write(context.Background(), rec(9)); !errors.Is(err, loggerjs.ErrClosed) {
		t.Fatalf("Write after Close = %v", err)
	}
	close(w.open) // the hung write returns; its worker stops
	eventually(t, "in-flight record resolved", func() bool { return s.SinkStats()["inflight"] == 0 })
	st := s.SinkStats()
	checkAccounting(t, 6, int64(len(w.lines())), 1, st)
	if st["dropped_flush_deadline"] != 4 {
		t.Fatalf("stats %v", st)
	}
	s.p.done.Wait() // the worker stops (goleak checks too)
	eventually(t, "inner sink closed", func() bool { return s.inner.(*WriterSink).closed.Load() })
}

func TestAsyncConcurrentWritesAndClose(t *testing.T) {
	w := newGateWriter()
	close(w.open)
	s := Async(Writer(w, jsonCodec), &AsyncOptions{QueueSize: 64, Policy: DropNewest})
	var wg sync.WaitGroup
	var refused [8]int64
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				if s.Write(context.Background(), rec(i)) != nil {
					refused[g]++
				}
			}
		}()
	}
	time.Sleep(time.Millisecond)
	closeNow(t, s)
	closeNow(t, s)
	wg.Wait()
	var ref int64
	for _, r := range refused {
		ref += r
	}
	checkAccounting(t, 4000, int64(len(w.lines())), ref, s.SinkStats())
}
