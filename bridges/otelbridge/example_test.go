package otelbridge_test

import (
	"context"
	"fmt"

	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/otelbridge"
)

// printExporter prints what the SDK exports.
type printExporter struct{}

func (printExporter) Export(_ context.Context, rs []sdklog.Record) error {
	for _, r := range rs {
		fmt.Println(r.InstrumentationScope().Name, r.Severity(), r.SeverityText(), r.Body().AsString())
	}
	return nil
}
func (printExporter) Shutdown(context.Context) error   { return nil }
func (printExporter) ForceFlush(context.Context) error { return nil }

func ExampleNew() {
	otel, err := otelbridge.New(otelbridge.Options{Exporter: printExporter{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"otel": otel},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"otel"}, Level: loggerjs.LevelTrace}},
		Middleware: []loggerjs.Middleware{otelbridge.Trace()},
	})
	db := logger.With(loggerjs.Category("app", "db"))
	db.Log(context.Background(), loggerjs.LevelTrace, "connecting")
	db.Error("query failed", "table", "orders")
	otel.Close(context.Background())
	fmt.Println(otel.SinkStats()["exported"])
	// Output:
	// app.db TRACE TRACE connecting
	// app.db ERROR ERROR query failed
	// 2
}
