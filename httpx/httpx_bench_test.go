package httpx_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/contextx"
	"github.com/loggerjs/loggerjs/httpx"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

// discardWriter is the cheapest http.ResponseWriter, so the benchmarks
// measure the middleware, not a recorder.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

func discardLogger(b *testing.B) *slog.Logger {
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": sinks.Writer(io.Discard, codecs.JSON(nil))},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
		Middleware: []loggerjs.Middleware{middleware.TraceContext(nil)},
	})
	if err != nil {
		b.Fatal(err)
	}
	return logger
}

func benchRequest() *http.Request {
	r := httptest.NewRequest("GET", "/users/42?page=2", nil)
	r.Header.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	r.Header.Set("User-Agent", "bench/1.0")
	return r
}

func benchMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	return mux
}

func serveBench(b *testing.B, h http.Handler) {
	r := benchRequest()
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// BenchmarkServerBare serves a request with the ServeMux alone;
// BenchmarkServerMiddleware through the middleware, which parses the
// traceparent, starts a span, carries the ids and writes the access
// record as JSON to io.Discard. The difference is the middleware's cost
// per request.
func BenchmarkServerBare(b *testing.B) { serveBench(b, benchMux()) }

func BenchmarkServerMiddleware(b *testing.B) {
	mw, err := httpx.NewMiddleware(&httpx.ServerOptions{Logger: discardLogger(b)})
	if err != nil {
		b.Fatal(err)
	}
	serveBench(b, mw(benchMux()))
}

// BenchmarkServerMiddlewareNoAccessLog is the middleware with its access
// record off (a skipped path): the cost of the request scope alone.
func BenchmarkServerMiddlewareNoAccessLog(b *testing.B) {
	mw, err := httpx.NewMiddleware(&httpx.ServerOptions{Logger: discardLogger(b), SkipPaths: []string{"/users/42"}})
	if err != nil {
		b.Fatal(err)
	}
	serveBench(b, mw(benchMux()))
}

// cannedTransport answers every request at once, in memory.
type cannedTransport struct{}

func (cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, ContentLength: 0, Request: r}, nil
}

func roundTripBench(b *testing.B, rt http.RoundTripper, withScope bool) {
	r := httptest.NewRequest("GET", "http://inventory.internal/items/7", nil)
	if withScope {
		bg, _ := contextx.ParseBaggage("tenant=acme")
		ctx := contextx.WithBaggage(contextx.WithSpan(r.Context(), contextx.NewSpan(true).Child()), bg)
		r = r.WithContext(ctx)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rt.RoundTrip(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoundTripBare calls an in-memory transport directly;
// BenchmarkRoundTripTransport through Transport, which makes a child
// span, copies the request with traceparent and baggage set, and times
// the call (a successful, fast call writes no record).
func BenchmarkRoundTripBare(b *testing.B) { roundTripBench(b, cannedTransport{}, true) }

func BenchmarkRoundTripTransport(b *testing.B) {
	t, err := httpx.NewTransport(cannedTransport{}, &httpx.ClientOptions{Logger: discardLogger(b)})
	if err != nil {
		b.Fatal(err)
	}
	roundTripBench(b, t, true)
}

// BenchmarkRoundTripTransportNoScope: a call made outside a request
// scope is passed on untouched.
func BenchmarkRoundTripTransportNoScope(b *testing.B) {
	t, err := httpx.NewTransport(cannedTransport{}, &httpx.ClientOptions{Logger: discardLogger(b)})
	if err != nil {
		b.Fatal(err)
	}
	roundTripBench(b, t, false)
}
