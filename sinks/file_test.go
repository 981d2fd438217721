package sinks

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
)

// fileLines reads every file in dir (gunzipping .gz files) and returns
// their lines, failing the test on any line that is not whole JSON.
func fileLines(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		lines = append(lines, linesOf(t, filepath.Join(dir, e.Name()))...)
	}
	return lines
}

func linesOf(t testing.TB, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Fatalf("%s ends in a torn line: %q", path, tail(data))
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("%s: torn line %q", path, sc.Text())
		}
		lines = append(lines, sc.Text())
	}
	return lines
}

func tail(b []byte) []byte {
	if len(b) > 80 {
		return b[len(b)-80:]
	}
	return b
}

func mustFile(t testing.TB, path string, opts *FileOptions) *FileSink {
	t.Helper()
	s, err := File(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFileWritesNDJSON(t *testing.T) {
	dir := t.TempDir()
	s := mustFile(t, filepath.Join(dir, "app.log"), nil)
	for i := range 10 {
		if err := s.Write(context.Background(), rec(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	closeNow(t, s)
	closeNow(t, s)
	if err := s.Write(context.Background(), rec(10)); !errors.Is(err, loggerjs.ErrClosed) {
		t.Fatalf("Write after Close = %v", err)
	}
	lines := fileLines(t, dir)
	if len(lines) != 10 || msgOf(lines[9]) != "m9" {
		t.Fatalf("lines %v", lines)
	}
	if st := s.SinkStats(); st["written"] != 10 || st["write_errors"] != 0 {
		t.Fatalf("stats %v", st)
	}
}

func TestFileRotatesBySize(t *testing.T) {
	dir := t.TempDir()
	line := len(s0(t))
	s := mustFile(t, filepath.Join(dir, "app.log"), &FileOptions{MaxSize: int64(3*line + 1)})
	for i := range 10 {
		s.Write(context.Background(), rec(i%10)) // same length as rec(0)
	}
	closeNow(t, s)
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Fatalf("%d files, want 4 (3+3+3+1 lines)", len(entries))
	}
	for _, e := range entries {
		if fi, _ := e.Info(); fi.Size() > int64(3*line+1) {
			t.Fatalf("%s has %d bytes, past MaxSize", e.Name(), fi.Size())
		}
	}
	if got := len(fileLines(t, dir)); got != 10 {
		t.Fatalf("%d lines", got)
	}
	if st := s.SinkStats(); st["rotations"] != 3 {
		t.Fatalf("stats %v", st)
	}
}

func TestFileRotatesByTime(t *testing.T) {
	dir := t.TempDir()
	clk := newFakeClock() // 03:04:05
	s := mustFile(t, filepath.Join(dir, "app.log"), &FileOptions{RotateEvery: time.Hour, Clock: clk})
	s.Write(context.Background(), rec(0))
	clk.Advance(55 * time.Minute) // 03:59:05: same hour
	s.Write(context.Background(), rec(1))
	clk.Advance(time.Minute) // 04:00:05
	s.Write(context.Background(), rec(2))
	clk.Advance(3 * time.Hour) // idle hours rotate once, at the next write
	s.Write(context.Background(), rec(3))
	closeNow(t, s)
	names := dirNames(t, dir)
	want := []string{"app-2026-01-02T04-00-05.000.log", "app-2026-01-02T07-00-05.000.log", "app.log"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("files %v, want %v", names, want)
	}
	if got := linesOf(t, filepath.Join(dir, want[0])); len(got) != 2 {
		t.Fatalf("first hour has %d lines", len(got))
	}
}

func dirNames(t testing.TB, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// TestFileHundredRotationsInOneMillisecond: lumberjack names backups by
// the millisecond, so rotations within one overwrite each other's
// backups. Here the clock stands still for all hundred.
func TestFileHundredRotationsInOneMillisecond(t *testing.T) {
	for _, compress := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "gzip"}[compress], func(t *testing.T) {
			dir := t.TempDir()
			clk := newFakeClock()
			s := mustFile(t, filepath.Join(dir, "app.log"), &FileOptions{Clock: clk, Compress: compress})
			for i := range 100 {
				if err := s.Write(context.Background(), rec(i)); err != nil {
					t.Fatal(err)
				}
				if err := s.Rotate(); err != nil {
					t.Fatal(err)
				}
			}
			s.syncMill()
			closeNow(t, s)
			lines := fileLines(t, dir)
			seen := map[string]bool{}
			for _, l := range lines {
				seen[msgOf(l)] = true
			}
			if len(lines) != 100 || len(seen) != 100 {
				t.Fatalf("%d lines, %d distinct, want 100", len(lines), len(seen))
			}
			if compress && s.SinkStats()["compressed"] != 100 {
				t.Fatalf("stats %v", s.SinkStats())
			}
		})
	}
}

func TestFileMaxBackupsAndMaxAge(t *testing.T) {
	dir := t.TempDir()
	clk := newFakeClock()
	s := mustFile(t, filepath.Join(dir, "app.log"), &FileOptions{Clock: clk, MaxBackups: 3, MaxAge: 10 * time.Hour, Compress: true})
	for i := range 6 {
		s.Write(context.Background(), rec(i))
		s.Rotate()
		clk.Advance(time.Hour)
	}
	s.syncMill()
	names := dirNames(t, dir)
	want := "app-2026-01-02T06-04-05.000.log.gz app-2026-01-02T07-04-05.000.log.gz app-2026-01-02T08-04-05.000.log.gz app.log"
	if strings.Join(names, " ") != want {
		t.Fatalf("files %v\nwant %s", names, want)
	}
	clk.Advance(8*time.Hour + time.Minute) // 17:05: the 06:04 and 07:04 backups pass MaxAge
	s.Write(context.Background(), rec(6))
	s.Rotate()
	s.syncMill()
	names = dirNames(t, dir)
	want = "app-2026-01-02T08-04-05.000.log.gz app-2026-01-02T17-05-05.000.log.gz app.log"
	if strings.Join(names, " ") != want {
		t.Fatalf("files %v\nwant %s", names, want)
	}
	closeNow(t, s)
}

// TestFileRemovedOrRenamedIsRecreated: the path is checked before each
// write(2), which is each record's written through and each buffer's
// with the default buffer (Flush writes the buffer here).
func TestFileRemovedOrRenamedIsRecreated(t *testing.T) {
	for _, writeThrough := range []bool{true, false} {
		t.Run(fmt.Sprintf("WriteThrough=%v", writeThrough), func(t *testing.T) {
			removedOrRenamedIsRecreated(t, writeThrough)
		})
	}
}

func removedOrRenamedIsRecreated(t *testing.T, writeThrough bool) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	s := mustFile(t, path, &FileOptions{WriteThrough: writeThrough})
	write := func(i int) {
		s.Write(context.Background(), rec(i))
		if !writeThrough {
			if err := s.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(0)
	os.Remove(path) // lumberjack would write on into the unlinked file
	write(1)
	if got := linesOf(t, path); len(got) != 1 || msgOf(got[0]) != "m1" {
		t.Fatalf("after remove: %v", got)
	}
	os.Rename(path, path+".old")
	write(2)
	closeNow(t, s)
	if got := linesOf(t, path); len(got) != 1 || msgOf(got[0]) != "m2" {
		t.Fatalf("after rename: %v", got)
	}
	if got := linesOf(t, path+".old"); len(got) != 1 || msgOf(got[0]) != "m1" {
		t.Fatalf("renamed file: %v", got)
	}
	if st := s.SinkStats(); st["reopened"] != 2 || st["written"] != 3 {
		t.Fatalf("stats %v", st)
	}
}

// TestFileConcurrentRotateAndClose has 1,000 goroutines log while the file
// rotates by size, and Close runs in the middle of it, with the File
// written directly and behind Async, unbuffered and buffered (its
// flusher writing the buffer every millisecond on the system clock, to
// race the writers and Close; what is checked does not depend on when it
// runs). Every record is on disk whole, or counted; goleak (TestMain)
// proves no goroutine outlives Close.
func TestFileConcurrentRotateAndClose(t *testing.T) {
	for _, tc := range []struct {
		name     string
		async    bool
		buffered bool
	}{{"direct", false, false}, {"async", true, false}, {"buffered", false, true}, {"buffered-async", true, true}} {
		async := tc.async
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := &FileOptions{MaxSize: 4 << 10, Compress: true, MaxBackups: 1000, WriteThrough: !tc.buffered}
			if tc.buffered {
				opts.BufferSize, opts.FlushEvery = 1<<10, time.Millisecond
			}
			file := mustFile(t, filepath.Join(dir, "app.log"), opts)
			var s loggerjs.Sink = file
			var as *AsyncSink
			if async {
				as = Async(file, &AsyncOptions{QueueSize: 512, Policy: Block, BlockTimeout: time.Millisecond})
				s = as
			}
			var wg sync.WaitGroup
			var logged, refused atomic.Int64
			start := make(chan struct{})
			for g := range 1000 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					for i := range 20 {
						logged.Add(1)
						if err := s.Write(context.Background(), rec10(g*100+i)); err != nil {
							if !errors.Is(err, loggerjs.ErrClosed) {
								t.Errorf("Write: %v", err)
							}
							refused.Add(1)
						}
					}
				}()
			}
			close(start)
			eventually(t, "half the records and some rotations", func() bool {
				return logged.Load() >= 10000 && file.SinkStats()["rotations"] >= 5
			})
			closeNow(t, s)
			wg.Wait()
			st := file.SinkStats()
			lines := fileLines(t, dir)
			if int64(len(lines)) != st["written"] {
				t.Fatalf("%d lines on disk, %d written", len(lines), st["written"])
			}
			own := st // the File's drops; behind Async, in Async's stats
			if async {
				own = as.SinkStats()
			}
			checkAccounting(t, logged.Load(), st["written"], refused.Load(), own)
			t.Logf("logged %d, written %d, refused after Close %d, dropped %d, rotations %d",
				logged.Load(), st["written"], refused.Load(), dropped(own), st["rotations"])
		})
	}
}

// TestFilePathCheckEveryCountsUnlinked: with checks spaced out, records
// written through to a removed file between two checks are lost, and the
// next check counts them. (loss_test.go has the buffered case.)
func TestFilePathCheckEveryCountsUnlinked(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	clk := newFakeClock()
	s := mustFile(t, path, &FileOptions{PathCheckEvery: time.Second, WriteThrough: true, Clock: clk})
	meta := newMetaLog()
	s.SetMetaReporter("file", meta)
	s.Write(context.Background(), rec(0)) // checked: the file is in place
	os.Remove(path)
	s.Write(context.Background(), rec(1)) // not checked: into the unlinked file
	s.Write(context.Background(), rec(2))
	clk.Advance(time.Second)
	s.Write(context.Background(), rec(3)) // checked: reopened
	closeNow(t, s)
	st := s.SinkStats()
	lines := linesOf(t, path)
	if st["dropped_unlinked"] != 3 || len(lines) != 1 || msgOf(lines[0]) != "m3" {
		t.Fatalf("lines %v, stats %v", lines, st)
	}
	checkAccounting(t, 4, int64(len(lines)), 0, st)
	if len(meta.all()) == 0 {
		t.Fatal("loss not reported")
	}
}
