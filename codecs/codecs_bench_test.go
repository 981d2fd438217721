package codecs_test

import (
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// benchRecord returns the record every codec benchmark encodes: a category,
// one bound attr and ten logged attrs of the ordinary kinds.
func benchRecord() *loggerjs.Record {
	r := newRecord(slog.LevelInfo, []string{"app", "http"}, "request served",
		"method", "GET",
		"path", "/api/v1/users",
		"status", 200,
		"bytes", int64(1234),
		"latency", 12*time.Millisecond,
		"ratio", 0.75,
		"ok", true,
		"user_id", uint64(42),
		"at", testTime,
		"remote", "10.0.0.1:5555",
	)
	var sc *loggerjs.Scope
	r.Scope = sc.WithAttrs([]slog.Attr{slog.String("service", "api")})
	return r
}

// benchCodecs are the codecs the benchmarks and allocation tests cover.
func benchCodecs() []struct {
	name  string
	codec loggerjs.Codec
} {
	return []struct {
		name  string
		codec loggerjs.Codec
	}{
		{"JSON", codecs.JSON(nil)},
		{"Logfmt", codecs.Logfmt(nil)},
		{"Pretty", codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorAlways})},
		{"Structured", codecs.Structured()},
		{"Msgpack", codecs.Msgpack()},
		{"ECS", codecs.ECS(nil)},
		{"GoogleCloud", codecs.GoogleCloud(nil)},
		{"OTLPJSON", codecs.OTLPJSON(nil)},
	}
}

func BenchmarkCodecs(b *testing.B) {
	r := benchRecord()
	for _, bc := range benchCodecs() {
		b.Run(bc.name, func(b *testing.B) {
			buf := bc.codec.Append(nil, r)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				buf = bc.codec.Append(buf[:0], r)
			}
		})
	}
}

// benchValuer is a LogValuer that resolves to a group of two attrs.
type benchValuer struct{ id int }

func (v benchValuer) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("id", v.id), slog.String("role", "admin"))
}

var errBench = errors.New("connection refused")

// mixedRecord returns a record of ten attrs of mixed kinds, the shape of a
// typical application log line: numbers, a fraction, strings, a bool, a
// time that is not the record's, an error, a duration and a LogValuer.
func mixedRecord() *loggerjs.Record {
	return newRecord(slog.LevelInfo, []string{"app", "db"}, "query done",
		slog.Int("rows", 17),
		slog.Int64("bytes", 98765),
		slog.Float64("ratio", 3.14159),
		slog.String("table", "users"),
		slog.Bool("cached", false),
		slog.Time("created", time.Date(2026, 11, 21, 12, 0, 0, 123456789, time.UTC)),
		slog.Any("err", errBench),
		slog.Duration("took", 1500*time.Microsecond),
		slog.Any("user", benchValuer{7}),
		slog.String("region", "eu-west-1"),
	)
}

// BenchmarkCodecsMixed is BenchmarkCodecs on mixedRecord.
func BenchmarkCodecsMixed(b *testing.B) {
	r := mixedRecord()
	for _, bc := range benchCodecs() {
		b.Run(bc.name, func(b *testing.B) {
			buf := bc.codec.Append(nil, r)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				buf = bc.codec.Append(buf[:0], r)
			}
		})
	}
}
