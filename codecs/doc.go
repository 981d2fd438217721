// Package codecs holds the codecs loggerjs sinks own: each appends one
// record to a []byte and never fails. A value a codec cannot encode (a
// panicking MarshalJSON, LogValue or String, a cycle, invalid UTF-8, NaN
// where the format has none) is written in place as an error marker
// ("!ERROR:…", "!PANIC:…"), the output stays valid for its format, and the
// loss is counted in loggerjs.Stats as CodecFallbacks.
//
// No value can crash the process or make a codec work without end. Every
// codec, and every walk over a value it makes, holds to these bounds:
//
//   - Depth: groups nested 100 deep (attrs of a record's own level are at
//     depth 0; With and WithGroup do not count), and within a value maps,
//     slices, arrays and structs nested 100 deep less the groups around
//     it, or chains of more than 64 pointers or interfaces, are written as
//     "!ERROR: too deep". So is JSON from a MarshalJSON nested deeper than
//     that, in the codecs that convert it (Msgpack, OTLPJSON).
//   - Work: each attr at a record's level may visit 100,000 attrs and
//     values in all, through groups, LogValuers and the elements of maps,
//     slices and structs; past that, the value is written as
//     "!ERROR: too many values" and the rest of that attr is left out. The
//     record's next attr starts afresh. Structured holds at most 65,536
//     pool nodes per record: every value past the last is a reference to
//     one "!ERROR: too many values" node, and the time and the first attrs
//     keep their own.
//   - Cycles: a value that holds itself is "!ERROR: cyclic value" in
//     Logfmt and Pretty; the JSON-based codecs write encoding/json's
//     error, as slog.JSONHandler does; Structured keeps the cycle.
//   - Structured writes a big.Int or big.Rat of more than 65,536 digits,
//     or a big.Float of more than 65,536 bits of precision, as
//     "!ERROR: number too long", so that Decode reads back every line
//     Append writes, as the Msgpack decoder does its codec's.
//
// Each marker is counted as a codec fallback, and the line stays valid.
//
// What a value's own methods print (Error, String, MarshalText,
// MarshalJSON, a Format called for %+v, and the exported fields of errors
// in Structured) passes through the redaction of the handler tree the
// record came through (loggerjs.Record.RedactText), as any other text
// does: a MarshalJSON that writes a "password" key has its value hidden.
// JSON that redaction leaves invalid is written as
// "!ERROR: MarshalJSON output is not valid JSON after redaction". Values
// without such methods are not scanned again. Where Logfmt and Pretty
// would print a value with %+v, they print it as %+v does but leave out
// unexported struct fields.
//
// The bound scope of a logger (attrs and groups from With and WithGroup) is
// encoded once per scope and codec and reused for every record logged
// through that logger.
//
//	sink := sinks.Writer(os.Stdout, codecs.JSON(nil))
//
// The codecs, by what they are for:
//
//   - JSON: NDJSON that matches slog.JSONHandler field for field.
//   - Logfmt: key=value lines in slog.TextHandler's layout that logfmt
//     parsers read back.
//   - Pretty: coloured, aligned lines for a terminal, with error chains
//     and stacks below the line.
//   - Structured: lossless JSON lines (errors and their chains, times with
//     their zone, big numbers, NaN, nil apart from empty, shared and cyclic
//     references) with a Decode that gives the records back.
//   - Msgpack: binary MessagePack maps, framed in batches, with a decoder.
//   - Projector: JSON in a schema of your own, written by a function;
//     ECS and GoogleCloud are built on it.
//   - OTLPJSON: OTLP/HTTP JSON ExportLogsServiceRequests for an
//     OpenTelemetry collector, without the OpenTelemetry SDK.
//
// No codec allocates per record of ordinary attrs once its buffer and the
// scope's encoding are warm. Sinks that take a codec are in
// package sinks. The module in codecs/interop tests Logfmt, Msgpack and
// OTLPJSON against established third-party parsers of their formats.
package codecs
