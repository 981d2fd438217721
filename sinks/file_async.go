package sinks

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loggerjs/loggerjs"
)

// fileQueue is Async's queue over a File: two byte buffers that swap.
// Writers copy their encoded record into the filling buffer under a
// mutex; the worker, woken once per batch, swaps in the empty one and
// hands the full one to the File in chunks of whole records, one write
// each. No entry per record is made, queued or released, and the worker
// is woken when a batch is worth taking (MaxBatch records, a chunk's
// bytes, a full queue, a record at the File's FlushLevel, a Flush or
// Close), or MaxWait after the first record of a smaller one.
type fileQueue struct {
	file         *FileSink
	clock        Clock
	rep          *reporter
	queueSize    int
	queueBytes   int // 0: no limit
	policy       Policy
	blockTimeout time.Duration
	maxRecords   int           // a batch this large wakes the worker
	maxWait      time.Duration // how long a smaller batch waits
	chunkMax     int           // the most bytes in one write to the File
	stats        [numStats]atomic.Int64

	mu       sync.Mutex
	fill     *queuedRecords // where writers append
	spare    *queuedRecords // the worker's: the batch it writes, then empty
	inflight int            // records of the batch being written
	idle     bool           // the worker waits for a kick
	timed    bool           // and for a timer: the first record needs no kick
	due      bool           // MaxWait passed: take what is queued
	flushers int            // Flush and Close calls waiting
	closing  bool
	accepted int64           // records queued, ever
	resolved int64           // records written or dropped after being queued
	lostBy   [numStats]int64 // queued records dropped, by counter
	reported [numStats]int64 // lostBy as the last Flush or Close reported it
	progress chan struct{}   // closed and replaced when resolved grows or room appears

	kick    chan struct{}
	abort   chan struct{} // closed when Close's deadline passes
	stop    chan struct{} // closed to stop the worker
	done    sync.WaitGroup
	closed  atomic.Bool
	closeOK chan struct{}
	stuck   atomic.Bool // Close returned with a write still running
}

// queuedRecords is a run of encoded records and what a loss report says
// of each.
type queuedRecords struct {
	data   []byte
	recs   []queuedRecord
	head   int  // the first record not dropped (DropOldest drops from the front)
	urgent bool // holds a record at or above the File's FlushLevel
}

type queuedRecord struct {
	end      int // offset in data just past the record
	level    slog.Level
	cat, msg string
}

func (b *queuedRecords) len() int { return len(b.recs) - b.head }

// start is the offset of record i.
func (b *queuedRecords) start(i int) int {
	if i == 0 {
		return 0
	}
	return b.recs[i-1].end
}

func (b *queuedRecords) bytes() int { return len(b.data) - b.start(b.head) }

// maxRetainedQueue bounds the buffer a drained queue keeps for reuse.
const maxRetainedQueue = 4 << 20

func (b *queuedRecords) reset() {
	if cap(b.data) > maxRetainedQueue {
		b.data = nil
	}
	clear(b.recs) // drop the strings for the collector
	b.data, b.recs, b.head, b.urgent = b.data[:0], b.recs[:0], 0, false
}

func newFileQueue(f *FileSink, o AsyncOptions, rep *reporter) *fileQueue {
	chunk := asyncChunk
	if f.buf != nil {
		chunk = min(chunk, cap(f.buf)) // a chunk fits the File's buffer
	}
	if f.opt.MaxSize > 0 {
		chunk = int(min(int64(chunk), f.opt.MaxSize))
	}
	q := &fileQueue{
		file:         f,
		clock:        clockOr(o.Clock),
		rep:          rep,
		queueSize:    positive(o.QueueSize, 8192),
		queueBytes:   max(o.QueueBytes, 0),
		policy:       o.Policy,
		blockTimeout: positiveDur(o.BlockTimeout, 100*time.Millisecond),
		maxRecords:   positive(o.MaxBatch, 256),
		maxWait:      positiveDur(o.MaxWait, asyncFileMaxWait),
		chunkMax:     chunk,

		progress: make(chan struct{}),
		kick:     make(chan struct{}, 1),
		abort:    make(chan struct{}),
		stop:     make(chan struct{}),
		closeOK:  make(chan struct{}),
	}
	// Room for a batch that wakes the worker, so that a steady stream
	// does not grow the buffers record by record.
	for _, b := range []**queuedRecords{&q.fill, &q.spare} {
		*b = &queuedRecords{data: make([]byte, 0, 2*q.chunkMax), recs: make([]queuedRecord, 0, 2*min(q.maxRecords, q.queueSize))}
	}
	q.done.Add(1)
	go q.run()
	return q
}

// asyncFileMaxWait is AsyncOptions.MaxWait's default over a File.
const asyncFileMaxWait = 10 * time.Millisecond

// full reports whether the queue has no room. q.mu is held.
func (q *fileQueue) full() bool {
	return q.fill.len() >= q.queueSize || (q.queueBytes > 0 && q.fill.bytes() >= q.queueBytes)
}

// wakeLocked wakes every goroutine waiting for progress. q.mu is held.
func (q *fileQueue) wakeLocked() {
	close(q.progress)
	q.progress = make(chan struct{})
}

// claimKick reports whether the worker waits for a kick, and if so
// marks it kicked: the caller sends the kick (kickWorker) once it has
// unlocked q.mu, so that the worker does not wake into a held lock.
// q.mu is held.
func (q *fileQueue) claimKick() bool {
	if !q.idle {
		return false
	}
	q.idle = false
	return true
}

func (q *fileQueue) kickWorker() {
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

// enqueue copies p, r's encoding, into the queue under the sink's
// policy. It returns loggerjs.ErrClosed after Close; any other loss is
// counted, not returned.
func (q *fileQueue) enqueue(ctx context.Context, r *loggerjs.Record, p []byte) error {
	var deadline Timer
	defer func() {
		if deadline != nil {
			deadline.Stop()
		}
	}()
	q.mu.Lock()
wait:
	for {
		if q.closing {
			q.mu.Unlock()
			q.stats[statAfterClose].Add(1)
			return loggerjs.ErrClosed
		}
		if !q.full() {
			break
		}
		switch q.policy {
		case DropOldest:
			b := q.fill
			if b.len() == 0 {
				break wait // all queued bytes are in the worker's hands
			}
			old := b.recs[b.head]
			b.recs[b.head] = queuedRecord{end: old.end}
			b.head++
			q.stats[statDroppedQueueFull].Add(1)
			q.resolved++
			q.lostBy[statDroppedQueueFull]++
			q.wakeLocked()
			q.mu.Unlock()
			q.reportDrop(statDroppedQueueFull, 1, slog.String("policy", "DropOldest"))
			q.mu.Lock()
			continue
		case Block:
			if deadline == nil {
				deadline = q.clock.NewTimer(q.blockTimeout)
			}
			wait := q.progress
			kick := q.claimKick() // a full queue is a batch worth taking
			q.mu.Unlock()
			if kick {
				q.kickWorker()
			}
			select {
			case <-wait:
				q.mu.Lock()
				continue
			case <-deadline.C():
			case <-ctx.Done():
			}
			q.stats[statDroppedQueueFull].Add(1)
			q.reportDrop(statDroppedQueueFull, 1, slog.String("policy", q.policy.String()))
			return nil
		default:
			q.mu.Unlock()
			q.stats[statDroppedQueueFull].Add(1)
			q.reportDrop(statDroppedQueueFull, 1, slog.String("policy", q.policy.String()))
			return nil
		}
	}
	b := q.fill
	if len(b.data)+len(p) > cap(b.data) {
		b.data = slices.Grow(b.data, max(len(p), cap(b.data))) // double, not append's 1.25×
	}
	b.data = append(b.data, p...)
	b.recs = append(b.recs, queuedRecord{end: len(b.data), level: r.Level, cat: r.CategoryName(), msg: r.Message()})
	q.accepted++
	if fl := q.file.flushLevel; fl != nil && r.Level >= fl.Level() {
		b.urgent = true
	}
	kick := false
	if q.idle {
		if n := b.len(); n == 1 && !q.timed || n >= q.maxRecords || b.bytes() >= q.chunkMax || b.urgent || q.full() {
			kick = q.claimKick()
		}
	}
	q.mu.Unlock()
	if kick {
		q.kickWorker()
	}
	return nil
}

// ready reports whether the worker takes the queue now. q.mu is held.
func (q *fileQueue) ready() bool {
	b := q.fill
	n := b.len()
	return n > 0 && (q.due || q.flushers > 0 || q.closing || b.urgent ||
		n >= q.maxRecords || b.bytes() >= q.chunkMax || q.full())
}

// run is the worker: it waits for a batch worth taking, swaps the
// buffers and writes the batch to the File. After a batch it waits with
// a MaxWait timer even when the queue is empty, so that under a steady
// stream the writers wake it once per batch, not also for its first
// record; a timer that finds the queue empty leaves it waiting for a
// kick alone.
func (q *fileQueue) run() {
	defer q.done.Done()
	var timer Timer
	var timerC <-chan time.Time
	stopTimer := func() {
		if timer != nil {
			timer.Stop()
			timer, timerC = nil, nil
		}
	}
	defer stopTimer()
	wrote := false // a batch was just written
	for {
		q.mu.Lock()
		for !q.ready() {
			if q.fill.len() == 0 && !wrote {
				q.due = false
				stopTimer()
			} else if timer == nil {
				timer = q.clock.NewTimer(q.maxWait)
				timerC = timer.C()
			}
			wrote = false
			q.idle, q.timed = true, timer != nil
			q.mu.Unlock()
			select {
			case <-q.kick:
			case <-timerC:
				timer, timerC = nil, nil
				q.mu.Lock()
				q.due = true
				q.mu.Unlock()
			case <-q.abort:
				q.dropQueued()
				<-q.stop
				return
			case <-q.stop:
				return
			}
			q.mu.Lock()
			q.idle = false
		}
		batch := q.fill
		q.fill, q.spare = q.spare, batch
		q.inflight = batch.len()
		q.due = false
		q.wakeLocked() // room in the queue for Block
		q.mu.Unlock()
		stopTimer()
		q.write(batch)
		wrote = true
	}
}

// write writes a batch to the File in chunks of whole records, one
// write(2) each, and accounts for every record in it: written, or
// dropped under one reason. The File writes a chunk whole or not at all
// (a failed write is cut back out of the file), so the records of a
// failed chunk are exactly the ones lost. A chunk holding a record at or
// above the File's FlushLevel writes the File's buffer too.
func (q *fileQueue) write(b *queuedRecords) {
	n := b.len()
	shipped, failed, aborted := 0, 0, 0
	var failDetail []slog.Attr
	for i := b.head; i < len(b.recs); {
		if q.aborted() {
			aborted = len(b.recs) - i
			break
		}
		from := b.start(i)
		j := i + 1
		for j < len(b.recs) && b.recs[j].end-from <= q.chunkMax {
			j++
		}
		urgent := false
		if fl := q.file.flushLevel; b.urgent && fl != nil {
			for k := i; k < j; k++ {
				if b.recs[k].level >= fl.Level() {
					urgent = true
					break
				}
			}
		}
		if err := q.file.writeRecords(b.data[from:b.recs[j-1].end], j-i, urgent); err != nil {
			if failed == 0 {
				r := b.recs[i]
				failDetail = append(errDetail(err, 1), Entry{Level: r.level, cat: r.cat, msg: r.msg}.identity()...)
			}
			failed += j - i
		} else {
			shipped += j - i
		}
		i = j
	}
	b.reset()
	q.stats[statShipped].Add(int64(shipped))
	if failed > 0 {
		q.stats[statDroppedWriteError].Add(int64(failed))
		q.reportDrop(statDroppedWriteError, failed, failDetail...)
	}
	if aborted > 0 {
		q.stats[statDroppedDeadline].Add(int64(aborted))
		q.reportDrop(statDroppedDeadline, aborted)
	}
	q.mu.Lock()
	q.inflight = 0
	q.resolved += int64(n)
	q.lostBy[statDroppedWriteError] += int64(failed)
	q.lostBy[statDroppedDeadline] += int64(aborted)
	q.wakeLocked()
	q.mu.Unlock()
}

func (q *fileQueue) aborted() bool {
	select {
	case <-q.abort:
		return true
	default:
		return false
	}
}

// dropQueued drops what is still queued when Close's deadline passes.
func (q *fileQueue) dropQueued() {
	q.mu.Lock()
	n := q.fill.len()
	q.fill.reset()
	q.stats[statDroppedDeadline].Add(int64(n))
	q.resolved += int64(n)
	q.lostBy[statDroppedDeadline] += int64(n)
	q.wakeLocked()
	q.mu.Unlock()
	q.reportDrop(statDroppedDeadline, n)
}

func (q *fileQueue) reportDrop(stat int, n int, attrs ...slog.Attr) {
	reportDrop(q.rep, stat, n, attrs...)
}

// waitResolved waits until target records are resolved or ctx is done;
// it returns how many are left.
func (q *fileQueue) waitResolved(ctx context.Context, target int64) int64 {
	return awaitProgress(ctx.Done(), nil, func() (int64, <-chan struct{}) {
		q.mu.Lock()
		defer q.mu.Unlock()
		return target - q.resolved, q.progress
	})
}

// flush waits until every record queued before it was called is written
// or dropped, or ctx is done, as pipeline.flush does.
func (q *fileQueue) flush(ctx context.Context) error {
	q.mu.Lock()
	target := q.accepted
	before := q.reported
	q.flushers++
	kick := q.claimKick()
	q.mu.Unlock()
	if kick {
		q.kickWorker()
	}
	defer func() {
		q.mu.Lock()
		q.flushers--
		q.mu.Unlock()
	}()
	var pending error
	if left := q.waitResolved(ctx, target); left > 0 {
		pending = fmt.Errorf("%d records not yet delivered: %w", left, ctx.Err())
	}
	if le := q.lossSince("flush", before, pending); le != nil {
		return le
	}
	if pending != nil {
		return fmt.Errorf("loggerjs/sinks: flush: %w", pending)
	}
	return nil
}

func (q *fileQueue) lossSince(op string, before [numStats]int64, cause error) *LossError {
	q.mu.Lock()
	now := q.lostBy
	q.reported = now
	q.mu.Unlock()
	return lossBetween(op, before, now, cause)
}

// close stops taking records, writes what is queued until ctx is done,
// then drops the rest (dropped_flush_deadline) and stops the worker, as
// pipeline.close does.
func (q *fileQueue) close(ctx context.Context) error {
	if q.closed.Swap(true) {
		select {
		case <-q.closeOK:
		case <-ctx.Done():
		}
		return nil
	}
	defer close(q.closeOK)
	q.mu.Lock()
	q.closing = true
	target := q.accepted
	before := q.reported
	q.wakeLocked() // Block waiters return ErrClosed
	kick := q.claimKick()
	q.mu.Unlock()
	if kick {
		q.kickWorker()
	}
	if q.waitResolved(ctx, target) > 0 {
		close(q.abort)
		if stuck := q.waitIdle(abortGrace); stuck > 0 {
			// The File is stuck in a write(2). The worker stops when it
			// returns, and its records are counted then.
			q.stuck.Store(true)
			close(q.stop)
			cause := fmt.Errorf("%d records still in a write that has not returned (they are counted when it returns): %w", stuck, ctx.Err())
			if le := q.lossSince("close", before, cause); le != nil {
				return le
			}
			return fmt.Errorf("loggerjs/sinks: close: %w", cause)
		}
	}
	close(q.stop)
	q.done.Wait()
	if le := q.lossSince("close", before, ctxErrIfDone(ctx)); le != nil {
		return le
	}
	return nil
}

// waitIdle waits, after an abort, until nothing is queued or in flight,
// for at most grace; it returns how many records are still in flight.
func (q *fileQueue) waitIdle(grace time.Duration) int {
	t := time.NewTimer(grace)
	defer t.Stop()
	return int(awaitProgress(nil, t.C, func() (int64, <-chan struct{}) {
		q.mu.Lock()
		defer q.mu.Unlock()
		return int64(q.fill.len() + q.inflight), q.progress
	}))
}

// snapshot returns the queue's counters and gauges under the names the
// pipeline uses.
func (q *fileQueue) snapshot() map[string]int64 {
	m := make(map[string]int64, numStats+3)
	for i := range q.stats {
		m[statNames[i]] = q.stats[i].Load()
	}
	q.mu.Lock()
	m[statNames[statQueued]] = q.accepted
	m["queue_depth"] = int64(q.fill.len())
	m["queue_bytes"] = int64(q.fill.bytes())
	m["inflight"] = int64(q.inflight)
	q.mu.Unlock()
	return m
}
