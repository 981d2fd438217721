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
// The disabled rows log at Debug into loggers at Info. The noredact rows
// run the same paths into a tree with loggerjs.NoRedaction, since
// redaction, on by default, is work that neither zap nor zapslog does.
func BenchmarkBridges(b *testing.B) {
	h := bridgeTree(b, nil)
	plain := bridgeTree(b, loggerjs.NoRedaction)
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
	zapPlain := zap.New(zapbridge.NewCore(plain, nil))
	run("lib=zap/path=bridge-noredact", func() { zapLogTen(zapPlain, zapcore.InfoLevel) })
	run("lib=zap/path=native-disabled", func() { zapLogTen(zapNative, zapcore.DebugLevel) })
	run("lib=zap/path=bridge-disabled", func() { zapLogTen(zapBridged, zapcore.DebugLevel) })
	// Without fields, a disabled call is only the level check.
	zapNativeNamed, zapBridgedNamed := zapNative.Named("db"), zapBridged.Named("db")
	run("lib=zap/path=native-disabled-nofields", func() { zapNativeNamed.Debug("msg") })
	run("lib=zap/path=bridge-disabled-nofields", func() { zapBridgedNamed.Debug("msg") })

	zlNative := NewZerolog(io.Discard)
	zlBridged := zerologbridge.New(slog.New(h), &zerologbridge.Options{DurationKeys: []string{"duration"}})
	run("lib=zerolog/path=native", func() { zerologTen(zlNative.Info()).Msg("msg") })
	run("lib=zerolog/path=bridge", func() { zerologTen(zlBridged.Info()).Msg("msg") })
	zlPlain := zerologbridge.New(slog.New(plain), &zerologbridge.Options{DurationKeys: []string{"duration"}})
	run("lib=zerolog/path=bridge-noredact", func() { zerologTen(zlPlain.Info()).Msg("msg") })

	lrNative := logrus.New()
	lrNative.SetOutput(io.Discard)
	lrNative.SetFormatter(&logrus.JSONFormatter{TimestampFormat: time.RFC3339Nano})
	lrBridged := logrus.New()
	logrusbridge.Install(lrBridged, slog.New(h), nil)
	run("lib=logrus/path=native", func() { logrusTen(lrNative) })
	run("lib=logrus/path=bridge", func() { logrusTen(lrBridged) })
	lrPlain := logrus.New()
	logrusbridge.Install(lrPlain, slog.New(plain), nil)
	run("lib=logrus/path=bridge-noredact", func() { logrusTen(lrPlain) })

	slogged := slog.New(h)
	run("lib=slog/path=loggerjs", func() { logAttrsTen(slogged, slog.LevelInfo) })
	sloggedPlain := slog.New(plain)
	run("lib=slog/path=loggerjs-noredact", func() { logAttrsTen(sloggedPlain, slog.LevelInfo) })
}

// bridgeTree is a loggerjs tree at Info whose root writes JSON to
// io.Discard, with the given Redactor (nil: the default).
func bridgeTree(b *testing.B, rd loggerjs.Redactor) *loggerjs.Handler {
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:    map[string]loggerjs.Sink{"json": sinks.Writer(io.Discard, codecs.JSON(nil))},
		Loggers:  []loggerjs.LoggerConfig{{Sinks: []string{"json"}, Level: slog.LevelInfo}},
		Redactor: rd,
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

// BenchmarkBridgesParallel is BenchmarkBridges' zap rows from every
// core at once: the bridge's loop check must stay cheap while other
// goroutines' records are in flight (it marks the delivering goroutine
// and walks no stack; see loggerjs.ReentryGuard).
func BenchmarkBridgesParallel(b *testing.B) {
	h := bridgeTree(b, nil)
	zapNative := zap.New(NewZapCore(zapcore.AddSync(io.Discard)))
	zapBridged := zap.New(zapbridge.NewCore(h, nil))
	zapslogged := slog.New(zapslog.NewHandler(NewZapCore(zapcore.AddSync(io.Discard))))
	slogged := slog.New(h)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"lib=zap/path=native", func() { zapLogTen(zapNative, zapcore.InfoLevel) }},
		{"lib=zap/path=bridge", func() { zapLogTen(zapBridged, zapcore.InfoLevel) }},
		{"lib=zap/path=zapslog", func() { logAttrsTen(zapslogged, slog.LevelInfo) }},
		{"lib=slog/path=loggerjs", func() { logAttrsTen(slogged, slog.LevelInfo) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.f()
				}
			})
		})
	}
}
