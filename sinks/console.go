package sinks

import (
	"io"
	"os"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// ConsoleFormat says which codec Console uses. The zero value is
// ConsoleAuto.
type ConsoleFormat int

const (
	// ConsoleAuto writes codecs.Pretty to a terminal and codecs.JSON
	// (NDJSON) to anything else: a pipe, a file, a log collector reading
	// the container's output.
	ConsoleAuto ConsoleFormat = iota
	// ConsolePretty always writes codecs.Pretty.
	ConsolePretty
	// ConsoleJSON always writes codecs.JSON.
	ConsoleJSON
)

// ConsoleOptions configure Console. A nil *ConsoleOptions means the
// defaults: standard error, the format chosen by ConsoleAuto.
type ConsoleOptions struct {
	// Stdout writes to standard output instead of standard error.
	Stdout bool
	// Output, if set, is written to instead of either stream.
	Output io.Writer
	// Format chooses the codec.
	Format ConsoleFormat
	// Pretty configures the Pretty codec; its Output is set to the
	// console's, so that colour follows the terminal under ColorAuto.
	Pretty *codecs.PrettyOptions
	// JSON configures the JSON codec.
	JSON *codecs.JSONOptions
}

// Console returns a Writer sink for a process's console: codecs.Pretty
// when the output is a terminal (see codecs.IsTerminal), NDJSON
// otherwise, to standard error unless opts say standard output. Each
// record is one write, so lines from concurrent goroutines never
// interleave; Write returns the error of a write that failed.
func Console(opts *ConsoleOptions) *WriterSink {
	var o ConsoleOptions
	if opts != nil {
		o = *opts
	}
	out := o.Output
	if out == nil {
		out = os.Stderr
		if o.Stdout {
			out = os.Stdout
		}
	}
	pretty := o.Format == ConsolePretty || (o.Format == ConsoleAuto && codecs.IsTerminal(out))
	var codec loggerjs.Codec
	if pretty {
		var po codecs.PrettyOptions
		if o.Pretty != nil {
			po = *o.Pretty
		}
		po.Output = out
		codec = codecs.Pretty(&po)
	} else {
		codec = codecs.JSON(o.JSON)
	}
	if f, ok := out.(*os.File); ok {
		return Writer(stream{f}, codec)
	}
	return Writer(out, codec)
}
