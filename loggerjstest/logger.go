package loggerjstest

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// Options configure NewLogger. A nil *Options means the defaults.
type Options struct {
	// Level is the lowest level written; nil means slog.LevelDebug, as
	// zaptest's default.
	Level slog.Leveler
	// FailOn, when set, fails the test (with t.Errorf, so the test goes
	// on) for each record at or above its level: FailOn: slog.LevelError
	// turns logged errors into test failures.
	FailOn slog.Leveler
	// AddSource writes the file and line of each logging call.
	AddSource bool
}

// NewLogger returns a logger for a test: a loggerjs handler tree whose
// records are written with the Pretty codec (without colour, category
// shown) through t.Log, so that they show only for a failing test or under
// go test -v, attributed to t. It redacts secrets as loggerjs does by
// default. The tree is closed when the test ends; records logged after that
// (by goroutines the test left running) cannot go to t, and loggerjs writes
// them to stderr, counted in its Stats as AfterShutdown.
func NewLogger(t testing.TB, opts *Options) *slog.Logger {
	t.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Level == nil {
		o.Level = slog.LevelDebug
	}
	sink := &testSink{
		t:      t,
		codec:  codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorNever, AddSource: o.AddSource}),
		failOn: o.FailOn,
	}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"test": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"test"}, Level: o.Level}},
	})
	if err != nil {
		t.Fatalf("loggerjstest: %v", err)
	}
	t.Cleanup(func() { h.Close(context.Background()) })
	return slog.New(h)
}

// testSink writes records to a test's log.
type testSink struct {
	t      testing.TB
	codec  *codecs.PrettyCodec
	failOn slog.Leveler

	mu     sync.Mutex // held while calling t, so that Close waits for a write in progress
	closed bool
}

func (s *testSink) Write(_ context.Context, r *loggerjs.Record) error {
	line := strings.TrimRight(string(s.codec.Append(nil, r)), "\n")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return loggerjs.ErrClosed
	}
	if s.failOn != nil && r.Level >= s.failOn.Level() {
		s.t.Errorf("%s\n(loggerjstest: a record at %s fails the test: FailOn is %s)", line, loggerjs.LevelName(r.Level), loggerjs.LevelName(s.failOn.Level()))
		return nil
	}
	s.t.Log(line)
	return nil
}

func (s *testSink) Flush(context.Context) error { return nil }

func (s *testSink) Close(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}
