// Quickstart configures the process-wide registry with two sinks at
// different levels, routes categories to them, and logs through plain
// log/slog calls.
//
//	go run ./examples/quickstart
//
// The console sink prints in colour on a terminal (NDJSON when piped);
// the file sink writes NDJSON to loggerjs-quickstart.log in the system's
// temporary directory.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
)

func main() {
	path := filepath.Join(os.TempDir(), "loggerjs-quickstart.log")
	file, err := sinks.File(path, &sinks.FileOptions{MaxSize: 10 << 20, MaxBackups: 3, Compress: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	err = loggerjs.Configure(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"console": sinks.Console(&sinks.ConsoleOptions{Stdout: true}),
			"file":    file,
		},
		Loggers: []loggerjs.LoggerConfig{
			// Everything at Info and above on the console.
			{Sinks: []string{"console"}, Level: slog.LevelInfo},
			// The app's Debug detail too, in the file.
			{Category: []string{"app"}, Sinks: []string{"file"}, Level: slog.LevelDebug},
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Shutdown flushes and closes every sink.
	defer func() {
		if err := loggerjs.Shutdown(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		fmt.Printf("\nwrote the app's records, Debug included, to %s\n", path)
	}()

	// Existing slog code keeps working: slog.Default routes through the
	// registry under the root category.
	slog.SetDefault(loggerjs.GetLogger())

	app := loggerjs.GetLogger("app")
	app.Info("server started", "addr", ":8080", "env", "production")

	db := loggerjs.Child(app, "db")
	db.Debug("pool ready", "open", 8, "idle", 3) // the file only
	db.Info("query", "table", "orders", "took", 12*time.Millisecond)

	// Secrets never reach a sink: password is one of the default keys.
	app.With("user", "ada").Info("login", "password", "hunter2")

	// A lazy message is computed only if a sink reads it.
	db.Debug("", loggerjs.LazyMessage(func() string { return "plan: seq scan on orders" }))

	err = fmt.Errorf("charge order 1042: %w", errors.New("card declined"))
	slog.Error("payment failed", "err", err)
}
