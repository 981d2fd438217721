package middleware

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loggerjs/loggerjs"
)

// DedupeOptions refine Dedupe. A nil *DedupeOptions means the defaults.
type DedupeOptions struct {
	// Attrs names the attrs (logged with the record, bound with With, or
	// root attrs) whose values are part of a record's fingerprint,
	// besides its level, category and message.
	Attrs []string
	// MaxKeys bounds the number of fingerprints remembered; the least
	// recently seen is forgotten past it. Zero means 10000; it may not be
	// negative.
	MaxKeys int
	// Summary, if set, receives a record at the level of the repeated
	// record, "repeated N times", when a burst ends: when the
	// fingerprint is seen again after the window, or is forgotten.
	// Without it, the first record of the next burst carries the count of
	// the last as the root attr "repeated".
	Summary *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Deduper collapses bursts of identical records. It is safe for
// concurrent use; Dropped counts what it dropped, and the handler counts
// those records as filtered.
//
// It implements loggerjs.MiddlewareCloser: when a Configure swap drops it,
// or at Shutdown, Close logs the summaries of the bursts still open.
type Deduper struct {
	window  time.Duration
	attrs   []string
	summary *slog.Logger
	now     func() time.Time

	mu    sync.Mutex
	seen  *lru[uint64, *burst]
	drops atomic.Uint64
}

var (
	_ loggerjs.Middleware       = (*Deduper)(nil)
	_ loggerjs.MiddlewareCloser = (*Deduper)(nil)
)

type burst struct {
	start    time.Time
	repeated uint64
	msg      string
	level    slog.Level
	category string
}

// RepeatedKey is the root attr that carries how many identical records a
// Dedupe without a Summary logger dropped in the burst before.
const RepeatedKey = "repeated"

// Dedupe returns middleware that lets the first of a burst of identical
// records through and drops the copies that follow within window of it.
// Records are identical when their level, category, message and the
// values of the chosen attrs are. The count of each burst is reported as
// the options say. window must be positive.
func Dedupe(window time.Duration, opts *DedupeOptions) (*Deduper, error) {
	if window <= 0 {
		return nil, optionError("Dedupe window", window, "must be positive")
	}
	d := &Deduper{window: window, now: time.Now}
	maxKeys := defaultMaxKeys
	if opts != nil {
		for i, a := range opts.Attrs {
			if a == "" {
				return nil, optionError("DedupeOptions.Attrs["+strconv.Itoa(i)+"]", `""`, "an attr needs a key")
			}
		}
		if opts.MaxKeys < 0 {
			return nil, optionError("DedupeOptions.MaxKeys", opts.MaxKeys, "may not be negative")
		}
		d.attrs = append([]string(nil), opts.Attrs...)
		d.summary = opts.Summary
		if opts.MaxKeys > 0 {
			maxKeys = opts.MaxKeys
		}
		if opts.Now != nil {
			d.now = opts.Now
		}
	}
	d.seen = newLRU[uint64, *burst](maxKeys)
	return d, nil
}

// Process lets r through or drops it as a repeat.
func (d *Deduper) Process(ctx context.Context, r *loggerjs.Record) bool {
	if isSummary(ctx) {
		return true
	}
	fp := d.fingerprint(r)
	now := d.now()
	var summaries []pendingSummary
	var n uint64
	d.mu.Lock()
	e, ok := d.seen.get(fp)
	switch {
	case ok && now.Sub(e.val.start) < d.window:
		e.val.repeated++
		d.mu.Unlock()
		d.drops.Add(1)
		return false
	case ok:
		n = e.val.repeated
		e.val.start, e.val.repeated = now, 0
	default:
		_, ev := d.seen.add(fp, &burst{start: now, msg: r.Message(), level: r.Level, category: r.CategoryName()})
		if ev != nil && ev.val.repeated > 0 && d.summary != nil {
			summaries = append(summaries, summaryOfBurst(ev.val, ev.val.repeated))
		}
	}
	d.mu.Unlock()
	if n > 0 {
		if d.summary != nil {
			summaries = append(summaries, summaryOfBurst(e.val, n))
		} else {
			r.AddRootAttrs(slog.Uint64(RepeatedKey, n))
		}
	}
	emitSummaries(ctx, d.summary, summaries)
	return true
}

func summaryOfBurst(b *burst, n uint64) pendingSummary {
	attrs := []slog.Attr{slog.String("message", b.msg), slog.Uint64(RepeatedKey, n)}
	if b.category != "" {
		attrs = append(attrs, slog.String("category", b.category))
	}
	return pendingSummary{level: b.level, msg: "repeated " + strconv.FormatUint(n, 10) + " times", attrs: attrs}
}

func (d *Deduper) fingerprint(r *loggerjs.Record) uint64 {
	h := newFNV()
	h.uint64(uint64(int64(r.Level)))
	h.string(r.CategoryName())
	h.string(r.Message())
	for _, k := range d.attrs {
		if v, ok := findAttr(r, k); ok {
			h.value(v)
		} else {
			h.byte(0)
		}
	}
	return uint64(h)
}

// Flush ends every burst now: it logs the summary of each that dropped
// records (with a Summary logger), and lets the next record of each
// fingerprint through.
func (d *Deduper) Flush(ctx context.Context) {
	var summaries []pendingSummary
	d.mu.Lock()
	d.seen.each(func(e *lruEntry[uint64, *burst]) {
		if e.val.repeated > 0 {
			summaries = append(summaries, summaryOfBurst(e.val, e.val.repeated))
		}
	})
	d.seen = newLRU[uint64, *burst](d.seen.max)
	d.mu.Unlock()
	emitSummaries(ctx, d.summary, summaries)
}

// Close ends every burst, as Flush does. The handler calls it when a
// Configure swap drops the Deduper and at Shutdown; the repeats it
// dropped are counted already, so without a Summary logger it only
// forgets them.
func (d *Deduper) Close(ctx context.Context) error {
	d.Flush(ctx)
	return nil
}

// Dropped returns the number of repeats dropped.
func (d *Deduper) Dropped() uint64 { return d.drops.Load() }
