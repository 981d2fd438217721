package loggerjs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// engine is one handler tree: the configuration its handlers read, its
// counters and its meta logger. The registry is one engine; each
// NewHandler makes another.
type engine struct {
	snap   atomic.Pointer[snapshot]
	closed atomic.Pointer[snapshot] // the one Shutdown retired, for Stats
	// seq is written by every record: it sits on cache lines of its own,
	// so that the snapshot every record reads is not evicted from the
	// other cores' caches by each write.
	_        [cacheLine]byte
	seq      atomic.Uint64
	_        [cacheLine]byte
	counters counterSet

	mu    sync.Mutex // serialises configure, flush and shutdown
	sinks map[Sink]*sinkCounters

	limiter     metaLimiter
	now         func() time.Time
	fallbackMu  sync.Mutex
	fallbackOut io.Writer // nil: os.Stderr
	getenv      func(string) string
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
	for _, entry := range old.sinks {
		if !snap.holds(entry.configured) {
			if err := entry.sink.Close(ctx); err != nil {
				e.report(nil, slog.LevelWarn, "closing a retired sink failed", slog.String("sink", entry.name), slog.Any("error", err))
			}
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
	for _, m := range rt.mw {
		if !e.process(ctx, m, r, nil) {
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
		for _, m := range t.entry.mw {
			if !e.process(ctx, m, v, t.entry) {
				keep = false
				break
			}
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

// process runs one middleware, recovering a panic.
func (e *engine) process(ctx context.Context, m Middleware, r *Record, sink *sinkEntry) (keep bool) {
	defer func() {
		if p := recover(); p != nil {
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
	return m.Process(ctx, r)
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
	e.count(counterSinkPanic)
	s.stats.panics.Add(1)
	if r.Source != metaSource {
		e.report(s, slog.LevelError, "sink panicked; the record was lost to it",
			slog.String("sink", s.name), slog.String("panic", panicText(p)))
	}
}

func (e *engine) sinkError(s *sinkEntry, r *Record, err error) {
	msg := "sink write failed; the record was lost to it"
	if errors.Is(err, ErrClosed) {
		e.count(counterWriteAfterClose)
		s.stats.afterClose.Add(1)
		msg = "write to a closed sink; the record was lost to it"
	} else {
		e.count(counterSinkError)
		s.stats.errors.Add(1)
	}
	if r.Source != metaSource {
		e.report(s, slog.LevelWarn, msg, slog.String("sink", s.name), slog.Any("error", err))
	}
}

// flush flushes every sink of the current configuration.
func (e *engine) flush(ctx context.Context) error {
	snap := e.snap.Load()
	if snap == nil {
		return nil
	}
	var errs []error
	for _, s := range snap.sinks {
		if err := callSink(func() error { return s.sink.Flush(ctx) }); err != nil {
			errs = append(errs, fmt.Errorf("loggerjs: flush sink %q: %w", s.name, err))
		}
	}
	return errors.Join(errs...)
}

// shutdown flushes and closes every sink and leaves the engine
// unconfigured: its loggers log nothing until the next configure.
func (e *engine) shutdown(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	snap := e.snap.Swap(nil)
	if snap == nil {
		return nil
	}
	e.closed.Store(snap)
	var errs []error
	if snap.early != nil {
		recs, _ := snap.early.drain()
		if len(recs) > 0 {
			errs = append(errs, fmt.Errorf("loggerjs: shutdown discarded %d records buffered before Configure", len(recs)))
		}
	}
	for _, s := range snap.sinks {
		if err := callSink(func() error { return s.sink.Close(ctx) }); err != nil {
			errs = append(errs, fmt.Errorf("loggerjs: close sink %q: %w", s.name, err))
		}
	}
	return errors.Join(errs...)
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

// statsSnapshot is the configuration whose sinks Stats reports: the
// current one, or the one Shutdown retired, so that final counts stay
// readable after Close.
func (e *engine) statsSnapshot() *snapshot {
	if s := e.snap.Load(); s != nil {
		return s
	}
	return e.closed.Load()
}
