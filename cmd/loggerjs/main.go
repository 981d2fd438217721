package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], &environment{
		stdin:      os.Stdin,
		stdout:     os.Stdout,
		stderr:     os.Stderr,
		getenv:     os.Getenv,
		now:        time.Now,
		isTerminal: codecs.IsTerminal,
	}))
}

// environment is what run reads and writes besides its arguments, so that
// tests can give their own.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	isTerminal     func(io.Writer) bool
	// tick paces -f; nil means every pollEvery. afterPoll, when set, is
	// called after each poll of -f.
	tick      <-chan time.Time
	afterPoll func()
}

const usage = `usage: loggerjs [flags] [file ...]

Reads log records from the files (or standard input, or "-") in NDJSON
(loggerjs's, slog's, zap's, zerolog's, ECS and Google Cloud field names),
logfmt, MessagePack, the Structured codec or OTLP/JSON, detected per line
unless -in names one; writes those that pass the filters with -out
(pretty, coloured on a terminal, by default). Lines that are no record are
shown as they are and counted; a summary goes to standard error at the end.

Examples:
  loggerjs app.log
  loggerjs -level warn -category app.db -since 1h app.log
  loggerjs -attr user.id=42 -msg 'timeout|refused' app.log
  loggerjs -f /var/log/app/app.log
  loggerjs -out logfmt < app.ndjson > app.logfmt

Flags:
`

// A multiFlag collects a flag given more than once.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// run is the command: it returns the exit status, 0 when every input was
// read (bad lines included), 1 when one could not be, 2 for bad usage.
func run(ctx context.Context, args []string, env *environment) int {
	fs := flag.NewFlagSet("loggerjs", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprint(env.stderr, usage)
		fs.PrintDefaults()
	}
	var (
		in         = fs.String("in", "auto", "input format: auto, json, logfmt, structured, otlp or msgpack")
		out        = fs.String("out", "pretty", "output format: pretty, json, logfmt, structured, msgpack, otlp, ecs or gcp")
		level      = fs.String("level", "", "show records at this `level` and above (trace, debug, info, warn, error, fatal, info+2, -4)")
		categories multiFlag
		attrs      multiFlag
		since      = fs.String("since", "", "show records at or after this `time` (2006-01-02T15:04:05Z07:00, 2006-01-02 15:04, 2006-01-02, or a duration before now: 1h)")
		until      = fs.String("until", "", "show records before this `time` (as for -since)")
		msg        = fs.String("msg", "", "show records whose message matches this `regexp`")
		follow     = fs.Bool("f", false, "follow the file as it grows, across rotation (as tail -F); one file only")
		color      = fs.String("color", "auto", "colour the pretty output: auto (on a terminal, unless NO_COLOR is set), always or never")
		timeFmt    = fs.String("time", "15:04:05.000", "`layout` of times in the pretty output (Go's time layout), or none")
		utc        = fs.Bool("utc", false, "show times in UTC (default: pretty output in local time, other outputs in each record's own zone)")
	)
	fs.Var(&categories, "category", "show records of this `category` (app.db) and those below it; may be repeated")
	fs.Var(&attrs, "attr", "show records with this attr: `key=value` (user.id=42, dotted through groups) or key; may be repeated, all must match")
	// Flags may follow file names (loggerjs app.log -level warn); after
	// "--" every argument is a file.
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		left := fs.Args()
		if n := len(rest) - len(left); n > 0 && rest[n-1] == "--" || len(left) == 0 {
			files = append(files, left...)
			break
		}
		files = append(files, left[0])
		rest = left[1:]
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "loggerjs: "+format+"\n", a...)
		return 2
	}

	loc := time.Local
	if *utc {
		loc = time.UTC
	}
	f := &filter{}
	if *level != "" {
		l, err := loggerjs.ParseLevel(*level)
		if err != nil {
			return fail("-level %q: want trace, debug, info, warn, error or fatal, an offset (info+2) or an integer", *level)
		}
		f.level = &l
	}
	for _, c := range categories {
		names, err := loggerjs.ParseCategory(c)
		if err != nil {
			return fail("-category %q: empty segment", c)
		}
		f.categories = append(f.categories, names)
	}
	for _, a := range attrs {
		m, err := parseAttrMatch(a)
		if err != nil {
			return fail("%v", err)
		}
		f.attrs = append(f.attrs, m)
	}
	var err error
	if *since != "" {
		if f.since, err = parseTimeFlag(*since, env.now(), loc); err != nil {
			return fail("-since %v", err)
		}
	}
	if *until != "" {
		if f.until, err = parseTimeFlag(*until, env.now(), loc); err != nil {
			return fail("-until %v", err)
		}
	}
	if *msg != "" {
		if f.msg, err = regexp.Compile(*msg); err != nil {
			return fail("-msg: %v", err)
		}
	}
	switch *in {
	case "auto", "json", "logfmt", "structured", "otlp", "msgpack":
	default:
		return fail("-in %q: want auto, json, logfmt, structured, otlp or msgpack", *in)
	}

	stdout := bufio.NewWriterSize(env.stdout, 64<<10)
	p := &processor{
		format:     *in,
		filter:     f,
		loc:        loc,
		out:        stdout,
		bad:        stdout,
		structured: codecs.Structured(),
		msgpack:    codecs.Msgpack(),
	}
	switch *out {
	case "pretty":
		opts := &codecs.PrettyOptions{Color: codecs.ColorNever, TimeFormat: *timeFmt, OmitTime: *timeFmt == "none"}
		switch *color {
		case "always":
			opts.Color = codecs.ColorAlways
		case "never":
		case "auto":
			if env.isTerminal(env.stdout) && env.getenv("NO_COLOR") == "" && env.getenv("TERM") != "dumb" {
				opts.Color = codecs.ColorAlways
			}
		default:
			return fail("-color %q: want auto, always or never", *color)
		}
		p.enc = codecs.Pretty(opts)
	default:
		enc, ok := outputCodec(*out)
		if !ok {
			return fail("-out %q: want pretty, json, logfmt, structured, msgpack, otlp, ecs or gcp", *out)
		}
		p.enc = enc
		if !*utc {
			p.loc = nil // keep each record's own zone
		}
		// The output is for a program: keep what is not a record out of it.
		p.bad = bufio.NewWriter(env.stderr)
	}

	if len(files) == 0 {
		files = []string{"-"}
	}
	if *follow && (len(files) != 1 || files[0] == "-") {
		return fail("-f follows one file, not standard input")
	}

	status := 0
	if *follow {
		tick := env.tick
		if tick == nil {
			t := time.NewTicker(pollEvery)
			defer t.Stop()
			tick = t.C
		}
		warn := func(s string) {
			p.flush()
			fmt.Fprintln(env.stderr, "loggerjs: "+s)
		}
		if err := newFollower(files[0], p, warn).run(ctx, tick, env.afterPoll); err != nil {
			warn(err.Error())
			status = 1
		}
	} else {
		for _, name := range files {
			if err := readFile(p, name, env.stdin); err != nil {
				p.flush()
				fmt.Fprintf(env.stderr, "loggerjs: %v\n", err)
				status = 1
			}
		}
	}
	p.flush()
	fmt.Fprintln(env.stderr, p.summary())
	return status
}

func readFile(p *processor, name string, stdin io.Reader) error {
	if name == "-" {
		return p.readAll(stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := p.readAll(f); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// outputCodec returns the codec -out names, other than pretty.
func outputCodec(name string) (loggerjs.Codec, bool) {
	switch name {
	case "json":
		return codecs.JSON(nil), true
	case "logfmt":
		return codecs.Logfmt(nil), true
	case "structured":
		return codecs.Structured(), true
	case "msgpack":
		return codecs.Msgpack(), true
	case "otlp":
		return codecs.OTLPJSON(nil), true
	case "ecs":
		return codecs.ECS(nil), true
	case "gcp":
		return codecs.GoogleCloud(nil), true
	}
	return nil, false
}
