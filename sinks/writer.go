package sinks

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// WriterSink encodes each record with its codec and writes it to an
// io.Writer in one Write call. Encoding happens outside the lock; only the
// Write is serialised, so lines from concurrent goroutines never
// interleave. It is safe for concurrent use.
type WriterSink struct {
	mu     sync.Mutex
	w      io.Writer
	codec  loggerjs.Codec
	closed atomic.Bool
}

var _ EncodedSink = (*WriterSink)(nil)

// Writer returns a sink that writes records encoded by codec to w; a nil
// codec means codecs.JSON(nil). The sink does not own w: Close stops
// writing and flushes, but does not close w.
func Writer(w io.Writer, codec loggerjs.Codec) *WriterSink {
	if codec == nil {
		codec = codecs.JSON(nil)
	}
	return &WriterSink{w: w, codec: codec}
}

// Stdout returns a Writer over the process's standard output.
func Stdout(codec loggerjs.Codec) *WriterSink { return Writer(stream{os.Stdout}, codec) }

// Stderr returns a Writer over the process's standard error.
func Stderr(codec loggerjs.Codec) *WriterSink { return Writer(stream{os.Stderr}, codec) }

// stream hides *os.File's Sync, which fails on pipes and terminals and
// buys nothing for a stream.
type stream struct{ f *os.File }

func (s stream) Write(p []byte) (int, error) { return s.f.Write(p) }

// Codec returns the sink's codec.
func (s *WriterSink) Codec() loggerjs.Codec { return s.codec }

var bufPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 1024)
	return &b
}}

// maxPooledBuffer bounds the buffers kept for reuse (go.dev/issue/23199).
const maxPooledBuffer = 64 << 10

// Write encodes r and writes it. After Close it returns loggerjs.ErrClosed.
func (s *WriterSink) Write(_ context.Context, r *loggerjs.Record) error {
	if s.closed.Load() {
		return loggerjs.ErrClosed
	}
	bp := bufPool.Get().(*[]byte)
	b := s.codec.Append((*bp)[:0], r)
	err := s.writeBytes(b)
	if cap(b) <= maxPooledBuffer {
		*bp = b
		bufPool.Put(bp)
	}
	return err
}

// WriteEncoded writes p, one or more records already encoded by the
// sink's codec, in one Write call. After Close it returns
// loggerjs.ErrClosed.
func (s *WriterSink) WriteEncoded(_ context.Context, p []byte) error {
	if s.closed.Load() {
		return loggerjs.ErrClosed
	}
	return s.writeBytes(p)
}

func (s *WriterSink) writeBytes(b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.w.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	return err
}

// Flush calls the writer's Flush method if it has one, then its Sync
// method if it has one (an *os.File's fsync). A Sync that the destination
// does not support (a pipe, a terminal) is not an error.
func (s *WriterSink) Flush(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	if f, ok := s.w.(interface{ Flush() error }); ok {
		errs = append(errs, f.Flush())
	}
	if f, ok := s.w.(interface{ Sync() error }); ok {
		if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Close flushes and stops the sink; later writes return
// loggerjs.ErrClosed. It does not close the writer. Calling it again does
// nothing.
func (s *WriterSink) Close(ctx context.Context) error {
	if s.closed.Swap(true) {
		return nil
	}
	return s.Flush(ctx)
}
