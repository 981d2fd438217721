// OTLP ships logs to an OpenTelemetry Collector over plain OTLP/HTTP,
// without the OpenTelemetry SDK in the binary: one request per batch,
// one ResourceLogs per request and one ScopeLogs per category.
//
// Start a collector that prints what it receives, and run the example,
// from the repository's root:
//
//	interop/otelcol/collector.sh start examples/otlp/collector.yaml & go run ./examples/otlp
//
// collector.sh builds the collector the first time (3 to 6 minutes), then
// starts it in seconds. Any collector listening for OTLP/HTTP works: the
// sink reads the standard OTEL_EXPORTER_OTLP_* variables, and sends to
// http://localhost:4318/v1/logs without them; OTEL_SERVICE_NAME names
// the service.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/contextx"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/loggerjs/loggerjs/sinks/remote"
)

func main() {
	waitForCollector("localhost:4318", 60*time.Second)
	otlp, err := remote.OTLP("", &remote.OTLPOptions{
		Resource:     []slog.Attr{slog.String("deployment.environment.name", "example")},
		ScopeVersion: "1.0.0",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	err = loggerjs.Configure(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"otlp":    otlp,
			"console": sinks.Console(nil),
		},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"otlp", "console"}, Level: slog.LevelDebug},
		},
		// trace_id and span_id from the W3C traceparent in the context.
		Middleware:      []loggerjs.Middleware{middleware.Trace(nil)},
		StackTraceLevel: slog.LevelError,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	tp, _ := contextx.ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	ctx := contextx.WithTraceparent(context.Background(), tp)

	app := loggerjs.GetLogger("shop")
	app.Info("service started", "port", 8080)
	db := loggerjs.GetLogger("shop", "db").With("pool", "primary")
	db.DebugContext(ctx, "query", "table", "orders", "took", 3*time.Millisecond)
	http := loggerjs.GetLogger("shop", "http").WithGroup("req")
	http.InfoContext(ctx, "request served", "method", "GET", "path", "/cart", "status", 200)
	db.ErrorContext(ctx, "query failed", "err", fmt.Errorf("select orders: %w", errors.New("connection refused")))

	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := loggerjs.Shutdown(shutdown); err != nil {
		fmt.Fprintln(os.Stderr, "shutdown:", err)
	}
	st := loggerjs.Stats()
	shipped := st.Sinks["otlp"].Own["shipped"] + st.RetiredSinks["otlp"].Own["shipped"]
	fmt.Fprintf(os.Stderr, "shipped %d records to the collector, lost %d\n", shipped, st.Lost())
	if st.Lost() > 0 {
		os.Exit(1)
	}
}

// waitForCollector waits until addr accepts connections, so that the
// example can be started together with the collector.
func waitForCollector(addr string, limit time.Duration) {
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT") != "" {
		return
	}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}
