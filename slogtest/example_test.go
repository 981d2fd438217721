package slogtest_test

import (
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/loggerjs/loggerjs/slogtest"
)

// RunWriter runs the suite over a handler that writes JSON lines. This is
// the body of a test in your handler's package.
func ExampleRunWriter() {
	testMyHandler := func(t *testing.T) {
		slogtest.RunWriter(t, func(t *testing.T, w io.Writer) slog.Handler {
			return slog.NewJSONHandler(w, nil) // your handler, writing to w
		}, slogtest.ParseJSON, &slogtest.Options{Skip: map[string]string{
			"EmptyGroupNameAndNilAttrs": `slog.JSONHandler opens a group named "" for WithGroup("")`,
		}})
	}
	_ = testMyHandler
}

// Run suits a handler whose records are not simply bytes in a writer: here
// one that keeps them until it is flushed, which records does before
// reading them.
func ExampleRun() {
	testMyHandler := func(t *testing.T) {
		var out lockedBuffer
		var h *queueHandler
		slogtest.Run(t, func(t *testing.T) slog.Handler {
			out.reset()
			h = newQueueHandler(slog.NewJSONHandler(&out, nil), true)
			return h
		}, func(t *testing.T) []map[string]any {
			if err := h.Flush(); err != nil {
				t.Fatal(err)
			}
			recs, err := slogtest.ParseJSON(out.bytes())
			if err != nil {
				t.Fatal(err)
			}
			return recs
		}, nil)
	}
	_ = testMyHandler
}

func ExampleParseLogfmt() {
	recs, err := slogtest.ParseLogfmt([]byte(`time=2024-05-06T07:08:09.000Z level=INFO msg="request served" req.method=GET req.path=/api status=200` + "\n"))
	if err != nil {
		panic(err)
	}
	fmt.Println(recs[0]["msg"], recs[0]["req"], recs[0]["status"])
	// Output: request served map[method:GET path:/api] 200
}

func ExampleParseOTLPJSON() {
	recs, err := slogtest.ParseOTLPJSON([]byte(`{"resourceLogs":[{"scopeLogs":[{"scope":{"name":"app.db"},"logRecords":[` +
		`{"timeUnixNano":"1714979289000000000","severityText":"WARN","body":{"stringValue":"slow query"},` +
		`"attributes":[{"key":"took","value":{"intValue":"1500"}},{"key":"q","value":{"kvlistValue":{"values":[{"key":"table","value":{"stringValue":"orders"}}]}}}]}]}]}]}`))
	if err != nil {
		panic(err)
	}
	r := recs[0]
	fmt.Println(r["time"], r["level"], r["logger"], r["msg"], r["took"], r["q"])
	// Output: 2024-05-06 07:08:09 +0000 UTC WARN app.db slow query 1500 map[table:orders]
}
