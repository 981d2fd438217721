package contextx_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

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

func ExampleWithSpan() {
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"out": sinks.Stdout(codecs.JSON(&codecs.JSONOptions{ReplaceAttr: dropTime}))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
		// SpanAttrs as a context provider; middleware.TraceContext does
		// the same and lets an OpenTelemetry span win.
		ContextProviders: []func(context.Context) []slog.Attr{contextx.SpanAttrs},
	})
	caller, _ := contextx.ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	span := contextx.SpanOf(caller).Child()                               // this service's span: a new id, the caller's as parent
	span.SpanID = [8]byte{0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31} // fixed here so the output is stable
	ctx := contextx.WithSpan(context.Background(), span)
	logger.InfoContext(ctx, "served")
	fmt.Println(span.Child().Traceparent().TraceIDString()) // what an outbound call sends keeps the trace
	// Output:
	// {"level":"INFO","msg":"served","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"b7ad6b7169203331","parent_span_id":"00f067aa0ba902b7","trace_flags":"01"}
	// 4bf92f3577b34da6a3ce929d0e0e4736
}

func ExampleParseTraceState() {
	ts, err := contextx.ParseTraceState("rojo=00f067aa0ba902b7", " congo=t61rcWkgMzE ")
	if err != nil {
		panic(err)
	}
	ts, _ = ts.Insert("congo", "ucfJifl5GOE") // a vendor updates its member: it moves to the front
	fmt.Println(ts)
	_, err = contextx.ParseTraceState("foo=1,foo=2")
	fmt.Println(err)
	// Output:
	// congo=ucfJifl5GOE,rojo=00f067aa0ba902b7
	// contextx: malformed tracestate: repeated key foo
}

func ExampleParseBaggage() {
	b, err := contextx.ParseBaggage("userId=alice, serverNode = DF%2028;tier=gold")
	if err != nil {
		panic(err)
	}
	node, _ := b.Get("serverNode")
	fmt.Printf("%q\n", node)
	b, _ = b.With(contextx.BaggageMember{Key: "tenant", Value: "acme corp"})
	fmt.Println(b)
	// Output:
	// "DF 28"
	// userId=alice,serverNode=DF%2028;tier=gold,tenant=acme%20corp
}

func ExampleDBEvent() {
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"out": sinks.Stdout(codecs.JSON(&codecs.JSONOptions{ReplaceAttr: dropTime}))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
	})
	ev := contextx.DBEvent{System: "postgresql", Operation: "SELECT", Collection: "orders", Rows: 3, Duration: 1500 * time.Microsecond}
	logger.LogAttrs(context.Background(), slog.LevelInfo, "query", ev.Attrs()...)
	logger.Info("query", "", ev) // the same, as one argument: an empty key inlines the group
	// Output:
	// {"level":"INFO","msg":"query","db.system.name":"postgresql","db.operation.name":"SELECT","db.collection.name":"orders","db.response.returned_rows":3,"duration":1500000}
	// {"level":"INFO","msg":"query","db.system.name":"postgresql","db.operation.name":"SELECT","db.collection.name":"orders","db.response.returned_rows":3,"duration":1500000}
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}
