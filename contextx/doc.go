// Package contextx carries a request's logging scope in a
// context.Context, as AsyncLocalStorage does in Node: attrs that a
// loggerjs handler adds to every record logged with the context, the span
// the code runs in, and the W3C baggage; and it parses and formats the
// W3C Trace Context (traceparent, tracestate) and Baggage headers. It
// also defines the semantic events: typed helpers that give records of
// the same family (error, http, db, job, ui, action, security,
// performance) the same field names.
//
//	ctx = contextx.With(ctx, slog.String("request_id", id))
//	caller, err := contextx.ParseTraceparent(header)     // the caller's span
//	if err == nil {
//		ctx = contextx.WithSpan(ctx, contextx.SpanOf(caller).Child()) // this service's span
//	}
//	logger.InfoContext(ctx, "served") // request_id, and the span's ids through middleware.TraceContext
//
// It imports the standard library and the root package only, never
// net/http: package httpx builds server middleware and a client
// RoundTripper on it, and package middleware's Trace and TraceContext
// read the span it carries. A tracing library tells loggerjs its own
// current span through a SpanExtractor.
package contextx
