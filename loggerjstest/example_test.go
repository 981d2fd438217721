package loggerjstest_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/loggerjstest"
	"github.com/loggerjs/loggerjs/sinks"
)

// NewLogger gives the code under test a logger whose records show under
// the test, only when it fails; FailOn makes a logged error fail it.
func ExampleNewLogger() {
	testServer := func(t *testing.T) {
		logger := loggerjstest.NewLogger(t, &loggerjstest.Options{FailOn: slog.LevelError})
		db := loggerjs.Child(logger, "app", "db")
		db.Info("pool ready", "open", 8) // t.Log: 09:30:00.000 INFO  app.db: pool ready open=8
	}
	_ = testServer
}

func ExampleObserve() {
	logger, rec := loggerjstest.Observe(slog.LevelInfo)

	db := loggerjs.Child(logger, "app", "db")
	db.Debug("connecting") // below the level: not recorded
	db.Info("query", "table", "orders", "rows", 3)
	db.With("attempt", 2).Error("query failed", "err", errors.New("timeout"))
	loggerjs.Child(logger, "app", "http").WithGroup("req").Info("served", "method", "GET")

	fmt.Println(rec.Len())
	for _, e := range rec.Filter(loggerjstest.CategoryPrefix("app.db"), loggerjstest.AtLeast(slog.LevelError)) {
		fmt.Println(e)
	}
	for _, e := range rec.Filter(loggerjstest.AttrEqual("req.method", "GET")) {
		fmt.Println(e.Message, e.Category)
	}
	fmt.Println(len(rec.Filter(loggerjstest.AttrEqual("rows", 3))))
	// Output:
	// 3
	// ERROR app.db: query failed attempt=2 err=timeout
	// served [app http]
	// 1
}

// The assertions fail the test and list what was recorded.
func ExampleRecorder_AssertLogged() {
	testRetry := func(t *testing.T) {
		logger, rec := loggerjstest.Observe(nil)
		logger.Warn("retrying", "attempt", 3)
		rec.AssertLogged(t, loggerjstest.Message("retrying"), loggerjstest.AttrEqual("attempt", 3))
		rec.AssertNotLogged(t, loggerjstest.AtLeast(slog.LevelError))
	}
	_ = testRetry
}

// ParserFor reads a codec's output back as records, here what the
// Structured codec wrote through a handler tree.
func ExampleParserFor() {
	var buf bytes.Buffer
	codec := codecs.Structured()
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"out": sinks.Writer(&buf, codec)},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
	})
	if err != nil {
		panic(err)
	}
	loggerjs.Child(logger, "app").WithGroup("req").Info("served", "status", 200)

	recs, err := loggerjstest.ParserFor(codec)(buf.Bytes())
	if err != nil {
		panic(err)
	}
	r := recs[0]
	fmt.Println(r["level"], r["logger"], r["msg"], r["req"])
	// Output: INFO app served map[status:200]
}
