package middleware

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/loggerjs/loggerjs"
)

// FingersCrossedOptions configure FingersCrossed. A nil
// *FingersCrossedOptions means the defaults.
type FingersCrossedOptions struct {
	// Trigger is the level that releases the buffer; nil means
	// slog.LevelError.
	Trigger slog.Leveler
	// Capacity bounds each buffer; the oldest record is discarded (and
	// counted) to make room. Zero means 100.
	Capacity int
	// MaxCategories bounds the number of category buffers, for records
	// logged outside a request scope; the least recently used buffer is
	// discarded past it. Zero means 1000.
	MaxCategories int
}

// FingersCrossedSink holds back the records below a trigger level and
// writes them to its sink only when a record at the trigger level comes:
// then it writes the held records, oldest first, and the trigger.
//
// Records logged with a context from Begin are held per request scope:
// a trigger releases its own request's records, no other, and from then
// on the scope's records go straight through until it ends. Other records
// are held per category, and a category goes back to holding after each
// release. Each buffer is a ring of Capacity records.
//
// It is a sink rather than a Middleware because releasing a record needs
// a destination: put it around the sink that should see the detail,
//
//	sink := middleware.FingersCrossed(sinks.Stdout(codecs.JSON(nil)), nil)
//
// It is safe for concurrent use. SinkStats reports what it holds and what
// it discarded.
type FingersCrossedSink struct {
	sink     loggerjs.Sink
	trigger  slog.Leveler
	capacity int

	mu     sync.Mutex
	cats   *lru[string, *fcBuffer]
	closed atomic.Bool

	held      atomic.Int64
	released  atomic.Uint64
	discarded atomic.Uint64
	passed    atomic.Uint64
}

var (
	_ loggerjs.Sink          = (*FingersCrossedSink)(nil)
	_ loggerjs.StatsReporter = (*FingersCrossedSink)(nil)
	_ loggerjs.MetaReporting = (*FingersCrossedSink)(nil)
)

// fcBuffer is one ring of held records.
type fcBuffer struct {
	mu        sync.Mutex
	recs      []*loggerjs.Record // ring; nil slots are empty
	head, n   int
	triggered bool // a request scope after its trigger: pass through
	ended     bool // a request scope after its end
}

var errNilSink = errors.New("middleware: FingersCrossed around a nil sink")

// FingersCrossed returns a sink that holds records back from sink until
// one at the trigger level arrives. Over a nil sink, every Write fails.
func FingersCrossed(sink loggerjs.Sink, opts *FingersCrossedOptions) *FingersCrossedSink {
	f := &FingersCrossedSink{sink: sink, trigger: slog.LevelError, capacity: 100}
	maxCats := 1000
	if opts != nil {
		if opts.Trigger != nil {
			f.trigger = opts.Trigger
		}
		if opts.Capacity > 0 {
			f.capacity = opts.Capacity
		}
		if opts.MaxCategories > 0 {
			maxCats = opts.MaxCategories
		}
	}
	f.cats = newLRU[string, *fcBuffer](maxCats)
	return f
}

// fcScopeKey keys a request scope in a context; the pointer to the sink
// keeps scopes of different sinks apart.
type fcScopeKey struct{ f *FingersCrossedSink }

// Begin starts a request scope: records written with the returned
// context (or one derived from it) are held in the scope's own buffer.
// end discards what the scope still holds; after it, the context's
// records are treated as outside any scope. Nothing of the scope is kept
// by the sink after end.
func (f *FingersCrossedSink) Begin(ctx context.Context) (scoped context.Context, end func()) {
	b := &fcBuffer{}
	return context.WithValue(ctx, fcScopeKey{f}, b), func() { f.discardBuffer(b, true) }
}

func (f *FingersCrossedSink) scope(ctx context.Context) *fcBuffer {
	if ctx == nil {
		return nil
	}
	b, _ := ctx.Value(fcScopeKey{f}).(*fcBuffer)
	return b
}

// Write holds r, or releases the buffer it belongs to when r is at the
// trigger level.
func (f *FingersCrossedSink) Write(ctx context.Context, r *loggerjs.Record) error {
	if f.sink == nil {
		return errNilSink
	}
	if f.closed.Load() {
		return loggerjs.ErrClosed
	}
	b := f.scope(ctx)
	scoped := b != nil
	if scoped {
		b.mu.Lock()
		if b.ended {
			b.mu.Unlock()
			b, scoped = nil, false
		} else {
			defer b.mu.Unlock()
			if b.triggered {
				f.passed.Add(1)
				return f.sink.Write(ctx, r)
			}
		}
	}
	if !scoped {
		for {
			b = f.category(r.CategoryName())
			b.mu.Lock()
			if !b.ended {
				break
			}
			b.mu.Unlock() // evicted meanwhile: fetch the new one
		}
		defer b.mu.Unlock()
	}
	if r.Level < f.trigger.Level() {
		f.hold(b, r)
		return nil
	}
	err := f.release(ctx, b)
	if scoped {
		b.triggered = true
	}
	f.passed.Add(1)
	return errors.Join(err, f.sink.Write(ctx, r))
}

// category returns the buffer of a category, making it if need be; a
// buffer evicted to make room is discarded.
func (f *FingersCrossedSink) category(name string) *fcBuffer {
	f.mu.Lock()
	if e, ok := f.cats.get(name); ok {
		f.mu.Unlock()
		return e.val
	}
	e, ev := f.cats.add(name, &fcBuffer{})
	f.mu.Unlock()
	if ev != nil {
		f.discardBuffer(ev.val, true)
	}
	return e.val
}

// hold puts a clone of r in b, discarding the oldest when b is full.
// b.mu is held.
func (f *FingersCrossedSink) hold(b *fcBuffer, r *loggerjs.Record) {
	if b.recs == nil {
		b.recs = make([]*loggerjs.Record, f.capacity)
	}
	c := r.Clone()
	if b.n == len(b.recs) {
		b.recs[b.head] = c
		b.head = (b.head + 1) % len(b.recs)
		f.discarded.Add(1)
		return
	}
	b.recs[(b.head+b.n)%len(b.recs)] = c
	b.n++
	f.held.Add(1)
}

// release writes what b holds, oldest first, and empties it. b.mu is
// held.
func (f *FingersCrossedSink) release(ctx context.Context, b *fcBuffer) error {
	var errs []error
	for i := range b.n {
		j := (b.head + i) % len(b.recs)
		if err := f.sink.Write(ctx, b.recs[j]); err != nil {
			errs = append(errs, err)
		}
		b.recs[j] = nil
	}
	f.released.Add(uint64(b.n))
	f.held.Add(-int64(b.n))
	b.head, b.n = 0, 0
	return errors.Join(errs...)
}

// discardBuffer drops what b holds; end marks a request scope as ended.
func (f *FingersCrossedSink) discardBuffer(b *fcBuffer, end bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f.discarded.Add(uint64(b.n))
	f.held.Add(-int64(b.n))
	b.recs, b.head, b.n = nil, 0, 0
	if end {
		b.ended = true
	}
}

// FlushScope releases the records that ctx's request scope holds now, as
// a trigger would, without switching the scope to pass-through.
func (f *FingersCrossedSink) FlushScope(ctx context.Context) error {
	b := f.scope(ctx)
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return f.release(ctx, b)
}

// DiscardScope drops the records that ctx's request scope holds now; the
// scope goes on holding later ones.
func (f *FingersCrossedSink) DiscardScope(ctx context.Context) {
	if b := f.scope(ctx); b != nil {
		f.discardBuffer(b, false)
	}
}

// Held returns the number of records held now, over all buffers.
func (f *FingersCrossedSink) Held() int64 { return f.held.Load() }

// Flush flushes the wrapped sink. Held records stay held: they are
// released by a trigger, or by FlushScope.
func (f *FingersCrossedSink) Flush(ctx context.Context) error {
	if f.sink == nil {
		return errNilSink
	}
	return f.sink.Flush(ctx)
}

// Close discards the category buffers (request scopes discard theirs at
// their end) and closes the wrapped sink; later writes return
// loggerjs.ErrClosed.
func (f *FingersCrossedSink) Close(ctx context.Context) error {
	f.closed.Store(true)
	f.mu.Lock()
	var bufs []*fcBuffer
	f.cats.each(func(e *lruEntry[string, *fcBuffer]) { bufs = append(bufs, e.val) })
	f.cats = newLRU[string, *fcBuffer](f.cats.max)
	f.mu.Unlock()
	for _, b := range bufs {
		f.discardBuffer(b, true)
	}
	if f.sink == nil {
		return errNilSink
	}
	return f.sink.Close(ctx)
}

// SinkStats reports "held" (a gauge), "released", "passed" and
// "filtered_discarded" (records held and never written: pushed out of a
// full buffer, or still held when their scope ended or the sink closed),
// with the wrapped sink's own stats. Discarding is what fingers-crossed
// is for, so loggerjs.MetaStats counts those records in FilteredTotal,
// not in Lost.
func (f *FingersCrossedSink) SinkStats() map[string]int64 {
	m := map[string]int64{
		"held":               f.held.Load(),
		"released":           int64(f.released.Load()),
		"passed":             int64(f.passed.Load()),
		"filtered_discarded": int64(f.discarded.Load()),
	}
	if sr, ok := f.sink.(loggerjs.StatsReporter); ok {
		for k, v := range sr.SinkStats() {
			m[k] = v
		}
	}
	return m
}

// SetMetaReporter passes the reporter on to the wrapped sink.
func (f *FingersCrossedSink) SetMetaReporter(name string, m loggerjs.MetaReporter) {
	if mr, ok := f.sink.(loggerjs.MetaReporting); ok {
		mr.SetMetaReporter(name, m)
	}
}
