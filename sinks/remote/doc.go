// Package remote holds the sinks that ship records over HTTP: HTTP for
// any endpoint that takes batches of encoded records, OTLP for an
// OpenTelemetry collector (OTLP/HTTP, without the SDK) and Loki for
// Grafana Loki's push API. Each is a sinks.BatchSink with an HTTP
// shipper, so it queues, batches, retries and breaks circuits as
// sinks.Batch describes, and accounts for every record it accepts:
//
//	otel, err := remote.OTLP("http://localhost:4318", nil) // ships to /v1/logs
//	if err != nil { ... }
//	cfg := loggerjs.Config{
//		Sinks:   map[string]loggerjs.Sink{"otel": otel},
//		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"otel"}, Level: slog.LevelInfo}},
//	}
//
// It is a package of its own so that a program that logs only to files,
// the console or async queues (package sinks) links no net/http.
//
// Constructors check what they are given: HTTP, OTLP and Loki return an
// error for an endpoint that is not an http or https URL with a host,
// rather than a sink that drops every record at send time.
//
// # HTTP status codes
//
// HTTP delivers a batch on 2xx; retries on 408, 429, 502, 503, 504 and on
// network errors (refused, reset, timed out), waiting at least what
// Retry-After asks; and drops the batch on any other status, counting it as
// dropped_rejected. A redirect is not a delivery: Go's client would follow
// a 301, 302 or 303 with a GET without the body and report the final 2xx.
// HTTP follows only a 307 or 308 to the same scheme, host and port (with
// the body sent again); any other redirect drops the batch as
// dropped_rejected and reports its Location on the meta logger. A 500 is
// dropped by default, as the OTLP/HTTP specification has it: a 500 is as likely to be a batch that trips a bug
// in the collector as a passing fault, and retrying it spends the retry
// budget and holds up the batches behind it. HTTPOptions.Retry500 retries
// it; the Loki preset sets it, as Loki answers passing ingester failures
// with 500 and its own clients retry them.
//
// The OpenTelemetry SDK path is in module
// github.com/loggerjs/loggerjs/bridges/otelbridge; Sentry in
// github.com/loggerjs/loggerjs/bridges/sentrybridge.
package remote
