package sinks

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// A LossError is what a sink's Flush or Close returns when records the
// sink held or was delivering were lost and no earlier Flush or Close
// of the sink has reported them: lost while the call ran, or before it
// (a queued sink's worker may fail a record before Flush is called, and
// that Flush reports it). They were dropped when
// its deadline passed, after the retries ran out, by an open circuit
// breaker, refused by the destination, failed by the file or writer
// underneath, or written to a file that was removed. The same records are
// counted in the sink's SinkStats; the error tells the caller of Flush or
// Close, as the OpenTelemetry SDK's Shutdown does. Records that were
// still waiting when a Flush's deadline passed stay queued and are not
// counted here.
type LossError struct {
	// Op is "flush" or "close".
	Op string
	// Records is how many records were lost since the losses were last
	// reported.
	Records int64
	// Reasons splits Records by the SinkStats counter each was counted
	// under ("dropped_flush_deadline", …).
	Reasons map[string]int64
	// Err is the cause where one is known (the context's error, a
	// write's error), or nil.
	Err error
}

func (e *LossError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "loggerjs/sinks: %s: %d records lost", e.Op, e.Records)
	if len(e.Reasons) > 0 {
		keys := make([]string, 0, len(e.Reasons))
		for k := range e.Reasons {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %d", k, e.Reasons[k])
		}
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *LossError) Unwrap() error { return e.Err }

// ctxErrIfDone returns ctx's error if it is done.
func ctxErrIfDone(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	default:
		return nil
	}
}

// lossCount gathers the records a call lost, by reason.
type lossCount struct {
	n       int64
	reasons map[string]int64
}

func (l *lossCount) add(reason string, n int64) {
	if n <= 0 {
		return
	}
	if l.reasons == nil {
		l.reasons = make(map[string]int64)
	}
	l.reasons[reason] += n
	l.n += n
}

// err returns a *LossError with cause as its Err if records were lost,
// and cause otherwise.
func (l *lossCount) err(op string, cause error) error {
	if l.n == 0 {
		return cause
	}
	return &LossError{Op: op, Records: l.n, Reasons: l.reasons, Err: cause}
}
