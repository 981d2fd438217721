package sinks

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
)

// msgs returns the messages of lines.
func msgs(lines []string) string {
	var out []string
	for _, l := range lines {
		out = append(out, msgOf(l))
	}
	return strings.Join(out, " ")
}

// fileMsgs returns the messages of the lines of the file at path; a
// missing file has none.
func fileMsgs(t testing.TB, path string) string {
	t.Helper()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return ""
	}
	return msgs(linesOf(t, path))
}

// bigRec returns a record with message "big" whose encoding is longer
// than n bytes.
func bigRec(n int) *loggerjs.Record {
	sr := slog.NewRecord(testTime, slog.LevelInfo, "big", 0)
	sr.AddAttrs(slogString("pad", n))
	return loggerjs.NewRecord(sr)
}

func TestFileBufferedOptions(t *testing.T) {
	dir := t.TempDir()
	for _, o := range []FileOptions{{BufferSize: -1}, {BufferSize: 1024, FlushEvery: -time.Second}} {
		if _, err := File(filepath.Join(dir, "app.log"), &o); err == nil {
			t.Fatalf("File(%+v) accepted a negative option", o)
		}
	}
	s := mustFile(t, filepath.Join(dir, "app.log"), &FileOptions{BufferSize: 1024})
	defer closeNow(t, s)
	if s.opt.FlushEvery != time.Second {
		t.Fatalf("FlushEvery defaults to %v, want 1s", s.opt.FlushEvery)
	}
}

// TestFileDefaults: a File with no options buffers 256 KiB for at most
// a second; WriteThrough writes each record at once and takes no
// BufferSize.
func TestFileDefaults(t *testing.T) {
	dir := t.TempDir()
	if _, err := File(filepath.Join(dir, "bad.log"), &FileOptions{WriteThrough: true, BufferSize: 1024}); err == nil {
		t.Fatal("File accepted WriteThrough with a BufferSize")
	}
	path := filepath.Join(dir, "app.log")
	clk := newFakeClock()
	s := mustFile(t, path, &FileOptions{Clock: clk})
	if s.opt.BufferSize != 256<<10 || cap(s.buf) != 256<<10 || s.opt.FlushEvery != time.Second {
		t.Fatalf("BufferSize %d (buffer of %d), FlushEvery %v; want 256 KiB, 1s", s.opt.BufferSize, cap(s.buf), s.opt.FlushEvery)
	}
	ctx := context.Background()
	s.Write(ctx, rec(0))
	if got := fileMsgs(t, path); got != "" || s.SinkStats()["buffered"] != 1 {
		t.Fatalf("written at once by default: %q", got)
	}
	clk.waitTimers(t, 1)
	clk.Advance(time.Second)
	eventually(t, "the buffer written after FlushEvery", func() bool { return s.SinkStats()["written"] == 1 })
	if got := fileMsgs(t, path); got != "m0" {
		t.Fatalf("after FlushEvery: %q", got)
	}
	closeNow(t, s)

	through := filepath.Join(dir, "through.log")
	wt := mustFile(t, through, &FileOptions{WriteThrough: true, Clock: clk})
	defer closeNow(t, wt)
	wt.Write(ctx, rec(1))
	if got := fileMsgs(t, through); got != "m1" || wt.buf != nil || wt.SinkStats()["buffered"] != 0 {
		t.Fatalf("WriteThrough: file holds %q", got)
	}
}

// TestFileFlushLevel: a record at or above FlushLevel (Error by default)
// writes the buffer, itself last, with one write; records below it wait.
// Bytes handed over already encoded carry no level and wait too.
func TestFileFlushLevel(t *testing.T) {
	at := func(i int, level slog.Level) *loggerjs.Record {
		r := rec(i)
		r.Level = level
		return r
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		level slog.Leveler
		want  []string // the file after each of Info, Warn, Error, Info
	}{
		{"default", nil, []string{"", "", "m0 m1 m2", "m0 m1 m2"}},
		{"Warn", slog.LevelWarn, []string{"", "m0 m1", "m0 m1 m2", "m0 m1 m2"}},
		{"off", slog.Level(math.MaxInt), []string{"", "", "", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			s := mustFile(t, path, &FileOptions{FlushLevel: tc.level, Clock: newFakeClock()})
			for i, level := range []slog.Level{slog.LevelInfo, slog.LevelWarn, slog.LevelError, slog.LevelInfo} {
				if err := s.Write(ctx, at(i, level)); err != nil {
					t.Fatal(err)
				}
				if got := fileMsgs(t, path); got != tc.want[i] {
					t.Fatalf("after record %d (%v): file holds %q, want %q", i, level, got, tc.want[i])
				}
			}
			closeNow(t, s)
			if got := fileMsgs(t, path); got != "m0 m1 m2 m3" {
				t.Fatalf("after Close: %q", got)
			}
		})
	}
	t.Run("encoded", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "app.log")
		s := mustFile(t, path, &FileOptions{Clock: newFakeClock()})
		if err := s.WriteEncoded(ctx, s.Codec().Append(nil, at(0, slog.LevelError))); err != nil {
			t.Fatal(err)
		}
		if got := fileMsgs(t, path); got != "" {
			t.Fatalf("encoded Error record written at once: %q", got)
		}
		closeNow(t, s)
		if got := fileMsgs(t, path); got != "m0" {
			t.Fatalf("after Close: %q", got)
		}
	})
}

// TestFileBufferedWritesWhenFullAndOnFlushAndClose: records wait in the
// buffer until the next one would not fit, Flush or Close.
func TestFileBufferedWritesWhenFullAndOnFlushAndClose(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	line := len(s0(t))
	s := mustFile(t, path, &FileOptions{BufferSize: 3 * line, Clock: newFakeClock()})
	ctx := context.Background()
	for i := range 3 {
		if err := s.Write(ctx, rec(i)); err != nil {
			t.Fatal(err)
		}
	}
	if got := fileMsgs(t, path); got != "" {
		t.Fatalf("three records fill the buffer but are written: %q", got)
	}
	if st := s.SinkStats(); st["buffered"] != 3 || st["written"] != 0 {
		t.Fatalf("stats %v", st)
	}
	s.Write(ctx, rec(3)) // does not fit: the three are written, one write
	if got := fileMsgs(t, path); got != "m0 m1 m2" {
		t.Fatalf("after the buffer filled: %q", got)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fileMsgs(t, path); got != "m0 m1 m2 m3" {
		t.Fatalf("after Flush: %q", got)
	}
	s.Write(ctx, rec(4))
	closeNow(t, s)
	if err := s.Write(ctx, rec(5)); !errors.Is(err, loggerjs.ErrClosed) {
		t.Fatalf("Write after Close = %v", err)
	}
	if got := fileMsgs(t, path); got != "m0 m1 m2 m3 m4" {
		t.Fatalf("after Close: %q", got)
	}
	st := s.SinkStats()
	if st["written"] != 5 || st["buffered"] != 0 || st["bytes"] != int64(5*line) {
		t.Fatalf("stats %v", st)
	}
	checkAccounting(t, 5, st["written"], 0, st)
}

// TestFileBufferedLargeRecordWrittenDirectly: a record larger than the
// buffer is written on its own, after the records buffered before it.
func TestFileBufferedLargeRecordWrittenDirectly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	line := len(s0(t))
	s := mustFile(t, path, &FileOptions{BufferSize: 2 * line, Clock: newFakeClock()})
	ctx := context.Background()
	s.Write(ctx, rec(0))
	if err := s.Write(ctx, bigRec(3*line)); err != nil {
		t.Fatal(err)
	}
	if got := fileMsgs(t, path); got != "m0 big" {
		t.Fatalf("after the large record: %q", got)
	}
	s.Write(ctx, rec(1))
	closeNow(t, s)
	if got := fileMsgs(t, path); got != "m0 big m1" {
		t.Fatalf("after Close: %q", got)
	}
	if st := s.SinkStats(); st["written"] != 3 {
		t.Fatalf("stats %v", st)
	}
}

// TestFileBufferedFlushEvery: the buffer is written FlushEvery after its
// first record was buffered, on the sink's clock, however many records
// joined it since; a Flush in between restarts the wait.
func TestFileBufferedFlushEvery(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	clk := newFakeClock()
	s := mustFile(t, path, &FileOptions{BufferSize: 64 << 10, Clock: clk}) // FlushEvery: 1s
	ctx := context.Background()
	written := func(n int64) func() bool {
		return func() bool { return s.SinkStats()["written"] == n }
	}

	s.Write(ctx, rec(0))
	clk.waitTimers(t, 1)
	clk.Advance(600 * time.Millisecond)
	s.Write(ctx, rec(1)) // joins the buffer: the deadline stays
	clk.Advance(399 * time.Millisecond)
	if got := fileMsgs(t, path); got != "" || clk.Pending() != 1 {
		t.Fatalf("written before FlushEvery: %q, %d timers", got, clk.Pending())
	}
	clk.Advance(time.Millisecond) // 1s after rec(0)
	eventually(t, "the buffer written 1s after its first record", written(2))
	if got := fileMsgs(t, path); got != "m0 m1" {
		t.Fatalf("after FlushEvery: %q", got)
	}

	// An empty buffer arms no timer; the next record does.
	s.Write(ctx, rec(2))
	clk.waitTimers(t, 1)
	clk.Advance(500 * time.Millisecond)
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	s.Write(ctx, rec(3)) // buffered 500ms after rec(2)
	clk.Advance(500 * time.Millisecond)
	// rec(2)'s timer fired; rec(3) has 500ms to go, so it waits again.
	clk.waitTimers(t, 1)
	if got := fileMsgs(t, path); got != "m0 m1 m2" {
		t.Fatalf("rec(3) written before its FlushEvery: %q", got)
	}
	clk.Advance(500 * time.Millisecond)
	eventually(t, "rec(3) written 1s after it was buffered", written(4))
	closeNow(t, s)
	if got := fileMsgs(t, path); got != "m0 m1 m2 m3" {
		t.Fatalf("file: %q", got)
	}
}

// TestFileBufferedRotatesBySize: the buffered bytes count toward MaxSize,
// so every file stays within it and holds the records in order, with a
// buffer smaller and one larger than MaxSize.
func TestFileBufferedRotatesBySize(t *testing.T) {
	line := len(s0(t))
	for _, bufSize := range []int{2 * line, 1 << 20} {
		t.Run(itoa(bufSize), func(t *testing.T) {
			dir := t.TempDir()
			clk := newFakeClock()
			maxSize := int64(3*line + 1)
			s := mustFile(t, filepath.Join(dir, "app.log"), &FileOptions{MaxSize: maxSize, BufferSize: bufSize, Clock: clk})
			for i := range 10 {
				s.Write(context.Background(), rec(i))
			}
			closeNow(t, s)
			stamp := "app-2026-01-02T03-04-05.000"
			var got []string
			for _, name := range []string{stamp + ".log", stamp + "-1.log", stamp + "-2.log", "app.log"} {
				fi, err := os.Stat(filepath.Join(dir, name))
				if err != nil {
					t.Fatalf("files %v: %v", dirNames(t, dir), err)
				}
				if fi.Size() > maxSize {
					t.Fatalf("%s has %d bytes, past MaxSize %d", name, fi.Size(), maxSize)
				}
				got = append(got, fileMsgs(t, filepath.Join(dir, name)))
			}
			want := []string{"m0 m1 m2", "m3 m4 m5", "m6 m7 m8", "m9"}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("files hold %q, want %q", got, want)
			}
			if st := s.SinkStats(); st["rotations"] != 3 || len(dirNames(t, dir)) != 4 {
				t.Fatalf("files %v, stats %v", dirNames(t, dir), st)
			}
		})
	}
}

// TestFileBufferedRotatesByTime: records buffered before the rotation
// time go to the file rotated then, even when written after it.
func TestFileBufferedRotatesByTime(t *testing.T) {
	dir := t.TempDir()
	clk := newFakeClock() // 03:04:05
	s := mustFile(t, filepath.Join(dir, "app.log"), &FileOptions{RotateEvery: time.Hour, BufferSize: 64 << 10, FlushEvery: 24 * time.Hour, Clock: clk})
	s.Write(context.Background(), rec(0))
	clk.Advance(55 * time.Minute) // 03:59:05: same hour
	s.Write(context.Background(), rec(1))
	clk.Advance(time.Minute) // 04:00:05: both still buffered
	s.Write(context.Background(), rec(2))
	clk.Advance(3 * time.Hour)
	s.Write(context.Background(), rec(3))
	closeNow(t, s)
	names := dirNames(t, dir)
	want := []string{"app-2026-01-02T04-00-05.000.log", "app-2026-01-02T07-00-05.000.log", "app.log"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("files %v, want %v", names, want)
	}
	var got []string
	for _, name := range want {
		got = append(got, fileMsgs(t, filepath.Join(dir, name)))
	}
	if strings.Join(got, "|") != "m0 m1|m2|m3" {
		t.Fatalf("files hold %q", got)
	}
}

// TestFileBufferedRotateWritesBufferFirst: Rotate writes the buffered
// records to the file it rotates.
func TestFileBufferedRotateWritesBufferFirst(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	s := mustFile(t, path, &FileOptions{BufferSize: 64 << 10, Clock: newFakeClock()})
	s.Write(context.Background(), rec(0))
	s.Write(context.Background(), rec(1))
	if err := s.Rotate(); err != nil {
		t.Fatal(err)
	}
	s.Write(context.Background(), rec(2))
	closeNow(t, s)
	backup := filepath.Join(dir, "app-2026-01-02T03-04-05.000.log")
	if got := fileMsgs(t, backup) + "|" + fileMsgs(t, path); got != "m0 m1|m2" {
		t.Fatalf("files hold %q (%v)", got, dirNames(t, dir))
	}
}

// TestFileBufferedPathCheckedPerBufferWrite: a file removed while records
// wait in the buffer is found missing when the buffer is written, and
// they land in a new file. What the removed file held since the last
// check is counted, as without a buffer.
func TestFileBufferedPathCheckedPerBufferWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	s := mustFile(t, path, &FileOptions{BufferSize: 64 << 10, Clock: newFakeClock()})
	ctx := context.Background()
	s.Write(ctx, rec(0))
	s.Flush(ctx)
	os.Remove(path)
	s.Write(ctx, rec(1))
	s.Write(ctx, rec(2))
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	closeNow(t, s)
	st := s.SinkStats()
	if got := fileMsgs(t, path); got != "m1 m2" || st["reopened"] != 1 {
		t.Fatalf("file holds %q; stats %v", got, st)
	}
	checkAccounting(t, 3, 2, 0, st) // m0 went with the removed file: dropped_unlinked
}

// TestFileBufferedConcurrentFlushEvery has goroutines log into a
// buffered File while its flusher writes the buffer on a clock the test
// moves, Flush runs alongside, and Close ends it all: every record is in
// the file once, whole, in the order each goroutine logged it.
func TestFileBufferedConcurrentFlushEvery(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	clk := newFakeClock()
	s := mustFile(t, path, &FileOptions{BufferSize: 4 << 10, FlushEvery: time.Second, Clock: clk})
	const goroutines, each = 8, 500
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := s.Write(context.Background(), rec(g*each+i)); err != nil {
					t.Errorf("Write: %v", err)
				}
				if i%100 == 0 {
					s.Flush(context.Background())
				}
			}
		}()
	}
	stop := make(chan struct{})
	ticked := make(chan struct{})
	go func() {
		defer close(ticked)
		for {
			select {
			case <-stop:
				return
			default:
				clk.Advance(time.Second) // fires the flusher's timer, if armed
				runtime.Gosched()
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-ticked
	closeNow(t, s)
	lines := linesOf(t, path)
	last := map[int]int{}
	for _, l := range lines {
		i, err := strconv.Atoi(strings.TrimPrefix(msgOf(l), "m"))
		if err != nil {
			t.Fatalf("line %q", l)
		}
		g := i / each
		if prev, ok := last[g]; ok && i != prev+1 {
			t.Fatalf("goroutine %d: record %d after %d", g, i, prev)
		}
		last[g] = i
	}
	st := s.SinkStats()
	if len(lines) != goroutines*each || st["written"] != int64(len(lines)) {
		t.Fatalf("%d lines, stats %v", len(lines), st)
	}
	checkAccounting(t, goroutines*each, st["written"], 0, st)
}
