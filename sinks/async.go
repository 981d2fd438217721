package sinks

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/loggerjs/loggerjs"
)

// An EncodedSink is a Sink that can also take a record its own codec has
// already encoded. Async and the handler use it to encode on the logging
// goroutine and deliver the bytes elsewhere. WriteEncoded writes p, which
// holds one or more whole encoded records, and must not keep p after it
// returns.
type EncodedSink interface {
	loggerjs.Sink
	Codec() loggerjs.Codec
	WriteEncoded(ctx context.Context, p []byte) error
}

// AsyncOptions configure Async. A nil *AsyncOptions, and any zero field,
// means the default given with the field.
type AsyncOptions struct {
	// QueueSize bounds the records waiting for the worker. Default 8192.
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
	// MaxBatch is the most records the worker takes off the queue at
	// once. Over a File the worker takes the whole queue, and MaxBatch
	// queued records wake it. Default 256.
	MaxBatch int
	// MaxWait is how long the first queued record waits for MaxBatch
	// others before the worker takes what is queued. Default: over a
	// File 10ms (records wait in the File's buffer longer anyway; see
	// FileOptions.FlushEvery), so that the worker wakes once per batch
	// rather than once per record; over other sinks 0, at once.
	MaxWait time.Duration
	// Clock is for tests; nil means the system clock.
	Clock Clock
}

// AsyncSink moves delivery off the logging goroutine: Write encodes the
// record with the inner sink's codec (or, for an inner sink that takes
// only records, clones it), queues the result and returns; one worker
// goroutine writes the queue to the inner sink in order. Values logged
// may change after the logging call returns without changing what is
// written.
//
// Over a File, the queue is two byte buffers that swap: Write copies
// the record's encoding into one under a mutex and wakes the worker only
// when a batch is worth taking (MaxBatch records, 64 KiB, a record at or
// above the File's FlushLevel, Flush, Close, or MaxWait after the first
// record); the worker takes the whole buffer and hands it to the File in
// chunks of up to 64 KiB (or the File's BufferSize or MaxSize, if
// smaller), one write each. File writes a chunk whole or not at all, so
// the records of a failed chunk are exactly those counted. A chunk
// holding a record at or above the File's FlushLevel writes the File's
// buffer too.
//
// Write never blocks beyond the policy's deadline. Records dropped from
// the queue or failed by the inner sink are counted in SinkStats
// ("dropped_queue_full", "dropped_write_error", "dropped_flush_deadline")
// and reported on the meta logger. It is safe for concurrent use.
type AsyncSink struct {
	inner   loggerjs.Sink
	encoded EncodedSink // inner, when it takes bytes
	p       *pipeline   // the queue, unless inner is a File
	q       *fileQueue  // the queue over a File
	rep     reporter
}

var (
	_ loggerjs.Sink          = (*AsyncSink)(nil)
	_ loggerjs.StatsReporter = (*AsyncSink)(nil)
	_ loggerjs.MetaReporting = (*AsyncSink)(nil)
)

// Async returns a sink that delivers to inner on a goroutine of its own,
// which Close stops. Close also closes inner.
func Async(inner loggerjs.Sink, opts *AsyncOptions) *AsyncSink {
	var o AsyncOptions
	if opts != nil {
		o = *opts
	}
	s := &AsyncSink{inner: inner}
	s.encoded, _ = inner.(EncodedSink)
	if f, ok := inner.(*FileSink); ok {
		s.q = newFileQueue(f, o, &s.rep)
		return s
	}
	cfg := pipelineConfig{
		maxRecords:   positive(o.MaxBatch, 256),
		maxBytes:     1 << 30,
		maxWait:      max(o.MaxWait, 0),
		concurrency:  1,
		queueSize:    positive(o.QueueSize, 8192),
		queueBytes:   max(o.QueueBytes, 0),
		policy:       o.Policy,
		blockTimeout: positiveDur(o.BlockTimeout, 100*time.Millisecond),
		clock:        o.Clock,
		failStat:     statDroppedWriteError,
		ship:         s.deliver,
		release:      releaseEntry,
	}
	s.p = newPipeline(cfg, &s.rep)
	return s
}

// Write encodes or clones r on the calling goroutine and queues it.
func (s *AsyncSink) Write(ctx context.Context, r *loggerjs.Record) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if s.q != nil {
		if s.q.closed.Load() {
			s.q.stats[statAfterClose].Add(1)
			return loggerjs.ErrClosed
		}
		bp := bufPool.Get().(*[]byte)
		b := s.encoded.Codec().Append((*bp)[:0], r)
		err := s.q.enqueue(ctx, r, b)
		if cap(b) <= maxPooledBuffer {
			*bp = b
			bufPool.Put(bp)
		}
		return err
	}
	if s.p.closed.Load() {
		s.p.stats[statAfterClose].Add(1)
		return loggerjs.ErrClosed
	}
	e := newEntry(r)
	if s.encoded != nil {
		bp := encBufPool.Get().(*[]byte)
		e.Data = s.encoded.Codec().Append((*bp)[:0], r)
		e.buf = bp
	} else {
		e.rec = r.Clone()
	}
	return s.p.enqueue(ctx, e)
}

// deliver writes a batch to the inner sink, one record at a time, and
// reports how many failed.
func (s *AsyncSink) deliver(ctx context.Context, batch []Entry) error {
	failed := 0
	var last error
	for i := range batch {
		err := s.writeOne(ctx, batch[i])
		if err != nil {
			failed++
			last = err
		}
	}
	return s.failures(failed, last)
}

// asyncChunk bounds the bytes Async hands a File in one write.
const asyncChunk = 64 << 10

func (s *AsyncSink) failures(failed int, last error) error {
	if failed > 0 {
		return &partialError{failed: failed, err: last}
	}
	return nil
}

func (s *AsyncSink) writeOne(ctx context.Context, e Entry) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("loggerjs/sinks: inner sink panicked")
		}
	}()
	// The inner write gets the worker's context, which Close cancels at
	// its deadline: the logging call's context has ended by now.
	if e.rec != nil {
		return s.inner.Write(ctx, e.rec)
	}
	return s.encoded.WriteEncoded(ctx, e.Data)
}

// Flush waits until the records queued before the call are written, then
// flushes the inner sink, within ctx's deadline. It returns a *LossError
// if records were dropped (the inner sink failed them) since the last
// Flush or Close reported its losses, and
// an error naming how many are still queued if ctx ended first; the
// inner sink's Flush error is joined to it.
func (s *AsyncSink) Flush(ctx context.Context) error {
	var err error
	if s.q != nil {
		err = s.q.flush(ctx)
	} else {
		err = s.p.flush(ctx)
	}
	return errors.Join(err, s.inner.Flush(ctx))
}

// Close stops taking records, writes what is queued until ctx is done,
// drops and counts the rest, stops the worker and closes the inner sink.
// It returns a *LossError if records were dropped and not yet reported
// (at the deadline, or failed by the inner sink), joined with the inner
// sink's Close error.
// If the inner sink is stuck in a write past the deadline, Close returns
// anyway; the worker closes the inner sink and stops once that write
// returns. Calling Close again does nothing.
func (s *AsyncSink) Close(ctx context.Context) error {
	var first, stuck bool
	var done *sync.WaitGroup
	var err error
	if s.q != nil {
		first = !s.q.closed.Load()
		err = s.q.close(ctx)
		stuck, done = s.q.stuck.Load(), &s.q.done
	} else {
		first = !s.p.closed.Load()
		err = s.p.close(ctx)
		stuck, done = s.p.stuck.Load(), &s.p.done
	}
	if !first {
		return err
	}
	if stuck {
		// The worker is inside an inner write that ignores its canceled
		// context; closing the inner sink now could wait on that write
		// without bound. The inner sink is closed when the write returns.
		go func() {
			done.Wait()
			s.inner.Close(context.Background())
		}()
		return err
	}
	return errors.Join(err, s.inner.Close(ctx))
}

// SetMetaReporter implements loggerjs.MetaReporting, and passes the
// reporter on to an inner sink that takes one.
func (s *AsyncSink) SetMetaReporter(name string, m loggerjs.MetaReporter) {
	s.rep.set(name, m)
	if mr, ok := s.inner.(loggerjs.MetaReporting); ok {
		mr.SetMetaReporter(name, m)
	}
}

// SinkStats returns the sink's counters: queued, shipped (written to the
// inner sink), write_after_close, dropped_queue_full,
// dropped_write_error, dropped_flush_deadline, and the gauges
// queue_depth, queue_bytes and inflight. An inner sink's own counters
// are included with the prefix "inner_" (its drops keep "dropped" first,
// as "dropped_inner_…").
func (s *AsyncSink) SinkStats() map[string]int64 {
	var m map[string]int64
	if s.q != nil {
		m = s.q.snapshot()
	} else {
		m = s.p.snapshot()
	}
	for _, k := range []int{statBatches, statRetried, statBreakerOpened, statDroppedTooLarge, statDroppedRetries, statDroppedCircuit, statDroppedRejected} {
		delete(m, statNames[k])
	}
	if sr, ok := s.inner.(loggerjs.StatsReporter); ok {
		for k, v := range sr.SinkStats() {
			if len(k) >= 7 && k[:7] == "dropped" {
				m["dropped_inner"+k[7:]] = v
			} else {
				m["inner_"+k] = v
			}
		}
	}
	return m
}
