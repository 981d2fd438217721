// Package httpx makes request scopes of net/http: server middleware that
// gives every request an id, a span of this service (a child of the
// caller's W3C traceparent), the caller's baggage, a fingers-crossed
// scope and an access record, and recovers its panics; and a client
// http.RoundTripper that passes the trace context on and logs the calls
// that fail or are slow. Field names are the OpenTelemetry semantic
// conventions, through the semantic events of package contextx.
//
//	mw, err := httpx.NewMiddleware(nil)
//	if err != nil { ... }
//	http.ListenAndServe(":8080", mw(mux))
//
//	t, err := httpx.NewTransport(nil, nil)
//	client := &http.Client{Transport: t}
//	req, _ := http.NewRequestWithContext(r.Context(), "GET", url, nil) // r: the request served
//	client.Do(req)                                                    // sends the request's trace context
//
// Records carry the request id as a context attr; the span's ids are
// written by middleware.TraceContext (or contextx.SpanAttrs as a context
// provider), which the configuration lists:
//
//	loggerjs.Config{Middleware: []loggerjs.Middleware{middleware.TraceContext(nil)}, ...}
//
// Package contextx, below it, holds what needs no net/http: the context
// carriers, the W3C parsers and formatters, and the semantic events. The
// root package never imports net/http; this one does.
package httpx
