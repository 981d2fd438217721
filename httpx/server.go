package httpx

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/contextx"
)

// A Scope is a request scope the server middleware begins before each
// request and ends after it, its access record included. A
// *middleware.FingersCrossedSink is one: with it in ServerOptions.Scopes,
// each request's records are held in a buffer of their own and released
// only when one of them reaches the trigger level (an Error record, a
// panic, or the access record of a 5xx response).
type Scope interface {
	Begin(ctx context.Context) (scoped context.Context, end func())
}

// ServerOptions configure NewMiddleware. A nil *ServerOptions means the
// defaults, and zero fields mean theirs.
type ServerOptions struct {
	// Logger writes the access and panic records; nil means
	// loggerjs.GetLogger("http", "server"), which routes through the
	// registry's configuration.
	Logger *slog.Logger
	// RequestIDHeader is the header a request id is taken from, and
	// written back to in the response. Default "X-Request-Id".
	RequestIDHeader string
	// RequestIDKey is the key of the attr that carries the request id in
	// every record of the request. Default "request_id".
	RequestIDKey string
	// NewRequestID makes the id of a request that came without a usable
	// one; nil makes 16 random hex digits. An incoming id is used when it
	// is 1 to 128 printable ASCII characters without spaces.
	NewRequestID func() string
	// IgnoreRequestID makes a new id for every request, whatever it
	// carries: for a service that faces clients it does not trust.
	IgnoreRequestID bool
	// IgnoreIncomingTrace starts a new trace for every request, ignoring
	// the traceparent, tracestate and baggage it came with.
	IgnoreIncomingTrace bool
	// Level chooses the level of the access record by status; nil means
	// Error for 5xx, Warn for 4xx, Info for the rest.
	Level func(status int) slog.Level
	// SkipPaths are URL paths (exactly) whose requests get no access
	// record, such as health checks; their records still carry the ids.
	SkipPaths []string
	// Skip, if set, leaves out the access record of the requests for
	// which it returns true.
	Skip func(*http.Request) bool
	// RequestHeaders and ResponseHeaders name the headers written in the
	// access record, as http.request.header.<name> and
	// http.response.header.<name> (lower case, values as a list). No
	// other header is ever written; the values of secret headers
	// (Authorization, Cookie, the default redaction keys) are REDACTED
	// even when named here.
	RequestHeaders, ResponseHeaders []string
	// SecretQueryKeys adds query parameters whose values are REDACTED in
	// url.query, besides the default redaction keys (token, api_key,
	// password, *_key, ...) and the URL-signing parameters (Signature,
	// X-Amz-Signature, ...). Keys match as in middleware.RedactOptions.
	SecretQueryKeys []string
	// ClientAddress returns the address of the client; nil means the host
	// of Request.RemoteAddr. Behind a proxy you trust, read its header
	// here.
	ClientAddress func(*http.Request) string
	// Scopes are begun for each request, in order; see Scope.
	Scopes []Scope
}

type server struct {
	logger        *slog.Logger
	idHeader      string
	idKey         string
	newID         func() string
	ignoreID      bool
	ignoreTrace   bool
	level         func(int) slog.Level
	skipPaths     map[string]bool
	skip          func(*http.Request) bool
	reqHeaders    headerSet
	respHeaders   headerSet
	secrets       secrets
	clientAddress func(*http.Request) string
	scopes        []Scope
}

// NewMiddleware returns server middleware for net/http that makes a
// request scope of every request it serves:
//
//   - It takes the request id from the request (RequestIDHeader) or makes
//     one, writes it back in the response, and carries it as a context
//     attr (contextx.With), so every record logged with the request's
//     context has it at the top level, inside groups too.
//   - It starts this service's span for the request: a child of the
//     caller's traceparent (a new trace without one), with the caller's
//     tracestate, and carries it and the caller's baggage in the context
//     (contextx.WithSpan, contextx.WithBaggage). middleware.TraceContext
//     writes the span's ids into records; Transport passes them on.
//   - It begins the Scopes (a fingers-crossed buffer per request).
//   - It writes one access record per request with the OpenTelemetry
//     semantic-convention names (http.request.method, http.route from the
//     ServeMux pattern, http.response.status_code,
//     http.response.body.size, url.path, url.query with secrets
//     redacted, client.address, user_agent.original, duration), at a
//     level chosen by status, unless the path is skipped. It never logs
//     a body, nor a header that is not on the allowlist.
//   - It recovers a panic of the handler: an Error record with the panic
//     and its stack, and a 500 response when nothing was written yet
//     (when the response had started, it is aborted, as net/http does). A
//     panic with http.ErrAbortHandler is raised again, as net/http
//     expects, after the access record.
//
// The route comes from Request.Pattern when the handler wrapped is an
// http.ServeMux (Go 1.22 patterns, "GET /users/{id}" written as
// "/users/{id}"); a handler behind another router calls SetRoute.
//
// NewMiddleware returns an error naming the field when an option is
// invalid.
func NewMiddleware(opts *ServerOptions) (func(http.Handler) http.Handler, error) {
	var o ServerOptions
	if opts != nil {
		o = *opts
	}
	s := &server{
		logger: o.Logger, idHeader: o.RequestIDHeader, idKey: o.RequestIDKey, newID: o.NewRequestID,
		ignoreID: o.IgnoreRequestID, ignoreTrace: o.IgnoreIncomingTrace, level: o.Level, skip: o.Skip,
		clientAddress: o.ClientAddress,
	}
	if s.logger == nil {
		s.logger = loggerjs.GetLogger("http", "server")
	}
	if s.idHeader == "" {
		s.idHeader = "X-Request-Id"
	} else if !validHeaderName(s.idHeader) {
		return nil, fmt.Errorf("httpx: ServerOptions.RequestIDHeader: %q is not a header name", s.idHeader)
	}
	s.idHeader = http.CanonicalHeaderKey(s.idHeader)
	if s.idKey == "" {
		s.idKey = "request_id"
	}
	if s.newID == nil {
		s.newID = newRequestID
	}
	if s.level == nil {
		s.level = LevelByStatus
	}
	if s.clientAddress == nil {
		s.clientAddress = remoteHost
	}
	for i, sc := range o.Scopes {
		if sc == nil {
			return nil, fmt.Errorf("httpx: ServerOptions.Scopes[%d]: nil scope", i)
		}
	}
	s.scopes = append([]Scope(nil), o.Scopes...)
	if len(o.SkipPaths) > 0 {
		s.skipPaths = make(map[string]bool, len(o.SkipPaths))
		for _, p := range o.SkipPaths {
			s.skipPaths[p] = true
		}
	}
	var err error
	if s.secrets, err = newSecrets(o.SecretQueryKeys); err != nil {
		return nil, fmt.Errorf("httpx: ServerOptions.SecretQueryKeys: %w", err)
	}
	if s.reqHeaders, err = headers("ServerOptions.RequestHeaders", "http.request.header.", o.RequestHeaders, s.secrets); err != nil {
		return nil, err
	}
	if s.respHeaders, err = headers("ServerOptions.ResponseHeaders", "http.response.header.", o.ResponseHeaders, s.secrets); err != nil {
		return nil, err
	}
	return func(next http.Handler) http.Handler {
		return &handler{s: s, next: next}
	}, nil
}

func headers(field, prefix string, names []string, sec secrets) (headerSet, error) {
	for i, n := range names {
		if !validHeaderName(n) {
			return nil, fmt.Errorf("httpx: %s[%d]: %q is not a header name", field, i, n)
		}
	}
	return newHeaderSet(prefix, names, sec), nil
}

func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// LevelByStatus is the default level of an access record: Error for a
// 5xx status, Warn for a 4xx, Info otherwise.
func LevelByStatus(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

func newRequestID() string {
	var b [8]byte
	u := rand.Uint64()
	for i := range b {
		b[i] = byte(u >> (8 * i))
	}
	return hex.EncodeToString(b[:])
}

// usableID reports whether an incoming request id may be used: 1 to 128
// printable ASCII characters, no spaces.
func usableID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= 0x20 || id[i] >= 0x7f {
			return false
		}
	}
	return true
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// requestState is what the middleware keeps for one request: the
// response writer it hands on, the request id and the route.
type requestState struct {
	w     responseWriter
	id    string
	route string
}

type stateKey struct{}

func stateOf(ctx context.Context) *requestState {
	if ctx == nil {
		return nil
	}
	st, _ := ctx.Value(stateKey{}).(*requestState)
	return st
}

// RequestID returns the id of the request whose context ctx is (or
// derives from), or "" outside the server middleware.
func RequestID(ctx context.Context) string {
	if st := stateOf(ctx); st != nil {
		return st.id
	}
	return ""
}

// SetRoute sets the route written as http.route in the access record of
// the request whose context ctx is: the pattern that matched, such as
// "/users/{id}", for handlers behind a router other than http.ServeMux.
// Call it from the handler's goroutine. Outside the server middleware it
// does nothing.
func SetRoute(ctx context.Context, route string) {
	if st := stateOf(ctx); st != nil {
		st.route = route
	}
}

type handler struct {
	s    *server
	next http.Handler
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := h.s
	start := time.Now()
	st := &requestState{w: responseWriter{w: w}}
	if !s.ignoreID {
		if id := r.Header.Get(s.idHeader); usableID(id) {
			st.id = id
		}
	}
	if st.id == "" {
		st.id = s.newID()
	}
	w.Header().Set(s.idHeader, st.id)

	var in Incoming
	if !s.ignoreTrace {
		in = Extract(r.Header)
	}
	ctx := contextx.WithSpan(r.Context(), in.ServerSpan())
	if in.Baggage.Len() > 0 {
		ctx = contextx.WithBaggage(ctx, in.Baggage)
	}
	ctx = contextx.With(ctx, slog.String(s.idKey, st.id))
	ctx = context.WithValue(ctx, stateKey{}, st)
	for _, sc := range s.scopes {
		var end func()
		ctx, end = sc.Begin(ctx)
		defer end() // after the access record, which is in the scope
	}
	r2 := r.WithContext(ctx)
	defer h.finish(ctx, r2, st, start)
	h.next.ServeHTTP(&st.w, r2)
}

// finish recovers a panic of the handler, answers 500 for it, and writes
// the access record. It runs deferred, so recover sees the panic.
func (h *handler) finish(ctx context.Context, r *http.Request, st *requestState, start time.Time) {
	s := h.s
	v := recover()
	var repanic any
	errorType := ""
	if v != nil {
		if v == http.ErrAbortHandler {
			repanic, errorType = v, "aborted"
		} else {
			s.logPanic(ctx, r, v, panicStack(debug.Stack()))
			errorType = strconv.Itoa(http.StatusInternalServerError)
			if st.w.status == 0 && !st.w.hijacked {
				h := st.w.Header()
				for k := range h {
					if k != s.idHeader {
						delete(h, k)
					}
				}
				http.Error(&st.w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			} else {
				// The response has begun: abort it, so the client does
				// not take a cut one for whole.
				repanic, errorType = http.ErrAbortHandler, "aborted"
			}
		}
	}
	if !h.skipped(r) {
		h.access(ctx, r, st, time.Since(start), errorType)
	}
	if repanic != nil {
		panic(repanic)
	}
}

func (h *handler) skipped(r *http.Request) bool {
	s := h.s
	return s.skipPaths[r.URL.Path] || (s.skip != nil && s.skip(r))
}

// panicStack cuts the frames of the recovery (debug.Stack, finish and
// the runtime's panic) out of a stack taken in finish, so that the stack
// starts at the frame that panicked.
func panicStack(stack []byte) []byte {
	header, rest, ok := bytes.Cut(stack, []byte("\n"))
	if !ok {
		return stack
	}
	i := bytes.Index(rest, []byte("\npanic("))
	if i < 0 {
		return stack
	}
	after := rest[i+1:]
	for range 2 { // the panic( line and its file:line
		_, after, ok = bytes.Cut(after, []byte("\n"))
		if !ok {
			return stack
		}
	}
	return append(append(header, '\n'), after...)
}

// panicError is the error of a recovered panic whose value is not one.
type panicError struct{ v any }

func (e panicError) Error() string { return fmt.Sprintf("panic: %v", e.v) }

func (s *server) logPanic(ctx context.Context, r *http.Request, v any, stack []byte) {
	if !s.logger.Enabled(ctx, slog.LevelError) {
		return
	}
	err, ok := v.(error)
	if !ok {
		err = panicError{v}
	}
	var buf [12]slog.Attr
	attrs := contextx.ErrorEvent{
		Err: err, Type: fmt.Sprintf("%T", v), Panic: fmt.Sprint(v), Stack: string(stack), Unhandled: true,
	}.AppendAttrs(buf[:0])
	attrs = contextx.HTTPEvent{Method: r.Method, Path: r.URL.Path}.AppendAttrs(attrs)
	s.logger.LogAttrs(ctx, slog.LevelError, "panic serving request", attrs...)
}

func (h *handler) access(ctx context.Context, r *http.Request, st *requestState, d time.Duration, errorType string) {
	s := h.s
	status := st.w.status
	if status == 0 && !st.w.hijacked && errorType == "" {
		status = http.StatusOK // net/http answers 200 for a handler that wrote nothing
	}
	level := s.level(status)
	if errorType == "aborted" && level < slog.LevelWarn {
		level = slog.LevelWarn
	}
	if errorType == "" && status >= 500 {
		errorType = strconv.Itoa(status)
	}
	if !s.logger.Enabled(ctx, level) {
		return
	}
	route := st.route
	if route == "" {
		route = routeOf(r.Pattern)
	}
	var buf [24]slog.Attr
	attrs := contextx.HTTPEvent{
		Method:        r.Method,
		Route:         route,
		Path:          r.URL.Path,
		Query:         s.secrets.query(r.URL.RawQuery),
		Scheme:        scheme(r),
		Status:        status,
		RequestSize:   r.ContentLength,
		ResponseSize:  st.w.size,
		ClientAddress: s.clientAddress(r),
		UserAgent:     r.UserAgent(),
		Protocol:      protocol(r.ProtoMajor, r.ProtoMinor),
		Duration:      d,
		ErrorType:     errorType,
	}.AppendAttrs(buf[:0])
	attrs = s.reqHeaders.appendAttrs(attrs, r.Header)
	attrs = s.respHeaders.appendAttrs(attrs, st.w.Header())
	s.logger.LogAttrs(ctx, level, "request served", attrs...)
}

// routeOf returns the path part of a ServeMux pattern: "GET
// example.com/users/{id}" is "/users/{id}".
func routeOf(pattern string) string {
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		pattern = strings.TrimLeft(pattern[i:], " \t")
	}
	if i := strings.IndexByte(pattern, '/'); i > 0 {
		pattern = pattern[i:]
	}
	return pattern
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

func protocol(major, minor int) string {
	switch {
	case major == 1 && minor == 1:
		return "1.1"
	case major == 2:
		return "2"
	case major == 3:
		return "3"
	case major == 1 && minor == 0:
		return "1.0"
	case major == 0:
		return ""
	}
	return strconv.Itoa(major) + "." + strconv.Itoa(minor)
}
