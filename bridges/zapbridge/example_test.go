package zapbridge_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/zapbridge"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
	"go.uber.org/zap"
)

// The three-line setup: zap's globals, and every zap logger made from
// them, log into loggerjs. Names become categories.
func ExampleNew() {
	noTime := &codecs.JSONOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"stdout": sinks.Writer(os.Stdout, codecs.JSON(noTime))},
		Loggers: []loggerjs.LoggerConfig{{Category: []string{"app"}, Sinks: []string{"stdout"}, Level: slog.LevelInfo}},
	})
	if err != nil {
		panic(err)
	}
	defer h.Close(context.Background())

	logger := zapbridge.New(loggerjs.Child(slog.New(h), "app"))
	defer logger.Sync()
	undo := zap.ReplaceGlobals(logger)
	defer undo()

	zap.L().Named("db").Info("query", zap.String("table", "orders"), zap.Duration("took", 1500*time.Microsecond))
	zap.L().With(zap.Namespace("req"), zap.String("id", "7f3a")).Warn("slow", zap.Int("status", 200))
	zap.L().Debug("not written: app is at Info")
	// Output:
	// {"level":"INFO","msg":"query","logger":"app.db","table":"orders","took":1500000}
	// {"level":"WARN","msg":"slow","logger":"app","req":{"id":"7f3a","status":200}}
}

// A Core joins other zap cores with zapcore.NewTee, to keep an existing
// zap output while adding loggerjs.
func ExampleNewCore() {
	mem := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"mem": mem},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"mem"}}},
	})
	if err != nil {
		panic(err)
	}
	defer h.Close(context.Background())
	core := zapbridge.NewCore(h, &zapbridge.Options{FlushTimeout: time.Second})
	logger := zap.New(core, zap.AddCaller())
	logger.Info("hello from zap")
	_ = logger.Sync()
	r := mem.Records()[0]
	fmt.Println(r.Message(), r.Source, r.PC != 0)
	// Output:
	// hello from zap integration:zap true
}
