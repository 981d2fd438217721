package sinks_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// A File writes its records with one write(2) per buffer, as zap's
// BufferedWriteSyncer does. Records wait in memory until the buffer
// (256 KiB) fills, FlushEvery (1s) passes, a record at FlushLevel (Error)
// or above arrives, or Flush or Close writes them; a process that dies
// without any of these loses what is buffered. WriteThrough writes each
// record at once instead.
func ExampleFile_buffered() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.log")

	file, err := sinks.File(path, &sinks.FileOptions{
		Codec:      codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime}),
		FlushEvery: 5 * time.Second, // the longest a record waits (default 1s)
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	h, _ := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"file": file},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"file"}}},
	})
	logger := slog.New(h)

	logger.Info("started", "port", 8080)
	data, _ := os.ReadFile(path)
	fmt.Printf("buffered: %d bytes in the file\n", len(data))

	logger.Error("disk slow") // FlushLevel: written at once, after "started"
	data, _ = os.ReadFile(path)
	fmt.Printf("after Error: %d lines\n", bytes.Count(data, []byte("\n")))

	logger.Info("stopping")
	h.Flush(context.Background()) // writes the buffer, then fsyncs
	data, _ = os.ReadFile(path)
	fmt.Printf("after Flush: %d lines\n", bytes.Count(data, []byte("\n")))

	logger.Info("stopped")
	h.Close(context.Background()) // Close (and loggerjs.Shutdown) write the rest
	data, _ = os.ReadFile(path)
	fmt.Printf("after Close:\n%s", data)
	// Output:
	// buffered: 0 bytes in the file
	// after Error: 2 lines
	// after Flush: 3 lines
	// after Close:
	// {"level":"INFO","msg":"started","port":8080}
	// {"level":"ERROR","msg":"disk slow"}
	// {"level":"INFO","msg":"stopping"}
	// {"level":"INFO","msg":"stopped"}
}
