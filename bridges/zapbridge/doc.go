// Package zapbridge feeds zap into loggerjs: a zapcore.Core that turns
// each zap entry and its fields into a loggerjs record, directly, with no
// JSON round trip, so that zap call sites reach the same categories,
// middleware, redaction, sinks and counters as slog calls. Moving a zap
// program over is three lines:
//
//	logger := zapbridge.New(loggerjs.GetLogger("app"))
//	defer logger.Sync()
//	zap.ReplaceGlobals(logger)
//
// What maps to what:
//
//   - Every zapcore field type: objects (ObjectMarshaler, zap.Dict) become
//     groups, in order; arrays (ArrayMarshaler, zap.Strings, zap.Objects)
//     lists; zap.Namespace opens a group that holds the fields after it;
//     zap.Inline adds its fields at the current level; Stringer is
//     resolved when a sink needs it; Reflect is kept as it is; Skip adds
//     nothing; Binary is bytes (base64 in JSON) and ByteString a string;
//     complex numbers, NaN and infinities are the strings zap writes
//     ("1+2i", "NaN", "+Inf"); a float32 keeps its short form (1.1); an
//     error fills the record's error slot, with "<key>Verbose" for errors
//     whose %+v says more (github.com/pkg/errors) and "<key>Causes" for
//     multi-errors, as zap writes them; a marshaler that fails adds
//     "<key>Error".
//   - Logger.Named names extend the handler's category ("db" under "app"
//     is app.db, written as "logger":"app.db"); a dot in a name separates
//     segments.
//   - Logger.With binds fields as the handler's scope: codecs encode them
//     once per logger, not per record.
//   - zap levels: Debug, Info, Warn and Error are slog's; DPanic is
//     ERROR+1, Panic ERROR+2, Fatal loggerjs.LevelFatal (see Level).
//     DPanic (in development), Panic and Fatal keep zap's own panic and
//     exit, which run after the record is written and every sink flushed.
//   - zap's caller (zap.AddCaller, on in New) is the record's PC, written
//     by codecs as source; zap's stack trace (zap.AddStacktrace) is the
//     root attr loggerjs.StackKey.
//   - Enabled and Check follow the loggerjs level of each entry's
//     category, so disabled calls cost one atomic load and compare per
//     category that could enable them.
//   - Sync flushes every sink of the handler tree.
//   - Every record carries Source ("integration:zap"), so a sink can leave
//     bridged records out with loggerjs.ExcludeSources.
//
// A sink that logs through zap while the bridge is installed would feed
// its own records back into itself. The bridge spots the loop on the
// goroutine's stack, drops the inner record and counts it (Core.Drops and
// the tree's MetaStats.BridgeDrops), so the loop stops at once. The
// delivering goroutine is marked for the length of each delivery (see
// loggerjs.ReentryGuard), and the stack is only looked at on a goroutine
// already marked, so goroutines logging side by side never walk it. A
// loop through another goroutine (a sink that hands records to a
// goroutine that logs them with zap) is not seen: exclude the bridge's
// Source from such a sink.
//
// # Cost
//
// Through the bridge, a zap call costs no more than the same call through
// slog into a zap core with zapslog. For ten fields (S3's payload in
// loggerjs's bench module, BenchmarkBridges) into the JSON codec over
// io.Discard, counted with callgrind: 16,542 instructions per record
// with loggerjs's default redaction and 14,086 without it
// (loggerjs.NoRedaction), against 19,877 for zapslog over zap's JSON
// core (0.83× and 0.71×) and 12,340 for zap alone. The bridge's own
// share is converting the fields (about 2,000 instructions for the ten;
// only an ObjectMarshaler's group allocates), slog.Record.AddAttrs
// (about 1,300, with one allocation for the attrs past the record's
// inline five), the level check in Check (about 300, zap's pooled
// CheckedEntry included) and the loop guard (about 30). A record
// allocates 1,016 bytes in four allocations; zap's own two (the
// variadic fields and the boxed object) are 728 of them. In time the
// bridge took 0.91–0.98× of zapslog's on one goroutine and 0.94–1.04×
// from two cores at once (loggerjs's PERFORMANCE.md, Bridges).
//
// A zap call the loggerjs level turns off allocates nothing beyond zap's
// own variadic fields and costs 158 instructions without fields, against
// 99 for zap's own disabled call.
//
// # Differences from zap's own JSON encoder
//
// Through the loggerjs JSON codec, every field keeps its key, its
// position and its value; these differ in form, not content:
//
//   - Durations are integer nanoseconds, as slog writes them (zap's
//     production encoder writes float seconds; its EncodeDuration option
//     chooses). The value stays a time.Duration, which other codecs write
//     in their own form ("1.5s" in logfmt and pretty).
//   - Times, the record's and the fields', are RFC 3339 with nanoseconds
//     (zap's production encoder writes float epoch seconds).
//   - Levels are named as loggerjs names them: "INFO", and "ERROR+1",
//     "ERROR+2", "FATAL" for zap's "dpanic", "panic" and "fatal".
//   - The caller is a "source" object when the codec's AddSource is set,
//     not zap's "caller":"pkg/file.go:42"; the stack trace is "stack",
//     not "stacktrace".
//   - An empty namespace or object is left out, as slog leaves out empty
//     groups; zap writes {}.
//   - Objects inside arrays are maps, so the JSON codec writes their keys
//     sorted; zap keeps the order the marshaler added them in.
//   - A String or Error method that panics (other than on a nil pointer,
//     which reads "<nil>" in both) is written as the codec's
//     "!PANIC: ..." marker in the value's place, not as zap's extra
//     "<key>Error" field.
//   - Values under secret keys (password, token, …) are redacted, as
//     they are for every loggerjs record.
//   - Enabled consults the categories below the core's that the loggerjs
//     configuration named when NewCore ran or when the core last met a
//     new logger name, and the names the core has logged under; a
//     category configured after that, more verbose than all of those, is
//     seen once anything is logged under a new name at a level already
//     enabled.
package zapbridge
