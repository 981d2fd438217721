// Package logrusbridge feeds logrus into loggerjs: a logrus.Hook that
// hands every entry to a loggerjs handler as a record, plus a Formatter
// that writes nothing, so that logrus call sites reach the same
// categories, middleware, redaction, sinks and counters as slog calls,
// and are not printed a second time by logrus. Moving a logrus program
// over is three lines:
//
//	logrusbridge.Install(logrus.StandardLogger(), loggerjs.GetLogger("app"), nil)
//	defer loggerjs.Shutdown(context.Background())
//	logrus.WithField("logger", "db").Info("ready") // category app.db
//
// What maps to what:
//
//   - Entry.Data becomes attrs, sorted by key as logrus's formatters
//     write them, and a field named time, level, msg or source is
//     written as "fields.time" and so on, as logrus renames a clash; values keep their Go types (an int is an int, a
//     time.Duration a duration, a struct is rendered by each codec, JSON
//     through encoding/json as logrus does); an error fills the record's
//     error slot.
//   - The field Options.CategoryKey names ("logger" by default) extends
//     the handler's category instead of being an attr.
//   - Entry.Context is the record's context, so attrs carried with
//     loggerjs.WithContextAttrs, category prefixes and context providers
//     apply; Entry.Caller (SetReportCaller) is the record's PC, written by
//     codecs as source; Entry.Time is the record's time.
//   - logrus levels map onto slog's (see Level); Fatal and Panic flush
//     every sink before logrus exits or panics.
//   - Every record carries Source ("integration:logrus"), so a sink can
//     leave bridged records out with loggerjs.ExcludeSources.
//
// logrus fires hooks on the logging goroutine, outside its lock. A sink
// that logs through logrus while the hook is installed would feed its own
// records back into itself: the hook spots the loop on the goroutine's
// stack, drops the inner entry and counts it (Hook.Drops and the tree's
// MetaStats.BridgeDrops). The delivering goroutine is marked for the
// length of each delivery (see loggerjs.ReentryGuard), and the stack is
// only looked at on a goroutine already marked. (logrus's own slog hook
// in 1.10 needed a fix for this recursion, sirupsen/logrus issue 1567.)
//
// # Differences from logrus's own JSONFormatter
//
// Through the loggerjs JSON codec every field keeps its key, its
// position and its value, except:
//
//   - Levels are named as loggerjs names them ("INFO", and "ERROR+2" for
//     logrus's panic).
//   - The caller is a "source" object when the codec's AddSource is set,
//     not logrus's "func" and "file" fields.
//   - A field logrus cannot take (a func value, which its formatter
//     reports as "logrus_error") never reaches the hook: logrus keeps
//     that error to itself.
//   - A float that is NaN or infinite is written as the codec's error
//     marker and counted; logrus's JSONFormatter fails the whole entry.
//   - Values under secret keys (password, token, …) are redacted, as they
//     are for every loggerjs record.
package logrusbridge
