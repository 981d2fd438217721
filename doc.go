// Package loggerjs gives log/slog the semantics of LoggerJS and LogTape:
// hierarchical categories with prefix routing, lazy messages, synchronous
// middleware, redaction on by default, sinks that own their codecs, and a
// meta logger whose counters account for every record lost.
//
// The front end stays the standard *slog.Logger. An application builds a
// handler tree from a Config, or configures the process-wide registry:
//
//	err := loggerjs.Configure(loggerjs.Config{
//		Sinks: map[string]loggerjs.Sink{"stdout": sinks.Stdout(codecs.JSON(nil))},
//		Loggers: []loggerjs.LoggerConfig{
//			{Sinks: []string{"stdout"}, Level: slog.LevelInfo},
//		},
//	})
//	slog.SetDefault(loggerjs.GetLogger())
//
// and libraries log through loggerjs.GetLogger("mylib", "parser") without
// knowing where their records go. A category extends with plain slog API:
// logger.With(loggerjs.Category("db")).
//
// A record of category C goes to the sinks of every configured logger
// whose category is a prefix of C, gated by every level set on the path
// between (see LoggerConfig). Logging never panics into the caller and
// never returns an error: failures are recovered, counted in Stats, and
// reported on the meta logger (category loggerjs.meta, or stderr when no
// sink takes it).
//
// Package codecs holds the codecs, package sinks the sinks, package
// middleware the built-in middleware.
//
// The root package imports the standard library and one package of this
// module, internal/redact, which imports the standard library only. That
// is a departure from the design's "standard library only" for the root:
// redaction is on in every default configuration, so the root needs the
// redaction engine, and middleware.Redact builds on the same engine with
// options. Keeping the engine in an internal package lets both use it
// without the root exporting its internals, and keeps third-party code
// out of the root's import graph, which is what the rule protects.
package loggerjs
