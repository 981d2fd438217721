package bench

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// nopSink takes records and does nothing with them: the handler's own
// cost, without a codec.
type nopSink struct{}

func (nopSink) Write(context.Context, *loggerjs.Record) error { return nil }
func (nopSink) Flush(context.Context) error                   { return nil }
func (nopSink) Close(context.Context) error                   { return nil }

// recordCatcher is a slog.Handler that keeps the last record.
type recordCatcher struct{ r slog.Record }

func (c *recordCatcher) Enabled(context.Context, slog.Level) bool { return true }
func (c *recordCatcher) Handle(_ context.Context, r slog.Record) error {
	c.r = r.Clone()
	return nil
}
func (c *recordCatcher) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *recordCatcher) WithGroup(string) slog.Handler      { return c }

// s3Record is the record S3 logs, caught once from its call site.
func s3Record() slog.Record {
	c := &recordCatcher{}
	logAttrsTen(slog.New(c), slog.LevelInfo)
	return c.r
}

// BenchmarkBreakdown splits S3's cost below *slog.Logger: Handler.Handle
// called directly with a prepared record, into a sink that does nothing
// (the handler: copying attrs, routing, dispatch) or a JSON writer to
// io.Discard, with redaction off and with the default redaction; the
// JSON codec alone on the same record; and slog.JSONHandler's Handle on
// it for comparison. It is not part of the scenarios of PERFORMANCE.md.
func BenchmarkBreakdown(b *testing.B) {
	mk := func(s loggerjs.Sink, red loggerjs.Redactor) *loggerjs.Handler {
		h, err := loggerjs.NewHandler(loggerjs.Config{
			Sinks:    map[string]loggerjs.Sink{"s": s},
			Loggers:  []loggerjs.LoggerConfig{{Category: nil, Level: slog.LevelInfo, Sinks: []string{"s"}}},
			Redactor: red,
		})
		if err != nil {
			b.Fatal(err)
		}
		return h
	}
	sr := s3Record()
	for _, c := range []struct {
		name string
		h    *loggerjs.Handler
	}{
		{"handle-nop-noredact", mk(nopSink{}, loggerjs.NoRedaction)},
		{"handle-nop-redact", mk(nopSink{}, nil)},
		{"handle-json-noredact", mk(sinks.Writer(io.Discard, codecs.JSON(nil)), loggerjs.NoRedaction)},
		{"handle-json-redact", mk(sinks.Writer(io.Discard, codecs.JSON(nil)), nil)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.h.Handle(ctx, sr)
			}
		})
	}
	b.Run("codec-json", func(b *testing.B) {
		r := loggerjs.NewRecord(sr)
		c := codecs.JSON(nil)
		buf := make([]byte, 0, 1024)
		b.ReportAllocs()
		for b.Loop() {
			buf = c.Append(buf[:0], r)
		}
	})
	b.Run("slogjson-handle", func(b *testing.B) {
		h := slog.NewJSONHandler(io.Discard, nil)
		b.ReportAllocs()
		for b.Loop() {
			h.Handle(ctx, sr)
		}
	})
}
