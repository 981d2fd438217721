// Quickstart configures the process-wide registry with two sinks at
// different levels, routes categories to them, and logs through plain
// log/slog calls.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

func main() {
	err := loggerjs.Configure(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			// Everything at Info and above, as NDJSON on stdout.
			"stdout": sinks.Stdout(codecs.JSON(nil)),
			// The database layer's Debug detail, on stderr.
			"debug": sinks.Stderr(codecs.JSON(nil)),
		},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"stdout"}, Level: slog.LevelInfo},
			{Category: []string{"app", "db"}, Sinks: []string{"debug"}, Level: slog.LevelDebug},
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer loggerjs.Shutdown(context.Background())

	// Existing slog code keeps working: slog.Default routes through the
	// registry under the root category.
	slog.SetDefault(loggerjs.GetLogger())

	app := loggerjs.GetLogger("app")
	app.Info("starting", "version", "1.4.2", "pid", os.Getpid())

	db := loggerjs.Child(app, "db")
	db.Debug("pool opened", "size", 8) // stderr only: the root sink wants Info
	db.Info("query", "table", "orders", "took", 12*time.Millisecond)

	// Secrets never reach a sink: password is one of the default keys.
	app.With("user", "ada").Info("login", "password", "hunter2")

	// A lazy message is computed only if a sink reads it.
	db.Debug("", loggerjs.LazyMessage(func() string { return "plan: seq scan on orders" }))

	slog.Error("payment failed", "order", 1042, "err", errors.New("card declined"))
}
