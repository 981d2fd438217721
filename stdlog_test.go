package loggerjs_test

import (
	"context"
	"log"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/loggerjs/loggerjs"
)

// TestRedirectStdLog checks the standard log bridge: one record per
// line, at the level its prefix names, with the caller of log.Printf as
// its source, the category asked for and the stdlog Source, and the log
// package restored afterwards.
func TestRedirectStdLog(t *testing.T) {
	var srcs []string
	var pcs []uintptr
	out := &recSink{}
	see := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		srcs = append(srcs, r.Source)
		pcs = append(pcs, r.PC)
		return true
	})
	h, root := newTree(t, loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": out},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}, Level: slog.LevelInfo}},
		Middleware: []loggerjs.Middleware{see},
	})
	defer h.Close(context.Background())
	l := log.New(&strings.Builder{}, "svc: ", log.LstdFlags|log.Lshortfile)
	restore := loggerjs.RedirectLogger(l, &loggerjs.StdLogOptions{Logger: root, Category: []string{"legacy.http"}, ParseLevel: true})
	l.Print("[WARN] disk almost full")
	l.Printf("ERROR: request failed: %s", "timeout")
	l.Print("level=debug below the level")
	l.Print("level=info two\nlines")
	l.Print("[not a level] plain")
	l.Print("warning: password=hunter2 in text")
	restore()
	l.Print("after restore")
	want := []string{"disk almost full", "request failed: timeout", "two", "lines", "[not a level] plain", "password=[REDACTED] in text"}
	if got := out.messages(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("messages %q, want %q", got, want)
	}
	for i, c := range out.cats {
		if c != "legacy.http" || srcs[i] != loggerjs.SourceStdLog {
			t.Errorf("record %d: category %q source %q", i, c, srcs[i])
		}
	}
	fn := frameFunc(pcs[0])
	if fn != "github.com/loggerjs/loggerjs_test.TestRedirectStdLog" {
		t.Errorf("source function %q, want the caller of log.Print", fn)
	}
	if l.Flags() != log.LstdFlags|log.Lshortfile || l.Prefix() != "svc: " {
		t.Errorf("restore left flags %d prefix %q", l.Flags(), l.Prefix())
	}
}

// loopSink prints through the standard log package, which is redirected
// back into loggerjs: a loop the bridge must cut.
type loopSink struct{ recSink }

func (s *loopSink) Write(ctx context.Context, r *loggerjs.Record) error {
	log.Printf("sink saw %q", r.Message())
	return s.recSink.Write(ctx, r)
}

// TestStdLogLoop checks that a sink that logs through the redirected log
// package does not loop: the inner record is dropped and counted, and the
// outer one is delivered.
func TestStdLogLoop(t *testing.T) {
	sink := &loopSink{}
	h, root := newTree(t, loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"loop": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"loop"}}},
	})
	defer h.Close(context.Background())
	restore := loggerjs.RedirectStdLog(&loggerjs.StdLogOptions{Logger: root})
	log.Print("outer")
	root.Info("direct")
	restore() // waits for the bridge's goroutine to finish
	// "outer" reaches the sink, whose log line about it re-enters the
	// bridge and is cut. "direct" does not come through the bridge, so the
	// sink's log line about it does (once), and the line about that one
	// is cut. The bridge's goroutine and the test's write at once, so the
	// order is not fixed.
	got := sink.messages()
	slices.Sort(got)
	if got, want := strings.Join(got, "|"), `direct|outer|sink saw "direct"`; got != want {
		t.Errorf("messages %s, want %s", got, want)
	}
	if st := h.Stats(); st.BridgeDrops != 2 || st.Lost() != 2 {
		t.Errorf("BridgeDrops = %d, Lost = %d, want 2 and 2", st.BridgeDrops, st.Lost())
	}
}

// frameFunc names the function of a record's program counter.
func frameFunc(pc uintptr) string {
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	return f.Function
}

// TestExcludeSources checks that a sink can refuse what a bridge brings
// in, and that what it refuses is counted as filtered.
func TestExcludeSources(t *testing.T) {
	all, appOnly := &recSink{}, &recSink{}
	h, root := newTree(t, loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"all": all, "app": loggerjs.WithMiddleware(appOnly, loggerjs.ExcludeSources(loggerjs.SourceStdLog)),
		},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"all", "app"}}},
	})
	defer h.Close(context.Background())
	w := loggerjs.NewStdLogWriter(&loggerjs.StdLogOptions{Logger: root})
	log.New(w, "", 0).Print("from log")
	root.Info("from slog")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(all.messages(), "|"); got != "from log|from slog" {
		t.Errorf("all got %s", got)
	}
	if got := strings.Join(appOnly.messages(), "|"); got != "from slog" {
		t.Errorf("app got %s", got)
	}
	if got := h.Stats().Filtered["*loggerjs.sourceFilter"]; got != 1 {
		t.Errorf("Filtered %v", h.Stats().Filtered)
	}
}
