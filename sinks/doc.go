// Package sinks holds the sinks loggerjs delivers records to. Each owns its
// codec (package codecs) and its destination:
//
//	file, err := sinks.File("/var/log/app/app.log", &sinks.FileOptions{MaxSize: 100 << 20, MaxBackups: 10, Compress: true})
//	if err != nil { ... }
//	cfg := loggerjs.Config{
//		Sinks: map[string]loggerjs.Sink{
//			"console": sinks.Console(nil),
//			"file":    file,
//		},
//		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"console", "file"}, Level: slog.LevelInfo}},
//	}
//
// The sinks:
//
//   - Writer serialises one write per record to any io.Writer; Stdout and
//     Stderr are Writers over the process's streams; Console picks the
//     Pretty codec on a terminal and NDJSON elsewhere.
//   - File writes to a file with size and time rotation, retention,
//     gzip, SIGHUP reopen, an fsync Flush and an optional buffer.
//   - Async moves delivery to a goroutine of its own; the record is encoded
//     (or cloned) on the logging goroutine, so only bytes cross the queue.
//   - Batch is the reliability layer of every remote sink: a bounded queue
//     with a policy (DropOldest, DropNewest, Block with a deadline),
//     batches cut by MaxRecords, MaxBytes and MaxWait, concurrent delivery,
//     retries with exponential backoff and full jitter that honour
//     Retry-After, a retry budget and a circuit breaker with a half-open
//     probe.
//   - Handler delivers records to any slog.Handler (tint, otelslog, a
//     vendor's), with the category, bound scope, context and source kept.
//   - Memory keeps records for tests.
//
// Package sinks links no net/http. The sinks that ship over HTTP (HTTP,
// and its OTLP and Loki presets) are in package
// github.com/loggerjs/loggerjs/sinks/remote, built on Batch; the
// OpenTelemetry SDK and Sentry sinks are in the modules under bridges/.
//
// # Every record is accounted for
//
// A sink delivers a record or counts it. A Write that fails returns its
// error, and the handler counts the record (loggerjs.MetaStats.SinkErrors,
// WriteAfterClose). A record a sink accepted and later lost, away from
// Write, is counted in the sink's SinkStats under a key that starts with
// "dropped" and reported on the meta logger; loggerjs.MetaStats.Lost adds
// them up. The keys:
//
//   - dropped_queue_full: the queue of Async or Batch was full (the
//     record dropped depends on the Policy);
//   - dropped_too_large: a record larger than Batch's MaxBytes;
//   - dropped_retries_exhausted: delivery failed and was not retried, or
//     the retries or the retry budget ran out;
//   - dropped_circuit_open: the circuit breaker was open;
//   - dropped_flush_deadline: still queued or in delivery when Close's
//     deadline passed;
//   - dropped_rejected: the destination refused the records (a 4xx, a
//     500 without Retry500, a redirect, OTLP's partial success);
//   - dropped_write_error: the file or writer under Async, or a File's
//     buffer write, failed;
//   - dropped_unlinked: written to a file that was then found removed
//     (File with PathCheckEvery);
//   - dropped_inner_…: the same, counted by the sink inside Async.
//
// So for any sink, records delivered + records counted = records logged,
// and the tests of this package check exactly that against real failing
// parts, through a handler tree.
//
// Flush and Close honour their context's deadline. Each returns a
// *LossError, which says how many records were lost and why, when
// records the sink held or was delivering were lost (and no earlier
// Flush or Close reported them), as the
// OpenTelemetry SDK's Shutdown does; loggerjs.Shutdown and Handler.Close
// pass it on. A Flush whose deadline passes first returns an error
// naming the records still queued; they stay queued. Close drops and
// counts what it could not deliver by then, stops every goroutine the
// sink started, and may be called twice and concurrently with Write.
//
// Constructors check what they are given and return an error naming
// the option, rather than a sink that drops every record later.
//
// # Files, and lumberjack
//
// The design named gopkg.in/natefinch/lumberjack.v2 for file rotation.
// File does not use it, because each thing File must do is one lumberjack
// cannot, and none can be fixed from outside its Logger type:
//
//   - it rotates only by size, not by time;
//   - its mill goroutine (compression, cleanup) outlives Close
//     (natefinch/lumberjack issues 56 and 205), which goleak rejects;
//   - it names backups by the millisecond, so rotations within one
//     millisecond overwrite each other's backups (issue 34);
//   - it keeps writing to a file that was removed or renamed under it, and
//     those records are gone;
//   - a write cut short by a full disk leaves a torn half-line in the file;
//   - it has no Sync, so a Flush could not reach the disk.
//
// File keeps what lumberjack users know: the backup names
// (app-2006-01-02T15-04-05.000.log, .gz when compressed), MaxBackups,
// MaxAge, Compress and LocalTime with the same meanings; MaxSize is in
// bytes rather than megabytes. What it adds: RotateEvery for time
// rotation; a -1, -2, … suffix where a backup name is taken; a check before
// each write that the path still names the open file (a removed or renamed
// file is reopened, so the next record lands in a new file; PathCheckEvery
// trades that check for throughput, counting what it loses); failed writes
// cut back out of the file; compression through a temporary file and
// fsync; a mill goroutine that Close stops; ReopenOnSIGHUP; and Flush as
// fsync. Records are buffered in memory, as bufio.Writer and zap's
// BufferedWriteSyncer do (FileOptions.BufferSize, 256 KiB), and written
// one buffer per write(2), with the path check and the size rotation once
// per buffer, when the buffer fills, FlushEvery after its first record
// (1s), at once for a record at or above FlushLevel (Error), and on
// Flush, Rotate and Close. Records still in the buffer when the process
// dies without Flush or Close (SIGKILL, os.Exit, a runtime fatal error,
// an unrecovered panic) are lost; loggerjs.Shutdown and Handler.Close
// call Close, and so do the crash paths (loggerjs.Recover, Fatal,
// ShutdownOnSignal). A buffer write that fails is cut back out of the
// file and its records counted as dropped_write_error.
//
// FileOptions.WriteThrough writes each record with its own write(2) on
// the logging goroutine instead, as lumberjack does, so a process that
// crashes or is killed loses nothing that Write had returned from; Flush
// is the crash path for the machine going down. Wrap a File in Async to
// take the writes off the logging goroutine.
//
// Package codecs holds the codecs; package loggerjs the handler that
// routes records to these sinks and counts what they lose.
package sinks
