package remote_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks/remote"
)

// noTime drops the time so example output is stable.
func noTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

func ExampleHTTP() {
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body) // NoGzip below, so plain NDJSON
		fmt.Printf("%s %s\n%s", r.Header.Get("Content-Type"), r.Header.Get("Authorization"), body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer collector.Close()

	sink, err := remote.HTTP(collector.URL, codecs.JSON(&codecs.JSONOptions{ReplaceAttr: noTime}), &remote.HTTPOptions{
		BearerToken: "secret-token",
		NoGzip:      true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"http": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"http"}}},
	})
	logger.Error("payment failed", "order", 42)
	sink.Close(context.Background())
	// Output:
	// application/x-ndjson Bearer secret-token
	// {"level":"ERROR","msg":"payment failed","order":42}
}

func ExampleOTLP() {
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Content-Encoding"))
	}))
	defer collector.Close()

	// The collector's base URL, as OTEL_EXPORTER_OTLP_ENDPOINT has it:
	// the sink adds /v1/logs.
	sink, err := remote.OTLP(collector.URL, &remote.OTLPOptions{
		Resource: []slog.Attr{slog.String("service.name", "checkout")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sink.Write(context.Background(), loggerjs.NewRecord(slog.NewRecord(time.Now(), slog.LevelInfo, "hello", 0)))
	sink.Close(context.Background())
	// Output:
	// POST /v1/logs application/json gzip
}

func ExampleLoki() {
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.URL.Path, r.Header.Get("X-Scope-OrgID"))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer collector.Close()

	sink, err := remote.Loki(collector.URL+"/loki/api/v1/push", &remote.LokiOptions{
		Labels:   map[string]string{"service_name": "checkout", "env": "prod"},
		TenantID: "team-a",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sink.Write(context.Background(), loggerjs.NewRecord(slog.NewRecord(time.Now(), slog.LevelInfo, "hello", 0)))
	sink.Close(context.Background())
	// Output:
	// /loki/api/v1/push team-a
}
