// Package contextx carries logging context in a context.Context: attrs
// that a loggerjs handler adds to every record logged with the context,
// and the W3C traceparent of the request being served.
//
//	ctx = contextx.With(ctx, slog.String("request_id", id))
//	if tp, err := contextx.ParseTraceparent(req.Header.Get("traceparent")); err == nil {
//		ctx = contextx.WithTraceparent(ctx, tp)
//	}
//	logger.InfoContext(ctx, "served") // request_id at the top level; trace ids via middleware.Trace
//
// It sits on the root package; package middleware builds on it
// (middleware.Trace reads the traceparent by default).
package contextx
