package middleware

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loggerjs/loggerjs"
)

// RateLimitOptions refine RateLimit, RateLimitFixedWindow and
// RateLimitSlidingWindow. A nil *RateLimitOptions means the defaults; so
// does the zero value of each field.
type RateLimitOptions struct {
	// KeyBy chooses the record fields of the key: each key has a budget
	// of its own. Zero means ByCategory|ByLevel|BySource for RateLimit,
	// and ByCategory|ByLevel|ByMessage (LogTape's throttling filter) for
	// the window limits; when Key is set, zero means the Key attr alone.
	KeyBy KeyFields
	// Key names an attr (logged with the record, bound with With, or a
	// root attr such as one carried in the context) whose value is part
	// of the key. Records without the attr share the key of the empty
	// value.
	Key string
	// MaxKeys bounds the number of keys tracked; the least recently used
	// is forgotten past it (its pending summary is logged, reason
	// "eviction"). Zero means 10000; it may not be negative.
	MaxKeys int
	// Summary, if set, receives a Warn record "suppressed N records"
	// when a key that suppressed records lets one through again (reason
	// "window"), is forgotten ("eviction"), or at Flush ("flush") and
	// Close ("close"). It carries the key as the group "key", the counts
	// "allowed" and "suppressed" since the last summary, the times
	// "window_start" and "window_end" of that period, and "reason".
	// Without it, the first record let through again carries the count
	// as the root attr "suppressed"; the counts of a key forgotten or
	// closed with suppressed records are in Suppressed only.
	Summary *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Keys of the attrs of a rate-limit summary record, besides the "key"
// group and SuppressedKey.
const (
	AllowedKey     = "allowed"
	WindowStartKey = "window_start"
	WindowEndKey   = "window_end"
	ReasonKey      = "reason"
)

// Reasons a RateLimiter gives in a summary record.
const (
	ReasonWindow   = "window"   // suppression ended: a record was let through again
	ReasonEviction = "eviction" // the key was forgotten to make room (MaxKeys)
	ReasonFlush    = "flush"    // Flush was called
	ReasonClose    = "close"    // Close was called
)

// SuppressedKey is the attr that carries how many records a RateLimiter
// dropped: a root attr of the next record let through when there is no
// Summary logger, and an attr of each summary record.
const SuppressedKey = "suppressed"

type limitAlgorithm uint8

const (
	tokenBucket limitAlgorithm = iota
	fixedWindow
	slidingWindow
)

// RateLimiter drops records past a rate, per key: with a token bucket
// (RateLimit), a fixed window (RateLimitFixedWindow) or a sliding window
// (RateLimitSlidingWindow). It is safe for concurrent use. Passed and
// Suppressed count what it let through and dropped; the handler counts
// the dropped records as filtered.
//
// It implements loggerjs.MiddlewareCloser: when a Configure swap drops it,
// or at Shutdown, Close logs the summaries still pending.
type RateLimiter struct {
	alg     limitAlgorithm
	rate    float64 // token bucket: tokens per second
	burst   float64 // token bucket: capacity
	limit   int     // windows: records per window
	window  time.Duration
	keys    keySpec
	summary *slog.Logger
	now     func() time.Time

	mu      sync.Mutex
	buckets *lru[recordKey, *bucket]

	passed     atomic.Uint64
	suppressed atomic.Uint64
}

var (
	_ loggerjs.Middleware       = (*RateLimiter)(nil)
	_ loggerjs.MiddlewareCloser = (*RateLimiter)(nil)
)

// bucket is the state of one key.
type bucket struct {
	last time.Time // latest time seen; the clock is not let run backwards

	tokens   float64   // token bucket
	refilled time.Time // token bucket: when tokens were last added

	windowStart time.Time // fixed window
	accepted    []int64   // sliding window: ring of the times let through, Unix ns
	head, n     int

	// The period the next summary covers.
	periodStart         time.Time
	allowed, suppressed uint64
}

const defaultMaxKeys = 10000

// RateLimit returns middleware that lets through at most burst records at
// once and perSecond records a second on average for each key, a token
// bucket, and drops the rest. The key is (category, level, source) unless
// the options say otherwise. perSecond must be positive and finite, and
// burst at least 1.
func RateLimit(perSecond float64, burst int, opts *RateLimitOptions) (*RateLimiter, error) {
	if !(perSecond > 0) || math.IsInf(perSecond, 0) {
		return nil, optionError("RateLimit perSecond", perSecond, "must be positive and finite")
	}
	if burst < 1 {
		return nil, optionError("RateLimit burst", burst, "must be at least 1")
	}
	l := &RateLimiter{alg: tokenBucket, rate: perSecond, burst: float64(burst)}
	if err := l.init(opts, ByCategory|ByLevel|BySource); err != nil {
		return nil, err
	}
	return l, nil
}

// RateLimitFixedWindow returns middleware that lets through limit records
// per window for each key and drops the rest, as LogTape's throttling
// filter in "fixed" mode: a key's window starts with its first record,
// and the first record at or after its end starts the next. The key is
// (category, level, message) unless the options say otherwise. limit must
// be at least 1 and window positive.
func RateLimitFixedWindow(limit int, window time.Duration, opts *RateLimitOptions) (*RateLimiter, error) {
	return newWindowLimit(fixedWindow, "RateLimitFixedWindow", limit, window, opts)
}

// RateLimitSlidingWindow returns middleware that lets a record through
// when fewer than limit records of its key were let through in the window
// before it, as LogTape's throttling filter in "sliding" mode, and drops
// the rest. It keeps the times of up to limit records per key. The key is
// (category, level, message) unless the options say otherwise. limit must
// be at least 1 and window positive.
func RateLimitSlidingWindow(limit int, window time.Duration, opts *RateLimitOptions) (*RateLimiter, error) {
	return newWindowLimit(slidingWindow, "RateLimitSlidingWindow", limit, window, opts)
}

func newWindowLimit(alg limitAlgorithm, name string, limit int, window time.Duration, opts *RateLimitOptions) (*RateLimiter, error) {
	if limit < 1 {
		return nil, optionError(name+" limit", limit, "must be at least 1")
	}
	if window <= 0 {
		return nil, optionError(name+" window", window, "must be positive")
	}
	l := &RateLimiter{alg: alg, limit: limit, window: window}
	if err := l.init(opts, ByCategory|ByLevel|ByMessage); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *RateLimiter) init(opts *RateLimitOptions, defKey KeyFields) error {
	l.now = time.Now
	maxKeys := defaultMaxKeys
	var o RateLimitOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxKeys < 0 {
		return optionError("RateLimitOptions.MaxKeys", o.MaxKeys, "may not be negative")
	}
	if o.MaxKeys > 0 {
		maxKeys = o.MaxKeys
	}
	keys, err := newKeySpec("RateLimitOptions", o.KeyBy, defKey, o.Key)
	if err != nil {
		return err
	}
	l.keys, l.summary = keys, o.Summary
	if o.Now != nil {
		l.now = o.Now
	}
	l.buckets = newLRU[recordKey, *bucket](maxKeys)
	return nil
}

// Process lets r through or drops it.
func (l *RateLimiter) Process(ctx context.Context, r *loggerjs.Record) bool {
	if isSummary(ctx) {
		return true
	}
	k := l.keys.of(r)
	now := l.now()
	var summaries []pendingSummary
	l.mu.Lock()
	e, ok := l.buckets.get(k)
	if !ok {
		var ev *lruEntry[recordKey, *bucket]
		e, ev = l.buckets.add(k, l.newBucket(now))
		if ev != nil && ev.val.suppressed > 0 {
			summaries = append(summaries, l.summaryOf(ev.key, ev.val, ReasonEviction, later(now, ev.val.last)))
		}
	}
	b := e.val
	now = later(now, b.last)
	b.last = now
	var keep bool
	var ended uint64 // suppressed records whose period this record ends
	switch l.alg {
	case tokenBucket:
		if d := now.Sub(b.refilled); d > 0 {
			b.tokens = min(l.burst, b.tokens+d.Seconds()*l.rate)
			b.refilled = now
		}
		if keep = b.tokens >= 1; keep {
			b.tokens--
		}
	case fixedWindow:
		if now.Sub(b.windowStart) >= l.window {
			if b.suppressed > 0 {
				ended = b.suppressed
				summaries = append(summaries, l.summaryOf(k, b, ReasonWindow, now))
			}
			b.windowStart = now
			b.startPeriod(now)
		}
		keep = b.allowed < uint64(l.limit)
	case slidingWindow:
		cut := now.Add(-l.window).UnixNano()
		for b.n > 0 && b.accepted[b.head] <= cut {
			b.head = (b.head + 1) % len(b.accepted)
			b.n--
		}
		if keep = b.n < l.limit; keep {
			b.push(now.UnixNano(), l.limit)
		}
	}
	if keep && l.alg != fixedWindow && b.suppressed > 0 {
		ended = b.suppressed
		summaries = append(summaries, l.summaryOf(k, b, ReasonWindow, now))
		b.startPeriod(now)
	}
	if keep {
		b.allowed++
	} else {
		b.suppressed++
	}
	l.mu.Unlock()

	if !keep {
		l.suppressed.Add(1)
		emitSummaries(ctx, l.summary, summaries)
		return false
	}
	l.passed.Add(1)
	if ended > 0 && l.summary == nil {
		r.AddRootAttrs(slog.Uint64(SuppressedKey, ended))
	}
	emitSummaries(ctx, l.summary, summaries)
	return true
}

func (l *RateLimiter) newBucket(now time.Time) *bucket {
	return &bucket{last: now, tokens: l.burst, refilled: now, windowStart: now, periodStart: now}
}

// startPeriod starts the period of the next summary at now.
func (b *bucket) startPeriod(now time.Time) {
	b.periodStart, b.allowed, b.suppressed = now, 0, 0
}

// push appends t to the ring of times let through, which never holds
// more than limit: the caller has made room.
func (b *bucket) push(t int64, limit int) {
	if b.n == len(b.accepted) {
		// Grow, unrolling the ring; at most limit entries are ever kept.
		grown := make([]int64, min(max(2*len(b.accepted), 4), limit))
		for i := range b.n {
			grown[i] = b.accepted[(b.head+i)%len(b.accepted)]
		}
		b.accepted, b.head = grown, 0
	}
	b.accepted[(b.head+b.n)%len(b.accepted)] = t
	b.n++
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func (l *RateLimiter) summaryOf(k recordKey, b *bucket, reason string, end time.Time) pendingSummary {
	return pendingSummary{level: slog.LevelWarn, msg: "suppressed " + strconv.FormatUint(b.suppressed, 10) + " records", attrs: []slog.Attr{
		l.keys.describe(k),
		slog.Uint64(AllowedKey, b.allowed),
		slog.Uint64(SuppressedKey, b.suppressed),
		slog.Time(WindowStartKey, b.periodStart),
		slog.Time(WindowEndKey, end),
		slog.String(ReasonKey, reason),
	}}
}

// Flush logs a summary (reason "flush") for every key that has
// suppressed records since its last summary, and starts a new period for
// each. Without a Summary logger it only starts the new periods.
func (l *RateLimiter) Flush(ctx context.Context) {
	now := l.now()
	var summaries []pendingSummary
	l.mu.Lock()
	l.buckets.each(func(e *lruEntry[recordKey, *bucket]) {
		if b := e.val; b.suppressed > 0 {
			end := later(now, b.last)
			summaries = append(summaries, l.summaryOf(e.key, b, ReasonFlush, end))
			b.startPeriod(end)
		}
	})
	l.mu.Unlock()
	emitSummaries(ctx, l.summary, summaries)
}

// Close logs a summary (reason "close") for every key that has
// suppressed records since its last summary, and forgets every key. The
// handler calls it when a Configure swap drops the RateLimiter and at
// Shutdown. A RateLimiter used after Close starts afresh.
func (l *RateLimiter) Close(ctx context.Context) error {
	now := l.now()
	var summaries []pendingSummary
	l.mu.Lock()
	l.buckets.each(func(e *lruEntry[recordKey, *bucket]) {
		if b := e.val; b.suppressed > 0 {
			summaries = append(summaries, l.summaryOf(e.key, b, ReasonClose, later(now, b.last)))
		}
	})
	l.buckets = newLRU[recordKey, *bucket](l.buckets.max)
	l.mu.Unlock()
	emitSummaries(ctx, l.summary, summaries)
	return nil
}

// Passed returns the number of records let through.
func (l *RateLimiter) Passed() uint64 { return l.passed.Load() }

// Suppressed returns the number of records dropped.
func (l *RateLimiter) Suppressed() uint64 { return l.suppressed.Load() }

// Keys returns the number of keys tracked, at most MaxKeys.
func (l *RateLimiter) Keys() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buckets.len()
}
