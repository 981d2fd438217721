// Migrate runs zap, zerolog, logrus and standard log calls side by side
// into one loggerjs configuration: each library keeps its own API, and
// every call lands in the same pipeline as the slog calls, with the same
// categories, levels, redaction, sinks and counters.
//
//	cd examples/migrate && go run .
//
// It is a module of its own, so that the root module does not depend on
// zap, zerolog or logrus. The console prints in colour on a terminal and
// NDJSON when piped.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/logrusbridge"
	"github.com/loggerjs/loggerjs/bridges/zapbridge"
	"github.com/loggerjs/loggerjs/bridges/zerologbridge"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/rs/zerolog"
	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
)

func main() {
	if err := run(sinks.Console(&sinks.ConsoleOptions{Stdout: true})); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run configures the process-wide registry with console as its one
// sink, installs the four bridges, logs through each library, and
// shuts down.
func run(console loggerjs.Sink) error {
	err := loggerjs.Configure(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"console": console},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"console"}, Level: slog.LevelInfo},
			// More detail from the database layer: its own route to the
			// console, since the root's Info gate hides Debug records.
			{Category: []string{"app", "db"}, Sinks: []string{"console"}, Level: slog.LevelDebug},
			{Category: []string{"app", "noisy"}, Level: slog.LevelWarn},
		},
	})
	if err != nil {
		return err
	}
	defer loggerjs.Shutdown(context.Background())

	// zap: three lines.
	zl := zapbridge.New(loggerjs.GetLogger("app"))
	defer zl.Sync()
	undo := zap.ReplaceGlobals(zl)
	defer undo()

	// zerolog: three lines.
	zw := zerologbridge.NewWriter(loggerjs.GetLogger("app"), &zerologbridge.Options{DurationKeys: []string{"took"}})
	zlog := zerolog.New(zw)
	zerolog.DefaultContextLogger = &zlog

	// logrus: one line for the standard logger.
	logrusbridge.Install(logrus.StandardLogger(), loggerjs.GetLogger("app"), nil)

	// The application's own slog calls, for comparison. (slog.SetDefault
	// also points the log package at slog: redirect it after.)
	slog.SetDefault(loggerjs.GetLogger("app"))

	// The standard log package: what third-party libraries print.
	restore := loggerjs.RedirectStdLog(&loggerjs.StdLogOptions{ParseLevel: true})
	defer restore()

	slog.Info("server started", "addr", ":8080")
	zap.L().Named("db").Debug("pool ready", zap.Int("open", 8), zap.Duration("wait", 1500*time.Microsecond))
	zap.L().With(zap.Namespace("req"), zap.String("id", "7f3a")).Info("request served", zap.Int("status", 200))
	zlog.Info().Str("logger", "http").Str("path", "/api/report").Dur("took", 2300*time.Millisecond).Msg("slow request")
	zlog.Debug().Str("logger", "noisy").Msg("not written: app.noisy is at Warn")
	logrus.WithFields(logrus.Fields{"logger": "auth", "user": "ann", "password": "hunter2"}).Warn("login failed")
	logrus.WithField("logger", "db").WithError(errors.New("connection refused")).Error("query failed")
	log.Print("[WARN] disk almost full")
	zap.L().Debug("not written: app is at Info")

	_ = zl.Sync()
	s := loggerjs.Stats()
	slog.Info("done", "lost", s.Lost(), "bridge_drops", s.BridgeDrops)
	return nil
}
