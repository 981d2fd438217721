package bench

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

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

// s3Record is the record S3 logs, built once.
func s3Record() slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "msg", 0)
	r.AddAttrs(
		slog.Int("int", 42),
		slog.Int64("int64", 1<<40),
		slog.Float64("float", 3.14159),
		slog.String("string", "hello world"),
		slog.Bool("bool", true),
		slog.Time("created", PayloadTime),
		slog.Any("error", PayloadErr),
		slog.Duration("duration", payloadDuration),
		slog.Any("user", PayloadUser),
		slog.String("path", "/api/v1/items"),
	)
	return r
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
