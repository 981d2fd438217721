package zapbridge_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/zapbridge"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
	"go.uber.org/zap"
)

func benchLogger(b *testing.B) *zap.Logger {
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"json": sinks.Writer(io.Discard, codecs.JSON(nil))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"json"}, Level: slog.LevelInfo}},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.Close(b.Context()) })
	return zap.New(zapbridge.NewCore(h, nil))
}

func BenchmarkInfo(b *testing.B) {
	logger := benchLogger(b)
	b.ReportAllocs()
	for b.Loop() {
		logger.Info("request served", zap.String("method", "GET"), zap.Int("status", 200), zap.Duration("took", time.Millisecond))
	}
}

func BenchmarkDisabled(b *testing.B) {
	logger := benchLogger(b).Named("db")
	b.ReportAllocs()
	for b.Loop() {
		logger.Debug("off", zap.Int("n", 1))
	}
}
