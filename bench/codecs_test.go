package bench

import (
	"bytes"
	"io"
	"log/slog"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// outputCodecs are the codecs of package codecs, each as a user would
// configure it for a file or a collector: Pretty without colour, the
// others with their defaults. ECS and GoogleCloud are the projectors the
// package ships.
func outputCodecs() []struct {
	name  string
	codec loggerjs.Codec
} {
	return []struct {
		name  string
		codec loggerjs.Codec
	}{
		{"JSON", codecs.JSON(nil)},
		{"Logfmt", codecs.Logfmt(nil)},
		{"Pretty", codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorNever})},
		{"OTLPJSON", codecs.OTLPJSON(nil)},
		{"Msgpack", codecs.Msgpack()},
		{"Structured", codecs.Structured()},
		{"ECS", codecs.ECS(nil)},
		{"GoogleCloud", codecs.GoogleCloud(nil)},
	}
}

// BenchmarkCodecs logs S3's record through *slog.Logger into loggerjs
// with the default redaction, one sink writing to io.Discard with each
// codec in turn: what an output format costs beside JSON, which is what
// loggerjs writes in BenchmarkS3. Names are BenchmarkCodecs/codec=<name>.
func BenchmarkCodecs(b *testing.B) {
	for _, c := range outputCodecs() {
		h, err := newLoggerjsSinks(sinks.Writer(io.Discard, c.codec))
		if err != nil {
			b.Fatal(err)
		}
		l := slog.New(h)
		b.Run("codec="+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				logAttrsTen(l, slog.LevelInfo)
			}
		})
	}
}

// TestCodecsWriteS3 checks that BenchmarkCodecs measures real work: each
// codec writes S3's record, string values included.
func TestCodecsWriteS3(t *testing.T) {
	for _, c := range outputCodecs() {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			h, err := newLoggerjsSinks(sinks.Writer(&buf, c.codec))
			if err != nil {
				t.Fatal(err)
			}
			logAttrsTen(slog.New(h), slog.LevelInfo)
			for _, want := range []string{"hello world", "/api/v1/items", "ada"} {
				if !bytes.Contains(buf.Bytes(), []byte(want)) {
					t.Errorf("output lacks %q:\n%q", want, buf.Bytes())
				}
			}
		})
	}
}
