package loggerjs_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
	"testing/slogtest"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// TestSlogtest runs testing/slogtest over the handler with the JSON codec.
func TestSlogtest(t *testing.T) {
	var buf bytes.Buffer
	newHandler := func(t *testing.T) slog.Handler {
		buf.Reset()
		h, err := loggerjs.NewHandler(loggerjs.Config{
			Sinks:   map[string]loggerjs.Sink{"out": sinks.Writer(&buf, codecs.JSON(nil))},
			Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}, Level: slog.LevelInfo}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	result := func(t *testing.T) map[string]any {
		line := bytes.TrimSpace(buf.Bytes())
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		return m
	}
	slogtest.Run(t, newHandler, result)
}
