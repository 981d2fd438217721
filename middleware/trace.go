package middleware

import (
	"context"
	"log/slog"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/contextx"
)

// Keys of the root attrs that Trace and TraceContext add:
// loggerjs.TraceIDKey and loggerjs.SpanIDKey, and the parent span and
// flags keys of package contextx.
const (
	TraceIDKey      = loggerjs.TraceIDKey
	SpanIDKey       = loggerjs.SpanIDKey
	ParentSpanIDKey = contextx.ParentSpanIDKey
	TraceFlagsKey   = contextx.TraceFlagsKey
)

// A TraceExtractor returns the ids of the trace and span a context
// belongs to, in hex, or empty strings. It runs for every record, so it
// must be quick and safe for concurrent use.
type TraceExtractor func(ctx context.Context) (traceID, spanID string)

// Trace returns middleware that adds trace_id and span_id at the top
// level of each record (outside the logger's groups), as extract finds
// them in the record's context. A nil extract reads the span that package
// contextx carries (contextx.TraceIDs): the span of this service that
// the httpx server middleware starts for a request, or the traceparent
// put there with contextx.WithTraceparent. A record that already has a
// root trace_id keeps it. The OpenTelemetry extractor, which reads the
// active span, is in the OTel bridge module. TraceContext adds the
// parent span id and the flags as well.
func Trace(extract TraceExtractor) loggerjs.Middleware {
	if extract == nil {
		extract = contextx.TraceIDs
	}
	return loggerjs.MiddlewareFunc(func(ctx context.Context, r *loggerjs.Record) bool {
		if ctx == nil {
			return true
		}
		traceID, spanID := extract(ctx)
		if traceID == "" || hasRootTraceID(r) {
			return true
		}
		if spanID == "" {
			r.AddRootAttrs(slog.String(TraceIDKey, traceID))
		} else {
			r.AddRootAttrs(slog.String(TraceIDKey, traceID), slog.String(SpanIDKey, spanID))
		}
		return true
	})
}

func hasRootTraceID(r *loggerjs.Record) bool {
	for i := range r.NumRootAttrs() {
		if r.RootAttr(i).Key == TraceIDKey {
			return true
		}
	}
	return false
}

// TraceOptions configure TraceContext. A nil *TraceOptions means the
// defaults: no extractor, only the span package contextx carries.
type TraceOptions struct {
	// Extractors are asked in order, before the span contextx carries;
	// the first that returns a valid span wins. This is the hook of a
	// tracing library: with the OpenTelemetry bridge's extractor here,
	// the ids of the active OTel span win over those of the request
	// scope. An extractor that panics is recovered by the pipeline and
	// counted; the record goes on without trace attrs.
	Extractors []contextx.SpanExtractor
}

// TraceContext returns middleware that adds the identity of the span a
// record was logged in at the top level of the record (outside the
// logger's groups): trace_id, span_id (the span this code runs in),
// parent_span_id (its caller's, when known) and trace_flags (two hex
// digits), the keys the OTLP codec and the OpenTelemetry and Sentry
// bridges read. The span is the first valid one the options' extractors
// return, or else the one contextx carries (contextx.WithSpan; the httpx
// server middleware puts one there for every request). A record that
// already has a root trace_id keeps it, and gets none of the others.
//
// The span contextx carries costs no allocation per record: its attrs
// are built once, when the span is put in the context. A span from an
// extractor is formatted for each record.
func TraceContext(opts *TraceOptions) loggerjs.Middleware {
	var extractors []contextx.SpanExtractor
	if opts != nil {
		for _, e := range opts.Extractors {
			if e != nil {
				extractors = append(extractors, e)
			}
		}
	}
	return loggerjs.MiddlewareFunc(func(ctx context.Context, r *loggerjs.Record) bool {
		if ctx == nil {
			return true
		}
		for _, extract := range extractors {
			if s, ok := extract(ctx); ok && s.IsValid() {
				if !hasRootTraceID(r) {
					var buf [4]slog.Attr
					r.AddRootAttrs(s.AppendAttrs(buf[:0])...)
				}
				return true
			}
		}
		attrs := contextx.SpanAttrs(ctx)
		if attrs == nil || hasRootTraceID(r) {
			return true
		}
		r.AddRootAttrs(attrs...)
		return true
	})
}
