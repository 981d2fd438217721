package zapbridge

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loggerjs/loggerjs"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Source is the loggerjs.Record.Source of every record the bridge hands
// in, for loggerjs.ExcludeSources and loop detection.
const Source = "integration:zap"

// DefaultFlushTimeout bounds Sync, and the flush after a record at
// DPanic or above, when Options.FlushTimeout is zero.
const DefaultFlushTimeout = 5 * time.Second

// Options configure a Core. A nil *Options means the defaults.
type Options struct {
	// FlushTimeout bounds how long Sync, and the flush that follows a
	// record at DPanic, Panic or Fatal, wait for the sinks. Zero means
	// DefaultFlushTimeout.
	FlushTimeout time.Duration
}

// Core is a zapcore.Core that hands every zap entry to a slog.Handler,
// normally a loggerjs handler, as a record of Source. Fields become attrs
// directly, with no JSON round trip; the names given to Logger.Named
// extend the handler's category; fields bound with With become the
// handler's bound scope, encoded once by each codec. Any of its methods
// may be called concurrently.
//
// Enabled and Check follow the loggerjs levels of the category each zap
// entry names, so a disabled zap call costs what a disabled slog call
// costs and never reaches zap's clock.
type Core struct {
	base  slog.Handler      // the handler of this With scope, and of name when name != ""
	own   *loggerjs.Handler // base, when it is a loggerjs handler
	name  string            // the zap logger name this core serves; "" for the scope's own core
	scope *Core             // the core of this With scope that has no name
	named *sync.Map         // zap logger name -> *Core, shared by the cores of one With scope
	last  atomic.Pointer[Core]
	sh    *shared
}

var _ zapcore.Core = (*Core)(nil)

// shared is what every core derived from one NewCore has in common.
type shared struct {
	root    slog.Handler // the handler NewCore was given
	rootCat []string     // its category, when it is a loggerjs handler
	timeout time.Duration
	drops   atomic.Uint64

	mu     sync.Mutex
	known  map[string]bool                // categories below root with a probe
	probes atomic.Pointer[[]slog.Handler] // handlers of categories below root, for Enabled
}

// NewCore returns a Core over h. A nil h means the handler of
// loggerjs.GetLogger(), the process-wide registry's root.
func NewCore(h slog.Handler, opts *Options) *Core {
	if h == nil {
		h = loggerjs.GetLogger().Handler()
	}
	sh := &shared{root: h, timeout: DefaultFlushTimeout, known: map[string]bool{}}
	if opts != nil && opts.FlushTimeout > 0 {
		sh.timeout = opts.FlushTimeout
	}
	empty := []slog.Handler{}
	sh.probes.Store(&empty)
	c := newScope(h, sh)
	if c.own != nil {
		sh.rootCat = c.own.Category()
		sh.mu.Lock()
		sh.addConfigured(c.own)
		sh.mu.Unlock()
	}
	return c
}

// New returns a *zap.Logger over NewCore(l's handler, nil) that records
// its callers (zap.AddCaller), with opts applied after. A nil l means
// loggerjs.GetLogger(). Install it for code that uses zap's globals with
// zap.ReplaceGlobals.
func New(l *slog.Logger, opts ...zap.Option) *zap.Logger {
	var h slog.Handler
	if l != nil {
		h = l.Handler()
	}
	return zap.New(NewCore(h, nil), append([]zap.Option{zap.AddCaller()}, opts...)...)
}

func newScope(h slog.Handler, sh *shared) *Core {
	c := &Core{base: h, named: new(sync.Map), sh: sh}
	c.own, _ = h.(*loggerjs.Handler)
	c.scope = c
	return c
}

// Drops returns the number of zap entries that the bridge dropped
// because a sink logged through zap from inside the bridge, on the same
// goroutine: the loop is cut there. They are also counted in the
// handler tree's MetaStats.BridgeDrops.
func (c *Core) Drops() uint64 { return c.sh.drops.Load() }

// Level converts a zap level to a slog level: Debug, Info, Warn and Error
// to their slog namesakes, DPanic to ERROR+1, Panic to ERROR+2 and Fatal
// to loggerjs.LevelFatal. Levels below Debug step down by four per zap
// level (zapcore.Level(-2) is loggerjs.LevelTrace); levels above Fatal
// count up from FATAL.
func Level(l zapcore.Level) slog.Level {
	switch {
	case l <= zapcore.DebugLevel:
		return slog.LevelDebug + 4*slog.Level(l-zapcore.DebugLevel)
	case l == zapcore.InfoLevel:
		return slog.LevelInfo
	case l == zapcore.WarnLevel:
		return slog.LevelWarn
	case l == zapcore.ErrorLevel:
		return slog.LevelError
	case l == zapcore.DPanicLevel:
		return slog.LevelError + 1
	case l == zapcore.PanicLevel:
		return slog.LevelError + 2
	default:
		return loggerjs.LevelFatal + slog.Level(l-zapcore.FatalLevel)
	}
}

// Enabled reports whether a zap entry at lvl could reach a sink from the
// core's category or from a category below it that a zap logger name
// may name: the core's own, the names the core has logged under, and
// those the loggerjs configuration named when NewCore ran or when the
// core last met a new name.
func (c *Core) Enabled(lvl zapcore.Level) bool {
	l := Level(lvl)
	ctx := context.Background()
	if c.base.Enabled(ctx, l) {
		return true
	}
	for _, p := range *c.sh.probes.Load() {
		if p.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

// With returns a core whose records carry fields, bound once: a
// zap.Namespace among them opens a group that holds the later fields,
// bound and logged.
func (c *Core) With(fields []zapcore.Field) zapcore.Core {
	if len(fields) == 0 {
		return c
	}
	h := c.scope.base
	var attrs []slog.Attr
	for _, f := range fields {
		if f.Type == zapcore.NamespaceType {
			if len(attrs) > 0 {
				h = h.WithAttrs(attrs)
				attrs = nil
			}
			h = h.WithGroup(f.Key)
			continue
		}
		attrs = appendField(attrs, &f, 0)
	}
	if len(attrs) > 0 {
		h = h.WithAttrs(attrs)
	}
	return newScope(h, c.sh)
}

// Check adds the core to ce when the loggerjs level of the entry's
// category lets ent through.
func (c *Core) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	nc := c.forName(ent.LoggerName)
	if nc.base.Enabled(context.Background(), Level(ent.Level)) {
		return ce.AddCore(ent, nc)
	}
	return ce
}

// forName returns the core of c's With scope for a zap logger name.
func (c *Core) forName(name string) *Core {
	if name == c.name {
		return c
	}
	s := c.scope
	if name == "" {
		return s
	}
	if l := s.last.Load(); l != nil && l.name == name {
		return l
	}
	if v, ok := s.named.Load(name); ok {
		nc := v.(*Core)
		s.last.Store(nc)
		return nc
	}
	h := s.base.WithAttrs([]slog.Attr{loggerjs.Category(name)})
	nc := &Core{base: h, name: name, scope: s, named: s.named, sh: s.sh}
	nc.own, _ = h.(*loggerjs.Handler)
	v, _ := s.named.LoadOrStore(name, nc)
	nc = v.(*Core)
	s.last.Store(nc)
	c.sh.addProbe(name)
	return nc
}

// addProbe makes Enabled consult the category that the zap logger name
// gives below the root handler, and the categories configured below the
// root since NewCore or the last new name.
func (sh *shared) addProbe(name string) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.known[name] {
		return
	}
	sh.known[name] = true
	h := sh.root.WithAttrs([]slog.Attr{loggerjs.Category(name)})
	ps := append(slices.Clone(*sh.probes.Load()), h)
	sh.probes.Store(&ps)
	if own, ok := sh.root.(*loggerjs.Handler); ok {
		sh.addConfigured(own)
	}
}

// addConfigured adds a probe for each category below h's that the
// loggerjs configuration names and has none yet: the only ones whose
// levels can differ from h's. sh.mu is held.
func (sh *shared) addConfigured(h *loggerjs.Handler) {
	prefix := strings.Join(sh.rootCat, ".")
	var added []slog.Handler
	for _, cl := range h.Levels() {
		if !cl.Configured || cl.Category == prefix {
			continue
		}
		rest, ok := cl.Category, prefix == ""
		if !ok {
			rest, ok = strings.CutPrefix(cl.Category, prefix+".")
		}
		if !ok || sh.known[rest] {
			continue
		}
		sh.known[rest] = true
		added = append(added, sh.root.WithAttrs([]slog.Attr{loggerjs.Category(rest)}))
	}
	if len(added) > 0 {
		ps := append(slices.Clone(*sh.probes.Load()), added...)
		sh.probes.Store(&ps)
	}
}

// Write hands ent and fields to the handler as one record. After an
// entry at DPanic or above it flushes the sinks, so that zap's panic or
// exit, which follows Write, loses nothing.
func (c *Core) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	nc := c.forName(ent.LoggerName)
	d, ok := guard.Begin()
	if !ok {
		c.sh.drops.Add(1)
		if nc.own != nil {
			nc.own.CountBridgeDrop()
		}
		return nil
	}
	deliver(d, nc, ent, fields)
	if ent.Level > zapcore.ErrorLevel {
		return c.Sync()
	}
	return nil
}

// maxInlineAttrs is the number of attrs a record is built from without a
// heap allocation in the bridge.
const maxInlineAttrs = 16

// handle builds the record and hands it in. It is called from deliver
// only, through one call site (see guard).
//
//go:noinline
func handle(c *Core, ent zapcore.Entry, fields []zapcore.Field) {
	guard.Mark()
	var pc uintptr
	if ent.Caller.Defined && ent.Caller.PC != 0 {
		pc = ent.Caller.PC + 1 // a return address, as slog's own PCs are
	}
	r := slog.NewRecord(ent.Time, Level(ent.Level), ent.Message, pc)
	var buf [maxInlineAttrs]slog.Attr
	attrs := appendFields(buf[:0], fields, 0)
	ctx := context.Background()
	if ent.Stack != "" {
		stack := slog.String(loggerjs.StackKey, ent.Stack)
		if c.own != nil {
			ctx = loggerjs.WithContextAttrs(ctx, stack)
		} else {
			r.AddAttrs(stack)
		}
	}
	r.AddAttrs(attrs...)
	if c.own != nil {
		_ = c.own.HandleFrom(ctx, Source, r)
		return
	}
	_ = c.base.Handle(ctx, r)
}

// Sync flushes every sink of the handler tree, within
// Options.FlushTimeout. Over a handler that is not a loggerjs handler it
// does nothing.
func (c *Core) Sync() error {
	h := c.own
	if h == nil {
		h, _ = c.sh.root.(*loggerjs.Handler)
	}
	if h == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.sh.timeout)
	defer cancel()
	return h.Flush(ctx)
}
