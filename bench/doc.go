// Package bench compares loggerjs with the loggers a Go user would pick
// instead: slog.NewJSONHandler, slog.NewMultiHandler and slog-multi's
// Fanout, zapslog, phuslu/log's slog handler, otelslog over the
// OpenTelemetry log SDK, and natively zap and zerolog. It is a module of
// its own so that none of them enters the requirements of loggerjs.
//
// Each logger under test is a Subject with one method per scenario of
// issue 6:
//
//	S1  Debug while the level is Info, ten attrs (disabled)
//	S2  Info with no attrs
//	S3  Info with ten attrs of mixed kinds
//	S4  the ten attrs bound once with With, then Info with none
//	S5  S3 plus a group of three attrs
//	S6  S3 into two sinks (see FanoutSubjects)
//	S7  S3 through Redact, Sample and Enrich into two sinks (see MiddlewareSubjects)
//
// The benchmarks (go test -bench .) run each scenario over io.Discard and
// over a bytes.Buffer reset before every record; TestSameFields checks
// that every logger writes the same fields in every scenario.
// cmd/filebench writes S3 records to a real file, cmd/ratios turns the
// benchmark output into the tables of PERFORMANCE.md, and `make bench`
// at the repository root runs all three.
//
// Every logger writes what slog.JSONHandler writes, as closely as its
// options allow: RFC 3339 times with nanoseconds, durations as integer
// nanoseconds, no caller, no stack traces. Each keeps its own names for
// the time, level and message fields.
package bench
