package sinks

import (
	"context"
	"sync"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// A Shipper delivers one batch of encoded records to a remote
// destination. Ship returns nil when the destination has taken the
// batch; an error wrapped by Permanent when it refused it for good; an
// error wrapped by RetryAfter when it asked to be retried later; any
// other error is retried with backoff. Ship must return promptly when
// ctx is done, and must not keep the batch or its Data after it returns.
type Shipper interface {
	Ship(ctx context.Context, batch []Entry) error
}

// ShipperFunc adapts a function to Shipper.
type ShipperFunc func(ctx context.Context, batch []Entry) error

// Ship calls f(ctx, batch).
func (f ShipperFunc) Ship(ctx context.Context, batch []Entry) error { return f(ctx, batch) }

// BatchOptions configure Batch. A nil *BatchOptions, and any zero field,
// means the default given with the field.
type BatchOptions struct {
	// Codec encodes each record on the logging goroutine. Default:
	// codecs.JSON(nil).
	Codec loggerjs.Codec

	// MaxRecords is the most records a batch holds. Default 512.
	MaxRecords int
	// MaxBytes is the most encoded bytes a batch holds, counted when a
	// record is queued. A record larger than MaxBytes on its own is
	// dropped and counted as dropped_too_large. Default 1 MiB.
	MaxBytes int
	// MaxWait is how long the first record of a batch waits for others
	// before the batch ships anyway. The timer starts with that record;
	// no timer runs while the queue is empty. Default 1s.
	MaxWait time.Duration
	// Concurrency is how many batches may be in delivery at once.
	// Default 1.
	Concurrency int

	// QueueSize bounds the records waiting for delivery. Default 8192.
	QueueSize int
	// QueueBytes bounds their encoded bytes; 0 means no bound beyond
	// QueueSize.
	QueueBytes int
	// Policy says what happens to a record that finds the queue full.
	// Default DropOldest.
	Policy Policy
	// BlockTimeout is the longest the Block policy makes a caller wait.
	// Default 100ms.
	BlockTimeout time.Duration

	// MaxRetries is how many times a failed batch is retried; negative
	// means never. Default 5.
	MaxRetries int
	// BaseBackoff and MaxBackoff bound the exponential backoff between
	// attempts; each wait is drawn uniformly from zero to
	// min(MaxBackoff, BaseBackoff·2^attempt) (full jitter). Defaults
	// 100ms and 30s.
	BaseBackoff, MaxBackoff time.Duration
	// MaxRetryAfter caps how long a Retry-After from the destination may
	// delay a retry. Default 5m.
	MaxRetryAfter time.Duration
	// RetryBudgetRatio and RetryBudgetBurst form the retry budget: each
	// batch adds RetryBudgetRatio tokens, up to RetryBudgetBurst, and each
	// retry spends one; with none left a failed batch is dropped as
	// dropped_retries_exhausted, so a failing destination is not sent
	// many times the traffic it fails on. Defaults 0.5 and 20.
	RetryBudgetRatio float64
	RetryBudgetBurst int

	// BreakerFailures is how many consecutive failed attempts open the
	// circuit breaker; negative turns it off. Default 5. While it is open
	// batches are dropped as dropped_circuit_open; after BreakerCooldown
	// one probe batch goes through (half-open): success closes the
	// breaker, failure opens it for another cool-down.
	BreakerFailures int
	// BreakerCooldown defaults to 30s.
	BreakerCooldown time.Duration

	// ShipTimeout bounds one delivery attempt. Default 10s.
	ShipTimeout time.Duration

	// Clock is for tests; nil means the system clock.
	Clock Clock
}

func (o *BatchOptions) pipelineConfig() pipelineConfig {
	var opt BatchOptions
	if o != nil {
		opt = *o
	}
	c := pipelineConfig{
		maxRecords:      positive(opt.MaxRecords, 512),
		maxBytes:        positive(opt.MaxBytes, 1<<20),
		maxWait:         positiveDur(opt.MaxWait, time.Second),
		concurrency:     positive(opt.Concurrency, 1),
		queueSize:       positive(opt.QueueSize, 8192),
		queueBytes:      max(opt.QueueBytes, 0),
		policy:          opt.Policy,
		blockTimeout:    positiveDur(opt.BlockTimeout, 100*time.Millisecond),
		clock:           opt.Clock,
		maxRetries:      opt.MaxRetries,
		baseBackoff:     positiveDur(opt.BaseBackoff, 100*time.Millisecond),
		maxBackoff:      positiveDur(opt.MaxBackoff, 30*time.Second),
		maxRetryAfter:   positiveDur(opt.MaxRetryAfter, 5*time.Minute),
		budgetRatio:     opt.RetryBudgetRatio,
		budgetBurst:     float64(positive(opt.RetryBudgetBurst, 20)),
		breakerFailures: opt.BreakerFailures,
		breakerCooldown: positiveDur(opt.BreakerCooldown, 30*time.Second),
		shipTimeout:     positiveDur(opt.ShipTimeout, 10*time.Second),
		failStat:        statDroppedRetries,
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = 5
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.budgetRatio <= 0 {
		c.budgetRatio = 0.5
	}
	switch {
	case c.breakerFailures == 0:
		c.breakerFailures = 5
	case c.breakerFailures < 0:
		c.breakerFailures = 0
	}
	return c
}

func positive(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func positiveDur(v, def time.Duration) time.Duration {
	if v > 0 {
		return v
	}
	return def
}

// BatchSink collects encoded records and ships them together. It ships
// when a batch holds MaxRecords records or MaxBytes bytes, or MaxWait
// after its first record, whichever comes first. It is safe for
// concurrent use. Records that cannot be queued or delivered are counted
// in SinkStats and reported on the meta logger, never returned: Write
// returns an error only after Close (loggerjs.ErrClosed).
//
// Every record Write accepted ends in exactly one counter: "shipped", or
// one that starts with "dropped".
type BatchSink struct {
	codec    loggerjs.Codec
	maxBytes int
	p        *pipeline
	rep      reporter
}

var (
	_ loggerjs.Sink          = (*BatchSink)(nil)
	_ loggerjs.StatsReporter = (*BatchSink)(nil)
	_ loggerjs.MetaReporting = (*BatchSink)(nil)
)

// Batch returns a sink that ships records through ship in batches, with
// the queue, retries and circuit breaker opts describe. It starts its
// goroutines at once; Close stops them.
func Batch(ship Shipper, opts *BatchOptions) *BatchSink {
	cfg := opts.pipelineConfig()
	s := &BatchSink{maxBytes: cfg.maxBytes, codec: codecs.JSON(nil)}
	if opts != nil && opts.Codec != nil {
		s.codec = opts.Codec
	}
	cfg.ship = ship.Ship
	cfg.release = releaseEntry
	s.p = newPipeline(cfg, &s.rep)
	return s
}

// encBufPool holds the buffers records are encoded into before they are
// queued; a buffer comes back once its record is shipped or dropped.
var encBufPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 512)
	return &b
}}

func releaseEntry(e Entry) {
	if e.buf != nil && cap(e.Data) <= maxPooledBuffer {
		*e.buf = e.Data[:0]
		encBufPool.Put(e.buf)
	}
}

// Write encodes r on the calling goroutine and queues the bytes.
func (s *BatchSink) Write(ctx context.Context, r *loggerjs.Record) error {
	if s.p.closed.Load() {
		s.p.stats[statAfterClose].Add(1)
		return loggerjs.ErrClosed
	}
	bp := encBufPool.Get().(*[]byte)
	b := s.codec.Append((*bp)[:0], r)
	e := newEntry(r)
	e.Data, e.buf = b, bp
	if len(b) > s.maxBytes {
		releaseEntry(e)
		s.p.count(statDroppedTooLarge, 1)
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return s.p.enqueue(ctx, e)
}

// Codec returns the sink's codec.
func (s *BatchSink) Codec() loggerjs.Codec { return s.codec }

// Flush ships every record queued before the call, and returns when they
// are shipped or dropped, or with an error naming how many are still
// queued when ctx is done; records still queued then stay queued. If
// queued records were dropped since the last Flush or Close reported its
// losses (retries exhausted, circuit
// open, rejected by the destination, pushed out of a full queue),
// Flush returns a *LossError that says how many, and why.
func (s *BatchSink) Flush(ctx context.Context) error { return s.p.flush(ctx) }

// Close stops taking records, ships what is queued until ctx is done,
// drops (and counts as dropped_flush_deadline) what is left then, and
// stops the sink's goroutines. It returns a *LossError if queued records
// were dropped and not yet reported by a Flush, for any reason. Calling it again does
// nothing and returns nil.
func (s *BatchSink) Close(ctx context.Context) error { return s.p.close(ctx) }

// SetMetaReporter implements loggerjs.MetaReporting.
func (s *BatchSink) SetMetaReporter(name string, m loggerjs.MetaReporter) { s.rep.set(name, m) }

// SinkStats returns the sink's counters: queued, shipped, batches,
// retried, breaker_opened, write_after_close, the dropped_* counters by
// reason, and the gauges queue_depth, queue_bytes, inflight and
// breaker_state (0 closed, 1 open, 2 half-open).
func (s *BatchSink) SinkStats() map[string]int64 { return s.p.snapshot() }
