package middleware_test

import (
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/contextx"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

type spanKey struct{}

func TestTraceCustomExtractorAndExistingIDs(t *testing.T) {
	extract := func(ctx context.Context) (string, string) {
		s, _ := ctx.Value(spanKey{}).(string)
		return "t-" + s, s
	}
	logger, mem := pipeline(t, middleware.Trace(extract))
	ctx := context.WithValue(context.Background(), spanKey{}, "s1")
	logger.WithGroup("g").InfoContext(ctx, "a")
	// A root trace_id already there (a context attr) is kept.
	logger.InfoContext(loggerjs.WithContextAttrs(ctx, slog.String(middleware.TraceIDKey, "given")), "b")
	logger.Info("c") // the extractor gives "t-" and no span id
	recs := mem.Records()
	if got := rootAttrs(recs[0]); len(got) != 2 || got[0].Value.String() != "t-s1" || got[1].Value.String() != "s1" {
		t.Errorf("a: root attrs %v", got)
	}
	if got := rootAttrs(recs[1]); len(got) != 1 || got[0].Value.String() != "given" {
		t.Errorf("b: root attrs %v", got)
	}
	if got := rootAttrs(recs[2]); len(got) != 1 || got[0].Key != middleware.TraceIDKey {
		t.Errorf("c: root attrs %v (an empty span id adds no span_id)", got)
	}
}

func TestTraceDefaultWithoutTraceparent(t *testing.T) {
	logger, mem := pipeline(t, middleware.Trace(nil), middleware.TraceContext(nil))
	logger.Info("no trace")
	if n := mem.Records()[0].NumRootAttrs(); n != 0 {
		t.Errorf("%d root attrs added without a traceparent", n)
	}
}

const callerTP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

// serverSpan is the span a service runs a request in: a child of the
// caller's traceparent.
func serverSpan(t testing.TB) contextx.Span {
	tp, err := contextx.ParseTraceparent(callerTP)
	if err != nil {
		t.Fatal(err)
	}
	return contextx.SpanOf(tp).Child()
}

func rootMap(r *loggerjs.Record) map[string]string {
	m := map[string]string{}
	r.RootAttrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.String()
		return true
	})
	return m
}

// TestTraceDefaultReadsThisServicesSpan: the span_id Trace(nil) writes
// for a request is the service's own span, not the caller's parent-id.
func TestTraceDefaultReadsThisServicesSpan(t *testing.T) {
	span := serverSpan(t)
	logger, mem := pipeline(t, middleware.Trace(nil))
	logger.InfoContext(contextx.WithSpan(context.Background(), span), "served")
	got := rootMap(mem.Records()[0])
	if got[middleware.TraceIDKey] != "4bf92f3577b34da6a3ce929d0e0e4736" || got[middleware.SpanIDKey] != span.SpanIDString() {
		t.Errorf("root attrs %v", got)
	}
	if got[middleware.SpanIDKey] == "00f067aa0ba902b7" {
		t.Error("span_id is the caller's span")
	}
}

func TestTraceContextWritesTheSpanAtTheRoot(t *testing.T) {
	span := serverSpan(t)
	logger, mem := pipeline(t, middleware.TraceContext(nil))
	ctx := contextx.WithSpan(context.Background(), span)
	logger.WithGroup("db").With("pool", "main").InfoContext(ctx, "query", "rows", 3)
	rec := mem.Records()[0]
	want := map[string]string{
		middleware.TraceIDKey:      "4bf92f3577b34da6a3ce929d0e0e4736",
		middleware.SpanIDKey:       span.SpanIDString(),
		middleware.ParentSpanIDKey: "00f067aa0ba902b7",
		middleware.TraceFlagsKey:   "01",
	}
	got := rootMap(rec)
	if len(got) != len(want) {
		t.Errorf("root attrs %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// A span without a parent (a traceparent the code runs in) has no
	// parent_span_id.
	logger.InfoContext(contextx.WithTraceparent(context.Background(), span.Traceparent()), "no parent")
	if got := rootMap(mem.Records()[1]); got[middleware.ParentSpanIDKey] != "" || got[middleware.SpanIDKey] != span.SpanIDString() || len(got) != 3 {
		t.Errorf("root attrs %v", got)
	}
	if middleware.TraceFlagsKey != codecs.TraceFlagsKey {
		t.Errorf("the flags key %q is not the one the OTLP codec reads (%q)", middleware.TraceFlagsKey, codecs.TraceFlagsKey)
	}
}

// TestTraceContextExtractorWins: an extractor that knows a span (the
// OpenTelemetry bridge's) wins over the request's span; one that does
// not leaves it to the next, and to contextx.
func TestTraceContextExtractorWins(t *testing.T) {
	type otelKey struct{}
	otel := contextx.NewSpan(true)
	calls := 0
	none := func(context.Context) (contextx.Span, bool) { calls++; return contextx.Span{}, false }
	invalid := func(context.Context) (contextx.Span, bool) { return contextx.Span{}, true }
	fromOTel := func(ctx context.Context) (contextx.Span, bool) {
		s, ok := ctx.Value(otelKey{}).(contextx.Span)
		return s, ok
	}
	logger, mem := pipeline(t, middleware.TraceContext(&middleware.TraceOptions{
		Extractors: []contextx.SpanExtractor{nil, none, invalid, fromOTel},
	}))
	request := contextx.WithSpan(context.Background(), serverSpan(t))
	logger.InfoContext(context.WithValue(request, otelKey{}, otel), "in an OTel span")
	logger.InfoContext(request, "request span only")
	logger.InfoContext(loggerjs.WithContextAttrs(context.WithValue(request, otelKey{}, otel), slog.String(middleware.TraceIDKey, "given")), "given")
	recs := mem.Records()
	got := rootMap(recs[0])
	if got[middleware.TraceIDKey] != otel.TraceIDString() || got[middleware.SpanIDKey] != otel.SpanIDString() || got[middleware.TraceFlagsKey] != "03" {
		t.Errorf("OTel span lost: %v", got)
	}
	if _, ok := got[middleware.ParentSpanIDKey]; ok {
		t.Errorf("a root OTel span has a parent: %v", got)
	}
	if got := rootMap(recs[1]); got[middleware.TraceIDKey] != "4bf92f3577b34da6a3ce929d0e0e4736" || got[middleware.ParentSpanIDKey] != "00f067aa0ba902b7" {
		t.Errorf("fallback to the request span: %v", got)
	}
	if got := rootMap(recs[2]); len(got) != 1 || got[middleware.TraceIDKey] != "given" {
		t.Errorf("existing trace_id: %v", got)
	}
	if calls != 3 {
		t.Errorf("the extractor ran %d times for 3 records", calls)
	}
}

// ExampleTraceContext shows the ids of a request served: the trace, the
// service's own span, the caller's span and the flags.
func ExampleTraceContext() {
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"out": sinks.Writer(os.Stdout, codecs.JSON(&codecs.JSONOptions{
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == middleware.SpanIDKey) {
					return slog.Attr{} // the time, and the random span id
				}
				return a
			},
		}))},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
		Middleware: []loggerjs.Middleware{middleware.TraceContext(nil)},
	})
	caller, _ := contextx.ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	ctx := contextx.WithSpan(context.Background(), contextx.SpanOf(caller).Child())
	logger.WithGroup("db").InfoContext(ctx, "query", "rows", 3)
	// Output:
	// {"level":"INFO","msg":"query","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","parent_span_id":"00f067aa0ba902b7","trace_flags":"01","db":{"rows":3}}
}
