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

// RateLimitOptions refine RateLimit. A nil *RateLimitOptions means the
// defaults.
type RateLimitOptions struct {
	// Key names an attr (logged with the record, bound with With, or a
	// root attr) whose value is the bucket key, in place of (category,
	// level, source). Records without the attr share one bucket.
	Key string
	// MaxKeys bounds the number of buckets kept; the least recently used
	// is forgotten past it. Zero means 10000.
	MaxKeys int
	// Summary, if set, receives a Warn record "suppressed N records"
	// (with the bucket's category, level and source, or key value) when
	// a bucket that suppressed records lets one through again, or is
	// forgotten. Without it, the first record let through again carries
	// the count as the root attr "suppressed".
	Summary *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// RateLimiter is a token-bucket rate limit on records. It is safe for
// concurrent use; Suppressed counts what it dropped.
type RateLimiter struct {
	rate    float64 // tokens per second
	burst   float64
	key     string
	summary *slog.Logger
	now     func() time.Time

	mu      sync.Mutex
	buckets *lru[limitKey, *bucket]

	passed     atomic.Uint64
	suppressed atomic.Uint64
}

var _ loggerjs.Middleware = (*RateLimiter)(nil)

type limitKey struct {
	category string
	level    slog.Level
	source   string
	value    string
}

type bucket struct {
	tokens     float64
	last       time.Time
	suppressed uint64
}

// SuppressedKey is the root attr that carries how many records a
// RateLimit without a Summary logger dropped before the record.
const SuppressedKey = "suppressed"

// RateLimit returns middleware that lets through at most burst records at
// once and perSecond records a second on average for each (category,
// level, source), or for each value of the Key attr, and drops the rest.
// Dropped records are counted, and summarised as the options say.
func RateLimit(perSecond float64, burst int, opts *RateLimitOptions) *RateLimiter {
	l := &RateLimiter{rate: perSecond, burst: float64(max(burst, 1)), now: time.Now}
	maxKeys := 10000
	if opts != nil {
		l.key, l.summary = opts.Key, opts.Summary
		if opts.MaxKeys > 0 {
			maxKeys = opts.MaxKeys
		}
		if opts.Now != nil {
			l.now = opts.Now
		}
	}
	l.buckets = newLRU[limitKey, *bucket](maxKeys)
	return l
}

// Process lets r through or drops it.
func (l *RateLimiter) Process(ctx context.Context, r *loggerjs.Record) bool {
	if isSummary(ctx) {
		return true
	}
	k := l.keyOf(r)
	now := l.now()
	var summaries []pendingSummary
	l.mu.Lock()
	e, ok := l.buckets.get(k)
	if !ok {
		var ev *lruEntry[limitKey, *bucket]
		e, ev = l.buckets.add(k, &bucket{tokens: l.burst, last: now})
		if ev != nil && ev.val.suppressed > 0 && l.summary != nil {
			summaries = append(summaries, l.summaryOf(ev.key, ev.val.suppressed))
		}
	}
	b := e.val
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(l.burst, b.tokens+d.Seconds()*l.rate)
		b.last = now
	}
	keep := b.tokens >= 1
	var n uint64
	if keep {
		b.tokens--
		n, b.suppressed = b.suppressed, 0
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
	if n > 0 {
		if l.summary != nil {
			summaries = append(summaries, l.summaryOf(k, n))
		} else {
			r.AddRootAttrs(slog.Uint64(SuppressedKey, n))
		}
	}
	emitSummaries(ctx, l.summary, summaries)
	return true
}

func (l *RateLimiter) keyOf(r *loggerjs.Record) limitKey {
	if l.key != "" {
		v, ok := findAttr(r, l.key)
		if !ok {
			return limitKey{}
		}
		if v.Kind() == slog.KindString {
			return limitKey{value: v.String()}
		}
		return limitKey{value: safeString(v)}
	}
	return limitKey{category: r.CategoryName(), level: r.Level, source: r.Source}
}

func (l *RateLimiter) summaryOf(k limitKey, n uint64) pendingSummary {
	attrs := []slog.Attr{slog.Uint64(SuppressedKey, n)}
	if l.key != "" {
		attrs = append(attrs, slog.String(l.key, k.value))
	} else {
		attrs = append(attrs, slog.String("category", k.category), slog.String("level", loggerjs.LevelName(k.level)))
		if k.source != "" {
			attrs = append(attrs, slog.String("source", k.source))
		}
	}
	return pendingSummary{level: slog.LevelWarn, msg: "suppressed " + strconv.FormatUint(n, 10) + " records", attrs: attrs}
}

// Flush logs a summary for every bucket that has suppressed records since
// it last let one through, and resets their counts. Without a Summary
// logger it only resets them.
func (l *RateLimiter) Flush(ctx context.Context) {
	var summaries []pendingSummary
	l.mu.Lock()
	l.buckets.each(func(e *lruEntry[limitKey, *bucket]) {
		if e.val.suppressed > 0 {
			summaries = append(summaries, l.summaryOf(e.key, e.val.suppressed))
			e.val.suppressed = 0
		}
	})
	l.mu.Unlock()
	emitSummaries(ctx, l.summary, summaries)
}

// Passed returns the number of records let through.
func (l *RateLimiter) Passed() uint64 { return l.passed.Load() }

// Suppressed returns the number of records dropped.
func (l *RateLimiter) Suppressed() uint64 { return l.suppressed.Load() }

// Keys returns the number of buckets kept, at most MaxKeys.
func (l *RateLimiter) Keys() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buckets.len()
}
