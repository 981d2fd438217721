package sinks

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
)

// TestAsyncFileWakesPerBatch: over a File, the worker takes the queue
// once MaxBatch records are queued, or MaxWait after the first record of
// a smaller batch, on the sink's clock.
func TestAsyncFileWakesPerBatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	clk := newFakeClock()
	file := mustFile(t, path, &FileOptions{WriteThrough: true, Clock: clk})
	s := Async(file, &AsyncOptions{MaxBatch: 4, MaxWait: 10 * time.Millisecond, Clock: clk})
	ctx := context.Background()
	s.Write(ctx, rec(0))
	clk.waitTimers(t, 1) // the worker waits MaxWait for more
	if got := fileMsgs(t, path); got != "" {
		t.Fatalf("written before MaxWait: %q", got)
	}
	clk.Advance(10 * time.Millisecond)
	eventually(t, "the record written MaxWait after it was queued", func() bool { return fileMsgs(t, path) == "m0" })
	for i := 1; i <= 4; i++ {
		s.Write(ctx, rec(i))
	}
	eventually(t, "a full batch written without waiting", func() bool { return fileMsgs(t, path) == "m0 m1 m2 m3 m4" })
	closeNow(t, s)
	st := s.SinkStats()
	checkAccounting(t, 5, st["shipped"], 0, st)
	if st["queued"] != 5 || st["inner_written"] != 5 {
		t.Fatalf("stats %v", st)
	}
}

// TestAsyncFileFlushLevel: a record at or above the File's FlushLevel
// wakes Async's worker at once, and the chunk holding it writes the
// File's buffer: it is on disk without a Flush and without either
// clock moving.
func TestAsyncFileFlushLevel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	clk := newFakeClock()
	file := mustFile(t, path, &FileOptions{Clock: clk})
	s := Async(file, &AsyncOptions{Clock: clk})
	ctx := context.Background()
	for i := range 3 {
		s.Write(ctx, rec(i))
	}
	r := rec(3)
	r.Level = slog.LevelError
	s.Write(ctx, r)
	eventually(t, "the Error record and those before it written", func() bool { return fileMsgs(t, path) == "m0 m1 m2 m3" })
	s.Write(ctx, rec(4))
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fileMsgs(t, path); got != "m0 m1 m2 m3 m4" {
		t.Fatalf("after Flush: %q", got)
	}
	closeNow(t, s)
}

// TestAsyncFilePolicies: with the File held (its worker stuck in a
// write), the queue fills and each policy does what it says; every
// record is written or counted.
func TestAsyncFilePolicies(t *testing.T) {
	for _, tc := range []struct {
		policy Policy
		want   string
	}{
		{DropNewest, "m0 m1 m2 m3 m4 m5 m6 m7 m8"},
		{DropOldest, "m0 m4 m5 m6 m7 m8 m9 m10 m11"},
		{Block, "m0 m1 m2 m3 m4 m5 m6 m7 m8"},
	} {
		t.Run(tc.policy.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			clk := newFakeClock()
			file := mustFile(t, path, &FileOptions{WriteThrough: true, Clock: clk})
			s := Async(file, &AsyncOptions{QueueSize: 8, MaxBatch: 1, Policy: tc.policy, BlockTimeout: 50 * time.Millisecond, Clock: clk})
			ctx := context.Background()
			file.mu.Lock()
			s.Write(ctx, rec(0))
			eventually(t, "the worker holding record 0", func() bool { return s.q.snapshot()["inflight"] == 1 })
			for i := 1; i <= 8; i++ {
				s.Write(ctx, rec(i))
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				for i := 9; i < 12; i++ {
					s.Write(ctx, rec(i))
				}
			}()
			if tc.policy == Block {
				for range 3 {
					clk.waitTimers(t, 1)
					clk.Advance(50 * time.Millisecond)
				}
			}
			<-done
			file.mu.Unlock()
			var lost map[string]int64
			if tc.policy == DropOldest {
				lost = map[string]int64{"dropped_queue_full": 3} // pushed out of the queue before Close
			}
			closeReports(t, s, lost)
			st := s.SinkStats()
			if got := fileMsgs(t, path); got != tc.want || st["dropped_queue_full"] != 3 {
				t.Fatalf("file holds %q, want %q; stats %v", got, tc.want, st)
			}
			checkAccounting(t, 12, st["shipped"], 0, st)
		})
	}
}

// TestAsyncFileBlockIsLossless: goroutines log through Async with the
// Block policy and a small queue into a File with its defaults; nothing
// is dropped, and every goroutine's records are in the file in order.
func TestAsyncFileBlockIsLossless(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	file := mustFile(t, path, nil)
	s := Async(file, &AsyncOptions{QueueSize: 16, Policy: Block, BlockTimeout: time.Minute})
	const goroutines, each = 8, 2000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := s.Write(context.Background(), rec(g*each+i)); err != nil {
					t.Errorf("Write: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	closeNow(t, s)
	st := s.SinkStats()
	lines := linesOf(t, path)
	if len(lines) != goroutines*each || dropped(st) != 0 {
		t.Fatalf("%d lines; stats %v", len(lines), st)
	}
	last := map[int]int{}
	for _, l := range lines {
		i := 0
		for _, c := range strings.TrimPrefix(msgOf(l), "m") {
			i = i*10 + int(c-'0')
		}
		g := i / each
		if prev, ok := last[g]; ok && i != prev+1 {
			t.Fatalf("goroutine %d: record %d after %d", g, i, prev)
		}
		last[g] = i
	}
	checkAccounting(t, goroutines*each, st["shipped"], 0, st)
}

// TestAsyncFileCloseDeadline: Close's deadline passes while the worker
// is stuck in a write; Close returns, the queued records are counted as
// dropped_flush_deadline, and the one in the stuck write is written
// when it returns, after which the File is closed.
func TestAsyncFileCloseDeadline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	file := mustFile(t, path, &FileOptions{WriteThrough: true})
	s := Async(file, &AsyncOptions{MaxBatch: 1})
	file.mu.Lock()
	s.Write(context.Background(), rec(0))
	eventually(t, "the worker holding record 0", func() bool { return s.q.snapshot()["inflight"] == 1 })
	for i := 1; i < 5; i++ {
		s.Write(context.Background(), rec(i))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := s.Close(ctx); err == nil {
		t.Fatal("Close met its deadline with a stuck write")
	}
	if err := s.Write(context.Background(), rec(9)); !errors.Is(err, loggerjs.ErrClosed) {
		t.Fatalf("Write after Close = %v", err)
	}
	file.mu.Unlock()
	s.q.done.Wait()
	eventually(t, "the File closed", func() bool {
		file.mu.Lock()
		defer file.mu.Unlock()
		return file.closed
	})
	st := s.SinkStats()
	if got := fileMsgs(t, path); got != "m0" || st["dropped_flush_deadline"] != 4 {
		t.Fatalf("file holds %q; stats %v", got, st)
	}
	checkAccounting(t, 6, 1, 1, st)
}
