//go:build linux

package sinks

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
)

// enospcWriter fails every write the way a full disk does.
type enospcWriter struct{}

func (enospcWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestENOSPCCountedByHandler logs through a handler tree into a Writer and
// an Async sink over writers that return ENOSPC: the handler's Stats
// account for every record, by sink name.
func TestENOSPCCountedByHandler(t *testing.T) {
	async := Async(Writer(enospcWriter{}, jsonCodec), nil)
	meta := Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"disk": Writer(enospcWriter{}, jsonCodec), "async": async, "meta": meta},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app"}, Sinks: []string{"disk", "async"}},
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
	// The async sink's worker may fail records before Flush or during it;
	// Flush returns an error naming those it saw lost.
	h.Flush(context.Background())
	st := h.Stats()
	defer h.Close(context.Background())
	if st.Sinks["disk"].Errors != 25 {
		t.Fatalf("disk: %+v", st.Sinks["disk"])
	}
	if own := st.Sinks["async"].Own; own["dropped_write_error"] != 25 || own["shipped"] != 0 {
		t.Fatalf("async: %+v", own)
	}
	if st.Lost() != 50 {
		t.Fatalf("Lost() = %d, want 50 (25 per sink)", st.Lost())
	}
	if meta.Len() == 0 {
		t.Fatal("no loss reported on the meta logger")
	}
}

// TestFileDevFull: written through, every record's Write returns the
// device's ENOSPC. (TestFileBufferedDevFull is the buffered default.)
func TestFileDevFull(t *testing.T) {
	s, err := File("/dev/full", &FileOptions{WriteThrough: true})
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	var refused int64
	for i := range 20 {
		if err := s.Write(context.Background(), rec(i)); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Write = %v, want ENOSPC", err)
			}
			refused++
		}
	}
	s.Close(context.Background()) // fsync of a device may fail; nothing to lose
	st := s.SinkStats()
	checkAccounting(t, 20, st["written"], refused, nil)
	if refused != 20 || st["write_errors"] != 20 {
		t.Fatalf("refused %d, stats %v", refused, st)
	}
}

// mountTmpfs mounts a tmpfs of the given options at a new directory and
// unmounts it when the test ends. It skips the test where mounting is not
// allowed.
func mountTmpfs(t *testing.T, opts string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, opts); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// TestFileTinyTmpfsFills writes through into a 16 KiB tmpfs until it is
// full: every record is on disk whole or its Write returned ENOSPC, and
// the bytes of a write cut short are cut back out of the file.
// (TestFileBufferedTinyTmpfsFills is the buffered default.)
func TestFileTinyTmpfsFills(t *testing.T) {
	dir := mountTmpfs(t, "size=16k,mode=0755")
	s := mustFile(t, filepath.Join(dir, "app.log"), &FileOptions{WriteThrough: true})
	var refused int64
	const logged = 200
	for i := range logged {
		if err := s.Write(context.Background(), rec10(i)); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Write = %v, want ENOSPC", err)
			}
			refused++
		}
	}
	closeNow(t, s)
	st := s.SinkStats()
	lines := fileLines(t, dir)
	if int64(len(lines)) != st["written"] {
		t.Fatalf("%d lines on disk, %d written", len(lines), st["written"])
	}
	checkAccounting(t, logged, st["written"], refused, nil)
	if refused == 0 || st["written"] == 0 || st["torn_repaired"] == 0 {
		t.Fatalf("refused %d, stats %v: the tmpfs should fill mid-record", refused, st)
	}
	t.Logf("written %d, refused %d, torn writes cut back %d", st["written"], refused, st["torn_repaired"])
}

// TestFileReadOnlyDirectory: a read-only mount lands over the log
// directory while the sink writes. The path now names a directory the
// process cannot write. Written through, each write fails and is
// counted, and writing resumes into the original file once the mount
// goes away. Buffered (the default), the records wait in the buffer,
// which is written to the original file after the mount went: nothing
// is refused.
func TestFileReadOnlyDirectory(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    *FileOptions
		refused int64
		lines   int
	}{
		{"write-through", &FileOptions{WriteThrough: true}, 5, 2},
		{"buffered", nil, 0, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			readOnlyDirectory(t, tc.opts, tc.refused, tc.lines)
		})
	}
}

func readOnlyDirectory(t *testing.T, opts *FileOptions, wantRefused int64, wantLines int) {
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	path := filepath.Join(logs, "app.log")
	s := mustFile(t, path, opts)
	s.Write(context.Background(), rec(0))

	if err := syscall.Mount("tmpfs", logs, "tmpfs", syscall.MS_RDONLY, "size=4k"); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	if _, err := File(filepath.Join(logs, "other.log"), nil); !errors.Is(err, syscall.EROFS) {
		t.Fatalf("File in a read-only directory = %v, want EROFS", err)
	}
	var refused int64
	for i := 1; i <= 5; i++ {
		if err := s.Write(context.Background(), rec(i)); err != nil {
			refused++
		}
	}
	if err := syscall.Unmount(logs, 0); err != nil {
		t.Fatal(err)
	}
	s.Write(context.Background(), rec(6))
	closeNow(t, s)
	st := s.SinkStats()
	lines := linesOf(t, path)
	if refused != wantRefused || len(lines) != wantLines || msgOf(lines[len(lines)-1]) != "m6" {
		t.Fatalf("refused %d, lines %v, stats %v", refused, lines, st)
	}
	checkAccounting(t, 7, int64(len(lines)), refused, nil)
}

// childEnv names the mode TestFileChildProcess runs in.
const childEnv = "LOGGERJS_FILE_CHILD"

// TestFileChildProcess is the child of the crash tests; it does nothing
// unless started by one.
func TestFileChildProcess(t *testing.T) {
	mode, path := os.Getenv(childEnv), os.Getenv(childEnv+"_PATH")
	if mode == "" {
		t.Skip("runs only as the child of a crash test")
	}
	var s *FileSink
	if mode != "unprivileged" && !strings.HasPrefix(mode, "registry-") {
		var opts *FileOptions // "crash" and "default-kill": the defaults
		switch {
		case strings.HasPrefix(mode, "buffered-"):
			// No FlushEvery write during the test: what is in the file is
			// what the buffer filled and Flush wrote.
			opts = &FileOptions{BufferSize: 16 << 10, FlushEvery: time.Hour}
		case mode == "kill":
			opts = &FileOptions{WriteThrough: true}
		}
		var err error
		if s, err = File(path, opts); err != nil {
			fmt.Println("open:", err)
			os.Exit(3)
		}
	}
	switch mode {
	case "unprivileged":
		if _, err := File(filepath.Join(filepath.Dir(path), "new.log"), nil); err != nil {
			fmt.Println("open-error:", err)
		}
		s, err := File(path, &FileOptions{MaxSize: 500})
		if err != nil {
			fmt.Println("open app.log:", err)
			os.Exit(3)
		}
		refused := 0
		for i := range 20 {
			if s.Write(context.Background(), rec10(i)) != nil {
				refused++
			}
		}
		s.Close(context.Background())
		st := s.SinkStats()
		fmt.Printf("written=%d refused=%d rotations=%d\n", st["written"], refused, st["rotations"])
		os.Exit(0)
	case "crash":
		defer func() {
			if p := recover(); p != nil {
				// The crash path: flush what was logged, then die.
				s.Flush(context.Background())
				panic(p)
			}
		}()
		for i := range 500 {
			s.Write(context.Background(), rec10(i))
		}
		panic(childCrash) // unrecovered: the process crashes
	case "kill":
		out := bufio.NewWriter(os.Stdout)
		for i := 0; ; i++ {
			if s.Write(context.Background(), rec10(i)) == nil && i%1000 == 999 {
				fmt.Fprintln(out, i+1)
				out.Flush()
			}
		}
	case "default-kill":
		// A record is acknowledged once an Error record after it was
		// written: FlushLevel writes the buffer at once.
		out := bufio.NewWriter(os.Stdout)
		for i := 0; ; i++ {
			r := rec10(i)
			if i%1000 == 999 {
				r.Level = slog.LevelError
			}
			if s.Write(context.Background(), r) == nil && i%1000 == 999 {
				fmt.Fprintln(out, i+1)
				out.Flush()
			}
		}
	case "registry-recover", "registry-exit":
		// The defaults through the registry: 500 records in the buffer,
		// then a panic through loggerjs.Recover, whose shutdown writes
		// them and the panic's record; or os.Exit, which loses them.
		file, err := File(path, nil)
		if err != nil {
			fmt.Println("open:", err)
			os.Exit(3)
		}
		if err := loggerjs.Configure(loggerjs.Config{
			Sinks:   map[string]loggerjs.Sink{"file": file},
			Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"file"}}},
		}); err != nil {
			fmt.Println("configure:", err)
			os.Exit(3)
		}
		l := loggerjs.GetLogger("app")
		for i := range 500 {
			l.Info("m", "i", i)
		}
		if mode == "registry-exit" {
			os.Exit(2)
		}
		defer loggerjs.Recover()
		panic(childCrash)
	case "buffered-kill":
		// A record is acknowledged once a Flush after it returned.
		out := bufio.NewWriter(os.Stdout)
		for i := 0; ; i++ {
			s.Write(context.Background(), rec10(i))
			if i%1000 == 999 && s.Flush(context.Background()) == nil {
				fmt.Fprintln(out, i+1)
				out.Flush()
			}
		}
	case "buffered-panic", "buffered-exit", "buffered-panic-flush":
		// 500 records, Flush, then 5 more that stay in the buffer.
		for i := range 500 {
			s.Write(context.Background(), rec10(i))
		}
		if err := s.Flush(context.Background()); err != nil {
			fmt.Println("flush:", err)
			os.Exit(3)
		}
		for i := 500; i < 505; i++ {
			s.Write(context.Background(), rec10(i))
		}
		switch mode {
		case "buffered-exit":
			os.Exit(2)
		case "buffered-panic-flush":
			defer func() {
				if p := recover(); p != nil {
					s.Flush(context.Background()) // the crash path
					panic(p)
				}
			}()
		}
		panic(childCrash) // unrecovered: the process crashes
	}
}

// childCrash is the panic a crashing child process dies of.
const childCrash = "child process: crash on purpose"

func childCmd(t *testing.T, mode, path string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestFileChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childEnv+"_PATH="+path)
	return cmd
}

func TestFileChildCrashAfterFlush(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	out, err := childCmd(t, "crash", path).CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), childCrash) {
		t.Fatalf("child did not crash as planned: %v\n%s", err, tail(out))
	}
	lines := linesOf(t, path)
	if len(lines) != 500 {
		t.Fatalf("%d lines on disk, want 500", len(lines))
	}
	for i, l := range lines {
		var v struct{ I int }
		if json.Unmarshal([]byte(l), &v); v.I != i {
			t.Fatalf("line %d is record %d", i, v.I)
		}
	}
}

// TestFileChildBufferedCrash: a child logs through a buffered File,
// flushes after 500 records, logs 5 more and dies. Without a crash path
// the 5 buffered records are lost, as documented, and the 500 flushed
// are in the file, whole and in order; a crash path that calls Flush
// saves the 5.
func TestFileChildBufferedCrash(t *testing.T) {
	for _, tc := range []struct {
		mode, crash string
		lines       int
	}{
		{"buffered-panic", childCrash, 500},
		{"buffered-exit", "", 500},
		{"buffered-panic-flush", childCrash, 505},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			out, err := childCmd(t, tc.mode, path).CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), tc.crash) {
				t.Fatalf("child did not crash as planned: %v\n%s", err, tail(out))
			}
			lines := linesOf(t, path) // fails on a torn line
			if len(lines) != tc.lines {
				t.Fatalf("%d lines on disk, want %d", len(lines), tc.lines)
			}
			for i, l := range lines {
				var v struct{ I int }
				if json.Unmarshal([]byte(l), &v); v.I != i {
					t.Fatalf("line %d is record %d", i, v.I)
				}
			}
		})
	}
}

// TestFileChildSIGKILL kills a child mid-stream: every record it had
// written (WriteThrough: Write returned; buffered: a Flush after it
// returned; the defaults: an Error record after it returned, FlushLevel)
// is in the file, on whole lines.
func TestFileChildSIGKILL(t *testing.T) {
	for _, mode := range []string{"kill", "buffered-kill", "default-kill"} {
		t.Run(mode, func(t *testing.T) { childSIGKILL(t, mode) })
	}
}

func childSIGKILL(t *testing.T, mode string) {
	path := filepath.Join(t.TempDir(), "app.log")
	cmd := childCmd(t, mode, path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	acked := 0
	for sc.Scan() {
		n, err := strconv.Atoi(sc.Text())
		if err != nil {
			continue
		}
		acked = n
		if acked >= 3000 {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL) // mid-stream
	io.Copy(io.Discard, stdout)
	cmd.Wait()
	if acked < 3000 {
		t.Fatalf("child acknowledged only %d records", acked)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	last := lines[len(lines)-1] // "" unless the kill tore the last line
	lines = lines[:len(lines)-1]
	for i, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("torn line %d of %d: %q", i, len(lines), l)
		}
	}
	if len(lines) < acked {
		t.Fatalf("%d whole lines on disk, but the child had written %d", len(lines), acked)
	}
	t.Logf("acknowledged %d, on disk %d whole lines, torn last line %v", acked, len(lines), last != "")
}

// TestFileChildRegistryCrash: a child logs 500 records through the
// registry into a File with its defaults, so they wait in the buffer. A
// panic through loggerjs.Recover shuts the registry down, which writes
// them and the panic's record; os.Exit, with no crash path, loses them,
// as FileOptions.BufferSize says.
func TestFileChildRegistryCrash(t *testing.T) {
	for _, tc := range []struct {
		mode, crash string
		lines       int
	}{
		{"registry-recover", childCrash, 501},
		{"registry-exit", "", 0},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			out, err := childCmd(t, tc.mode, path).CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), tc.crash) {
				t.Fatalf("child did not crash as planned: %v\n%s", err, tail(out))
			}
			lines := linesOf(t, path) // fails on a torn line
			if len(lines) != tc.lines {
				t.Fatalf("%d lines on disk, want %d", len(lines), tc.lines)
			}
			for i, l := range lines {
				var v struct {
					I     int
					Level string
				}
				json.Unmarshal([]byte(l), &v)
				if i < 500 && v.I != i || i == 500 && v.Level != "FATAL" {
					t.Fatalf("line %d: %s", i, l)
				}
			}
		})
	}
}

// TestFileReopensOnSIGHUP: SIGHUP after a rename reopens the path.
// Written through, the record written before it is in the renamed file;
// buffered (the default), it was still in the buffer and goes to the new
// file, as Reopen says.
func TestFileReopensOnSIGHUP(t *testing.T) {
	for _, tc := range []struct {
		name         string
		writeThrough bool
		renamed, now string
	}{
		{"write-through", true, "m0", "m1"},
		{"buffered", false, "", "m0 m1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reopensOnSIGHUP(t, tc.writeThrough, tc.renamed, tc.now)
		})
	}
}

func reopensOnSIGHUP(t *testing.T, writeThrough bool, wantRenamed, wantNew string) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	s := mustFile(t, path, &FileOptions{ReopenOnSIGHUP: true, WriteThrough: writeThrough})
	s.Write(context.Background(), rec(0))
	os.Rename(path, path+".1") // what logrotate does before its postrotate
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	eventually(t, "reopen on SIGHUP", func() bool { return s.SinkStats()["reopened"] == 1 })
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("SIGHUP did not recreate the file: %v", err)
	}
	s.Write(context.Background(), rec(1))
	closeNow(t, s)
	if got := fileMsgs(t, path); got != wantNew {
		t.Fatalf("new file: %q, want %q", got, wantNew)
	}
	if got := fileMsgs(t, path+".1"); got != wantRenamed {
		t.Fatalf("renamed file: %q, want %q", got, wantRenamed)
	}
}

// TestAsyncFileTinyTmpfsFills: Async hands a File written through chunks
// of records; a chunk that does not fit is cut back whole, and each of
// its records is counted as dropped_write_error.
// (TestAsyncBufferedFileTinyTmpfsFills is the buffered default.)
func TestAsyncFileTinyTmpfsFills(t *testing.T) {
	dir := mountTmpfs(t, "size=16k,mode=0755")
	file := mustFile(t, filepath.Join(dir, "app.log"), &FileOptions{WriteThrough: true})
	s := Async(file, &AsyncOptions{QueueSize: 1000})
	const logged = 500
	for i := range logged {
		if err := s.Write(context.Background(), rec10(i)); err != nil {
			t.Fatal(err)
		}
	}
	lossOf(t, s.Close(context.Background()))
	fst, ast := file.SinkStats(), s.SinkStats()
	lines := fileLines(t, dir)
	if int64(len(lines)) != fst["written"] || ast["dropped_write_error"] == 0 {
		t.Fatalf("%d lines on disk; file %v; async %v", len(lines), fst, ast)
	}
	checkAccounting(t, logged, fst["written"], 0, map[string]int64{"dropped_write_error": ast["dropped_write_error"]})
	t.Logf("written %d in %d bytes, dropped %d", fst["written"], fst["bytes"], ast["dropped_write_error"])
}

// TestFileUnprivilegedDirectory runs a child process as nobody in a
// directory it cannot write: File fails to create a new file there, and
// with a file it may write but a directory where it cannot rotate, every
// record still lands in the file (rotation fails and is reported, writing
// goes on).
func TestFileUnprivilegedDirectory(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to start a child as another user")
	}
	bin, err := os.MkdirTemp("", "loggerjs-child")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(bin)
	dir := filepath.Join(bin, "logs")
	if err := os.Mkdir(dir, 0o755); err != nil { // root's, not writable by nobody
		t.Fatal(err)
	}
	os.Chmod(bin, 0o755)
	exe := filepath.Join(bin, "sinks.test")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, data, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "app.log")
	if err := os.WriteFile(path, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o666)
	cmd := exec.Command(exe, "-test.run=^TestFileChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=unprivileged", childEnv+"_PATH="+path)
	cmd.Dir = bin
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "open-error:") || !strings.Contains(string(out), "permission denied") {
		t.Fatalf("a file in an unwritable directory was created:\n%s", out)
	}
	if !strings.Contains(string(out), "written=20 refused=0 rotations=0") {
		t.Fatalf("child output:\n%s", out)
	}
	if lines := linesOf(t, path); len(lines) != 20 {
		t.Fatalf("%d lines on disk, want 20", len(lines))
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Fatalf("files %v", names)
	}
}
