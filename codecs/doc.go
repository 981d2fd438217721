// Package codecs holds the codecs loggerjs sinks own: each appends one
// record to a []byte and never fails. A value a codec cannot encode (a
// panicking MarshalJSON, LogValue or String, a cycle, invalid UTF-8, NaN)
// is written in place as an error marker ("!ERROR:…", "!PANIC:…"), the
// output stays valid for its format, and the loss is counted in
// loggerjs.Stats as CodecFallbacks.
//
// The bound scope of a logger (attrs and groups from With and WithGroup) is
// encoded once per scope and codec and reused for every record logged
// through that logger.
//
//	sink := sinks.Writer(os.Stdout, codecs.JSON(nil))
//
// Sinks that take a codec are in package sinks.
package codecs
