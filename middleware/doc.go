// Package middleware holds the built-in loggerjs middleware: redaction,
// sampling, rate limiting, deduplication, fingers-crossed buffering,
// enrichment, tags, trace ids, and adapters to and from the slog
// middleware of the ecosystem.
//
// Every middleware here is synchronous, does no I/O and no encoding, is
// safe for concurrent use, and counts the records it drops. Those that
// depend on time take a clock in their options, so tests can drive them.
//
//	logger, err := loggerjs.New(loggerjs.Config{
//		Sinks:      map[string]loggerjs.Sink{"out": sinks.Stdout(codecs.JSON(nil))},
//		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
//		Middleware: []loggerjs.Middleware{middleware.Trace(nil), middleware.Enrich(slog.String("service", "api"))},
//	})
//
// Redaction is on by default in every configuration; Redact builds a
// Redactor with more keys, paths, value patterns or a pseudonymiser for
// Config.Redactor. Package contextx carries what Trace reads.
package middleware
