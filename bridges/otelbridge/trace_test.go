package otelbridge_test

import (
	"context"
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/otelbridge"
	"github.com/loggerjs/loggerjs/contextx"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

// TestSpanExtractor checks that the active OpenTelemetry span's ids win
// in middleware.TraceContext over those loggerjs carries.
func TestSpanExtractor(t *testing.T) {
	tid, _ := trace.TraceIDFromHex("0af7651916cd43dd8448eb211c80319c")
	sid, _ := trace.SpanIDFromHex("b7ad6b7169203331")
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
	ctx := trace.ContextWithSpanContext(context.Background(), sc)
	ctx = contextx.WithSpan(ctx, contextx.NewSpan(true))
	var got map[string]string
	probe := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		got = map[string]string{}
		r.RootAttrs(func(a slog.Attr) bool { got[a.Key] = a.Value.String(); return true })
		return true
	})
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"m": sinks.Memory()},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"m"}}},
		Middleware: []loggerjs.Middleware{middleware.TraceContext(&middleware.TraceOptions{Extractors: []contextx.SpanExtractor{otelbridge.SpanExtractor}}), probe},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	slog.New(h).InfoContext(ctx, "in a span")
	if got["trace_id"] != tid.String() || got["span_id"] != sid.String() || got["trace_flags"] != "01" {
		t.Errorf("root attrs %v", got)
	}
	if _, ok := otelbridge.SpanExtractor(context.Background()); ok {
		t.Error("a span outside any OpenTelemetry span")
	}
}
