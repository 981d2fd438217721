package sinks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loggerjs/loggerjs"
)

// Policy says what a queueing sink does with a record when its queue is
// full. The zero Policy is DropOldest.
type Policy int

const (
	// DropOldest makes room by dropping the oldest queued record. The
	// newest records describe the present, which is what someone reading
	// the logs after an outage needs first.
	DropOldest Policy = iota
	// DropNewest drops the record being logged and keeps the queue.
	DropNewest
	// Block makes the logging goroutine wait for room, up to the sink's
	// BlockTimeout (or its context's deadline, if sooner); then the record
	// is dropped. The caller never waits longer.
	Block
)

func (p Policy) String() string {
	switch p {
	case DropOldest:
		return "DropOldest"
	case DropNewest:
		return "DropNewest"
	case Block:
		return "Block"
	}
	return fmt.Sprintf("Policy(%d)", int(p))
}

// An Entry is one encoded record on its way to a Shipper: the bytes its
// codec wrote, with the record's time and level for protocols that carry
// them outside the line (Loki, OTLP).
type Entry struct {
	Time  time.Time
	Level slog.Level
	// Data is the encoded record. It is valid only until Ship returns.
	Data []byte

	buf *[]byte          // pooled storage behind Data
	rec *loggerjs.Record // Async over a sink that takes records, not bytes
	// cat and msg identify the record in a meta record about its loss.
	cat, msg string
}

// identity names the record in a meta record about its loss: its level,
// category and message, as redacted for the sink.
func (e Entry) identity() []slog.Attr {
	return []slog.Attr{
		slog.String("record_level", loggerjs.LevelName(e.Level)),
		slog.String("record_category", e.cat),
		slog.String("record_message", e.msg),
	}
}

// Category returns the dotted category of the entry's record ("app.db"),
// for protocols that group records by it (OTLP's instrumentation scope).
func (e Entry) Category() string { return e.cat }

// newEntry starts the entry of r.
func newEntry(r *loggerjs.Record) Entry {
	return Entry{Time: r.Time, Level: r.Level, cat: r.CategoryName(), msg: r.Message()}
}

// The counters of a queueing sink, in the order SinkStats reports them.
const (
	statQueued = iota
	statShipped
	statBatches
	statRetried
	statBreakerOpened
	statAfterClose
	statDroppedQueueFull
	statDroppedTooLarge
	statDroppedRetries
	statDroppedCircuit
	statDroppedDeadline
	statDroppedRejected
	statDroppedWriteError
	numStats
)

var statNames = [numStats]string{
	statQueued:            "queued",
	statShipped:           "shipped",
	statBatches:           "batches",
	statRetried:           "retried",
	statBreakerOpened:     "breaker_opened",
	statAfterClose:        "write_after_close",
	statDroppedQueueFull:  "dropped_queue_full",
	statDroppedTooLarge:   "dropped_too_large",
	statDroppedRetries:    "dropped_retries_exhausted",
	statDroppedCircuit:    "dropped_circuit_open",
	statDroppedDeadline:   "dropped_flush_deadline",
	statDroppedRejected:   "dropped_rejected",
	statDroppedWriteError: "dropped_write_error",
}

var dropMessages = [numStats]string{
	statDroppedQueueFull:  "queue full; records dropped",
	statDroppedTooLarge:   "record larger than MaxBytes; dropped",
	statDroppedRetries:    "delivery failed and retries are exhausted; records dropped",
	statDroppedCircuit:    "circuit breaker open; records dropped",
	statDroppedDeadline:   "flush deadline passed; records not delivered were dropped",
	statDroppedRejected:   "destination rejected records; dropped",
	statDroppedWriteError: "write failed; records dropped",
}

// reporter holds the meta reporter a handler gave a sink.
type reporter struct {
	p atomic.Pointer[metaTarget]
}

type metaTarget struct {
	name string
	m    loggerjs.MetaReporter
}

func (r *reporter) set(name string, m loggerjs.MetaReporter) {
	r.p.Store(&metaTarget{name: name, m: m})
}

func (r *reporter) report(level slog.Level, msg string, attrs ...slog.Attr) {
	if t := r.p.Load(); t != nil && t.m != nil {
		t.m.Report(level, msg, attrs...)
	}
}

// pipelineConfig is what Batch and Async set up a pipeline with.
type pipelineConfig struct {
	maxRecords   int
	maxBytes     int
	maxWait      time.Duration // 0: ship as soon as a worker is free
	concurrency  int
	queueSize    int
	queueBytes   int // 0: no limit
	policy       Policy
	blockTimeout time.Duration
	clock        Clock

	// Retry and breaker; maxRetries 0 and breakerFailures 0 turn them off.
	maxRetries      int
	baseBackoff     time.Duration
	maxBackoff      time.Duration
	maxRetryAfter   time.Duration
	budgetRatio     float64
	budgetBurst     float64
	breakerFailures int
	breakerCooldown time.Duration
	shipTimeout     time.Duration

	failStat int // what a failed delivery that is not retried counts as
	ship     func(ctx context.Context, batch []Entry) error
	release  func(e Entry) // called on each entry once it is resolved
}

// pipeline is the queue, batcher, worker pool, retry loop and circuit
// breaker shared by Batch and Async. Callers enqueue on their own
// goroutine; one dispatcher goroutine cuts batches; concurrency workers
// deliver them. Close stops all of them.
type pipeline struct {
	cfg   pipelineConfig
	clock Clock
	rep   *reporter
	stats [numStats]atomic.Int64

	mu       sync.Mutex
	q        ring
	qBytes   int
	inflight int
	due      bool // MaxWait passed: ship what is queued
	flushers int  // Flush and Close calls waiting
	closing  bool
	resolved int64 // records shipped or dropped after being queued
	accepted int64
	lostBy   [numStats]int64 // queued records dropped, by counter: what Flush and Close report
	reported [numStats]int64 // lostBy as the last Flush or Close reported it
	progress chan struct{}   // closed and replaced when resolved grows or room appears

	kick    chan struct{} // wakes the dispatcher
	idle    chan struct{} // a token per free worker
	work    chan *[]Entry
	abort   chan struct{} // closed when Close's deadline passes
	stop    chan struct{} // closed to stop the dispatcher and workers
	done    sync.WaitGroup
	closed  atomic.Bool
	closeOK chan struct{}
	stuck   atomic.Bool // Close returned with a delivery still running

	shipCtx    context.Context
	cancelShip context.CancelFunc

	brMu      sync.Mutex
	brState   int64 // breakerClosed, breakerOpen, breakerHalfOpen
	brFails   int
	brUntil   time.Time
	brProbing bool
	budget    float64
	breaker   atomic.Int64
}

// Breaker states, as SinkStats reports them under "breaker_state".
const (
	breakerClosed   = 0
	breakerOpen     = 1
	breakerHalfOpen = 2
)

func newPipeline(cfg pipelineConfig, rep *reporter) *pipeline {
	p := &pipeline{
		cfg:      cfg,
		clock:    clockOr(cfg.clock),
		rep:      rep,
		progress: make(chan struct{}),
		kick:     make(chan struct{}, 1),
		idle:     make(chan struct{}, cfg.concurrency),
		work:     make(chan *[]Entry, cfg.concurrency),
		abort:    make(chan struct{}),
		stop:     make(chan struct{}),
		closeOK:  make(chan struct{}),
		budget:   cfg.budgetBurst,
	}
	p.shipCtx, p.cancelShip = context.WithCancel(context.Background())
	p.done.Add(1 + cfg.concurrency)
	go p.dispatch()
	for range cfg.concurrency {
		p.idle <- struct{}{}
		go p.worker()
	}
	return p
}

// count adds n to a counter and, for a loss, reports it.
func (p *pipeline) count(stat int, n int, attrs ...slog.Attr) {
	if n <= 0 {
		return
	}
	p.stats[stat].Add(int64(n))
	p.reportDrop(stat, n, attrs...)
}

// reportDrop reports a loss of n records counted under stat, at Error,
// once per event: one meta record for a batch, whatever its size. Records
// that were queued are counted and reported before they are resolved,
// so that a Flush that sees them resolved also sees them in SinkStats and
// on the meta logger.
func (p *pipeline) reportDrop(stat int, n int, attrs ...slog.Attr) {
	reportDrop(p.rep, stat, n, attrs...)
}

// reportDrop reports on rep a loss of n records counted under stat.
func reportDrop(rep *reporter, stat int, n int, attrs ...slog.Attr) {
	if n <= 0 {
		return
	}
	if msg := dropMessages[stat]; msg != "" {
		attrs = append([]slog.Attr{slog.String("reason", statNames[stat]), slog.Int("records", n)}, attrs...)
		rep.report(slog.LevelError, msg, attrs...)
	}
}

func (p *pipeline) signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// wakeLocked wakes every goroutine waiting for progress. p.mu is held.
func (p *pipeline) wakeLocked() {
	close(p.progress)
	p.progress = make(chan struct{})
}

func (p *pipeline) full() bool {
	return p.q.len() >= p.cfg.queueSize || (p.cfg.queueBytes > 0 && p.qBytes >= p.cfg.queueBytes)
}

// enqueue queues e under the sink's policy. It returns
// loggerjs.ErrClosed after Close; any other loss is counted, not
// returned.
func (p *pipeline) enqueue(ctx context.Context, e Entry) error {
	var deadline Timer
	defer func() {
		if deadline != nil {
			deadline.Stop()
		}
	}()
	p.mu.Lock()
	for {
		if p.closing {
			p.mu.Unlock()
			p.cfg.release(e)
			p.stats[statAfterClose].Add(1)
			return loggerjs.ErrClosed
		}
		if !p.full() {
			break
		}
		switch p.cfg.policy {
		case DropOldest:
			old := p.q.pop()
			p.qBytes -= len(old.Data)
			p.stats[statDroppedQueueFull].Add(1)
			p.resolved++
			p.lostBy[statDroppedQueueFull]++
			p.wakeLocked()
			p.mu.Unlock()
			p.cfg.release(old)
			p.reportDrop(statDroppedQueueFull, 1, slog.String("policy", "DropOldest"))
			p.mu.Lock()
			continue
		case Block:
			if deadline == nil {
				deadline = p.clock.NewTimer(p.cfg.blockTimeout)
			}
			wait := p.progress
			p.mu.Unlock()
			select {
			case <-wait:
				p.mu.Lock()
				continue
			case <-deadline.C():
			case <-ctx.Done():
			}
		default:
			p.mu.Unlock()
		}
		p.cfg.release(e)
		p.count(statDroppedQueueFull, 1, slog.String("policy", p.cfg.policy.String()))
		return nil
	}
	first := p.q.len() == 0
	p.q.push(e)
	p.qBytes += len(e.Data)
	p.accepted++
	ready := first || p.q.len() >= p.cfg.maxRecords || p.qBytes >= p.cfg.maxBytes
	p.mu.Unlock()
	p.stats[statQueued].Add(1)
	if ready {
		p.signal(p.kick)
	}
	return nil
}

// dispatch cuts batches and hands them to free workers. It arms the
// MaxWait timer when a batch starts and holds no timer while the queue is
// empty.
func (p *pipeline) dispatch() {
	defer p.done.Done()
	var timer Timer
	var timerC <-chan time.Time
	stopTimer := func() {
		if timer != nil {
			timer.Stop()
			timer, timerC = nil, nil
		}
	}
	defer stopTimer()
	for {
		p.mu.Lock()
		n := p.q.len()
		ready := n > 0 && (p.cfg.maxWait <= 0 || p.due || p.flushers > 0 || p.closing ||
			n >= p.cfg.maxRecords || p.qBytes >= p.cfg.maxBytes)
		if n == 0 {
			p.due = false
		}
		p.mu.Unlock()
		if n == 0 || ready {
			stopTimer()
		} else if timer == nil {
			timer = p.clock.NewTimer(p.cfg.maxWait)
			timerC = timer.C()
		}
		if ready {
			select {
			case <-p.idle:
				p.handOut()
				continue
			case <-p.abort:
				p.dropQueued()
				<-p.stop
				return
			case <-p.stop:
				return
			}
		}
		select {
		case <-p.kick:
		case <-timerC:
			timer, timerC = nil, nil
			p.mu.Lock()
			p.due = true
			p.mu.Unlock()
		case <-p.abort:
			p.dropQueued()
			<-p.stop
			return
		case <-p.stop:
			return
		}
	}
}

var batchPool = sync.Pool{New: func() any { return new([]Entry) }}

// handOut cuts one batch and gives it to the worker whose token the
// dispatcher holds.
func (p *pipeline) handOut() {
	bp := batchPool.Get().(*[]Entry)
	batch := (*bp)[:0]
	size := 0
	p.mu.Lock()
	for p.q.len() > 0 && len(batch) < p.cfg.maxRecords {
		next := p.q.peek()
		if len(batch) > 0 && size+len(next.Data) > p.cfg.maxBytes {
			break
		}
		p.q.pop()
		size += len(next.Data)
		batch = append(batch, next)
	}
	p.qBytes -= size
	p.inflight += len(batch)
	if len(batch) > 0 {
		p.wakeLocked() // room in the queue for Block
	}
	p.mu.Unlock()
	if len(batch) == 0 { // nothing left to cut: give the token back
		batchPool.Put(bp)
		p.idle <- struct{}{}
		return
	}
	*bp = batch
	p.work <- bp
}

// dropQueued drops what is still queued when Close's deadline passes.
func (p *pipeline) dropQueued() {
	p.mu.Lock()
	var dropped []Entry
	for p.q.len() > 0 {
		dropped = append(dropped, p.q.pop())
	}
	p.qBytes = 0
	p.stats[statDroppedDeadline].Add(int64(len(dropped)))
	p.resolved += int64(len(dropped))
	p.lostBy[statDroppedDeadline] += int64(len(dropped))
	p.wakeLocked()
	p.mu.Unlock()
	for i := range dropped {
		p.cfg.release(dropped[i])
	}
	p.reportDrop(statDroppedDeadline, len(dropped))
}

func (p *pipeline) worker() {
	defer p.done.Done()
	for {
		select {
		case bp := <-p.work:
			p.run(bp)
		case <-p.stop:
			// A batch handed out just before the stop is still
			// accounted for: past Close's deadline, deliver drops and
			// counts it without a request.
			for {
				select {
				case bp := <-p.work:
					p.run(bp)
				default:
					return
				}
			}
		}
	}
}

func (p *pipeline) run(bp *[]Entry) {
	p.deliver(*bp)
	clear(*bp)
	*bp = (*bp)[:0]
	batchPool.Put(bp)
	p.idle <- struct{}{}
	p.signal(p.kick)
}

// deliver ships one batch with retries and accounts for every record in
// it: shipped, or dropped under exactly one reason.
func (p *pipeline) deliver(batch []Entry) {
	n := len(batch)
	outcome, failed, failStat, detail := p.attempts(batch)
	if outcome != statShipped || failed > 0 {
		detail = append(detail, batch[0].identity()...)
	}
	for i := range batch {
		p.cfg.release(batch[i])
	}
	lost, lostStat := n, outcome
	if outcome == statShipped {
		p.stats[statShipped].Add(int64(n - failed))
		p.stats[statBatches].Add(1)
		lost, lostStat = failed, failStat
	}
	if lost > 0 {
		p.stats[lostStat].Add(int64(lost))
		// Reported before the batch counts as resolved, so that a Flush
		// that sees it resolved has seen its report made too.
		p.reportDrop(lostStat, lost, detail...)
	}
	p.mu.Lock()
	p.inflight -= n
	p.resolved += int64(n)
	if lost > 0 {
		p.lostBy[lostStat] += int64(lost)
	}
	p.wakeLocked()
	p.mu.Unlock()
}

// attempts ships batch until it is delivered or must be dropped, and says
// which: statShipped or the drop counter. A shipper that delivers part of
// a batch says how many records failed with a *partialError; they are
// counted under cfg.failStat.
func (p *pipeline) attempts(batch []Entry) (outcome, failed, failStat int, detail []slog.Attr) {
	p.depositBudget()
	var lastErr error
	for attempt := 0; ; attempt++ {
		if p.aborted() {
			return statDroppedDeadline, 0, 0, errDetail(lastErr, attempt)
		}
		probe, ok := p.allow()
		if !ok {
			return statDroppedCircuit, 0, 0, errDetail(lastErr, attempt)
		}
		err := p.shipOnce(batch)
		var part *partialError
		if err == nil || errors.As(err, &part) {
			p.result(probe, true)
			if part != nil {
				if part.rejected {
					return statShipped, min(part.failed, len(batch)), statDroppedRejected, errDetail(part.err, attempt+1)
				}
				return statShipped, min(part.failed, len(batch)), p.cfg.failStat, errDetail(part.err, attempt+1)
			}
			return statShipped, 0, 0, nil
		}
		lastErr = err
		if p.aborted() {
			return statDroppedDeadline, 0, 0, errDetail(lastErr, attempt)
		}
		var perm *permanentError
		if errors.As(err, &perm) {
			p.result(probe, true) // the destination answered: it is up
			detail := errDetail(err, attempt+1)
			var ra reportAttrser
			if errors.As(err, &ra) {
				detail = append(detail, ra.ReportAttrs()...)
			}
			return statDroppedRejected, 0, 0, detail
		}
		p.result(probe, false)
		if attempt >= p.cfg.maxRetries || !p.takeBudget() {
			return p.cfg.failStat, 0, 0, errDetail(lastErr, attempt+1)
		}
		p.stats[statRetried].Add(1)
		if !p.backoff(attempt, err) {
			return statDroppedDeadline, 0, 0, errDetail(lastErr, attempt)
		}
	}
}

// errDetail describes why a batch was dropped: the last error, and how
// many attempts were made.
func errDetail(err error, attempts int) []slog.Attr {
	var out []slog.Attr
	if err != nil {
		out = append(out, slog.Any("error", err))
	}
	if attempts > 0 {
		out = append(out, slog.Int("attempts", attempts))
	}
	return out
}

// shipOnce makes one delivery attempt, recovering a panic in the shipper.
func (p *pipeline) shipOnce(batch []Entry) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("loggerjs/sinks: shipper panicked: %v", r)
		}
	}()
	ctx := p.shipCtx
	if p.cfg.shipTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.cfg.shipTimeout)
		defer cancel()
	}
	return p.cfg.ship(ctx, batch)
}

func (p *pipeline) aborted() bool {
	select {
	case <-p.abort:
		return true
	default:
		return false
	}
}

// backoff waits before retry attempt+1: full jitter over an exponential
// ceiling, and at least what the destination asked for with Retry-After.
// It returns false if Close's deadline passed meanwhile.
func (p *pipeline) backoff(attempt int, err error) bool {
	ceiling := p.cfg.baseBackoff << min(attempt, 30)
	if ceiling <= 0 || ceiling > p.cfg.maxBackoff {
		ceiling = p.cfg.maxBackoff
	}
	d := time.Duration(0)
	if ceiling > 0 {
		d = rand.N(ceiling + 1)
	}
	var ra *retryAfterError
	if errors.As(err, &ra) {
		d = max(d, min(ra.after, p.cfg.maxRetryAfter))
	}
	if d <= 0 {
		return !p.aborted()
	}
	t := p.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return true
	case <-p.abort:
		return false
	}
}

func (p *pipeline) depositBudget() {
	if p.cfg.maxRetries == 0 {
		return
	}
	p.brMu.Lock()
	p.budget = min(p.cfg.budgetBurst, p.budget+p.cfg.budgetRatio)
	p.brMu.Unlock()
}

func (p *pipeline) takeBudget() bool {
	p.brMu.Lock()
	defer p.brMu.Unlock()
	if p.budget < 1 {
		p.rep.report(slog.LevelWarn, "retry budget spent; not retrying")
		return false
	}
	p.budget--
	return true
}

// allow asks the circuit breaker for an attempt. While the breaker is
// open it refuses; once the cool-down has passed it lets one probe
// through (half-open) and refuses the rest until the probe's result is in.
func (p *pipeline) allow() (probe, ok bool) {
	if p.cfg.breakerFailures <= 0 {
		return false, true
	}
	p.brMu.Lock()
	defer p.brMu.Unlock()
	switch p.brState {
	case breakerClosed:
		return false, true
	case breakerOpen:
		if p.clock.Now().Before(p.brUntil) {
			return false, false
		}
		p.setBreaker(breakerHalfOpen)
		p.brProbing = true
		return true, true
	default: // half-open
		if p.brProbing {
			return false, false
		}
		p.brProbing = true
		return true, true
	}
}

// result tells the breaker how an attempt went.
func (p *pipeline) result(probe, ok bool) {
	if p.cfg.breakerFailures <= 0 {
		return
	}
	p.brMu.Lock()
	defer p.brMu.Unlock()
	if probe {
		p.brProbing = false
	}
	if ok {
		p.brFails = 0
		if p.brState != breakerClosed && (probe || p.brState == breakerHalfOpen) {
			p.setBreaker(breakerClosed)
			p.rep.report(slog.LevelInfo, "circuit breaker closed; delivering again")
		}
		return
	}
	p.brFails++
	if probe || (p.brState == breakerClosed && p.brFails >= p.cfg.breakerFailures) {
		p.brUntil = p.clock.Now().Add(p.cfg.breakerCooldown)
		if p.brState != breakerOpen {
			p.setBreaker(breakerOpen)
			p.stats[statBreakerOpened].Add(1)
			p.rep.report(slog.LevelWarn, "circuit breaker open; dropping batches until a probe succeeds",
				slog.Int("consecutive_failures", p.brFails), slog.Duration("cooldown", p.cfg.breakerCooldown))
		}
	}
}

func (p *pipeline) setBreaker(s int64) {
	p.brState = s
	p.breaker.Store(s)
}

// flush waits until every record queued before it was called is shipped
// or dropped, or ctx is done. It returns a *LossError if queued records
// were dropped while it waited, and an error naming how many records are
// still queued if ctx ended first.
func (p *pipeline) flush(ctx context.Context) error {
	p.mu.Lock()
	target := p.accepted
	before := p.reported
	p.flushers++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.flushers--
		p.mu.Unlock()
	}()
	p.signal(p.kick)
	var pending error
	if left := p.waitResolved(ctx, target); left > 0 {
		pending = fmt.Errorf("%d records not yet delivered: %w", left, ctx.Err())
	}
	if le := p.lossSince("flush", before, pending); le != nil {
		return le
	}
	if pending != nil {
		return fmt.Errorf("loggerjs/sinks: flush: %w", pending)
	}
	return nil
}

// waitResolved waits until target records are resolved or ctx is done;
// it returns how many are left.
func (p *pipeline) waitResolved(ctx context.Context, target int64) int64 {
	return awaitProgress(ctx.Done(), nil, func() (int64, <-chan struct{}) {
		p.mu.Lock()
		defer p.mu.Unlock()
		return target - p.resolved, p.progress
	})
}

// lossSince returns a *LossError for the queued records dropped since
// the counts in before were taken, with cause as its Err, or nil if none
// were.
func (p *pipeline) lossSince(op string, before [numStats]int64, cause error) *LossError {
	p.mu.Lock()
	now := p.lostBy
	p.reported = now
	p.mu.Unlock()
	return lossBetween(op, before, now, cause)
}

// lossBetween returns a *LossError for the records dropped between the
// counts before and now, with cause as its Err, or nil if none were.
func lossBetween(op string, before, now [numStats]int64, cause error) *LossError {
	var reasons map[string]int64
	var n int64
	for i := range now {
		if d := now[i] - before[i]; d > 0 {
			if reasons == nil {
				reasons = make(map[string]int64)
			}
			reasons[statNames[i]] = d
			n += d
		}
	}
	if n == 0 {
		return nil
	}
	return &LossError{Op: op, Records: n, Reasons: reasons, Err: cause}
}

// close stops taking records, delivers what is queued until ctx is done,
// then drops the rest (counted as dropped_flush_deadline) and stops every
// goroutine. It returns a *LossError if queued records were dropped
// and not yet reported, for any reason. A second close waits for the first.
func (p *pipeline) close(ctx context.Context) error {
	if p.closed.Swap(true) {
		select {
		case <-p.closeOK:
		case <-ctx.Done():
		}
		return nil
	}
	defer close(p.closeOK)
	p.mu.Lock()
	p.closing = true
	target := p.accepted
	before := p.reported
	p.wakeLocked() // Block waiters return ErrClosed
	p.mu.Unlock()
	p.signal(p.kick) // closing: ship what is queued without waiting for MaxWait
	if p.waitResolved(ctx, target) > 0 {
		close(p.abort)
		p.cancelShip()
		if stuck := p.waitIdle(abortGrace); stuck > 0 {
			// A delivery ignores its canceled context. Its worker stops
			// when it returns, and its records are counted then.
			p.stuck.Store(true)
			close(p.stop)
			cause := fmt.Errorf("%d records still in a delivery that has not returned (they are counted when it returns): %w", stuck, ctx.Err())
			if le := p.lossSince("close", before, cause); le != nil {
				return le
			}
			return fmt.Errorf("loggerjs/sinks: close: %w", cause)
		}
		// Everything queued or in flight at the deadline was dropped
		// (and counted) or delivered during the grace: the error, if
		// any, is the loss.
	}
	close(p.stop)
	p.done.Wait()
	p.cancelShip()
	if le := p.lossSince("close", before, ctxErrIfDone(ctx)); le != nil {
		return le
	}
	return nil
}

// abortGrace is how long Close, its deadline passed, waits for deliveries
// to return from their canceled contexts.
const abortGrace = 100 * time.Millisecond

// waitIdle waits, after an abort, until nothing is queued or in flight,
// for at most grace; it returns how many records are still in flight.
// Shippers see their context canceled and return promptly.
func (p *pipeline) waitIdle(grace time.Duration) int {
	t := time.NewTimer(grace)
	defer t.Stop()
	return int(awaitProgress(nil, t.C, func() (int64, <-chan struct{}) {
		p.mu.Lock()
		defer p.mu.Unlock()
		return int64(p.q.len() + p.inflight), p.progress
	}))
}

// snapshot returns the pipeline's counters and gauges.
func (p *pipeline) snapshot() map[string]int64 {
	m := make(map[string]int64, numStats+3)
	for i := range p.stats {
		m[statNames[i]] = p.stats[i].Load()
	}
	p.mu.Lock()
	m["queue_depth"] = int64(p.q.len())
	m["queue_bytes"] = int64(p.qBytes)
	m["inflight"] = int64(p.inflight)
	p.mu.Unlock()
	if p.cfg.breakerFailures > 0 {
		m["breaker_state"] = p.breaker.Load()
	}
	return m
}

// ring is a FIFO of entries that grows as needed.
type ring struct {
	buf  []Entry
	head int
	n    int
}

func (r *ring) len() int { return r.n }

func (r *ring) push(e Entry) {
	if r.n == len(r.buf) {
		nb := make([]Entry, max(16, 2*len(r.buf)))
		for i := range r.n {
			nb[i] = r.buf[(r.head+i)%len(r.buf)]
		}
		r.buf, r.head = nb, 0
	}
	r.buf[(r.head+r.n)%len(r.buf)] = e
	r.n++
}

func (r *ring) peek() Entry { return r.buf[r.head] }

func (r *ring) pop() Entry {
	e := r.buf[r.head]
	r.buf[r.head] = Entry{}
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	return e
}

// reportAttrser is an error with attrs of its own for the meta report of
// the failure, such as the Location of a redirect. A Shipper's error may
// have a ReportAttrs method to add them.
type reportAttrser interface {
	ReportAttrs() []slog.Attr
}

// Errors a Shipper returns to steer the retry loop.

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as a failure that retrying cannot fix (a 400 from
// the destination): the batch is dropped and counted as
// dropped_rejected, and the circuit breaker counts it as an answer, not
// a failure.
func Permanent(err error) error { return &permanentError{err} }

type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// RetryAfter marks err as retryable no sooner than after d, as an HTTP
// Retry-After header asks.
func RetryAfter(err error, d time.Duration) error { return &retryAfterError{err, d} }

// Rejected says that the destination took the batch but refused n of
// its records, as an OTLP collector's partial success does: Ship returns
// it instead of nil, and the n records are counted as dropped_rejected
// and reported with err. n is capped at the batch's length.
func Rejected(n int, err error) error {
	return &partialError{failed: max(n, 0), rejected: true, err: err}
}

// partialError says a shipper delivered all but failed records of a
// batch; err is the last failure. They count as the pipeline's failStat,
// or as dropped_rejected when the destination refused them.
type partialError struct {
	failed   int
	rejected bool // the destination refused them: dropped_rejected
	err      error
}

func (e *partialError) Error() string { return e.err.Error() }
func (e *partialError) Unwrap() error { return e.err }
