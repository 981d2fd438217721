package httpx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/contextx"
)

// ClientOptions configure NewTransport. A nil *ClientOptions means the
// defaults, and zero fields mean theirs.
type ClientOptions struct {
	// Logger writes the records of failed and slow calls; nil means
	// loggerjs.GetLogger("http", "client").
	Logger *slog.Logger
	// SlowThreshold: a call whose response headers take this long or
	// longer is logged at Warn. Zero means one second; negative turns
	// slow-call records off.
	SlowThreshold time.Duration
	// Failed reports whether a status is a failure, logged at Error; nil
	// means 5xx.
	Failed func(status int) bool
	// Success, if set, is the level at which the other calls (neither
	// failed nor slow) are logged; nil logs none of them.
	Success slog.Leveler
	// RequestHeaders and ResponseHeaders name the headers written in the
	// records, as http.request.header.<name> and
	// http.response.header.<name>. No other header is ever written, and
	// the values of secret headers are REDACTED.
	RequestHeaders, ResponseHeaders []string
	// SecretQueryKeys adds query parameters whose values are REDACTED in
	// url.full, as ServerOptions.SecretQueryKeys.
	SecretQueryKeys []string
	// NoPropagation leaves the outgoing headers alone: no traceparent,
	// tracestate or baggage is sent.
	NoPropagation bool
}

// Transport is an http.RoundTripper that carries the request scope of its
// context to the next service and logs the calls that fail or are slow.
// For each call made with a context that carries a span
// (contextx.WithSpan; the server middleware puts one there), it makes a
// child span and sends it as the traceparent, with the tracestate and the
// context's baggage, unless the request already has a traceparent. The
// request it was given is not modified: it sends a copy with those
// headers.
//
// It logs a call whose transport fails or whose status is a failure at
// Error, and one slower than the threshold at Warn, with the semantic
// field names of contextx.HTTPEvent (http.request.method, url.full with
// credentials and secret query values REDACTED, server.address,
// server.port, http.response.status_code, duration, error.type) and the
// error, in the context of the call's span, so the record's span_id is
// the call's and parent_span_id the caller's. Bodies are never read nor
// logged, nor headers outside the allowlist. It is safe for concurrent
// use.
type Transport struct {
	base        http.RoundTripper
	logger      *slog.Logger
	slow        time.Duration
	failed      func(int) bool
	success     slog.Leveler
	reqHeaders  headerSet
	respHeaders headerSet
	secrets     secrets
	propagate   bool
}

var _ http.RoundTripper = (*Transport)(nil)

// NewTransport returns a Transport over base (http.DefaultTransport when
// nil), or an error naming the field when an option is invalid.
//
//	t, err := httpx.NewTransport(nil, nil)
//	client := &http.Client{Transport: t}
func NewTransport(base http.RoundTripper, opts *ClientOptions) (*Transport, error) {
	var o ClientOptions
	if opts != nil {
		o = *opts
	}
	t := &Transport{base: base, logger: o.Logger, slow: o.SlowThreshold, failed: o.Failed, success: o.Success, propagate: !o.NoPropagation}
	if t.base == nil {
		t.base = http.DefaultTransport
	}
	if t.logger == nil {
		t.logger = loggerjs.GetLogger("http", "client")
	}
	if t.slow == 0 {
		t.slow = time.Second
	}
	if t.failed == nil {
		t.failed = func(status int) bool { return status >= 500 }
	}
	var err error
	if t.secrets, err = newSecrets(o.SecretQueryKeys); err != nil {
		return nil, fmt.Errorf("httpx: ClientOptions.SecretQueryKeys: %w", err)
	}
	if t.reqHeaders, err = headers("ClientOptions.RequestHeaders", "http.request.header.", o.RequestHeaders, t.secrets); err != nil {
		return nil, err
	}
	if t.respHeaders, err = headers("ClientOptions.ResponseHeaders", "http.response.header.", o.ResponseHeaders, t.secrets); err != nil {
		return nil, err
	}
	return t, nil
}

// RoundTrip sends req through the base transport, with the trace context
// of its context, and logs the call when it failed or was slow.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	out := req
	parent, hasSpan := contextx.SpanFrom(ctx)
	var span contextx.Span
	if hasSpan {
		span = parent.Child()
	}
	if t.propagate && req.Header.Get(TraceparentHeader) == "" {
		b := contextx.BaggageFrom(ctx)
		if hasSpan || b.Len() > 0 {
			out = new(http.Request)
			*out = *req
			out.Header = req.Header.Clone()
			if out.Header == nil {
				out.Header = make(http.Header)
			}
			Inject(out.Header, span, b)
		}
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(out)
	d := time.Since(start)

	var level slog.Level
	errorType := ""
	switch {
	case err != nil:
		level, errorType = slog.LevelError, transportErrorType(err)
		if errors.Is(err, context.Canceled) {
			level = slog.LevelWarn // the caller gave up; the call did not fail
		}
	case t.failed(resp.StatusCode):
		level, errorType = slog.LevelError, strconv.Itoa(resp.StatusCode)
	case t.slow > 0 && d >= t.slow:
		level = slog.LevelWarn
	case t.success != nil:
		level = t.success.Level()
	default:
		return resp, err
	}
	if !t.logger.Enabled(ctx, level) {
		return resp, err
	}
	logCtx := ctx
	if hasSpan {
		logCtx = contextx.WithSpan(ctx, span)
	}
	t.log(logCtx, level, req, resp, err, d, errorType)
	return resp, err
}

func (t *Transport) log(ctx context.Context, level slog.Level, req *http.Request, resp *http.Response, err error, d time.Duration, errorType string) {
	ev := contextx.HTTPEvent{
		Method:        req.Method,
		URL:           t.secrets.url(req.URL),
		ServerAddress: req.URL.Hostname(),
		Duration:      d,
		ErrorType:     errorType,
	}
	if p := req.URL.Port(); p != "" {
		ev.ServerPort, _ = strconv.Atoi(p)
	}
	var buf [20]slog.Attr
	attrs := buf[:0]
	if err != nil {
		attrs = append(attrs, slog.Any(contextx.KeyError, err))
	}
	var respHeader http.Header
	if resp != nil {
		ev.Status, ev.ResponseSize = resp.StatusCode, resp.ContentLength
		respHeader = resp.Header
	}
	attrs = ev.AppendAttrs(attrs)
	attrs = t.reqHeaders.appendAttrs(attrs, req.Header)
	if respHeader != nil {
		attrs = t.respHeaders.appendAttrs(attrs, respHeader)
	}
	msg := "outbound request"
	switch {
	case err != nil:
		msg = "outbound request failed"
	case errorType != "":
		msg = "outbound request failed with " + errorType
	case t.slow > 0 && d >= t.slow:
		msg = "slow outbound request"
	}
	t.logger.LogAttrs(ctx, level, msg, attrs...)
}

// transportErrorType classes a transport error for error.type: timeout,
// canceled, or the Go type of the error.
func transportErrorType(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return fmt.Sprintf("%T", err)
}
