package zerologbridge

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/rs/zerolog"
)

// Source is the loggerjs.Record.Source of every record the bridge hands
// in, for loggerjs.ExcludeSources and loop detection.
const Source = "integration:zerolog"

// DefaultCategoryKey is the zerolog field the category is read from when
// Options.CategoryKey is empty.
const DefaultCategoryKey = "logger"

// DefaultFlushTimeout bounds the flush after a Fatal or Panic event when
// Options.FlushTimeout is zero.
const DefaultFlushTimeout = 5 * time.Second

// BadJSONKey is the key of the attr that marks a record made from an
// event that was not a valid JSON object: its message is the event's
// text, and the attr says what was wrong.
const BadJSONKey = "!BADJSON"

// Options configure a Writer. A nil *Options means the defaults.
type Options struct {
	// CategoryKey names the top-level zerolog field whose string value
	// extends the handler's category (a dot separating segments), as
	// logger.With().Str("logger", "db") would set it. The field is not
	// written as an attr. Empty means DefaultCategoryKey; "-" reads no
	// category.
	CategoryKey string
	// DurationKeys are the keys, at any depth, whose values are zerolog
	// durations (Event.Dur): numbers in zerolog's DurationFieldUnit, or
	// strings with DurationFormatString. zerolog's JSON does not say
	// which numbers are durations, so only these keys become
	// time.Duration; with DurationFormatString every string that reads
	// back exactly as a duration ("1.5s") does.
	DurationKeys []string
	// TimeKeys are the keys, at any depth, whose numbers are zerolog
	// times when TimeFieldFormat is a Unix format. With a layout (the
	// default, time.RFC3339) every string that reads back exactly in that
	// layout becomes a time.Time, whatever its key.
	TimeKeys []string
	// FlushTimeout bounds how long the flush after a Fatal or Panic
	// event waits for the sinks. Zero means DefaultFlushTimeout.
	FlushTimeout time.Duration
}

type options struct {
	catKey       string
	timeKeys     map[string]bool
	durationKeys map[string]bool
	timeout      time.Duration
}

// Writer is a zerolog.LevelWriter that decodes each zerolog event into a
// loggerjs record of Source and hands it to a slog.Handler, normally a
// loggerjs handler: integers stay integers, floats floats, objects become
// groups and arrays lists; times and durations come back as zerolog is
// configured to write them; the level is the event's, the category comes
// from Options.CategoryKey, and the caller and stack are kept. An event
// that is not valid JSON is written as a message marked with BadJSONKey
// and counted (Invalid), never dropped. It is safe for concurrent use.
type Writer struct {
	base slog.Handler
	own  *loggerjs.Handler
	opts options

	cats    sync.Map // dotted category -> slog.Handler
	drops   atomic.Uint64
	invalid atomic.Uint64
}

var _ zerolog.LevelWriter = (*Writer)(nil)

// NewWriter returns a Writer into l's handler. A nil l means
// loggerjs.GetLogger(), the process-wide registry's root.
func NewWriter(l *slog.Logger, opts *Options) *Writer {
	if l == nil {
		l = loggerjs.GetLogger()
	}
	w := &Writer{base: l.Handler()}
	w.own, _ = w.base.(*loggerjs.Handler)
	var o Options
	if opts != nil {
		o = *opts
	}
	w.opts.catKey = o.CategoryKey
	if w.opts.catKey == "" {
		w.opts.catKey = DefaultCategoryKey
	}
	w.opts.timeKeys = keySet(o.TimeKeys)
	w.opts.durationKeys = keySet(o.DurationKeys)
	w.opts.timeout = o.FlushTimeout
	if w.opts.timeout <= 0 {
		w.opts.timeout = DefaultFlushTimeout
	}
	return w
}

func keySet(keys []string) map[string]bool {
	if len(keys) == 0 {
		return nil
	}
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// New returns a zerolog.Logger that writes into NewWriter(l, opts). Its
// zerolog level is the lowest level that the loggerjs configuration lets
// through for l's category or any category configured below it when New
// runs, so that zerolog does not build events no sink would take; the
// loggerjs level of each event's own category still applies after.
func New(l *slog.Logger, opts *Options) zerolog.Logger {
	w := NewWriter(l, opts)
	return zerolog.New(w).Level(w.floor())
}

// floor returns the most verbose zerolog level that the writer's
// category, or a category configured below it, lets through.
func (w *Writer) floor() zerolog.Level {
	if w.own == nil {
		return zerolog.TraceLevel
	}
	levels := w.own.Levels()
	if len(levels) == 0 { // not configured yet: everything may be buffered
		return zerolog.TraceLevel
	}
	prefix := strings.Join(w.own.Category(), ".")
	low := loggerjs.LevelOff
	for _, cl := range levels {
		if cl.Configured && (prefix == "" || strings.HasPrefix(cl.Category, prefix+".")) {
			low = min(low, cl.Level)
		}
	}
	for _, zl := range []zerolog.Level{zerolog.TraceLevel, zerolog.DebugLevel, zerolog.InfoLevel, zerolog.WarnLevel} {
		if Level(zl) >= low || w.own.Enabled(context.Background(), Level(zl)) {
			return zl
		}
	}
	return zerolog.ErrorLevel
}

// Level converts a zerolog level to a slog level: Trace is
// loggerjs.LevelTrace, Debug, Info, Warn and Error are slog's, Fatal is
// loggerjs.LevelFatal and Panic ERROR+2 (as zap's Panic in zapbridge);
// NoLevel (zerolog's Log) is Info. Levels below Trace step down by four.
func Level(l zerolog.Level) slog.Level {
	switch {
	case l <= zerolog.TraceLevel:
		return loggerjs.LevelTrace + 4*slog.Level(l-zerolog.TraceLevel)
	case l == zerolog.DebugLevel:
		return slog.LevelDebug
	case l == zerolog.InfoLevel:
		return slog.LevelInfo
	case l == zerolog.WarnLevel:
		return slog.LevelWarn
	case l == zerolog.ErrorLevel:
		return slog.LevelError
	case l == zerolog.FatalLevel:
		return loggerjs.LevelFatal
	case l == zerolog.PanicLevel:
		return slog.LevelError + 2
	case l == zerolog.NoLevel:
		return slog.LevelInfo
	default:
		return loggerjs.LevelFatal + slog.Level(l-zerolog.Disabled)
	}
}

// Drops returns the number of events the writer dropped because a sink
// logged through zerolog from inside the writer, on the same goroutine:
// the loop is cut there. They are also counted in the handler tree's
// MetaStats.BridgeDrops.
func (w *Writer) Drops() uint64 { return w.drops.Load() }

// Invalid returns the number of events that were not valid JSON objects,
// written as marked messages.
func (w *Writer) Invalid() uint64 { return w.invalid.Load() }

// Write hands in one event whose level is read from its level field. It
// never fails.
func (w *Writer) Write(p []byte) (int, error) {
	return w.write(zerolog.NoLevel, false, p)
}

// WriteLevel hands in one event at level, as zerolog calls it. It never
// fails. After a Fatal or Panic event it flushes the sinks, so that
// zerolog's exit or panic, which follows, loses nothing.
func (w *Writer) WriteLevel(level zerolog.Level, p []byte) (int, error) {
	return w.write(level, true, p)
}

func (w *Writer) write(level zerolog.Level, known bool, p []byte) (int, error) {
	d, ok := guard.Begin()
	if !ok {
		w.drops.Add(1)
		if w.own != nil {
			w.own.CountBridgeDrop()
		}
		return len(p), nil
	}
	deliver(d, w, level, known, p)
	if known && (level == zerolog.FatalLevel || level == zerolog.PanicLevel) && w.own != nil {
		ctx, cancel := context.WithTimeout(context.Background(), w.opts.timeout)
		defer cancel()
		_ = w.own.Flush(ctx)
	}
	return len(p), nil
}

// maxCallerFrames bounds the stack searched for the caller zerolog names.
const maxCallerFrames = 128

// maxInlineAttrs is the number of attrs an event is decoded into without
// a heap allocation of their own.
const maxInlineAttrs = 16

// event is what handle reads from the envelope fields of an event.
type event struct {
	msg, caller, cat, levelText string
	t                           time.Time
	stack                       slog.Value
	hasStack                    bool
}

// handle decodes one event and hands it in. It is called from deliver
// only, through one call site (see guard).
//
//go:noinline
func handle(w *Writer, level zerolog.Level, known bool, p []byte) {
	guard.Mark()
	data := bytes.Clone(bytes.TrimRight(p, "\r\n"))
	d := decoder{data: data, f: currentFormats(&w.opts)}
	var buf [maxInlineAttrs]slog.Attr
	var ev event
	attrs, err := w.decode(&d, &ev, buf[:0])
	if err == nil && d.peek() != 0 {
		err = errSyntax
	}
	if !known {
		level = zerolog.NoLevel
		if l, perr := zerolog.ParseLevel(ev.levelText); perr == nil {
			level = l
		}
	}
	h := w.base
	ctx := context.Background()
	if err != nil {
		w.invalid.Add(1)
		attrs = append(buf[:0], slog.String(BadJSONKey, fmt.Sprintf("%v at byte %d", err, d.i)))
		ev = event{msg: string(data)}
	} else if ev.cat != "" {
		h = w.forCategory(ev.cat)
	}
	slevel := Level(level)
	if !h.Enabled(ctx, slevel) {
		return
	}
	if ev.t.IsZero() {
		ev.t = time.Now()
	}
	var pc uintptr
	if ev.caller != "" {
		if pc = callerPC(ev.caller); pc == 0 {
			attrs = append(attrs, slog.String(zerolog.CallerFieldName, ev.caller))
		}
	}
	r := slog.NewRecord(ev.t, slevel, ev.msg, pc)
	r.AddAttrs(attrs...)
	if ev.hasStack {
		stack := slog.Attr{Key: loggerjs.StackKey, Value: stackValue(ev.stack)}
		if _, ok := h.(*loggerjs.Handler); ok {
			ctx = loggerjs.WithContextAttrs(ctx, stack)
		} else {
			r.AddAttrs(stack)
		}
	}
	if own, ok := h.(*loggerjs.Handler); ok {
		_ = own.HandleFrom(ctx, Source, r)
		return
	}
	_ = h.Handle(ctx, r)
}

// decode reads the event's top-level members: zerolog's own fields into
// ev, the rest as attrs appended to dst.
func (w *Writer) decode(d *decoder, ev *event, dst []slog.Attr) ([]slog.Attr, error) {
	more, err := d.openObject()
	for more && err == nil {
		var key string
		if key, err = d.key(); err != nil {
			break
		}
		var v slog.Value
		if v, err = d.value(key); err != nil {
			break
		}
		if !ev.take(key, v, w.opts.catKey, &d.f) {
			if key == zerolog.ErrorFieldName && v.Kind() == slog.KindString {
				v = slog.AnyValue(textError(v.String()))
			}
			dst = append(dst, slog.Attr{Key: key, Value: v})
		}
		more, err = d.next()
	}
	return dst, err
}

// take keeps the value of one of zerolog's own fields and reports
// whether key was one.
func (ev *event) take(key string, v slog.Value, catKey string, f *formats) bool {
	switch key {
	case zerolog.MessageFieldName:
		if v.Kind() == slog.KindString {
			ev.msg = v.String()
			return true
		}
	case zerolog.LevelFieldName:
		if v.Kind() == slog.KindString {
			ev.levelText = v.String()
			return true
		}
	case zerolog.TimestampFieldName:
		switch v.Kind() {
		case slog.KindTime:
			ev.t = v.Time()
			return true
		case slog.KindInt64, slog.KindUint64, slog.KindFloat64:
			if f.timeUnit != 0 {
				ev.t = time.Unix(0, int64(scale(v, f.timeUnit)))
				return true
			}
		}
	case zerolog.CallerFieldName:
		if v.Kind() == slog.KindString {
			ev.caller = v.String()
			return true
		}
	case zerolog.ErrorStackFieldName:
		ev.stack, ev.hasStack = v, true
		return true
	case catKey:
		if v.Kind() == slog.KindString && catKey != "-" {
			ev.cat = v.String()
			return true
		}
	}
	return false
}

// textError is the error an event's error field carried, as its text:
// it fills the loggerjs record's error slot.
type textError string

func (e textError) Error() string { return string(e) }

// forCategory returns the handler for a dotted category below the
// writer's.
func (w *Writer) forCategory(cat string) slog.Handler {
	if h, ok := w.cats.Load(cat); ok {
		return h.(slog.Handler)
	}
	h := w.base.WithAttrs([]slog.Attr{loggerjs.Category(cat)})
	v, _ := w.cats.LoadOrStore(strings.Clone(cat), h)
	return v.(slog.Handler)
}

// callerPC finds the frame that zerolog's caller field names
// ("file:line", or any CallerMarshalFunc that ends in the file's base
// name, a colon and the line) on the stack of the logging goroutine.
func callerPC(caller string) uintptr {
	i := strings.LastIndexByte(caller, ':')
	if i <= 0 {
		return 0
	}
	line, err := strconv.Atoi(caller[i+1:])
	if err != nil {
		return 0
	}
	file := caller[:i]
	var pcs [maxCallerFrames]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		fr, more := frames.Next()
		if fr.Line == line && (fr.File == file || strings.HasSuffix(fr.File, "/"+file)) {
			return fr.PC + 1 // a return address, as slog's own PCs are
		}
		if !more {
			return 0
		}
	}
}

// stackValue turns zerolog's stack field into text in the form of
// loggerjs and zap stacks (function, then a tab and file:line): the
// frames github.com/rs/zerolog/pkgerrors writes ({"func","source",
// "line"}) are rewritten, a string is kept, anything else stays as it is.
func stackValue(v slog.Value) slog.Value {
	list, ok := v.Any().([]any)
	if v.Kind() != slog.KindAny || !ok {
		return v
	}
	var b strings.Builder
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return v
		}
		fn, _ := m["func"].(string)
		src, _ := m["source"].(string)
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(fn)
		b.WriteString("\n\t")
		b.WriteString(src)
		b.WriteByte(':')
		fmt.Fprint(&b, m["line"])
	}
	return slog.StringValue(b.String())
}
