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

// A buffered File writes its records with one write(2) per buffer, as
// zap's BufferedWriteSyncer does. Records wait in memory until the buffer
// fills, FlushEvery passes, or Flush or Close writes them; a process that
// dies without either loses what is buffered.
func ExampleFile_buffered() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.log")

	file, err := sinks.File(path, &sinks.FileOptions{
		Codec:      codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime}),
		BufferSize: 256 << 10,       // one write(2) per 256 KiB of records
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

	h.Flush(context.Background()) // writes the buffer, then fsyncs
	data, _ = os.ReadFile(path)
	fmt.Printf("after Flush: %s", data)

	logger.Info("stopping")
	h.Close(context.Background()) // Close (and loggerjs.Shutdown) write the rest
	data, _ = os.ReadFile(path)
	fmt.Printf("after Close: %d lines\n", bytes.Count(data, []byte("\n")))
	// Output:
	// buffered: 0 bytes in the file
	// after Flush: {"level":"INFO","msg":"started","port":8080}
	// after Close: 2 lines
}
