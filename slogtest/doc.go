// Package slogtest is a conformance suite for slog.Handler implementations:
// the cases of testing/slogtest, plus the ones it leaves out and that
// handlers keep getting wrong (sibling handlers sharing a backing array,
// WithAttrs keeping the caller's slice, retained records not cloned,
// wrappers that embed slog.Handler and lose WithAttrs, LogValuers resolved
// twice, empty groups written, records lost under concurrency).
//
// Run it from a test of your own handler:
//
//	func TestHandler(t *testing.T) {
//		slogtest.RunWriter(t, func(t *testing.T, w io.Writer) slog.Handler {
//			return myhandler.New(w)
//		}, slogtest.ParseJSON, nil)
//	}
//
// RunWriter suits a handler that writes to an io.Writer in a format one of
// the parsers reads (ParseJSON, ParseLogfmt, ParseOTLPJSON) or one of your
// own; Run suits anything else, such as a handler that keeps records in
// memory or ships them asynchronously. Each case is a named subtest
// (go test -run 'TestHandler/SiblingsIsolated'), and a failure says what the
// handler did wrong. These are the cases, beside testing/slogtest's own
// (run under "Stdlib"):
//
//   - SiblingsIsolated: handlers derived from one parent with With and
//     WithGroup, sequentially and concurrently (run it under -race), each
//     write their own attrs and groups and none of a sibling's.
//   - WithAttrsSliceNotRetained: the caller may change the slice it passed
//     to WithAttrs afterwards without changing the output, and WithAttrs
//     does not change it either.
//   - RetainedRecordCloned: a handler that keeps a record past Handle
//     (an asynchronous one) keeps a Clone, so the caller adding attrs to
//     its slog.Record after Handle returns does not change what is written.
//   - EnabledFalseWritesNothing and EnabledTrueWritesRecord: Enabled agrees
//     with what is written, through derived handlers too. Handle is called
//     only through a *slog.Logger, which consults Enabled first, as slog's
//     contract says.
//   - EmptyGroupNameAndNilAttrs: WithGroup("") and WithAttrs(nil) change
//     nothing.
//   - EmptyGroupsOmitted: a group with no attrs is left out at every depth,
//     also when WithAttrs was given only empty groups.
//   - LogValuerResolvedOnce: a LogValuer is resolved once per record, in
//     groups and in bound attrs too.
//   - EmbeddedHandlerWrapped: a record logged through WithAttrs or WithGroup
//     is written as the same record logged with those attrs inline, which
//     catches a wrapper that embeds slog.Handler and so returns the embedded
//     handler, without the wrapper, from WithAttrs and WithGroup
//     (dd-trace-go#2838).
//   - ValuesReadable: errors, durations, times in other zones, structs, maps
//     and nil come out as values a parser can read back.
//   - Concurrent8000: 8 goroutines logging 1,000 records each through
//     sibling handlers give exactly 8,000 complete records.
//
// A handler that documents behaviour a case rejects (a sampler drops
// records Enabled accepted) skips that case with Options.Skip, giving the
// reason.
//
// Comparisons are loose where formats differ: a number matches its text
// ("3" and 3), and builtin keys are slog's (time, level, msg), so a parser
// for a handler that names them otherwise renames them.
//
// The package imports the standard library only. Parsers of the loggerjs
// structured and msgpack codecs, which need package codecs, are in package
// loggerjstest, with loggerjstest.ParserFor choosing one for a codec.
//
// Every handler in this repository runs this suite: the loggerjs handler
// over each codec, middleware.Wrap and middleware.ToSlog; every bridge
// and sink adapter added later runs it too. The bench module runs it over
// the handlers users compare loggerjs with and keeps the cases each fails
// in bench/testdata/slogtest_peers.txt.
package slogtest
