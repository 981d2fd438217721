// Command loggerjs reads log files: it pretty-prints, filters, follows
// and converts them.
//
//	go install github.com/loggerjs/loggerjs/cmd/loggerjs@latest
//
// It reads the files named (standard input when none, or "-") in any of
// these formats, detected line by line unless -in names one:
//
//   - NDJSON with the field names of loggerjs and log/slog (time, level,
//     msg, logger), zap (ts, level, msg, logger; T, L, M, N with its
//     development config), zerolog (time, level, message), ECS
//     (@timestamp, log.level, message, log.logger), Google Cloud Logging
//     (timestamp, severity, message) and pino (numeric levels); times as
//     RFC 3339 text or as seconds, milliseconds, microseconds or
//     nanoseconds since the epoch;
//   - logfmt, as slog.TextHandler and go-logfmt write it;
//   - the lines of the Structured codec (codecs.Structured), losslessly;
//   - OTLP/JSON ExportLogsServiceRequests, one per line (the scope name is
//     the category);
//   - MessagePack from the Msgpack codec, detected by the first byte of
//     the input.
//
// It shows the records that pass every filter given (-level, -category,
// -since, -until, -attr, -msg) with the codec -out names: pretty (the
// default, coloured on a terminal unless NO_COLOR is set, in local time),
// json, logfmt, structured, msgpack, otlp, ecs or gcp. With -f it follows
// one file as tail -F does, across rotation by renaming, removal and
// truncation.
//
// A line that is no record is shown as it is (control characters
// escaped), among the records in the pretty output and on standard error
// when converting, so that the output stays valid; it is counted and the
// run goes on. At the end (or on interrupt with -f) a summary goes to
// standard error:
//
//	loggerjs: 14 lines read, 9 records, 9 shown, 4 bad
//
// The exit status is 0 when every input was read, 1 when one could not
// be opened or read, and 2 for bad usage. Run loggerjs -h for the flags.
package main
