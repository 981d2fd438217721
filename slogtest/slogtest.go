package slogtest

import (
	"bytes"
	"io"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	stdslogtest "testing/slogtest"
)

// Options configure Run and RunWriter. A nil *Options means the defaults:
// every case runs.
type Options struct {
	// Skip names cases not to run, each with the reason, for a handler
	// that documents the behaviour the case rejects:
	//
	//	Skip: map[string]string{"EnabledTrueWritesRecord": "samples Info records"}
	//
	// A key is a case name (see the package documentation) or
	// "Stdlib/<name>" for a case of testing/slogtest. Naming a case that
	// does not exist is an error.
	Skip map[string]string
}

// Run runs the suite over the handlers newHandler returns. Each case,
// a subtest of t, calls newHandler once, logs through that handler and
// handlers derived from it with WithAttrs and WithGroup, possibly from
// several goroutines, then calls records once. records returns every
// record written since newHandler was called, in the order they were
// written, each as a map in testing/slogtest's shape: slog.TimeKey,
// slog.LevelKey and slog.MessageKey for the builtins, a nested
// map[string]any for each group. A handler that buffers or ships records
// asynchronously flushes in records.
func Run(t *testing.T, newHandler func(t *testing.T) slog.Handler, records func(t *testing.T) []map[string]any, opts *Options) {
	t.Helper()
	var skip map[string]string
	if opts != nil {
		skip = opts.Skip
	}
	for name := range skip {
		if !knownCase(name) {
			t.Errorf("slogtest: Options.Skip names %q, which is no case of the suite", name)
		}
	}
	t.Run("Stdlib", func(t *testing.T) {
		stdslogtest.Run(t, func(t *testing.T) slog.Handler {
			if reason, ok := skip["Stdlib/"+lastElem(t.Name())]; ok {
				t.Skip(reason)
			}
			return newHandler(t)
		}, func(t *testing.T) map[string]any {
			recs := records(t)
			if len(recs) != 1 {
				t.Fatalf("the handler wrote %d records for one logging call, want 1: %v", len(recs), recs)
			}
			return recs[0]
		})
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if reason, ok := skip[c.name]; ok {
				t.Skip(reason)
			}
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("the handler panicked: %v\n%s", p, debug.Stack())
				}
			}()
			c.run(&suiteT{T: t, newHandler: newHandler, records: records})
		})
	}
}

// RunWriter runs Run over handlers that write to an io.Writer: newHandler
// returns a handler writing to w (and may fail t if it cannot make one), and parse turns everything written to w
// into records (ParseJSON, ParseLogfmt, ParseOTLPJSON, or a parser of your
// own for your handler's format). w is safe for concurrent use and keeps
// every Write whole.
func RunWriter(t *testing.T, newHandler func(t *testing.T, w io.Writer) slog.Handler, parse func(data []byte) ([]map[string]any, error), opts *Options) {
	t.Helper()
	var out *lockedBuffer
	Run(t, func(t *testing.T) slog.Handler {
		out = &lockedBuffer{}
		return newHandler(t, out)
	}, func(t *testing.T) []map[string]any {
		data := out.bytes()
		recs, err := parse(data)
		if err != nil {
			t.Fatalf("cannot parse what the handler wrote: %v\n%s", err, data)
		}
		return recs
	}, opts)
}

// lockedBuffer is an io.Writer that many goroutines may write to.
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

func lastElem(name string) string {
	return name[strings.LastIndexByte(name, '/')+1:]
}

// stdlibCases are the subtest names of testing/slogtest in this Go
// version, for checking Options.Skip.
var stdlibCases = []string{
	"built-ins", "attrs", "empty-attr", "zero-time", "WithAttrs", "groups",
	"empty-group", "inline-group", "WithGroup", "multi-With",
	"empty-group-record", "nested-empty-group-record", "resolve",
	"resolve-groups", "resolve-WithAttrs", "resolve-WithAttrs-groups",
	"empty-PC",
}

func knownCase(name string) bool {
	if std, ok := strings.CutPrefix(name, "Stdlib/"); ok {
		return slices.Contains(stdlibCases, std)
	}
	for _, c := range cases {
		if c.name == name {
			return true
		}
	}
	return false
}

// suiteT is what a case runs with: its subtest and a way to make a handler
// and read what it wrote.
type suiteT struct {
	*testing.T
	newHandler func(t *testing.T) slog.Handler
	records    func(t *testing.T) []map[string]any
}

func (s *suiteT) handler() slog.Handler { return s.newHandler(s.T) }

func (s *suiteT) written() []map[string]any { return s.records(s.T) }
