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
// logger.With(loggerjs.Category("db")). A dot in a name separates
// segments wherever a category is named, so GetLogger("mylib.parser") is
// the same logger as GetLogger("mylib", "parser").
//
// A record of category C goes to the sinks of every configured logger
// whose category is a prefix of C, gated by every level set on the path
// between (see LoggerConfig). Package codecs holds the codecs, package
// sinks the sinks, package middleware the built-in middleware, package
// contextx the attrs carried in a context.Context.
//
// # Guarantees
//
// Logging never takes the caller down. A logging call never panics and
// never returns an error: a panicking sink, middleware, LogValuer or
// MarshalJSON is recovered, counted in Stats and reported on the meta
// logger (category loggerjs.meta, or stderr, rate-limited, where the
// configuration routes that category nowhere). Values that nest too
// deeply, refer to themselves or are too large to walk are written as an
// inline "!ERROR:" marker by the codecs and replaced by a marker by the
// redactor; the line written stays valid.
//
// No secret from the default list reaches a sink. Unless Config.Redactor
// says otherwise, the values of the keys listed at Config.Redactor are
// hidden wherever they occur: attrs, bound attrs, context attrs, groups,
// maps, structs, URLs, error text and messages. Redaction is the last
// step before a sink: it runs after all middleware, per-sink middleware
// included, and codecs pass the text of user methods (MarshalJSON,
// String, Error) through it too (Record.RedactText). It fails closed:
// past any of its limits the value is replaced by a marker, and a
// Redactor that panics drops the record, counted as RedactorPanics.
//
// Every record is accounted for. For the records a handler tree routes to
// its sinks, the records delivered, plus MetaStats.Lost, plus
// MetaStats.FilteredTotal (records that middleware dropped on purpose),
// add up to the records logged. The counters are cumulative over the
// tree's life: sinks retired by a later Configure or by Shutdown keep
// their counts (MetaStats.RetiredSinks). Records logged by the
// process-wide registry before its first Configure are kept (see
// DefaultEarlyBuffer) and replayed into it; records logged after Shutdown
// are counted (AfterShutdown) and written to stderr. Flush and Shutdown
// return an error when records were lost while they ran.
//
// A bad configuration is an error naming the field; Configure changes
// nothing then.
//
// # Coming from LogTape
//
// Categories, prefix routing, ParentSinks (LogTape's parentSinks:
// "override"), lowest levels, sinks and filters work as in LogTape:
// sinks are called root-most logger first and, within a logger, in the
// order its Sinks lists them; the meta category (MetaCategory,
// LogTape's ["logtape", "meta"]) is configured like any other, and
// Sinks: []string{} with Override silences it; WithCategoryPrefix is
// withCategoryPrefix. Where loggerjs departs from LogTape, it is on
// purpose, and a test pins each departure:
//
//   - A sink reached through several configured ancestors gets a record
//     once, not once per path, so adding a sink at the root does not
//     double what a category logger also sends there
//     (TestRouting, "a sink reached through two ancestors").
//   - The middleware of every LoggerConfig from the root down to the
//     record's category runs, root first, after Config.Middleware; LogTape
//     applies only the nearest config's filters, which its own manual
//     contradicts (TestLoggerMiddlewareIsAdditive).
//   - Configure validates the whole configuration before it swaps it in:
//     a bad configuration is an error and the running one stays
//     (TestConfigErrors, TestConfigureSwap).
//   - A dot in a category name separates segments, since the dotted form
//     is how categories are written in output and in LOGGERJS_LEVEL
//     (TestDottedCategories).
//   - Records logged by the registry before the first Configure are kept
//     and replayed into it rather than dropped (TestDefaultEarlyBuffer,
//     TestInitRecordReachesConfigure).
//   - When no LoggerConfig names the meta category, meta records go where
//     the configuration routes that category (a root logger's sinks), and
//     only those no sink takes fall back to stderr; LogTape adds a console
//     sink for them instead (TestMetaConfiguredLikeAnyCategory). Meta
//     records are rate-limited: a burst of 10, then one a second
//     (TestMetaFallbackRateLimit).
//
// The package imports the standard library only (the redaction engine
// lives in an internal package of this module); it does not link
// net/http, so a library that only calls GetLogger stays close to the
// cost of log/slog itself.
package loggerjs
