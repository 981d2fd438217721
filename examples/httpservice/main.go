// Httpservice is a small net/http service whose every record carries its
// request's scope: the request id, the W3C trace id, this service's span
// id and the caller's, on the pretty console.
//
//	go run ./examples/httpservice            # serves on localhost:8080 until Ctrl-C
//	go run ./examples/httpservice -demo      # sends itself a few requests, then exits
//
// Stop the server with Ctrl-C (SIGINT) or SIGTERM: it stops taking
// requests, finishes those in flight (for up to five seconds), flushes
// the console and exits. While it runs, try:
//
//	curl -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' localhost:8080/users/1
//	curl localhost:8080/users/7          # 404: a Warn access record
//	curl localhost:8080/orders/1         # an outbound call, traced, to /inventory
//	curl localhost:8080/orders/2         # the inventory answers 503: the call is logged at Error
//	curl localhost:8080/panic            # a 500, the panic with its stack, and the request's Debug detail
//	curl localhost:8080/healthz          # no access record
//
// What it shows:
//   - httpx.NewMiddleware gives each request an id (X-Request-Id, taken or
//     made), a span of this service that is a child of the caller's
//     traceparent, an access record with the OpenTelemetry field names,
//     and panic recovery.
//   - middleware.TraceContext writes trace_id, span_id, parent_span_id
//     and trace_flags at the top level of every record of the request,
//     however deep and in whatever group it is logged.
//   - A fingers-crossed sink, begun per request, holds the Debug records
//     of each request and writes them only for a request that logs an
//     Error (a failed call, a panic, a 5xx).
//   - httpx.NewTransport sends the trace context and baggage on outbound
//     calls and logs the failed and slow ones.
//   - contextx's semantic events (DBEvent) give app records the shared
//     field names.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/contextx"
	"github.com/loggerjs/loggerjs/httpx"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "the address to listen on")
	demo := flag.Bool("demo", false, "send a few requests to the service, then stop (listens on a free loopback port)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := options{addr: *addr, demo: *demo, out: os.Stdout, format: sinks.ConsolePretty}
	if *demo {
		o.addr = "127.0.0.1:0"
	}
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// options configure run.
type options struct {
	addr   string
	demo   bool                       // drive the service, then return
	out    io.Writer                  // the console
	format sinks.ConsoleFormat        // main uses ConsolePretty: colour on a terminal
	pretty *codecs.PrettyOptions      // the pretty codec's options
	ready  func(baseURL string) error // called once the server listens
}

// run serves until ctx is done (or, in demo mode, until the demo's
// requests are answered), then shuts the server and the logger down.
func run(ctx context.Context, o options) error {
	console := sinks.Console(&sinks.ConsoleOptions{Output: o.out, Format: o.format, Pretty: o.pretty})
	// Debug records are held per request and written only for a request
	// that logs an Error; Info and above go straight through.
	detail, err := middleware.FingersCrossed(console, &middleware.FingersCrossedOptions{
		Capacity: 100, BufferLevel: slog.LevelDebug,
	})
	if err != nil {
		return err
	}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"console": detail},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"console"}, Level: slog.LevelDebug}},
		Middleware: []loggerjs.Middleware{middleware.TraceContext(nil)},
	})
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.Close(ctx) // flushes and closes the console
	}()
	root := slog.New(h)
	app := loggerjs.Child(root, "app")

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()

	transport, err := httpx.NewTransport(nil, &httpx.ClientOptions{
		Logger: loggerjs.Child(root, "http", "client"), SlowThreshold: 500 * time.Millisecond,
	})
	if err != nil {
		return err
	}
	svc := &service{log: app, client: &http.Client{Transport: transport, Timeout: 5 * time.Second}, base: base}
	mw, err := httpx.NewMiddleware(&httpx.ServerOptions{
		Logger:         loggerjs.Child(root, "http", "server"),
		SkipPaths:      []string{"/healthz"},
		RequestHeaders: []string{"Accept", "Authorization"}, // Authorization is written REDACTED
		Scopes:         []httpx.Scope{detail},
	})
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mw(svc.routes()), ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	app.Info("listening", "url", base, "stop", "Ctrl-C")

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if o.ready != nil {
		if err := o.ready(base); err != nil {
			cancel()
			defer app.Error("ready failed", "error", err)
		}
	}
	if o.demo {
		runDemo(runCtx, app, base)
		cancel()
	}
	select {
	case <-runCtx.Done():
	case err := <-served:
		return err
	}
	app.Info("shutting down")
	shutdown, cancelShutdown := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelShutdown()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// service is the application: its handlers log with the request's
// context and know nothing of request ids or traces.
type service struct {
	log    *slog.Logger
	client *http.Client
	base   string
}

func (s *service) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("GET /users/{id}", s.user)
	mux.HandleFunc("GET /orders/{id}", s.order)
	mux.HandleFunc("GET /inventory/{sku}", s.inventory)
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) {
		s.log.DebugContext(r.Context(), "about to fail")
		var handlers map[string]http.Handler
		handlers["missing"].ServeHTTP(w, r) // a nil map read, then a nil interface call: a panic
	})
	return mux
}

var users = map[string]string{"1": "ada", "2": "grace"}

func (s *service) user(w http.ResponseWriter, r *http.Request) {
	name, ok := s.findUser(r.Context(), r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	writeJSON(w, map[string]string{"id": r.PathValue("id"), "name": name})
}

// findUser stands for a repository deep in the call tree: its records
// are in a group of their own, and still carry the request's ids at the
// top level.
func (s *service) findUser(ctx context.Context, id string) (string, bool) {
	repo := s.log.WithGroup("repo")
	start := time.Now()
	name, ok := users[id]
	repo.LogAttrs(ctx, slog.LevelDebug, "query", contextx.DBEvent{
		System: "memory", Operation: "SELECT", Collection: "users",
		Query: "SELECT name FROM users WHERE id = ?", Duration: time.Since(start),
	}.Attrs()...)
	return name, ok
}

func (s *service) order(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sku := "in-stock"
	if r.PathValue("id") == "2" {
		sku = "unknown"
	}
	s.log.DebugContext(ctx, "checking stock", "sku", sku)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/inventory/"+sku, nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	resp, err := s.client.Do(req) // sends this request's trace context
	if err != nil {
		s.log.ErrorContext(ctx, "inventory unreachable", "error", err)
		http.Error(w, "inventory unreachable", http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.log.ErrorContext(ctx, "inventory failed", "status", resp.StatusCode)
		http.Error(w, "inventory failed", http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.Copy(w, resp.Body)
}

func (s *service) inventory(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("sku") != "in-stock" {
		http.Error(w, "inventory offline", http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, map[string]any{"sku": r.PathValue("sku"), "count": 3})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// demoRequests are what -demo sends.
var demoRequests = []struct{ path, traceparent string }{
	{"/users/1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
	{"/users/7", ""},
	{"/orders/1", ""},
	{"/orders/2", ""},
	{"/panic", ""},
	{"/healthz", ""},
}

// runDemo sends demoRequests, one after the other, as curl would.
func runDemo(ctx context.Context, log *slog.Logger, base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	for _, d := range demoRequests {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+d.path, nil)
		if err != nil {
			log.Error("demo request", "error", err)
			return
		}
		if d.traceparent != "" {
			req.Header.Set("Traceparent", d.traceparent)
		}
		resp, err := client.Do(req)
		if err != nil {
			log.Error("demo request", "path", d.path, "error", err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
