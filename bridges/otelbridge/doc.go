// Package otelbridge sends loggerjs records to OpenTelemetry through the
// Logs SDK (go.opentelemetry.io/otel/sdk/log), and lets records logged
// inside an OpenTelemetry span carry its ids on every other path.
//
// The sink: each category becomes an instrumentation scope, each record
// a log record with its severity, body, attributes (groups as maps),
// error (exception.*) and the trace context of the span in ctx, exported
// by the SDK's BatchProcessor through any exporter:
//
//	exp, err := otlploghttp.New(ctx) // reads OTEL_EXPORTER_OTLP_*
//	if err != nil { ... }
//	otel, err := otelbridge.New(otelbridge.Options{Exporter: exp})
//	if err != nil { ... }
//	cfg := loggerjs.Config{
//		Sinks:      map[string]loggerjs.Sink{"otel": otel},
//		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"otel"}, Level: slog.LevelInfo}},
//		Middleware: []loggerjs.Middleware{otelbridge.Trace()},
//	}
//
// The span: Trace is middleware that adds trace_id, span_id and
// trace_flags root attrs from the span in the record's context, so the
// files, the console and the plain OTLP/HTTP sink (package sinks/remote)
// carry them too; TraceIDs is the same as a middleware.TraceExtractor.
//
// Choose this sink when the program already runs the OpenTelemetry SDK
// (traces, metrics) or needs an exporter other than OTLP/HTTP JSON (gRPC,
// protobuf); choose sinks/remote.OTLP to ship to a collector with no SDK
// in the binary, at less cost per record (see bench/otel). Both write a
// record the same way.
//
// The module is separate from loggerjs, so programs that do not use
// OpenTelemetry do not depend on it.
package otelbridge
