package middleware

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loggerjs/loggerjs"
)

// CountSampleOptions refine FirstThenEvery, EveryNth and Burst. A nil
// *CountSampleOptions means the defaults; so does the zero value of each
// field.
type CountSampleOptions struct {
	// KeyBy chooses the record fields of the key: each key is counted on
	// its own. Zero means ByLevel|ByMessage for FirstThenEvery (zap's
	// sampler) and SharedKey for EveryNth and Burst (zerolog's samplers,
	// which count every record together); when Key is set, zero means
	// the Key attr alone.
	KeyBy KeyFields
	// Key names an attr (logged, bound with With, or carried in the
	// context) whose value is part of the key.
	Key string
	// MaxKeys bounds the number of keys counted; the least recently used
	// is forgotten (its counts start again) past it. Zero means 10000;
	// it may not be negative.
	MaxKeys int
	// KeepLevel, if set, is the level from which every record is kept
	// and not counted. Nil means every level is sampled, as in zap and
	// zerolog.
	KeepLevel slog.Leveler
	// Now is the clock of the ticks and periods; nil means time.Now.
	Now func() time.Time
}

type countRule uint8

const (
	firstThenEvery countRule = iota
	everyNth
	burstThenNext
)

// CountSampler keeps records by counting them, per key: the first N of a
// tick and every Mth after (FirstThenEvery, zap's sampler), every Nth
// (EveryNth, zerolog's BasicSampler), or a burst per period and then what
// another middleware decides (Burst, zerolog's BurstSampler). Its counts
// are exact: no hashing into shared counters, no chance. It is safe for
// concurrent use; Kept and Dropped count its decisions, and the handler
// counts the dropped records as filtered.
type CountSampler struct {
	rule      countRule
	first     uint64 // FirstThenEvery's first, EveryNth's n, Burst's burst
	every     uint64 // FirstThenEvery's thereafter
	period    time.Duration
	next      loggerjs.Middleware
	keys      keySpec
	keepLevel slog.Leveler
	now       func() time.Time

	mu     sync.Mutex
	counts *lru[recordKey, *sampleCount]

	kept    atomic.Uint64
	dropped atomic.Uint64
}

var _ loggerjs.Middleware = (*CountSampler)(nil)

type sampleCount struct {
	n       uint64
	resetAt time.Time // when the tick or period ends
}

// FirstThenEvery returns middleware that keeps, for each key and each
// tick, the first records and then every thereafter-th one, and drops the
// rest: zap's sampler (zapcore.NewSamplerWithOptions). A key's tick
// starts with its first record and ends tick later; the first record at
// or after that end starts the next. With thereafter 0, every record past
// the first of a tick is dropped. The key is (level, message) unless the
// options say otherwise. tick must be positive; first and thereafter may
// not be negative.
func FirstThenEvery(first, thereafter int, tick time.Duration, opts *CountSampleOptions) (*CountSampler, error) {
	if first < 0 {
		return nil, optionError("FirstThenEvery first", first, "may not be negative")
	}
	if thereafter < 0 {
		return nil, optionError("FirstThenEvery thereafter", thereafter, "may not be negative")
	}
	if tick <= 0 {
		return nil, optionError("FirstThenEvery tick", tick, "must be positive")
	}
	s := &CountSampler{rule: firstThenEvery, first: uint64(first), every: uint64(thereafter), period: tick}
	if err := s.init(opts, ByLevel|ByMessage); err != nil {
		return nil, err
	}
	return s, nil
}

// EveryNth returns middleware that keeps the 1st, (n+1)th, (2n+1)th …
// record of each key and drops the others: zerolog's BasicSampler. All
// records share one key unless the options say otherwise. n must be at
// least 1 (1 keeps everything).
func EveryNth(n int, opts *CountSampleOptions) (*CountSampler, error) {
	if n < 1 {
		return nil, optionError("EveryNth n", n, "must be at least 1")
	}
	s := &CountSampler{rule: everyNth, first: uint64(n)}
	if err := s.init(opts, SharedKey); err != nil {
		return nil, err
	}
	return s, nil
}

// Burst returns middleware that keeps the first burst records of each
// period per key and hands the decision on the records past them to next,
// dropping them when next is nil: zerolog's BurstSampler. A key's period
// starts with its first record and ends period later; the first record at
// or after that end starts the next. next sees only the records past the
// burst, and what it drops is counted as Burst's. All records share one
// key unless the options say otherwise. burst must be at least 1 and
// period positive.
func Burst(burst int, period time.Duration, next loggerjs.Middleware, opts *CountSampleOptions) (*CountSampler, error) {
	if burst < 1 {
		return nil, optionError("Burst burst", burst, "must be at least 1")
	}
	if period <= 0 {
		return nil, optionError("Burst period", period, "must be positive")
	}
	s := &CountSampler{rule: burstThenNext, first: uint64(burst), period: period, next: next}
	if err := s.init(opts, SharedKey); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *CountSampler) init(opts *CountSampleOptions, defKey KeyFields) error {
	var o CountSampleOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxKeys < 0 {
		return optionError("CountSampleOptions.MaxKeys", o.MaxKeys, "may not be negative")
	}
	maxKeys := defaultMaxKeys
	if o.MaxKeys > 0 {
		maxKeys = o.MaxKeys
	}
	keys, err := newKeySpec("CountSampleOptions", o.KeyBy, defKey, o.Key)
	if err != nil {
		return err
	}
	s.keys, s.keepLevel, s.now = keys, o.KeepLevel, o.Now
	if s.now == nil {
		s.now = time.Now
	}
	s.counts = newLRU[recordKey, *sampleCount](maxKeys)
	return nil
}

// Process keeps or drops r.
func (s *CountSampler) Process(ctx context.Context, r *loggerjs.Record) bool {
	if s.keepLevel != nil && r.Level >= s.keepLevel.Level() {
		s.kept.Add(1)
		return true
	}
	keep, ask := s.decide(r)
	if ask {
		keep = s.next != nil && s.next.Process(ctx, r)
	}
	if keep {
		s.kept.Add(1)
	} else {
		s.dropped.Add(1)
	}
	return keep
}

// decide counts r; ask reports that the decision is next's.
func (s *CountSampler) decide(r *loggerjs.Record) (keep, ask bool) {
	k := s.keys.of(r)
	var now time.Time
	if s.period > 0 {
		now = s.now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.counts.get(k)
	if !ok {
		e, _ = s.counts.add(k, &sampleCount{})
	}
	c := e.val
	if s.period > 0 && !now.Before(c.resetAt) {
		c.n, c.resetAt = 0, now.Add(s.period)
	}
	c.n++
	switch s.rule {
	case firstThenEvery:
		return c.n <= s.first || (s.every > 0 && (c.n-s.first)%s.every == 0), false
	case everyNth:
		return (c.n-1)%s.first == 0, false
	default: // burstThenNext
		if c.n <= s.first {
			return true, false
		}
		c.n = s.first + 1 // past the burst the count need not grow
		return false, true
	}
}

// Kept returns the number of records kept.
func (s *CountSampler) Kept() uint64 { return s.kept.Load() }

// Dropped returns the number of records dropped.
func (s *CountSampler) Dropped() uint64 { return s.dropped.Load() }

// Keys returns the number of keys counted, at most MaxKeys.
func (s *CountSampler) Keys() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts.len()
}
