// Package codecs holds the codecs loggerjs sinks own: each appends one
// record to a []byte and never fails. A value a codec cannot encode (a
// panicking MarshalJSON, LogValue or String, a cycle, invalid UTF-8, NaN
// where the format has none) is written in place as an error marker
// ("!ERROR:…", "!PANIC:…"), the output stays valid for its format, and the
// loss is counted in loggerjs.Stats as CodecFallbacks.
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
