package middleware

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loggerjs/loggerjs"
)

// AfterTrigger says what a buffer does once a trigger has released it.
type AfterTrigger uint8

const (
	// PassThrough writes every later record of the released buffer
	// straight through, until the buffer is forgotten (MaxBuffers, TTL)
	// or its scope ends. It is LogTape's behaviour, and the default.
	PassThrough AfterTrigger = iota
	// HoldAgain goes back to holding right after the release, so that
	// the next trigger releases only what came after this one.
	HoldAgain
)

// CategoryIsolation says which records share a buffer, and which buffers
// a trigger releases, by category. Compare LogTape's isolateByCategory.
type CategoryIsolation uint8

const (
	// SharedBuffer holds every record in one buffer (per context, with
	// ContextKeys): any trigger releases it all. It is LogTape's default.
	SharedBuffer CategoryIsolation = iota
	// IsolateCategory holds each category's records in a buffer of its
	// own; a trigger releases its own category's buffer only.
	IsolateCategory
	// IsolateDescendants is IsolateCategory, and a trigger also releases
	// the buffers of the categories below its own: an error in app
	// releases app.db and app.http (LogTape's "descendant").
	IsolateDescendants
	// IsolateAncestors is IsolateCategory, and a trigger also releases
	// the buffers of the categories above its own: an error in app.db
	// releases app (LogTape's "ancestor").
	IsolateAncestors
	// IsolateAncestorsAndDescendants combines the two (LogTape's "both").
	IsolateAncestorsAndDescendants
)

// FingersCrossedOptions configure FingersCrossed. A nil
// *FingersCrossedOptions means the defaults: Trigger Error, no
// BufferLevel, Capacity 1000, PassThrough, SharedBuffer, no ContextKeys,
// MaxBuffers 1000, no TTL. In options given, nil and zero fields mean the
// same defaults, except Capacity, which must be set.
type FingersCrossedOptions struct {
	// Trigger is the level from which a record releases its buffer;
	// nil means slog.LevelError.
	Trigger slog.Leveler
	// BufferLevel, if set, is the highest level held: records above it
	// and below Trigger are written straight through. It must be below
	// Trigger. Nil holds every record below Trigger.
	BufferLevel slog.Leveler
	// Capacity bounds each buffer; the oldest record is discarded (and
	// counted) to make room. It must be at least 1: LogTape's
	// maxBufferSize 0, which holds nothing, is a sink without
	// FingersCrossed.
	Capacity int
	// AfterTrigger says what a buffer does after its release: PassThrough
	// (the zero value) or HoldAgain.
	AfterTrigger AfterTrigger
	// Isolation says which records share a buffer by category, and which
	// buffers a trigger releases. The root category is nobody's ancestor
	// or descendant here, as in LogTape: its buffer is released by its
	// own triggers only.
	Isolation CategoryIsolation
	// Match, if set, holds each category's records in a buffer of its
	// own, and a trigger of category trigger releases its own buffer and
	// each buffer of category held for which Match returns true. Match
	// must not modify its arguments; a panic counts as false. Isolation
	// must be SharedBuffer or IsolateCategory with it.
	Match func(trigger, held []string) bool
	// ContextKeys, if set, name attrs (carried in the context with
	// contextx.With, bound with With, or logged with the record) whose
	// values isolate buffers further: records whose values differ (a
	// missing attr is a value of its own) never share a buffer, and a
	// trigger releases only buffers with its own values. With a request
	// id here, each request is held and released on its own.
	ContextKeys []string
	// MaxBuffers bounds the number of buffers kept by category and
	// context; the least recently used is discarded (its records
	// counted) to make room. Zero means 1000; it may not be negative.
	MaxBuffers int
	// TTL, if positive, discards a buffer that no record has used for
	// longer than TTL, and counts its records; a released PassThrough
	// buffer goes back to holding then. Expiry happens in Write, Flush
	// and SinkStats, with no timer. Zero means no TTL; it may not be
	// negative.
	TTL time.Duration
	// Now is the clock of the TTL; nil means time.Now.
	Now func() time.Time
}

// FingersCrossedSink holds back the records below a trigger level and
// writes them to its sink only when a record at the trigger level comes:
// then it writes the held records, oldest first, and the trigger; this is
// LogTape's fingersCrossed. The options set what is held (BufferLevel),
// what a buffer does after its release (AfterTrigger), and which records
// share a buffer: by category (Isolation, Match), by the values of
// context attrs (ContextKeys), and by request scope (Begin). Buffers are
// rings of Capacity records, at most MaxBuffers of them, discarded after
// TTL idle.
//
// It is a sink rather than a Middleware because releasing a record needs
// a destination: put it around the sink that should see the detail,
//
//	sink, err := middleware.FingersCrossed(sinks.Stdout(codecs.JSON(nil)), nil)
//
// It is safe for concurrent use. SinkStats reports what it holds and what
// it discarded; a record held and never written is counted in
// "filtered_discarded", which loggerjs.MetaStats.FilteredTotal includes.
type FingersCrossedSink struct {
	sink        loggerjs.Sink
	trigger     slog.Leveler
	bufferLevel slog.Leveler
	capacity    int
	holdAgain   bool
	perCategory bool
	isolation   CategoryIsolation
	match       func(trigger, held []string) bool
	ctxKeys     []string
	ttl         time.Duration
	now         func() time.Time

	mu     sync.Mutex
	bufs   *lru[fcKey, *fcBuffer]
	scopes map[*fcBuffer]struct{}
	closed atomic.Bool

	held      atomic.Int64
	released  atomic.Uint64
	passed    atomic.Uint64
	discarded atomic.Uint64 // the sum of the five below
	overflow  atomic.Uint64 // pushed out of a full buffer
	evicted   atomic.Uint64 // in a buffer evicted past MaxBuffers
	expired   atomic.Uint64 // in a buffer idle past TTL
	dropped   atomic.Uint64 // in a scope at its end, or at DiscardScope
	atClose   atomic.Uint64 // held at Close
	bufEvicts atomic.Uint64
	bufExpiry atomic.Uint64
}

var (
	_ loggerjs.Sink          = (*FingersCrossedSink)(nil)
	_ loggerjs.StatsReporter = (*FingersCrossedSink)(nil)
	_ loggerjs.MetaReporting = (*FingersCrossedSink)(nil)
)

// fcKey is the key of a buffer: category and context values.
type fcKey struct {
	category string // "" for the shared buffer
	context  string // the encoded ContextKeys values
}

// fcBuffer is one ring of held records and its state.
type fcBuffer struct {
	recs      []*loggerjs.Record // ring, grown up to the capacity
	head, n   int
	triggered bool      // released under PassThrough: records go straight through
	ended     bool      // a scope after its end
	last      time.Time // last used, for the TTL
	category  []string
	context   string
	scope     bool
}

const defaultFCCapacity, defaultMaxBuffers = 1000, 1000

// FingersCrossed returns a sink that holds records back from sink until
// one at the trigger level arrives. It returns an error naming the field
// when sink is nil or an option is invalid.
func FingersCrossed(sink loggerjs.Sink, opts *FingersCrossedOptions) (*FingersCrossedSink, error) {
	if sink == nil {
		return nil, errors.New("middleware: FingersCrossed: nil sink")
	}
	o := FingersCrossedOptions{Capacity: defaultFCCapacity}
	if opts != nil {
		o = *opts
	}
	f := &FingersCrossedSink{
		sink: sink, trigger: o.Trigger, bufferLevel: o.BufferLevel, capacity: o.Capacity,
		holdAgain: o.AfterTrigger == HoldAgain, isolation: o.Isolation, match: o.Match,
		ctxKeys: slices.Clone(o.ContextKeys), ttl: o.TTL, now: o.Now,
		scopes: map[*fcBuffer]struct{}{},
	}
	if f.trigger == nil {
		f.trigger = slog.LevelError
	}
	if f.now == nil {
		f.now = time.Now
	}
	const opt = "FingersCrossedOptions."
	switch {
	case o.Capacity < 1:
		return nil, optionError(opt+"Capacity", o.Capacity, "must be at least 1 (nil options hold 1000)")
	case o.BufferLevel != nil && o.BufferLevel.Level() >= f.trigger.Level():
		return nil, optionError(opt+"BufferLevel", loggerjs.LevelName(o.BufferLevel.Level()),
			"must be below Trigger ("+loggerjs.LevelName(f.trigger.Level())+")")
	case o.AfterTrigger > HoldAgain:
		return nil, optionError(opt+"AfterTrigger", int(o.AfterTrigger), "unknown; use PassThrough or HoldAgain")
	case o.Isolation > IsolateAncestorsAndDescendants:
		return nil, optionError(opt+"Isolation", int(o.Isolation), "unknown")
	case o.Match != nil && o.Isolation > IsolateCategory:
		return nil, optionError(opt+"Match", "set", fmt.Sprintf("Isolation %d has a rule of its own; leave it SharedBuffer or IsolateCategory", o.Isolation))
	case o.MaxBuffers < 0:
		return nil, optionError(opt+"MaxBuffers", o.MaxBuffers, "may not be negative")
	case o.TTL < 0:
		return nil, optionError(opt+"TTL", o.TTL, "may not be negative")
	}
	for i, k := range o.ContextKeys {
		if k == "" {
			return nil, optionError(opt+"ContextKeys["+strconv.Itoa(i)+"]", `""`, "an attr needs a key")
		}
	}
	f.perCategory = o.Isolation != SharedBuffer || o.Match != nil
	maxBufs := defaultMaxBuffers
	if o.MaxBuffers > 0 {
		maxBufs = o.MaxBuffers
	}
	f.bufs = newLRU[fcKey, *fcBuffer](maxBufs)
	return f, nil
}

// fcScopeKey keys a request scope in a context; the pointer to the sink
// keeps scopes of different sinks apart.
type fcScopeKey struct{ f *FingersCrossedSink }

// Begin starts a request scope: records written with the returned
// context (or one derived from it) are held in the scope's own buffer,
// whatever their category and context attrs, and a trigger in the scope
// releases that buffer only. end discards what the scope still holds
// (counted); after it, the context's records are treated as outside any
// scope. Nothing of the scope is kept by the sink after end.
func (f *FingersCrossedSink) Begin(ctx context.Context) (scoped context.Context, end func()) {
	b := &fcBuffer{scope: true}
	f.mu.Lock()
	f.scopes[b] = struct{}{}
	f.mu.Unlock()
	return context.WithValue(ctx, fcScopeKey{f}, b), func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if !b.ended {
			f.discardBuffer(b, &f.dropped)
			b.ended = true
			delete(f.scopes, b)
		}
	}
}

// scope returns ctx's live scope, or nil. f.mu is held.
func (f *FingersCrossedSink) scope(ctx context.Context) *fcBuffer {
	if ctx == nil {
		return nil
	}
	b, _ := ctx.Value(fcScopeKey{f}).(*fcBuffer)
	if b != nil && b.ended {
		return nil
	}
	return b
}

// keyOf returns the key of r's buffer.
func (f *FingersCrossedSink) keyOf(r *loggerjs.Record) fcKey {
	var k fcKey
	if f.perCategory {
		k.category = r.CategoryName()
	}
	if len(f.ctxKeys) > 0 {
		var b []byte
		for _, name := range f.ctxKeys {
			v, ok := findAttr(r, name)
			if !ok {
				b = append(b, '-')
				continue
			}
			s := v.String()
			if v.Kind() != slog.KindString {
				s = safeString(v)
			}
			b = append(b, '+', byte(v.Kind()))
			b = strconv.AppendInt(b, int64(len(s)), 10)
			b = append(b, ':')
			b = append(b, s...)
		}
		k.context = string(b)
	}
	return k
}

// Write holds r, writes it through, or releases the buffers it triggers.
func (f *FingersCrossedSink) Write(ctx context.Context, r *loggerjs.Record) error {
	if f.closed.Load() {
		return loggerjs.ErrClosed
	}
	trigger := r.Level >= f.trigger.Level()
	if !trigger && f.bufferLevel != nil && r.Level > f.bufferLevel.Level() {
		f.passed.Add(1)
		return f.sink.Write(ctx, r)
	}
	var now time.Time
	if f.ttl > 0 {
		now = f.now()
	}
	f.mu.Lock()
	if f.closed.Load() {
		f.mu.Unlock()
		return loggerjs.ErrClosed
	}
	if f.ttl > 0 {
		f.expire(now)
	}
	b := f.scope(ctx)
	var key fcKey
	if b == nil {
		key = f.keyOf(r)
		// A trigger needs a buffer of its own only to mark it released.
		b = f.buffer(key, r, !trigger || !f.holdAgain)
	}
	if b != nil {
		b.last = now
		if b.triggered {
			f.mu.Unlock()
			f.passed.Add(1)
			return f.sink.Write(ctx, r)
		}
	}
	if !trigger {
		f.hold(b, r)
		f.mu.Unlock()
		return nil
	}
	defer f.mu.Unlock()
	err := f.release(ctx, b, key, r.Category, now)
	f.passed.Add(1)
	return errors.Join(err, f.sink.Write(ctx, r))
}

// buffer returns the buffer of key, making it if create is set (nil
// otherwise). A buffer evicted to make room is discarded. f.mu is held.
func (f *FingersCrossedSink) buffer(key fcKey, r *loggerjs.Record, create bool) *fcBuffer {
	if e, ok := f.bufs.get(key); ok {
		return e.val
	}
	if !create {
		return nil
	}
	b := &fcBuffer{context: key.context}
	if f.perCategory {
		b.category = slices.Clone(r.Category)
	}
	_, ev := f.bufs.add(key, b)
	if ev != nil {
		f.bufEvicts.Add(1)
		f.discardBuffer(ev.val, &f.evicted)
	}
	return b
}

// expire discards the buffers idle for longer than the TTL, oldest
// first. f.mu is held.
func (f *FingersCrossedSink) expire(now time.Time) {
	for e := f.bufs.oldest(); e != nil && now.Sub(e.val.last) > f.ttl; e = f.bufs.oldest() {
		f.bufs.remove(e)
		f.bufExpiry.Add(1)
		f.discardBuffer(e.val, &f.expired)
	}
}

// hold puts a clone of r in b, discarding the oldest when b is full.
// f.mu is held.
func (f *FingersCrossedSink) hold(b *fcBuffer, r *loggerjs.Record) {
	c := r.Clone()
	if b.n == f.capacity {
		b.recs[b.head] = c
		b.head = (b.head + 1) % len(b.recs)
		f.overflow.Add(1)
		f.discarded.Add(1)
		return
	}
	if b.n == len(b.recs) {
		grown := make([]*loggerjs.Record, min(max(2*len(b.recs), 8), f.capacity))
		for i := range b.n {
			grown[i] = b.recs[(b.head+i)%len(b.recs)]
		}
		b.recs, b.head = grown, 0
	}
	b.recs[(b.head+b.n)%len(b.recs)] = c
	b.n++
	f.held.Add(1)
}

// release writes what own (if not nil) and the buffers a trigger of
// category cat and key releases with it hold, in the order they were
// logged, and empties them; under PassThrough it marks them released.
// f.mu is held.
func (f *FingersCrossedSink) release(ctx context.Context, own *fcBuffer, key fcKey, cat []string, now time.Time) error {
	bufs := make([]*fcBuffer, 0, 1)
	if own != nil {
		bufs = append(bufs, own)
	}
	if (own == nil || !own.scope) && (f.match != nil || f.isolation > IsolateCategory) {
		var touched []*lruEntry[fcKey, *fcBuffer]
		f.bufs.each(func(e *lruEntry[fcKey, *fcBuffer]) {
			o := e.val
			if o != own && o.context == key.context && !o.triggered && f.releases(cat, o.category) {
				bufs = append(bufs, o)
				touched = append(touched, e)
			}
		})
		for _, e := range touched {
			e.val.last = now
			f.bufs.touch(e)
		}
	}
	var recs []*loggerjs.Record
	for _, b := range bufs {
		for i := range b.n {
			recs = append(recs, b.recs[(b.head+i)%len(b.recs)])
		}
		f.held.Add(-int64(b.n))
		if f.holdAgain {
			clear(b.recs)
			b.head, b.n = 0, 0
		} else {
			b.recs, b.head, b.n = nil, 0, 0
			b.triggered = true
		}
	}
	if len(bufs) > 1 {
		slices.SortStableFunc(recs, func(a, b *loggerjs.Record) int {
			return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Seq, b.Seq))
		})
	}
	var errs []error
	for _, r := range recs {
		if err := f.sink.Write(ctx, r); err != nil {
			errs = append(errs, err)
		}
	}
	f.released.Add(uint64(len(recs)))
	return errors.Join(errs...)
}

// releases reports whether a trigger of category trigger releases the
// buffer of category held, another than its own.
func (f *FingersCrossedSink) releases(trigger, held []string) (ok bool) {
	if f.match != nil {
		defer func() {
			if recover() != nil {
				ok = false
			}
		}()
		return f.match(slices.Clip(trigger), slices.Clip(held))
	}
	if len(trigger) == 0 || len(held) == 0 {
		return false
	}
	below := isPrefix(trigger, held)
	above := isPrefix(held, trigger)
	switch f.isolation {
	case IsolateDescendants:
		return below
	case IsolateAncestors:
		return above
	case IsolateAncestorsAndDescendants:
		return below || above
	}
	return false
}

// isPrefix reports whether the category p is c or above it.
func isPrefix(p, c []string) bool {
	return len(p) <= len(c) && slices.Equal(p, c[:len(p)])
}

// discardBuffer drops what b holds, counting it in counter too. f.mu is
// held.
func (f *FingersCrossedSink) discardBuffer(b *fcBuffer, counter *atomic.Uint64) {
	f.discarded.Add(uint64(b.n))
	counter.Add(uint64(b.n))
	f.held.Add(-int64(b.n))
	b.recs, b.head, b.n = nil, 0, 0
}

// FlushScope releases the records that ctx's request scope holds now, as
// a trigger would, without switching the scope to pass-through.
func (f *FingersCrossedSink) FlushScope(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.scope(ctx)
	if b == nil || b.n == 0 {
		return nil
	}
	var errs []error
	for i := range b.n {
		if err := f.sink.Write(ctx, b.recs[(b.head+i)%len(b.recs)]); err != nil {
			errs = append(errs, err)
		}
	}
	f.released.Add(uint64(b.n))
	f.held.Add(-int64(b.n))
	clear(b.recs)
	b.head, b.n = 0, 0
	return errors.Join(errs...)
}

// DiscardScope drops the records that ctx's request scope holds now
// (counted); the scope goes on holding later ones.
func (f *FingersCrossedSink) DiscardScope(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b := f.scope(ctx); b != nil {
		f.discardBuffer(b, &f.dropped)
	}
}

// Held returns the number of records held now, over all buffers.
func (f *FingersCrossedSink) Held() int64 { return f.held.Load() }

// Flush discards the buffers idle past the TTL and flushes the wrapped
// sink. Held records stay held: they are released by a trigger, or by
// FlushScope.
func (f *FingersCrossedSink) Flush(ctx context.Context) error {
	f.expireNow()
	return f.sink.Flush(ctx)
}

func (f *FingersCrossedSink) expireNow() {
	if f.ttl <= 0 {
		return
	}
	now := f.now()
	f.mu.Lock()
	f.expire(now)
	f.mu.Unlock()
}

// Close discards every buffer and ends every scope, counting the records
// they held, and closes the wrapped sink; later writes return
// loggerjs.ErrClosed.
func (f *FingersCrossedSink) Close(ctx context.Context) error {
	f.mu.Lock()
	f.closed.Store(true)
	f.bufs.each(func(e *lruEntry[fcKey, *fcBuffer]) { f.discardBuffer(e.val, &f.atClose) })
	f.bufs = newLRU[fcKey, *fcBuffer](f.bufs.max)
	for b := range f.scopes {
		f.discardBuffer(b, &f.atClose)
		b.ended = true
	}
	clear(f.scopes)
	f.mu.Unlock()
	return f.sink.Close(ctx)
}

// SinkStats reports, with the wrapped sink's own stats:
//   - "held": records held now (a gauge), and "buffers": buffers kept by
//     category and context now (a gauge);
//   - "released" and "passed": records written on a trigger's release,
//     and straight through (triggers included);
//   - "filtered_discarded": records held and never written. Discarding
//     is what fingers-crossed is for, so loggerjs.MetaStats counts them
//     in FilteredTotal, not in Lost. They are broken down as
//     "discarded_overflow" (pushed out of a full buffer),
//     "discarded_evicted" (in a buffer evicted past MaxBuffers),
//     "discarded_expired" (in a buffer idle past the TTL),
//     "discarded_scope" (in a scope at its end or DiscardScope) and
//     "discarded_close" (held at Close);
//   - "buffers_evicted" and "buffers_expired": buffers discarded.
func (f *FingersCrossedSink) SinkStats() map[string]int64 {
	f.expireNow()
	f.mu.Lock()
	nbufs := f.bufs.len()
	f.mu.Unlock()
	m := map[string]int64{
		"held":               f.held.Load(),
		"buffers":            int64(nbufs),
		"released":           int64(f.released.Load()),
		"passed":             int64(f.passed.Load()),
		"filtered_discarded": int64(f.discarded.Load()),
		"discarded_overflow": int64(f.overflow.Load()),
		"discarded_evicted":  int64(f.evicted.Load()),
		"discarded_expired":  int64(f.expired.Load()),
		"discarded_scope":    int64(f.dropped.Load()),
		"discarded_close":    int64(f.atClose.Load()),
		"buffers_evicted":    int64(f.bufEvicts.Load()),
		"buffers_expired":    int64(f.bufExpiry.Load()),
	}
	if sr, ok := f.sink.(loggerjs.StatsReporter); ok {
		for k, v := range sr.SinkStats() {
			if _, mine := m[k]; !mine {
				m[k] = v
			}
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
