package loggerjs_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
)

// crashChild is set in the child processes of the crash tests: it names
// the path to run and the file to log to.
var crashChild = os.Getenv("LOGGERJS_CRASH_CHILD")

// configureFile configures the registry with one buffered file sink, so
// that only a flush puts the records on disk.
func configureFile(path string) {
	file, err := sinks.File(path, &sinks.FileOptions{BufferSize: 1 << 20, FlushEvery: time.Hour})
	if err != nil {
		fmt.Println("file:", err)
		os.Exit(3)
	}
	if err := loggerjs.Configure(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"file": file},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"file"}}},
	}); err != nil {
		fmt.Println("configure:", err)
		os.Exit(3)
	}
}

// TestCrashChild is the body of the child processes; it does nothing in
// a normal run.
func TestCrashChild(t *testing.T) {
	if crashChild == "" {
		t.Skip("runs in the crash tests' child processes")
	}
	path := os.Getenv("LOGGERJS_CRASH_FILE")
	configureFile(path)
	logger := loggerjs.GetLogger("app")
	for i := range 100 {
		logger.Info("work", "i", i)
	}
	switch crashChild {
	case "panic":
		defer loggerjs.Recover()
		panicInHandler()
	case "fatal":
		loggerjs.Fatal(logger, "cannot go on", "err", errors.New("disk gone"))
	case "sigterm":
		loggerjs.ShutdownOnSignal(5 * time.Second)
		fmt.Println("ready")
		time.Sleep(time.Minute) // the parent's SIGTERM ends it
	}
	os.Exit(4)
}

func panicInHandler() { panic("boom: nil map") }

// runCrashChild starts the child for one path and returns its file path.
func runCrashChild(t *testing.T, name string) (*exec.Cmd, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "app.log")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "LOGGERJS_CRASH_CHILD="+name, "LOGGERJS_CRASH_FILE="+path)
	return cmd, path
}

// readRecords reads the NDJSON records of a file.
func readRecords(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		out = append(out, m)
	}
	return out
}

// TestRecoverPanic checks the panic path in a child process: the records
// logged before, then a FATAL record with the panic and its stack, are on
// disk; the process exits with status 2 and the runtime's traceback.
func TestRecoverPanic(t *testing.T) {
	cmd, path := runCrashChild(t, "panic")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("child: %v, want exit status 2\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "panic: boom: nil map") || !strings.Contains(stderr.String(), "panicInHandler") {
		t.Errorf("stderr lacks the runtime's traceback:\n%s", stderr.String())
	}
	recs := readRecords(t, path)
	if len(recs) != 101 {
		t.Fatalf("%d records on disk, want 101", len(recs))
	}
	last := recs[100]
	if last["level"] != "FATAL" || last["panic"] != "boom: nil map" || !strings.Contains(fmt.Sprint(last["stack"]), "panicInHandler") {
		t.Errorf("last record %v", last)
	}
}

// TestFatal checks Fatal in a child process: the record is on disk and
// the process exits with status 1.
func TestFatal(t *testing.T) {
	cmd, path := runCrashChild(t, "fatal")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("child: %v, want exit status 1\n%s", err, out)
	}
	recs := readRecords(t, path)
	if len(recs) != 101 || recs[100]["level"] != "FATAL" || recs[100]["err"] != "disk gone" || recs[100]["logger"] != "app" {
		t.Errorf("%d records, last %v", len(recs), recs[len(recs)-1])
	}
}

// TestShutdownOnSignal checks the SIGTERM path in a child process: the
// buffered records are flushed to disk, and the process then dies of the
// signal as it would have without loggerjs.
func TestShutdownOnSignal(t *testing.T) {
	cmd, path := runCrashChild(t, "sigterm")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		_ = cmd.Process.Kill()
		t.Fatalf("child said %q, %v", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child: %v, want death by SIGTERM", err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("child ended with %v, want death by SIGTERM", ee)
	}
	if recs := readRecords(t, path); len(recs) != 100 {
		t.Errorf("%d records on disk, want 100", len(recs))
	}
}

// stackErr carries a stack in the shape of github.com/pkg/errors.
type stackErr struct{ pcs []uintptr }

type frame uintptr

func (e *stackErr) Error() string { return "with a stack" }
func (e *stackErr) StackTrace() []frame {
	out := make([]frame, len(e.pcs))
	for i, pc := range e.pcs {
		out[i] = frame(pc + 1)
	}
	return out
}

//go:noinline
func newStackErr() error {
	var pcs [8]uintptr
	n := runtimeCallers(pcs[:])
	return &stackErr{pcs: pcs[:n]}
}

// stacksOf logs through a tree configured by cfg plus a middleware that
// collects the StackKey attr of every record ("" for none).
func stacksOf(t *testing.T, cfg loggerjs.Config, log func(*slog.Logger)) []string {
	t.Helper()
	var stacks []string
	capture := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		s := ""
		r.RootAttrs(func(a slog.Attr) bool {
			if a.Key == loggerjs.StackKey {
				s = a.Value.String()
			}
			return true
		})
		stacks = append(stacks, s)
		return true
	})
	cfg.Sinks = map[string]loggerjs.Sink{"out": &recSink{}}
	cfg.Loggers = []loggerjs.LoggerConfig{{Sinks: []string{"out"}}}
	cfg.Middleware = []loggerjs.Middleware{capture}
	h, root := newTree(t, cfg)
	defer h.Close(context.Background())
	log(root)
	return stacks
}

// TestStackTraceLevel checks Config.StackTraceLevel: records at or above
// it carry the stack of the logging call, those below carry none, and,
// with Config.ErrorStack, a record whose error carries a stack gets that
// one whatever its level.
func TestStackTraceLevel(t *testing.T) {
	stacks := stacksOf(t, loggerjs.Config{StackTraceLevel: slog.LevelError, ErrorStack: loggerjs.StackTraceMethod}, func(root *slog.Logger) {
		root.Info("no stack")
		root.Error("stack")
		root.Info("error's stack", "err", newStackErr())
		root.Error("wrapped error's stack", "err", fmt.Errorf("wrapped: %w", newStackErr()))
	})
	if stacks[0] != "" {
		t.Errorf("Info record got a stack: %s", stacks[0])
	}
	first := strings.SplitN(stacks[1], "\n", 2)[0]
	if first != "github.com/loggerjs/loggerjs_test.TestStackTraceLevel.func1" || strings.Contains(stacks[1], "log/slog.") {
		t.Errorf("Error record's stack does not start at the call site:\n%s", stacks[1])
	}
	for _, s := range stacks[2:] {
		if !strings.HasPrefix(s, "github.com/loggerjs/loggerjs_test.runtimeCallers") || !strings.Contains(s, "newStackErr") {
			t.Errorf("the error's stack was not used:\n%s", s)
		}
	}
}

// TestErrorStackOptIn checks that without Config.ErrorStack the stack an
// error carries is not looked for, and that an ErrorStack that panics or
// finds nothing leaves the call's stack to StackTraceLevel.
func TestErrorStackOptIn(t *testing.T) {
	for _, tt := range []struct {
		name string
		find func(error) []uintptr
	}{
		{"none", nil},
		{"panics", func(error) []uintptr { panic("boom") }},
		{"finds nothing", func(error) []uintptr { return nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stacks := stacksOf(t, loggerjs.Config{StackTraceLevel: slog.LevelError, ErrorStack: tt.find}, func(root *slog.Logger) {
				root.Info("below the level", "err", newStackErr())
				root.Error("at the level", "err", newStackErr())
			})
			if stacks[0] != "" {
				t.Errorf("Info record got a stack: %s", stacks[0])
			}
			if strings.Contains(stacks[1], "newStackErr") || !strings.Contains(stacks[1], "TestErrorStackOptIn") {
				t.Errorf("Error record's stack is not the call's:\n%s", stacks[1])
			}
		})
	}
	if pcs := loggerjs.StackTraceMethod(errors.New("plain")); pcs != nil {
		t.Errorf("StackTraceMethod(errors.New) = %v", pcs)
	}
	if pcs := loggerjs.StackTraceMethod(nil); pcs != nil {
		t.Errorf("StackTraceMethod(nil) = %v", pcs)
	}
}

//go:noinline
func runtimeCallers(pcs []uintptr) int { return runtime.Callers(1, pcs) }
