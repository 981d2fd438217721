package sinks_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// noTime drops the time so example output is stable.
func noTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

func ExampleFile() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.log")

	file, err := sinks.File(path, &sinks.FileOptions{
		Codec:      codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime}),
		MaxSize:    10 << 20,
		MaxBackups: 5,
		Compress:   true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"file": file},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"file"}}},
	})
	logger.Info("started", "port", 8080)
	file.Close(context.Background())

	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	// Output:
	// {"level":"INFO","msg":"started","port":8080}
}

func ExampleConsole() {
	console := sinks.Console(&sinks.ConsoleOptions{
		Output: os.Stdout, // not a terminal here, so NDJSON
		JSON:   &codecs.JSONOptions{ReplaceAttr: noTime},
	})
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"console": console},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"console"}}},
	})
	logger.Warn("disk nearly full", "free_mb", 120)
	// Output:
	// {"level":"WARN","msg":"disk nearly full","free_mb":120}
}

func ExampleAsync() {
	var out strings.Builder
	inner := sinks.Writer(&out, codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime}))
	async := sinks.Async(inner, &sinks.AsyncOptions{QueueSize: 1024, Policy: sinks.DropNewest})
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"async": async},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"async"}}},
	})
	tags := []string{"a"}
	logger.Info("queued", "tags", tags)
	tags[0] = "changed" // encoded at the call: the change does not show

	async.Close(context.Background()) // writes what is queued, closes inner
	fmt.Print(out.String())
	fmt.Println("dropped:", async.SinkStats()["dropped_queue_full"])
	// Output:
	// {"level":"INFO","msg":"queued","tags":["a"]}
	// dropped: 0
}

func ExampleBatch() {
	ship := sinks.ShipperFunc(func(ctx context.Context, batch []sinks.Entry) error {
		fmt.Printf("batch of %d\n", len(batch))
		return nil
	})
	batch := sinks.Batch(ship, &sinks.BatchOptions{MaxRecords: 2, MaxWait: time.Minute})
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"batch": batch},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"batch"}}},
	})
	for i := range 3 {
		logger.Info("event", "i", i)
	}
	batch.Flush(context.Background()) // the third record need not wait a minute
	batch.Close(context.Background())
	fmt.Println("shipped:", batch.SinkStats()["shipped"])
	// Output:
	// batch of 2
	// batch of 1
	// shipped: 3
}

// A slog.Handler of any kind (tint, otelslog, a vendor's) behind
// loggerjs's routing and redaction.
func ExampleHandler() {
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime})
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"text": sinks.Handler(h, nil)},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"text"}}},
	})
	db := logger.With(loggerjs.Category("app", "db")).With("pool", 8)
	db.Info("query", "table", "orders", "password", "hunter2")
	// Output:
	// level=INFO msg=query logger=app.db pool=8 table=orders password=[REDACTED]
}
