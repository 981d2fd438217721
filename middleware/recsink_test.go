package middleware_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
)

// recSink records what is written to it as "category:message" lines, and
// the records themselves (cloned).
type recSink struct {
	mu   sync.Mutex
	recs []*loggerjs.Record
}

func (s *recSink) Write(_ context.Context, r *loggerjs.Record) error {
	s.mu.Lock()
	s.recs = append(s.recs, r.Clone())
	s.mu.Unlock()
	return nil
}
func (s *recSink) Flush(context.Context) error { return nil }
func (s *recSink) Close(context.Context) error { return nil }

// lines returns "category:message" for each record written, in order.
func (s *recSink) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.recs))
	for i, r := range s.recs {
		out[i] = r.CategoryName() + ":" + r.Message()
	}
	return out
}

func (s *recSink) records() []*loggerjs.Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*loggerjs.Record(nil), s.recs...)
}

func (s *recSink) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.recs)
}

// tree returns a handler over sinks, with one root logger config that
// sends every record from Trace up to all of them, and mw as global
// middleware.
func tree(t testing.TB, sinks map[string]loggerjs.Sink, mw ...loggerjs.Middleware) (*loggerjs.Handler, *slog.Logger) {
	t.Helper()
	names := make([]string, 0, len(sinks))
	for n := range sinks {
		names = append(names, n)
	}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:      sinks,
		Loggers:    []loggerjs.LoggerConfig{{Sinks: names, Level: loggerjs.LevelTrace}},
		Middleware: mw,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, slog.New(h)
}

// attrOf returns the value of the attr key among r's attrs and root
// attrs.
func attrOf(r *loggerjs.Record, key string) (slog.Value, bool) {
	for i := range r.NumAttrs() {
		if a := r.Attr(i); a.Key == key {
			return a.Value, true
		}
	}
	for i := range r.NumRootAttrs() {
		if a := r.RootAttr(i); a.Key == key {
			return a.Value, true
		}
	}
	return slog.Value{}, false
}
