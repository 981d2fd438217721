package logrusbridge_test

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/logrusbridge"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/sirupsen/logrus"
)

// Install on a logrus logger: its entries become loggerjs records, and
// logrus itself prints nothing.
func ExampleInstall() {
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

	logger := logrus.New()
	logrusbridge.Install(logger, loggerjs.Child(slog.New(h), "app"), nil)
	logger.WithFields(logrus.Fields{"logger": "db", "table": "orders", "took": 1500 * time.Microsecond}).Info("query")
	logger.WithField("password", "hunter2").Warn("login")
	logger.Debug("not written: app is at Info")
	// Output:
	// {"level":"INFO","msg":"query","logger":"app.db","table":"orders","took":1500000}
	// {"level":"WARN","msg":"login","logger":"app","password":"[REDACTED]"}
}
