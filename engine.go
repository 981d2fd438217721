package loggerjs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// engine is one handler tree: the configuration its handlers read, its
// counters and its meta logger. The registry is one engine; each
// NewHandler makes another.
type engine struct {
	snap   atomic.Pointer[snapshot]
	closed atomic.Pointer[snapshot] // the one Shutdown retired: routes records logged after it
	// seq is written by every record: it sits on cache lines of its own,
	// so that the snapshot every record reads is not evicted from the
	// other cores' caches by each write.
	_        [cacheLine]byte
	seq      atomic.Uint64
	_        [cacheLine]byte
	counters counterSet

	mu    sync.Mutex // serialises configure, flush and shutdown
	sinks map[Sink]*sinkCounters

	// statsMu guards the counters that outlive configurations.
	statsMu  sync.Mutex
	filtered map[string]*atomic.Uint64 // by middleware name
	retired  map[string]SinkStats      // sinks no configuration names any more, by name

	cfg     Config           // the configuration in force, for runtime level changes
	env     []levelDirective // EnvLevel as read by the last configure
	runtime []levelDirective // levels set at run time, in the order set

	seen sync.Map // categoryKey -> []string: the categories logged to, for Levels

	limiter      metaLimiter
	afterLimiter metaLimiter // records logged after shutdown
	now          func() time.Time
	fallbackMu   sync.Mutex
	fallbackOut  io.Writer // nil: os.Stderr
	getenv       func(string) string
}

// cacheLine is the span that keeps two fields off each other's cache
// lines, on CPUs that fetch lines in pairs too.
const cacheLine = 128

func newEngine() *engine {
	return &engine{sinks: map[Sink]*sinkCounters{}, now: time.Now, getenv: os.Getenv}
}

// sinkCounters returns the counters of a sink value, making them on first
// use. e.mu is held.
func (e *engine) sinkCounters(s Sink) *sinkCounters {
	c := e.sinks[s]
	if c == nil {
		c = &sinkCounters{}
		e.sinks[s] = c
	}
	return c
}

// closeTimeout bounds how long Configure waits for the sinks it retires.
const closeTimeout = 10 * time.Second

// configure validates cfg, swaps it in, replays buffered records into it
// and retires the sinks it no longer names.
func (e *engine) configure(cfg Config) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var env []levelDirective
	var envErr error
	if spec := e.getenv(EnvLevel); spec != "" {
		env, envErr = parseLevelSpec(spec)
	}
	snap, err := e.compile(cfg, env)
	if err != nil {
		return err
	}
	e.cfg, e.env = cfg, env
	for _, entry := range snap.sinks {
		if mr, ok := entry.sink.(MetaReporting); ok {
			mr.SetMetaReporter(entry.name, sinkReporter{e: e, entry: entry})
		}
	}
	old := e.snap.Swap(snap)
	e.closed.Store(nil)
	if envErr != nil {
		e.report(nil, slog.LevelWarn, "malformed "+EnvLevel+" directives ignored", slog.Any("error", envErr))
	}
	for _, p := range snap.pinned {
		attrs := []slog.Attr{
			slog.String("category", categoryLabel(p.category)),
			slog.String("directive", directiveText(p.category, p.env)),
			slog.String("overridden", fmt.Sprintf("%v (%T)", p.configured.Level(), p.configured)),
		}
		if _, static := p.configured.(slog.Level); !static {
			attrs = append(attrs, slog.String("note", "changes to this Leveler have no effect while "+EnvLevel+" names the category"))
		}
		e.report(nil, slog.LevelWarn, EnvLevel+" overrides the level configured for a category", attrs...)
	}
	if old == nil {
		return nil
	}
	if old.early != nil {
		if snap.early != nil {
			// Still buffering: carry the records over.
			recs, dropped := old.early.drain()
			for _, r := range recs {
				if snap.early.push(r) {
					e.count(counterEarlyOverflow)
				}
			}
			snap.early.addDropped(dropped)
		} else {
			e.replay(snap, old.early)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	keep := snap.closers()
	for _, c := range old.closers() {
		if !slices.Contains(keep, c) {
			e.closeMiddleware(ctx, c)
		}
	}
	for _, entry := range old.sinks {
		if !snap.holds(entry.configured) {
			if err := callSink(func() error { return entry.sink.Close(ctx) }); err != nil {
				e.report(nil, slog.LevelWarn, "closing a retired sink failed", slog.String("sink", entry.name), slog.Any("error", err))
			}
			e.retire(entry)
		}
	}
	return nil
}

func (s *snapshot) holds(sink Sink) bool {
	for _, e := range s.sinks {
		if e.configured == sink {
			return true
		}
	}
	return false
}

// replay sends the records of a buffering configuration into snap.
func (e *engine) replay(snap *snapshot, ring *earlyRing) {
	recs, dropped := ring.drain()
	if dropped > 0 {
		e.report(nil, slog.LevelWarn, "records logged before Configure were dropped: EarlyBuffer was full",
			slog.Uint64("dropped", dropped), slog.Int("kept", len(recs)))
	}
	ctx := context.Background()
	for _, r := range recs {
		rt := snap.routeFor(r.Category, categoryKey(r.Category))
		if r.Level >= rt.minLevel() {
			e.dispatch(ctx, rt, r, nil)
		}
	}
}

// dispatch runs a record through a route: middleware, then each sink whose
// gate it passes. Every failure is recovered, counted and reported; none
// reaches the caller.
func (e *engine) dispatch(ctx context.Context, rt *route, r *Record, exclude *sinkEntry) {
	if rt.early != nil {
		if rt.early.push(r.Clone()) {
			e.count(counterEarlyOverflow)
		}
		return
	}
	for _, st := range rt.mw {
		if !e.process(ctx, st, r, nil) {
			return
		}
	}
	if rt.redactor != nil && !e.redact(rt.redactor, r) {
		return
	}
	r.textRd, r.textRdSet = rt.redactor, true
	var enc *encodings
	if rt.shares {
		enc = &encodings{} // stays on the stack
		defer enc.free()
	}
	for i := range rt.targets {
		t := &rt.targets[i]
		if t.entry == exclude || r.Level < t.gate() {
			continue
		}
		if t.encw != nil {
			e.writeEncoded(ctx, t, r, enc)
			continue
		}
		if t.entry.mw == nil {
			e.write(ctx, t.entry, r)
			continue
		}
		v := r.view()
		keep := true
		for _, st := range t.entry.mw {
			if !e.process(ctx, st, v, t.entry) {
				keep = false
				break
			}
		}
		if keep && rt.redactor != nil && v.changedFrom(r) {
			// Redaction is the last step before a sink: what per-sink
			// middleware added is redacted too.
			keep = e.redact(rt.redactor, v)
		}
		if keep {
			e.write(ctx, t.entry, v)
		}
		if r.lazy != nil && v.lazyRan {
			r.msg, r.lazy, r.lazyRan = v.lazyMsg, nil, true
			r.lazyMsg = v.lazyMsg
		}
		v.free()
	}
}

// provide adds the attrs of the context providers to r's root attrs,
// recovering a panicking provider.
func (e *engine) provide(ctx context.Context, ps []func(context.Context) []slog.Attr, r *Record) {
	for _, p := range ps {
		func() {
			defer func() {
				if v := recover(); v != nil {
					e.count(counterMiddlewarePanic)
					e.report(nil, slog.LevelError, "context provider panicked; the record went on without its attrs",
						slog.String("panic", panicText(v)))
				}
			}()
			r.root = append(r.root, p(ctx)...)
		}()
	}
}

// process runs one middleware, recovering a panic, and counts the record
// as filtered when the middleware drops it.
func (e *engine) process(ctx context.Context, st stage, r *Record, sink *sinkEntry) (keep bool) {
	m := st.m
	defer func() {
		if p := recover(); p != nil {
			if failsClosed(m) {
				keep = false
				e.count(counterRedactorPanic)
				if r.Source != metaSource {
					e.report(nil, slog.LevelError, "redactor panicked; the record was dropped",
						slog.String("middleware", middlewareName(m)), slog.String("panic", panicText(p)))
				}
				return
			}
			keep = true
			e.count(counterMiddlewarePanic)
			if r.Source != metaSource {
				attrs := []slog.Attr{slog.String("middleware", fmt.Sprintf("%T", m)), slog.String("panic", panicText(p)), slog.String(CategoryKey+"_of_record", r.catName)}
				if sink != nil {
					attrs = append(attrs, slog.String("sink", sink.name))
				}
				e.report(nil, slog.LevelError, "middleware panicked; the record went on without it", attrs...)
			}
		}
	}()
	if m.Process(ctx, r) {
		return true
	}
	st.filtered.Add(1)
	return false
}

// stages pairs each middleware with the counter of its name, made on
// first use; the counters outlive configurations. e.mu is held.
func (e *engine) stages(mw []Middleware) []stage {
	if len(mw) == 0 {
		return nil
	}
	out := make([]stage, len(mw))
	e.statsMu.Lock()
	defer e.statsMu.Unlock()
	if e.filtered == nil {
		e.filtered = map[string]*atomic.Uint64{}
	}
	for i, m := range mw {
		name := middlewareName(m)
		c := e.filtered[name]
		if c == nil {
			c = new(atomic.Uint64)
			e.filtered[name] = c
		}
		out[i] = stage{m: m, filtered: c}
	}
	return out
}

// write hands a record to one sink, recovering a panic.
func (e *engine) write(ctx context.Context, s *sinkEntry, r *Record) {
	defer e.recoverSink(s, r)
	if err := s.sink.Write(ctx, r); err != nil {
		e.sinkError(s, r, err)
	}
}

// writeEncoded hands a sink the bytes its codec makes of r, encoding them
// only if no earlier sink of this dispatch shared the codec.
func (e *engine) writeEncoded(ctx context.Context, t *target, r *Record, enc *encodings) {
	defer e.recoverSink(t.entry, r)
	if err := t.encw.WriteEncoded(ctx, enc.get(t.codec, r)); err != nil {
		e.sinkError(t.entry, r, err)
	}
}

// encodings keeps the encodings of one record made during one dispatch.
type encodings struct {
	n     int
	codec [4]Codec
	buf   [4]*[]byte
}

var encodingPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 1024)
	return &b
}}

// get returns c's encoding of r, making it on first use. Beyond four
// codecs it encodes again each time, into a buffer left to the garbage
// collector.
func (enc *encodings) get(c Codec, r *Record) []byte {
	for i := range enc.n {
		if enc.codec[i] == c {
			return *enc.buf[i]
		}
	}
	bp := encodingPool.Get().(*[]byte)
	*bp = c.Append((*bp)[:0], r)
	if enc.n < len(enc.codec) {
		enc.codec[enc.n], enc.buf[enc.n] = c, bp
		enc.n++
		return *bp
	}
	return *bp
}

func (enc *encodings) free() {
	for i := range enc.n {
		if cap(*enc.buf[i]) <= 64<<10 {
			encodingPool.Put(enc.buf[i])
		}
	}
}

// recoverSink, deferred around a sink call, counts and reports a panic.
func (e *engine) recoverSink(s *sinkEntry, r *Record) {
	p := recover()
	if p == nil {
		return
	}
	if r.Source == metaSource {
		e.count(counterMetaLost)
		return
	}
	e.count(counterSinkPanic)
	s.stats.panics.Add(1)
	e.report(s, slog.LevelError, "sink panicked; the record was lost to it",
		append([]slog.Attr{slog.String("sink", s.name), slog.String("panic", panicText(p))}, failedRecordAttrs(r)...)...)
}

// failedRecordAttrs identify a record a sink failed to take: its level,
// category and message, as redacted for the sink.
func failedRecordAttrs(r *Record) []slog.Attr {
	return []slog.Attr{
		slog.String("record_level", LevelName(r.Level)),
		slog.String("record_category", r.catName),
		slog.String("record_message", r.RedactText(r.Message())),
	}
}

func (e *engine) sinkError(s *sinkEntry, r *Record, err error) {
	msg := "sink write failed; the record was lost to it"
	if r.Source == metaSource {
		// A meta record about a loss that is counted already.
		e.count(counterMetaLost)
		return
	}
	if errors.Is(err, ErrClosed) {
		e.count(counterWriteAfterClose)
		s.stats.afterClose.Add(1)
		msg = "write to a closed sink; the record was lost to it"
	} else {
		e.count(counterSinkError)
		s.stats.errors.Add(1)
	}
	e.report(s, slog.LevelError, msg, append([]slog.Attr{slog.String("sink", s.name), slog.Any("error", err)}, failedRecordAttrs(r)...)...)
}

// flush flushes every sink of the current configuration. It returns an
// error when a sink's Flush failed or records were lost while it ran.
func (e *engine) flush(ctx context.Context) error {
	snap := e.snap.Load()
	if snap == nil {
		return nil
	}
	before := e.stats().Lost()
	var errs []error
	for _, s := range snap.sinks {
		if err := callSink(func() error { return s.sink.Flush(ctx) }); err != nil {
			errs = append(errs, fmt.Errorf("loggerjs: flush sink %q: %w", s.name, err))
		}
	}
	if lost := e.stats().Lost() - before; lost > 0 {
		errs = append(errs, fmt.Errorf("loggerjs: %d records lost while Flush ran (see Stats)", lost))
	}
	return errors.Join(errs...)
}

// shutdown flushes and closes every sink and leaves the engine
// unconfigured: records logged afterwards go to the fallback, counted.
// It returns an error when a sink's Close failed or records were lost
// while it ran.
func (e *engine) shutdown(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	snap := e.snap.Load()
	if snap == nil {
		return nil
	}
	var errs []error
	before := e.stats().Lost()
	// Middleware first, while the configuration still routes what it
	// emits when it closes (summaries, held records).
	for _, c := range snap.closers() {
		if err := e.closeMiddleware(ctx, c); err != nil {
			errs = append(errs, err)
		}
	}
	snap = e.snap.Swap(nil)
	e.closed.Store(snap)
	if snap.early != nil {
		recs, _ := snap.early.drain()
		if len(recs) > 0 {
			e.counters[counterEarlyDiscarded].Add(uint64(len(recs)))
			processCounters[counterEarlyDiscarded].Add(uint64(len(recs)))
			errs = append(errs, fmt.Errorf("loggerjs: shutdown discarded %d records buffered before Configure", len(recs)))
		}
	}
	for _, s := range snap.sinks {
		if err := callSink(func() error { return s.sink.Close(ctx) }); err != nil {
			errs = append(errs, fmt.Errorf("loggerjs: close sink %q: %w", s.name, err))
		}
		e.retire(s)
	}
	if lost := e.stats().Lost() - before; lost > 0 {
		errs = append(errs, fmt.Errorf("loggerjs: %d records lost while Shutdown ran (see Stats)", lost))
	}
	return errors.Join(errs...)
}

// afterShutdown handles a record logged after shutdown: when the
// configuration shutdown retired would have routed it, it is counted and
// written to the fallback writer, redacted and rate-limited.
func (e *engine) afterShutdown(h *Handler, sr slog.Record) {
	closed := e.closed.Load()
	if closed == nil {
		return
	}
	rt := closed.routeFor(h.category, h.catKey)
	if sr.Level < rt.minLevel() || rt.early != nil {
		return
	}
	e.count(counterAfterShutdown)
	ok, suppressed := e.afterLimiter.allow(e.now())
	if !ok {
		return
	}
	r := getRecord()
	defer r.free()
	r.Time, r.Level, r.PC, r.msg = sr.Time, sr.Level, sr.PC, sr.Message
	r.Category, r.catName, r.eng = h.category, h.catName, e
	r.Scope = h.scope
	sr.Attrs(func(a slog.Attr) bool {
		if _, isCat := asCategory(a); isCat {
			return true
		}
		if f, isLazy := asLazyMessage(a); isLazy {
			if r.msg == "" {
				r.lazy = f
			}
			return true
		}
		r.attrs = append(r.attrs, a)
		return true
	})
	r.Err = firstError(r.attrs)
	r.attrs = append(r.attrs, slog.Bool("after_shutdown", true))
	if suppressed > 0 {
		r.attrs = append(r.attrs, slog.Uint64("suppressed", suppressed))
	}
	if closed.redactor != nil && !e.redact(closed.redactor, r) {
		return
	}
	e.fallback(r)
}

// MiddlewareCloser is implemented by middleware that holds resources:
// buffers, timers, pending summaries. When a Configure swap drops the
// middleware, and at Shutdown, the handler calls Close, within the
// deadline, before it closes the sinks; Close emits or counts what the
// middleware still holds. A middleware value kept by the new
// configuration is not closed.
type MiddlewareCloser interface {
	Close(ctx context.Context) error
}

// closers returns the middleware of s that implement MiddlewareCloser,
// each once.
func (s *snapshot) closers() []MiddlewareCloser {
	var out []MiddlewareCloser
	add := func(sts []stage) {
		for _, st := range sts {
			m := st.m
			if n, ok := m.(*namedMiddleware); ok {
				m = n.Middleware
			}
			c, ok := m.(MiddlewareCloser)
			if !ok || !reflect.TypeOf(c).Comparable() || slices.Contains(out, c) {
				continue
			}
			out = append(out, c)
		}
	}
	add(s.global)
	var walk func(n *node)
	walk = func(n *node) {
		add(n.mw)
		for _, name := range slices.Sorted(maps.Keys(n.children)) {
			walk(n.children[name])
		}
	}
	walk(s.root)
	for _, e := range s.sinks {
		add(e.mw)
	}
	return out
}

// closeMiddleware closes one middleware, reporting a failure.
func (e *engine) closeMiddleware(ctx context.Context, c MiddlewareCloser) error {
	err := callSink(func() error { return c.Close(ctx) })
	if err != nil {
		err = fmt.Errorf("loggerjs: close middleware %s: %w", middlewareName(c.(Middleware)), err)
		e.report(nil, slog.LevelWarn, "closing middleware failed", slog.String("middleware", middlewareName(c.(Middleware))), slog.Any("error", err))
	}
	return err
}

// callSink calls f, turning a panic into an error.
func callSink(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %s", panicText(p))
		}
	}()
	return f()
}

func (b *earlyRing) addDropped(n uint64) {
	b.mu.Lock()
	b.dropped += n
	b.mu.Unlock()
}

// redact applies the redactor. A redactor that panics fails closed: the
// record is dropped, counted and reported, so no secret can slip through
// half-redacted.
func (e *engine) redact(rd Redactor, r *Record) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			ok = false
			e.count(counterRedactorPanic)
			if r.Source != metaSource {
				e.report(nil, slog.LevelError, "redactor panicked; the record was dropped",
					slog.String("redactor", fmt.Sprintf("%T", rd)), slog.String("panic", panicText(p)))
			}
		}
	}()
	redactRecord(rd, r)
	return true
}
