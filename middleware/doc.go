// Package middleware holds the built-in loggerjs middleware: redaction,
// sampling, rate limiting, deduplication, fingers-crossed buffering,
// enrichment, tags, trace ids, and adapters to and from the slog
// middleware of the ecosystem.
//
// Every middleware here is synchronous, does no I/O and no encoding, is
// safe for concurrent use, never panics into the caller, and counts the
// records it drops. Those that depend on time take a clock in their
// options, so tests can drive them.
//
//	logger, err := loggerjs.New(loggerjs.Config{
//		Sinks:      map[string]loggerjs.Sink{"out": sinks.Stdout(codecs.JSON(nil))},
//		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
//		Middleware: []loggerjs.Middleware{middleware.Trace(nil), middleware.Enrich(slog.String("service", "api"))},
//	})
//
// What is here:
//   - Redact builds a loggerjs.Redactor (more keys, dotted paths, value
//     patterns, an HMAC pseudonymiser) for Config.Redactor. Redaction of
//     the default keys is on in every configuration without it.
//   - Sample, RateLimit and Dedupe drop records by chance or key, by rate,
//     and by repetition.
//   - FingersCrossed holds low-level records back until an error comes,
//     per request or per category. It wraps a sink, since releasing
//     records needs a destination.
//   - Enrich, EnrichFunc, Tags, Type and Trace add attrs; Trace reads the
//     W3C traceparent that package contextx carries.
//   - FromSlog runs a func(slog.Handler) slog.Handler of the ecosystem
//     (slog-multi, slog-formatter) as loggerjs middleware; Wrap and ToSlog
//     run loggerjs middleware in front of any slog.Handler. The module in
//     interop/ tests both against slog-multi.
package middleware
