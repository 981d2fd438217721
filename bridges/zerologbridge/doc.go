// Package zerologbridge feeds zerolog into loggerjs. zerolog writes
// bytes, so the bridge sits at its writer boundary: a zerolog.LevelWriter
// that decodes each event's JSON into a loggerjs record, so that zerolog
// call sites reach the same categories, middleware, redaction, sinks and
// counters as slog calls. Moving a zerolog program over is three lines:
//
//	w := zerologbridge.NewWriter(loggerjs.GetLogger("app"), &zerologbridge.Options{DurationKeys: []string{"took"}})
//	log.Logger = zerolog.New(w) // github.com/rs/zerolog/log's global
//	zerolog.DefaultContextLogger = &log.Logger
//
// What maps to what:
//
//   - Integers stay integers (int64, or uint64 past its range), floats
//     floats, strings strings, booleans booleans; objects (Dict, Object,
//     RawJSON) become groups, in order; arrays lists, whose objects are
//     maps. NaN and the infinities stay the strings zerolog writes.
//   - Times and durations come back as zerolog is configured to write
//     them (TimeFieldFormat, DurationFieldFormat, DurationFieldUnit,
//     DurationFieldInteger): a string in the TimeFieldFormat layout is a
//     time.Time; numbers under Options.TimeKeys are times when the format
//     is a Unix one; numbers under Options.DurationKeys are
//     time.Duration in DurationFieldUnit, as are strings written with
//     DurationFormatString.
//   - The level is the event's (Level maps zerolog's onto slog's); the
//     message, timestamp and caller fields are the record's own; the
//     error field fills the record's error slot; the stack field (Stack,
//     with an ErrorStackMarshaler) is the root attr loggerjs.StackKey,
//     as text when it is pkgerrors' frame list.
//   - The category is read from the field Options.CategoryKey names
//     ("logger" by default), a dot separating segments, below the
//     handler's own category.
//   - zerolog's caller field ("file:line") is matched against the
//     logging goroutine's stack, so the record carries the caller's PC
//     and codecs write it as source; a caller not found there stays an
//     attr.
//   - After a Fatal or Panic event the sinks are flushed before zerolog
//     exits or panics.
//   - An event that is not valid JSON (a RawJSON field gone wrong) is
//     written with the event's text as its message and BadJSONKey as a
//     marker, and counted in Writer.Invalid; never dropped.
//   - Every record carries Source ("integration:zerolog"), so a sink can
//     leave bridged records out with loggerjs.ExcludeSources.
//
// A sink that logs through zerolog while the writer is installed would
// feed its own records back into itself. The writer spots the loop on the
// goroutine's stack, drops the inner event and counts it (Writer.Drops
// and the tree's MetaStats.BridgeDrops). The delivering goroutine is
// marked for the length of each delivery (see loggerjs.ReentryGuard),
// and the stack is only looked at on a goroutine already marked.
//
// zerolog decides whether to build an event before the writer sees it.
// New sets the zerolog logger's level to the lowest level loggerjs could
// let through for its category or any configured below it, so zerolog
// skips what no sink would take; the level of each event's own category
// is checked after decoding.
//
// # Differences from zerolog's own JSON
//
// Through the loggerjs JSON codec every field keeps its key, its position
// and its value, except:
//
//   - Durations under DurationKeys are integer nanoseconds, as slog
//     writes them (zerolog writes float milliseconds by default); other
//     codecs write them in their own form ("1.5s"). A duration not named
//     in DurationKeys (with a numeric DurationFieldFormat) stays the
//     number zerolog wrote: zerolog's JSON does not say it was one.
//   - Times are RFC 3339 with nanoseconds; zerolog's text in its default
//     layout (RFC 3339, seconds) reads the same. The record's time is
//     zerolog's timestamp field when the logger writes one (Timestamp()),
//     to the precision of TimeFieldFormat, and else the time of the write,
//     to the nanosecond.
//   - A float that zerolog wrote without a fraction (2.0 as 2) is an
//     integer: the text does not say otherwise.
//   - Levels are named as loggerjs names them ("INFO", and "ERROR+2" for
//     zerolog's panic); the message is "msg", not "message".
//   - An empty object is left out, as slog leaves out empty groups.
//   - Objects inside arrays are maps, written with their keys sorted.
//   - A context given to an event (Event.Ctx) stays with zerolog: the
//     writer sees bytes only, so attrs carried in that context
//     (loggerjs.WithContextAttrs) are not added. Bind them as fields.
//   - Fields bound with zerolog's With() are part of each event's bytes,
//     so they are attrs of each record, not a bound scope.
//   - Values under secret keys (password, token, …) are redacted, as they
//     are for every loggerjs record.
package zerologbridge
