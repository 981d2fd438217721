package loggerjs_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/loggerjstest"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/loggerjs/loggerjs/slogtest"
)

// TestSlogtest runs testing/slogtest and this repository's slogtest suite
// over the handler writing with each codec that has a parser.
func TestSlogtest(t *testing.T) {
	for _, c := range []struct {
		name  string
		codec loggerjs.Codec
	}{
		{"JSON", codecs.JSON(nil)},
		{"Logfmt", codecs.Logfmt(nil)},
		{"Structured", codecs.Structured()},
		{"Msgpack", codecs.Msgpack()},
		{"OTLPJSON", codecs.OTLPJSON(nil)},
	} {
		t.Run(c.name, func(t *testing.T) {
			slogtest.RunWriter(t, func(t *testing.T, w io.Writer) slog.Handler {
				return newSuiteHandler(t, sinks.Writer(w, c.codec))
			}, loggerjstest.ParserFor(c.codec), nil)
		})
	}
}

// TestSlogtestSlogHandlerSink runs the suite over the handler into the
// sink that hands records to a slog.Handler (here slog.JSONHandler),
// which replays the bound scope with WithAttrs and WithGroup.
func TestSlogtestSlogHandlerSink(t *testing.T) {
	slogtest.RunWriter(t, func(t *testing.T, w io.Writer) slog.Handler {
		return newSuiteHandler(t, sinks.Handler(slog.NewJSONHandler(w, nil), nil))
	}, slogtest.ParseJSON, nil)
}

// TestSlogtestRecorder runs the suite over the handler into a sink that
// keeps records (a loggerjstest.Recorder), with the records read as
// loggerjstest.RecordMap gives them, apart from any codec.
func TestSlogtestRecorder(t *testing.T) {
	var rec *loggerjstest.Recorder
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		rec = loggerjstest.NewRecorder()
		return newSuiteHandler(t, rec)
	}, func(t *testing.T) []map[string]any {
		var out []map[string]any
		for _, e := range rec.All() {
			out = append(out, e.Map())
		}
		return out
	}, nil)
}

// TestSlogtestAsync runs the suite over the handler into an async sink,
// which encodes on the caller's goroutine and writes later.
func TestSlogtestAsync(t *testing.T) {
	var async *sinks.AsyncSink
	var out *syncBuffer
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		out = &syncBuffer{}
		async = sinks.Async(sinks.Writer(out, codecs.JSON(nil)), &sinks.AsyncOptions{QueueSize: 1 << 14})
		t.Cleanup(func() { async.Close(context.Background()) })
		return newSuiteHandler(t, async)
	}, func(t *testing.T) []map[string]any {
		if err := async.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		recs, err := slogtest.ParseJSON(out.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}, nil)
}

// newSuiteHandler returns a handler tree whose root logger sends records
// at Info and above to sink.
func newSuiteHandler(t *testing.T, sink loggerjs.Sink) slog.Handler {
	t.Helper()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"out": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}, Level: slog.LevelInfo}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// syncBuffer is a bytes.Buffer that many goroutines may write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.buf.Bytes())
}
