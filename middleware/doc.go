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
//   - Redact builds a Redactor (more keys, dotted paths, value patterns,
//     an HMAC pseudonymiser) for Config.Redactor. Redaction of the default
//     keys is on in every configuration without it; see Redaction below.
//   - Sample, RateLimit and Dedupe drop records by chance or key, by rate,
//     and by repetition.
//   - MinLevel drops records below a level, per sink (loggerjs.WithMiddleware)
//     or per category (LoggerConfig.Middleware).
//   - RateLimit (token bucket), RateLimitFixedWindow and RateLimitSlidingWindow
//     (LogTape's throttling filter) limit records per key (KeyBy, Key), log
//     summaries with the reason window, eviction, flush or close, and are
//     closed on a Configure swap and at Shutdown.
//   - FirstThenEvery (zap's sampler), EveryNth (zerolog's BasicSampler) and
//     Burst (zerolog's BurstSampler) keep records by exact counts per key.
//   - FingersCrossed takes BufferLevel, AfterTrigger (PassThrough or HoldAgain),
//     category isolation (IsolateCategory, IsolateDescendants, IsolateAncestors,
//     IsolateAncestorsAndDescendants, Match) and ContextKeys with MaxBuffers
//     and TTL.
//   - FingersCrossed holds low-level records back until an error comes,
//     per request or per category. It wraps a sink, since releasing
//     records needs a destination.
//   - Enrich, EnrichFunc, Tags, Type and Trace add attrs; Trace reads the
//     W3C traceparent that package contextx carries.
//   - FromSlog runs a func(slog.Handler) slog.Handler of the ecosystem
//     (slog-multi, slog-formatter) as loggerjs middleware; Wrap and ToSlog
//     run loggerjs middleware in front of any slog.Handler. The module in
//     interop/ tests both against slog-multi.
//
// # Redaction
//
// The default Redactor, and every Redactor that Redact builds, hides the
// values of the keys authorization, proxy-authorization, cookie,
// set-cookie, password, passwd, token, secret, apiKey, api_key, *_key,
// *_token, *_secret and *_password (and of RedactOptions.Keys). Keys match
// case-insensitively with '-' and '_' the same; *_key also matches the
// camel form (sessionKey); a dotted key matches by its last name, so
// db.password and the OpenTelemetry names http.request.header.authorization
// and http.request.header.cookie are hidden.
//
// They are hidden wherever they occur: record, bound and context attrs,
// groups, LogValuer results, maps (map[any]any whose keys are strings
// too), structs (by Go and JSON name; an unexported string field too),
// slices, pointers, json.RawMessage and []byte at any depth, slog.Values
// inside values, URL userinfo and query parameters, http.Header, and each
// link of an error chain: its text and its exported fields.
//
// In text (the message, string values, error text, and what codecs get
// from a value's MarshalJSON, MarshalText, String, Error or Format) the
// scanner hides the value of a sensitive key written as key=value, key =
// value, key: value (headers, YAML), "key": value (JSON: a value other
// than a string is replaced by the mask as a JSON string, so JSON stays
// valid; JSON inside a JSON string too), key:[…] or key:{…} (fmt's
// rendering of http.Header, maps and structs); a scheme with its
// credentials (Authorization: Bearer, any blanks between); every pair of
// a Cookie or Set-Cookie value, to the end of the line; URL userinfo; and
// the password of a DSN written user:password@tcp(host). Patterns add
// bearer tokens, JWTs and card numbers anywhere in text.
//
// Redaction fails closed. The walk of one attr reads at most 32 levels
// of nesting, 10,000 values and 32 links of an error chain; what lies
// past a limit is replaced by "[REDACTED: too deep]", "[REDACTED: too
// large]" or "[REDACTED: error chain too long]", never passed on unread,
// and cycles and self-containing values cost bounded work. A Redactor
// whose walk panics hides the whole attr. A Redactor that panics drops
// the record, counted: in a handler tree as loggerjs.Stats's
// RedactorPanics, and in Wrap and ToSlog as the WrapHandler's
// RedactorPanics (for a middleware that reports FailsClosed).
package middleware
