package loggerjs

import (
	"context"
	"errors"
	"log/slog"
)

// ErrClosed is returned by a sink's Write after its Close. The handler
// counts such a record in Stats as WriteAfterClose.
var ErrClosed = errors.New("loggerjs: sink closed")

// A Sink delivers records to one destination and owns the codec that
// serialises them.
//
// Write is called synchronously on the logging goroutine, possibly by many
// goroutines at once; the record is valid only until Write returns (keep
// r.Clone() to retain it). Flush delivers what the sink has buffered and
// Close flushes, then releases the destination; both honour ctx's
// deadline, are safe to call more than once and concurrently with Write.
// After Close, Write returns ErrClosed.
//
// An error or panic from any method is counted and reported on the meta
// logger, never to the code that logged.
type Sink interface {
	Write(ctx context.Context, r *Record) error
	Flush(ctx context.Context) error
	Close(ctx context.Context) error
}

// A Codec serialises records for a sink. Append appends one encoded record
// to dst and returns the extended slice; it never fails: a value it cannot
// encode is written in place as an error marker, and reported with
// r.CodecFallback. ContentType names the format ("application/x-ndjson").
// A Codec is safe for concurrent use.
type Codec interface {
	Append(dst []byte, r *Record) []byte
	ContentType() string
}

// Middleware sees every record before its sinks do. Process may change the
// record through its setters and returns false to drop it. It runs
// synchronously on the logging goroutine, so it must not block or do I/O,
// and it must be safe for concurrent use.
//
// Global and logger-config middleware run once per record, in place,
// before the record fans out to sinks. Per-sink middleware (see
// WithMiddleware) sees a record shared with the other sinks: its changes
// are copied on write and reach only its own sink. A panic in Process is
// recovered and counted, and the record goes on as if Process had
// returned true.
type Middleware interface {
	Process(ctx context.Context, r *Record) bool
}

// MiddlewareFunc adapts a function to Middleware.
type MiddlewareFunc func(ctx context.Context, r *Record) bool

// Process calls f(ctx, r).
func (f MiddlewareFunc) Process(ctx context.Context, r *Record) bool { return f(ctx, r) }

// EncodedWriter is implemented by sinks that deliver exactly what their
// Codec encodes. When several sinks of a route have no per-sink
// middleware and return the same Codec value, the handler encodes each
// record once and hands the same bytes to each of them through
// WriteEncoded instead of Write: two files and a shipper in NDJSON cost
// one encoding, not three. p is valid only until WriteEncoded returns.
type EncodedWriter interface {
	Codec() Codec
	WriteEncoded(ctx context.Context, p []byte) error
}

// StatsReporter is implemented by sinks that keep counters and gauges of
// their own (queue depth, records shipped, breaker state). Stats includes
// them under the sink's name.
type StatsReporter interface {
	SinkStats() map[string]int64
}

// WithMiddleware returns a sink that runs mw on each record before sink
// sees it. The changes mw makes reach sink only; other sinks given the
// same record see it unchanged.
func WithMiddleware(sink Sink, mw ...Middleware) Sink {
	if inner, ok := sink.(*middlewareSink); ok {
		return &middlewareSink{Sink: inner.Sink, mw: append(append([]Middleware(nil), inner.mw...), mw...)}
	}
	return &middlewareSink{Sink: sink, mw: append([]Middleware(nil), mw...)}
}

// middlewareSink carries per-sink middleware. The handler unwraps it and
// runs the middleware itself, so that each record is copied on write and
// a panic is counted against the right sink.
type middlewareSink struct {
	Sink
	mw []Middleware
}

// Write runs the middleware and writes, for callers outside a handler.
func (s *middlewareSink) Write(ctx context.Context, r *Record) error {
	v := r.view()
	defer v.free()
	for _, m := range s.mw {
		if !m.Process(ctx, v) {
			return nil
		}
	}
	return s.Sink.Write(ctx, v)
}

// A MetaReporter writes records to the meta logger of a handler tree,
// rate-limited, never back into the sink it was given to.
type MetaReporter interface {
	Report(level slog.Level, msg string, attrs ...slog.Attr)
}

// MetaReporting is implemented by sinks that lose records away from Write:
// a background shipper that gives up on a batch, a queue that overflows.
// When a configuration that names the sink takes effect, the handler calls
// SetMetaReporter with the sink's name and a reporter for its meta logger,
// and the sink reports each such loss there (and counts it in its
// StatsReporter counters under a key starting with "dropped").
type MetaReporting interface {
	SetMetaReporter(name string, m MetaReporter)
}

// sinkReporter reports on behalf of one sink.
type sinkReporter struct {
	e     *engine
	entry *sinkEntry
}

func (s sinkReporter) Report(level slog.Level, msg string, attrs ...slog.Attr) {
	attrs = append([]slog.Attr{slog.String("sink", s.entry.name)}, attrs...)
	s.e.report(s.entry, level, msg, attrs...)
}
