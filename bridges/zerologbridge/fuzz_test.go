package zerologbridge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/zerologbridge"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// FuzzWriter feeds arbitrary bytes to the writer: it never panics, every
// write makes exactly one record, a valid JSON line in the JSON codec,
// and what is not a JSON object is counted as invalid.
func FuzzWriter(f *testing.F) {
	for _, seed := range []string{
		`{"level":"info","message":"m","n":1,"f":1.5,"s":"x\u00e9\ud83d\ude00","a":[1,{"k":null}],"o":{"t":true}}`,
		`{"time":"2025-01-02T03:04:05Z","logger":"a.b","caller":"x.go:1","stack":[{"func":"f","source":"s","line":"1"}]}`,
		`{"error":"boom","dur":"1.5s","big":18446744073709551616,"neg":-1e400}`,
		`{"":00}`, `{"a":-}`, `{"a":1.}`, `{"a":1e}`, `{"unclosed":`, `not json`, ``, `[]`, `{"a":1}{"b":2}`, `{"\x01":1}`, `{"a":"\q"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		var buf bytes.Buffer
		h, err := loggerjs.NewHandler(loggerjs.Config{
			Sinks:   map[string]loggerjs.Sink{"json": sinks.Writer(&buf, codecs.JSON(nil))},
			Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"json"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close(context.Background())
		w := zerologbridge.NewWriter(slog.New(h), &zerologbridge.Options{DurationKeys: []string{"dur"}, TimeKeys: []string{"time"}})
		if _, err := w.Write(p); err != nil {
			t.Fatal(err)
		}
		lines := bytes.Count(buf.Bytes(), []byte("\n"))
		if lines != 1 {
			t.Fatalf("%d records for %q", lines, p)
		}
		if !json.Valid(buf.Bytes()) {
			t.Fatalf("invalid JSON out: %s", buf.Bytes())
		}
		trimmed := bytes.TrimSpace(p)
		object := json.Valid(trimmed) && len(trimmed) > 0 && trimmed[0] == '{'
		if object && w.Invalid() != 0 {
			t.Fatalf("valid object %q counted invalid", p)
		}
		if !object && w.Invalid() != 1 {
			t.Fatalf("%q not counted invalid", p)
		}
	})
}
