package bench

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/logrusbridge"
	"github.com/loggerjs/loggerjs/bridges/zapbridge"
	"github.com/loggerjs/loggerjs/bridges/zerologbridge"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"
)

// BenchmarkBridges logs the ten-field payload of S3 through zap, zerolog
// and logrus, each writing JSON to io.Discard natively and through its
// loggerjs bridge into the JSON codec, plus the two reference paths:
// slog into loggerjs (what the bridges add to) and slog into zap through
// zapslog (the zap bridge's path in the other direction). Names are
// BenchmarkBridges/lib=<library>/path=<native|bridge|...>, so that
// benchstat -col /path puts a library's paths side by side.
//
// The disabled rows log at Debug into loggers at Info.
func BenchmarkBridges(b *testing.B) {
	h := bridgeTree(b)
	run := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f()
			}
		})
	}

	zapNative := zap.New(NewZapCore(zapcore.AddSync(io.Discard)))
	zapBridged := zap.New(zapbridge.NewCore(h, nil))
	zapslogged := slog.New(zapslog.NewHandler(NewZapCore(zapcore.AddSync(io.Discard))))
	run("lib=zap/path=native", func() { zapLogTen(zapNative, zapcore.InfoLevel) })
	run("lib=zap/path=bridge", func() { zapLogTen(zapBridged, zapcore.InfoLevel) })
	run("lib=zap/path=zapslog", func() { logAttrsTen(zapslogged, slog.LevelInfo) })
	run("lib=zap/path=native-disabled", func() { zapLogTen(zapNative, zapcore.DebugLevel) })
	run("lib=zap/path=bridge-disabled", func() { zapLogTen(zapBridged, zapcore.DebugLevel) })

	zlNative := NewZerolog(io.Discard)
	zlBridged := zerologbridge.New(slog.New(h), &zerologbridge.Options{DurationKeys: []string{"duration"}})
	run("lib=zerolog/path=native", func() { zerologTen(zlNative.Info()).Msg("msg") })
	run("lib=zerolog/path=bridge", func() { zerologTen(zlBridged.Info()).Msg("msg") })

	lrNative := logrus.New()
	lrNative.SetOutput(io.Discard)
	lrNative.SetFormatter(&logrus.JSONFormatter{TimestampFormat: time.RFC3339Nano})
	lrBridged := logrus.New()
	logrusbridge.Install(lrBridged, slog.New(h), nil)
	run("lib=logrus/path=native", func() { logrusTen(lrNative) })
	run("lib=logrus/path=bridge", func() { logrusTen(lrBridged) })

	slogged := slog.New(h)
	run("lib=slog/path=loggerjs", func() { logAttrsTen(slogged, slog.LevelInfo) })
}

// bridgeTree is a loggerjs tree at Info whose root writes JSON to
// io.Discard.
func bridgeTree(b *testing.B) *loggerjs.Handler {
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"json": sinks.Writer(io.Discard, codecs.JSON(nil))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"json"}, Level: slog.LevelInfo}},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.Close(ctx) })
	return h
}

// logrusTen is the payload of S3 through logrus, as a call site writes
// it.
func logrusTen(l *logrus.Logger) {
	l.WithFields(logrus.Fields{
		"int":      42,
		"int64":    int64(1 << 40),
		"float":    3.14159,
		"string":   "hello world",
		"bool":     true,
		"created":  PayloadTime,
		"error":    ErrPayload,
		"duration": payloadDuration,
		"user":     PayloadUser,
		"path":     "/api/v1/items",
	}).Info("msg")
}
