package logrusbridge

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/sirupsen/logrus"
)

// Source is the loggerjs.Record.Source of every record the bridge hands
// in, for loggerjs.ExcludeSources and loop detection.
const Source = "integration:logrus"

// DefaultCategoryKey is the logrus field the category is read from when
// Options.CategoryKey is empty.
const DefaultCategoryKey = "logger"

// DefaultFlushTimeout bounds the flush after a Fatal or Panic entry when
// Options.FlushTimeout is zero.
const DefaultFlushTimeout = 5 * time.Second

// Options configure a Hook. A nil *Options means the defaults.
type Options struct {
	// CategoryKey names the logrus field whose string value extends the
	// handler's category (a dot separating segments), as
	// logger.WithField("logger", "db") would set it. The field is not
	// written as an attr. Empty means DefaultCategoryKey; "-" reads no
	// category.
	CategoryKey string
	// FlushTimeout bounds how long the flush after a Fatal or Panic entry
	// waits for the sinks. Zero means DefaultFlushTimeout.
	FlushTimeout time.Duration
}

// Hook is a logrus.Hook that hands every logrus entry to a slog.Handler,
// normally a loggerjs handler, as a record of Source: Entry.Data as attrs
// (sorted by key, as logrus's formatters write them), the entry's
// context, caller, time and level. Install it with Install, which also
// gives the logger a Formatter that writes nothing, so entries are not
// printed twice. It is safe for concurrent use.
type Hook struct {
	base    slog.Handler
	own     *loggerjs.Handler
	catKey  string
	timeout time.Duration
	cats    sync.Map // dotted category -> slog.Handler
	drops   atomic.Uint64
}

var _ logrus.Hook = (*Hook)(nil)

// NewHook returns a Hook into l's handler. A nil l means
// loggerjs.GetLogger(), the process-wide registry's root.
func NewHook(l *slog.Logger, opts *Options) *Hook {
	if l == nil {
		l = loggerjs.GetLogger()
	}
	h := &Hook{base: l.Handler(), catKey: DefaultCategoryKey, timeout: DefaultFlushTimeout}
	h.own, _ = h.base.(*loggerjs.Handler)
	if opts != nil {
		if opts.CategoryKey != "" {
			h.catKey = opts.CategoryKey
		}
		if opts.FlushTimeout > 0 {
			h.timeout = opts.FlushTimeout
		}
	}
	return h
}

// Install adds a Hook into l to logger, gives logger a Formatter that
// writes nothing (Discard) and io.Discard as its output, and sets its
// level to the lowest level the loggerjs configuration lets through for
// l's category or any category configured below it, so that logrus
// skips what no sink would take. A nil logger means logrus's standard
// logger. It returns the hook.
func Install(logger *logrus.Logger, l *slog.Logger, opts *Options) *Hook {
	if logger == nil {
		logger = logrus.StandardLogger()
	}
	h := NewHook(l, opts)
	logger.AddHook(h)
	logger.SetFormatter(Discard{})
	logger.SetOutput(io.Discard)
	logger.SetLevel(h.floor())
	return h
}

// floor returns the most verbose logrus level that the hook's category,
// or a category configured below it, lets through.
func (h *Hook) floor() logrus.Level {
	if h.own == nil {
		return logrus.TraceLevel
	}
	levels := h.own.Levels()
	if len(levels) == 0 { // not configured yet: everything may be buffered
		return logrus.TraceLevel
	}
	prefix := strings.Join(h.own.Category(), ".")
	low := loggerjs.LevelOff
	for _, cl := range levels {
		if cl.Configured && (prefix == "" || strings.HasPrefix(cl.Category, prefix+".")) {
			low = min(low, cl.Level)
		}
	}
	for _, ll := range []logrus.Level{logrus.TraceLevel, logrus.DebugLevel, logrus.InfoLevel, logrus.WarnLevel} {
		if Level(ll) >= low || h.own.Enabled(context.Background(), Level(ll)) {
			return ll
		}
	}
	return logrus.ErrorLevel
}

// Discard is a logrus.Formatter that writes nothing, for a logger whose
// entries reach their sinks through a Hook only.
type Discard struct{}

// Format returns no bytes.
func (Discard) Format(*logrus.Entry) ([]byte, error) { return nil, nil }

// Level converts a logrus level to a slog level: Trace is
// loggerjs.LevelTrace, Debug, Info, Warn and Error are slog's, Fatal is
// loggerjs.LevelFatal and Panic ERROR+2 (as zap's Panic in zapbridge).
func Level(l logrus.Level) slog.Level {
	switch l {
	case logrus.PanicLevel:
		return slog.LevelError + 2
	case logrus.FatalLevel:
		return loggerjs.LevelFatal
	case logrus.ErrorLevel:
		return slog.LevelError
	case logrus.WarnLevel:
		return slog.LevelWarn
	case logrus.InfoLevel:
		return slog.LevelInfo
	case logrus.DebugLevel:
		return slog.LevelDebug
	case logrus.TraceLevel:
		return loggerjs.LevelTrace
	}
	if l > logrus.TraceLevel {
		return loggerjs.LevelTrace - 4*slog.Level(l-logrus.TraceLevel)
	}
	return slog.LevelInfo
}

// Levels returns every logrus level: the loggerjs configuration decides.
func (h *Hook) Levels() []logrus.Level { return logrus.AllLevels }

// Drops returns the number of entries the hook dropped because a sink
// logged through logrus from inside the hook, on the same goroutine: the
// loop is cut there. They are also counted in the handler tree's
// MetaStats.BridgeDrops.
func (h *Hook) Drops() uint64 { return h.drops.Load() }

// Fire hands e in. After a Fatal or Panic entry it flushes the sinks, so
// that logrus's exit or panic, which follows, loses nothing. It never
// fails.
func (h *Hook) Fire(e *logrus.Entry) error {
	d, ok := guard.Begin()
	if !ok {
		h.drops.Add(1)
		if h.own != nil {
			h.own.CountBridgeDrop()
		}
		return nil
	}
	deliver(d, h, e)
	if e.Level <= logrus.FatalLevel && h.own != nil {
		ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
		defer cancel()
		_ = h.own.Flush(ctx)
	}
	return nil
}

// maxInlineAttrs is the number of fields an entry is converted with
// before the key list needs the heap.
const maxInlineAttrs = 16

// handle builds the record and hands it in. It is called from deliver
// only, through one call site (see guard).
//
//go:noinline
func handle(h *Hook, e *logrus.Entry) {
	guard.Mark()
	handler := h.base
	var keyBuf [maxInlineAttrs]string
	keys := keyBuf[:0]
	for k := range e.Data {
		if k == h.catKey && h.catKey != "-" {
			if cat, ok := e.Data[k].(string); ok {
				if cat != "" {
					handler = h.forCategory(cat)
				}
				continue
			}
		}
		keys = append(keys, k)
	}
	ctx := e.Context
	if ctx == nil {
		ctx = context.Background()
	}
	level := Level(e.Level)
	if !handler.Enabled(ctx, level) {
		return
	}
	slices.SortFunc(keys, func(a, b string) int { return strings.Compare(renamed(a), renamed(b)) })
	var pc uintptr
	if e.Caller != nil && e.Caller.PC != 0 {
		pc = e.Caller.PC + 1 // a return address, as slog's own PCs are
	}
	r := slog.NewRecord(e.Time, level, e.Message, pc)
	for _, k := range keys {
		r.AddAttrs(slog.Any(renamed(k), e.Data[k]))
	}
	if own, ok := handler.(*loggerjs.Handler); ok {
		_ = own.HandleFrom(ctx, Source, r)
		return
	}
	_ = handler.Handle(ctx, r)
}

// renamed is the key a field is written under: the record's own keys
// are prefixed with "fields.", as logrus's formatters prefix theirs.
func renamed(k string) string {
	switch k {
	case slog.TimeKey, slog.LevelKey, slog.MessageKey, slog.SourceKey:
		return "fields." + k
	}
	return k
}

// forCategory returns the handler for a dotted category below the
// hook's.
func (h *Hook) forCategory(cat string) slog.Handler {
	if v, ok := h.cats.Load(cat); ok {
		return v.(slog.Handler)
	}
	v, _ := h.cats.LoadOrStore(cat, h.base.WithAttrs([]slog.Attr{loggerjs.Category(cat)}))
	return v.(slog.Handler)
}
