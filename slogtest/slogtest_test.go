package slogtest_test

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs/slogtest"
)

func TestJSONHandler(t *testing.T) {
	slogtest.RunWriter(t, func(_ *testing.T, w io.Writer) slog.Handler {
		return slog.NewJSONHandler(w, nil)
	}, slogtest.ParseJSON, builtinSkips)
}

func TestTextHandler(t *testing.T) {
	slogtest.RunWriter(t, func(_ *testing.T, w io.Writer) slog.Handler {
		return slog.NewTextHandler(w, nil)
	}, slogtest.ParseLogfmt, builtinSkips)
}

// builtinSkips are the cases slog's own handlers fail.
var builtinSkips = &slogtest.Options{Skip: map[string]string{
	"EmptyGroupNameAndNilAttrs": `slog's handlers open a group named "" for WithGroup(""); only slog.Logger.WithGroup returns the receiver as slog.Handler's documentation asks`,
}}

// TestReferenceHandler runs the suite over the handlers the mutants are
// made from: they pass.
func TestReferenceHandler(t *testing.T) {
	for _, name := range []string{"ref", "queue-clone"} {
		t.Run(name, func(t *testing.T) { runSubject(t, name) })
	}
}

// subjects are the handlers TestMutants runs the suite over, with the
// cases each fails, in order: none for the correct ones.
var subjects = map[string][]string{
	"ref":         nil,
	"queue-clone": nil,
	// Siblings share the spare capacity of the parent's scope slice.
	"aliasing": {"SiblingsIsolated"},
	// Loggers made with With lose the wrapper's attr, WithGroup("")
	// included.
	"embedding": {"EmbeddedHandlerWrapped", "EmptyGroupNameAndNilAttrs"},
	// WithAttrs keeps the caller's slice.
	"slice": {"WithAttrsSliceNotRetained"},
	// The queue keeps the caller's slog.Record, not a Clone.
	"queue-noclone": {"RetainedRecordCloned"},
}

// runSubject runs the suite over the subject handler called name.
func runSubject(t *testing.T, name string) {
	if name == "queue-clone" || name == "queue-noclone" {
		var out lockedBuffer
		var q *queueHandler
		slogtest.Run(t, func(t *testing.T) slog.Handler {
			out.reset()
			q = newQueueHandler(newRefHandler(&out), name == "queue-clone")
			return q
		}, func(t *testing.T) []map[string]any {
			if err := q.Flush(); err != nil {
				t.Fatal(err)
			}
			recs, err := slogtest.ParseJSON(out.bytes())
			if err != nil {
				t.Fatal(err)
			}
			return recs
		}, nil)
		return
	}
	slogtest.RunWriter(t, func(_ *testing.T, w io.Writer) slog.Handler {
		h := newRefHandler(w)
		switch name {
		case "aliasing":
			h.aliasing = true
		case "slice":
			h.keepSlice = true
		case "embedding":
			return embeddingHandler{h}
		}
		return h
	}, slogtest.ParseJSON, nil)
}

// TestSubject runs the suite over one subject when TestMutants runs the
// test binary again to do so.
func TestSubject(t *testing.T) {
	name := os.Getenv("SLOGTEST_SUBJECT")
	if name == "" {
		t.Skip("run by TestMutants")
	}
	runSubject(t, name)
}

// TestMutants runs the suite over three broken handlers and the correct
// ones they are made from, each in a child process (the broken ones race),
// and checks which cases fail.
func TestMutants(t *testing.T) {
	if os.Getenv("SLOGTEST_SUBJECT") != "" {
		t.Skip("in the child")
	}
	failLine := regexp.MustCompile(`(?m)^\s*--- FAIL: TestSubject/([^/\s]+)`)
	for name, wantFailed := range subjects {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSubject$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "SLOGTEST_SUBJECT="+name)
			out, err := cmd.CombinedOutput()
			var failed []string
			for _, m := range failLine.FindAllStringSubmatch(string(out), -1) {
				failed = append(failed, m[1])
			}
			slices.Sort(failed)
			failed = slices.Compact(failed)
			if len(wantFailed) == 0 {
				if err != nil || len(failed) > 0 {
					t.Fatalf("the suite failed a correct handler (%v): %v\n%s", err, failed, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("the suite passed a broken handler:\n%s", out)
			}
			if !slices.Equal(failed, wantFailed) {
				t.Errorf("failed cases %v, want %v\n%s", failed, wantFailed, out)
			}
		})
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.buf.Bytes())
}

func (b *lockedBuffer) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}
