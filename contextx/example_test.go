package contextx_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/contextx"
	"github.com/loggerjs/loggerjs/sinks"
)

func ExampleParseTraceparent() {
	tp, err := contextx.ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if err != nil {
		panic(err)
	}
	ctx := contextx.WithTraceparent(context.Background(), tp)
	traceID, spanID := contextx.TraceIDs(ctx)
	fmt.Println(traceID, spanID, tp.Sampled())
	// Output: 4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7 true
}

func ExampleWith() {
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"out": sinks.Stdout(codecs.JSON(&codecs.JSONOptions{
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey && len(groups) == 0 {
					return slog.Attr{}
				}
				return a
			},
		}))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
	})
	ctx := contextx.With(context.Background(), slog.String("request_id", "r-42"))
	logger.WithGroup("db").InfoContext(ctx, "query", "rows", 3)
	// Output: {"level":"INFO","msg":"query","request_id":"r-42","db":{"rows":3}}
}
