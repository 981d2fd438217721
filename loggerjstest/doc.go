// Package loggerjstest holds helpers for the tests of code that logs
// through loggerjs or log/slog, and for tests of handlers and codecs.
//
// NewLogger gives a test a *slog.Logger whose records go to t.Log, so they
// show only when the test fails (or under go test -v) and under the test
// that logged them, as zaptest.NewLogger does for zap:
//
//	logger := loggerjstest.NewLogger(t, &loggerjstest.Options{FailOn: slog.LevelError})
//	srv := NewServer(logger)
//
// Observe gives a logger and a Recorder that keeps its records, for tests
// that assert on what was logged, as zap's observer package does:
//
//	logger, rec := loggerjstest.Observe(slog.LevelDebug)
//	Run(logger)
//	rec.AssertLogged(t, loggerjstest.Message("retrying"), loggerjstest.AttrEqual("attempt", 3))
//
// A Recorder is a loggerjs.Sink, so it also takes its place in a
// configuration of your own beside other sinks. sinks.Memory is the
// minimal sink that only keeps records.
//
// For handler and codec tests, RecordMap turns a loggerjs.Record into the
// map package slogtest compares, ParseStructured and ParseMsgpack read the
// output of the codecs of those names, and ParserFor picks the parser for a
// codec, so the slogtest suite runs over a loggerjs sink with any of them.
// The package imports the standard library, loggerjs, codecs and slogtest.
package loggerjstest
