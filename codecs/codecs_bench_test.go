package codecs_test

import (
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
