//go:build linux

package sinks

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/loggerjs/loggerjs"
)

// TestFileBufferedDevFull: every buffer write to /dev/full fails. The
// buffered records' Writes have returned, so the sink counts them as
// dropped_write_error and reports them; the record too large for the
// buffer is written directly and its Write returns ENOSPC.
func TestFileBufferedDevFull(t *testing.T) {
	line := len(s0(t))
	s, err := File("/dev/full", &FileOptions{BufferSize: 4 * line, Clock: newFakeClock()})
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	meta := newMetaLog()
	s.SetMetaReporter("file", meta)
	var refused int64
	const logged = 21
	for i := range logged {
		r := rec(i % 10)
		if i == 10 {
			r = bigRec(8 * line)
		}
		if err := s.Write(context.Background(), r); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Write = %v, want ENOSPC", err)
			}
			refused++
		}
	}
	if err := s.Flush(context.Background()); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Flush = %v, want ENOSPC", err)
	}
	s.Write(context.Background(), rec(0))
	if err := s.Close(context.Background()); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Close = %v, want the buffer's ENOSPC", err)
	}
	st := s.SinkStats()
	checkAccounting(t, logged+1, st["written"], refused, st)
	if refused != 1 || st["written"] != 0 || st["dropped_write_error"] != logged || st["buffered"] != 0 {
		t.Fatalf("refused %d, stats %v", refused, st)
	}
	if len(meta.all()) == 0 {
		t.Fatal("dropped records not reported")
	}
}

// TestFileBufferedDevFullCountedByHandler: records a buffered File drops
// after Write returned show in the handler's Stats (Lost) and on the
// meta logger.
func TestFileBufferedDevFullCountedByHandler(t *testing.T) {
	file, err := File("/dev/full", &FileOptions{BufferSize: 1 << 10, Clock: newFakeClock()})
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	meta := Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"disk": file, "meta": meta},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app"}, Sinks: []string{"disk"}},
			{Category: loggerjs.MetaCategory, Sinks: []string{"meta"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h).With(loggerjs.Category("app"))
	for i := range 25 {
		l.Info("full", "i", i)
	}
	if err := h.Flush(context.Background()); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Flush = %v, want ENOSPC", err)
	}
	reported := meta.Len()
	h.Close(context.Background())
	st := h.Stats() // after Close, the sink's final counts are retired ones
	if own := st.RetiredSinks["disk"].Own; own["dropped_write_error"] != 25 || own["written"] != 0 || st.RetiredSinks["disk"].Errors != 0 {
		t.Fatalf("disk: %+v", st.RetiredSinks["disk"])
	}
	if st.Lost() != 25 {
		t.Fatalf("Lost() = %d, want 25", st.Lost())
	}
	if reported == 0 {
		t.Fatal("no loss reported on the meta logger")
	}
}

// TestFileBufferedTinyTmpfsFills writes through a buffer into a 16 KiB
// tmpfs until it is full: the buffer write that fills it is cut back out
// of the file, and every record is on disk whole or counted as
// dropped_write_error.
func TestFileBufferedTinyTmpfsFills(t *testing.T) {
	dir := mountTmpfs(t, "size=16k,mode=0755")
	s := mustFile(t, filepath.Join(dir, "app.log"), &FileOptions{BufferSize: 2 << 10, Clock: newFakeClock()})
	const logged = 200
	for i := range logged {
		if err := s.Write(context.Background(), rec10(i)); err != nil {
			t.Fatalf("Write = %v: a buffered record's Write does not fail", err)
		}
	}
	if err := s.Close(context.Background()); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Close = %v, want the last buffer's ENOSPC", err)
	}
	st := s.SinkStats()
	lines := fileLines(t, dir)
	if int64(len(lines)) != st["written"] {
		t.Fatalf("%d lines on disk, %d written", len(lines), st["written"])
	}
	checkAccounting(t, logged, st["written"], 0, st)
	if st["written"] == 0 || st["dropped_write_error"] == 0 || st["torn_repaired"] == 0 {
		t.Fatalf("stats %v: the tmpfs should fill mid-buffer", st)
	}
	t.Logf("written %d, dropped %d in %d failed buffer writes, torn writes cut back %d",
		st["written"], st["dropped_write_error"], st["write_errors"], st["torn_repaired"])
}

// TestAsyncBufferedFileTinyTmpfsFills: Async over a buffered File, with
// chunks that fit in the buffer (Async cuts them at the File's
// BufferSize). Async's write of a
// chunk succeeds when the chunk is buffered, so a failed buffer write is
// the File's to count, and Async counts nothing: each lost record is
// counted once, in Async's stats as dropped_inner_write_error.
func TestAsyncBufferedFileTinyTmpfsFills(t *testing.T) {
	dir := mountTmpfs(t, "size=16k,mode=0755")
	file := mustFile(t, filepath.Join(dir, "app.log"), &FileOptions{BufferSize: 4 << 10, Clock: newFakeClock()})
	s := Async(file, &AsyncOptions{QueueSize: 1000, MaxBatch: 4})
	const logged = 500
	for i := range logged {
		if err := s.Write(context.Background(), rec10(i)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close(context.Background()) // the last buffer's ENOSPC
	fst, ast := file.SinkStats(), s.SinkStats()
	lines := fileLines(t, dir)
	if int64(len(lines)) != fst["written"] || fst["dropped_write_error"] == 0 || ast["dropped_write_error"] != 0 {
		t.Fatalf("%d lines on disk; file %v; async %v", len(lines), fst, ast)
	}
	checkAccounting(t, logged, fst["written"], 0, ast)
	t.Logf("written %d, dropped by the File %d, by Async %d", fst["written"], ast["dropped_inner_write_error"], ast["dropped_write_error"])
}
