package sinks

import (
	"context"
	"slices"
	"sync"

	"github.com/loggerjs/loggerjs"
)

// MemorySink keeps a clone of every record written to it, for tests. It is
// safe for concurrent use.
type MemorySink struct {
	mu     sync.Mutex
	recs   []*loggerjs.Record
	closed bool
}

var _ loggerjs.Sink = (*MemorySink)(nil)

// Memory returns an empty memory sink.
func Memory() *MemorySink { return &MemorySink{} }

// Write keeps a clone of r. After Close it returns loggerjs.ErrClosed.
func (m *MemorySink) Write(_ context.Context, r *loggerjs.Record) error {
	c := r.Clone()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return loggerjs.ErrClosed
	}
	m.recs = append(m.recs, c)
	return nil
}

// Records returns the records written so far, oldest first.
func (m *MemorySink) Records() []*loggerjs.Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.recs)
}

// Messages returns the messages of the records written so far.
func (m *MemorySink) Messages() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, len(m.recs))
	for i, r := range m.recs {
		out[i] = r.Message()
	}
	return out
}

// Len returns the number of records written so far.
func (m *MemorySink) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.recs)
}

// Reset forgets the records written so far.
func (m *MemorySink) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recs = nil
}

// Flush does nothing.
func (m *MemorySink) Flush(context.Context) error { return nil }

// Close makes later writes fail with loggerjs.ErrClosed; the records kept
// stay readable.
func (m *MemorySink) Close(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
