package middleware

import (
	"context"
	"log/slog"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/contextx"
)

// Keys of the root attrs that Trace adds: loggerjs.TraceIDKey and
// loggerjs.SpanIDKey.
const (
	TraceIDKey = loggerjs.TraceIDKey
	SpanIDKey  = loggerjs.SpanIDKey
)

// A TraceExtractor returns the ids of the trace and span a context
// belongs to, in hex, or empty strings. It runs for every record, so it
// must be quick and safe for concurrent use.
type TraceExtractor func(ctx context.Context) (traceID, spanID string)

// Trace returns middleware that adds trace_id and span_id at the top
// level of each record (outside the logger's groups), as extract finds
// them in the record's context. A nil extract reads the W3C traceparent
// that contextx.WithTraceparent put in the context. A record that already
// has a root trace_id keeps it. The OpenTelemetry extractor, which reads
// the active span, is in the OTel bridge module.
func Trace(extract TraceExtractor) loggerjs.Middleware {
	if extract == nil {
		extract = contextx.TraceIDs
	}
	return loggerjs.MiddlewareFunc(func(ctx context.Context, r *loggerjs.Record) bool {
		if ctx == nil {
			return true
		}
		traceID, spanID := extract(ctx)
		if traceID == "" {
			return true
		}
		for i := range r.NumRootAttrs() {
			if r.RootAttr(i).Key == TraceIDKey {
				return true
			}
		}
		if spanID == "" {
			r.AddRootAttrs(slog.String(TraceIDKey, traceID))
		} else {
			r.AddRootAttrs(slog.String(TraceIDKey, traceID), slog.String(SpanIDKey, spanID))
		}
		return true
	})
}
