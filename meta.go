package loggerjs

import (
	"context"
	"expvar"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// MetaStats is a snapshot of the counters that account for every record lost
// and every value degraded on the way to a sink. Counters only grow.
type MetaStats struct {
	// MiddlewarePanics counts panics recovered from Middleware.Process;
	// the record went on.
	MiddlewarePanics uint64
	// RedactorPanics counts records dropped because the Redactor panicked
	// on them.
	RedactorPanics uint64
	// SinkErrors counts records a sink's Write returned an error for.
	SinkErrors uint64
	// SinkPanics counts records whose Write panicked.
	SinkPanics uint64
	// WriteAfterClose counts records written to a sink after its Close.
	WriteAfterClose uint64
	// CodecFallbacks counts values a codec wrote as an error marker
	// because it could not encode them.
	CodecFallbacks uint64
	// EarlyBufferOverflow counts records dropped from a full EarlyBuffer.
	EarlyBufferOverflow uint64
	// MetaSuppressed counts meta records not emitted because the meta
	// logger's rate limit was reached. The losses they would have reported
	// are still counted above.
	MetaSuppressed uint64
	// Sinks holds the counters of each configured sink by name.
	Sinks map[string]SinkStats `json:",omitempty"`
}

// Lost returns the number of records that some sink did not receive:
// redactor panics, sink errors, sink panics, writes after close and early-buffer overflow,
// plus what the sinks themselves report dropping under keys that start
// with "dropped".
func (s MetaStats) Lost() uint64 {
	n := s.RedactorPanics + s.SinkErrors + s.SinkPanics + s.WriteAfterClose + s.EarlyBufferOverflow
	for _, ss := range s.Sinks {
		for k, v := range ss.Own {
			if len(k) >= 7 && k[:7] == "dropped" && v > 0 {
				n += uint64(v)
			}
		}
	}
	return n
}

// SinkStats are the counters of one sink.
type SinkStats struct {
	// Errors, Panics and WriteAfterClose count the records this sink
	// failed to take, as in Stats.
	Errors, Panics, WriteAfterClose uint64
	// Own holds the counters and gauges the sink reports itself, when it
	// implements StatsReporter.
	Own map[string]int64 `json:",omitempty"`
}

const (
	counterMiddlewarePanic = iota
	counterRedactorPanic
	counterSinkError
	counterSinkPanic
	counterWriteAfterClose
	counterCodecFallback
	counterEarlyOverflow
	counterMetaSuppressed
	numCounters
)

type counterSet [numCounters]atomic.Uint64

func (c *counterSet) stats() MetaStats {
	return MetaStats{
		MiddlewarePanics:    c[counterMiddlewarePanic].Load(),
		RedactorPanics:      c[counterRedactorPanic].Load(),
		SinkErrors:          c[counterSinkError].Load(),
		SinkPanics:          c[counterSinkPanic].Load(),
		WriteAfterClose:     c[counterWriteAfterClose].Load(),
		CodecFallbacks:      c[counterCodecFallback].Load(),
		EarlyBufferOverflow: c[counterEarlyOverflow].Load(),
		MetaSuppressed:      c[counterMetaSuppressed].Load(),
	}
}

// processCounters sum the counters of every handler tree in the process.
var processCounters counterSet

// sinkCounters are kept per sink value, so they survive a reconfiguration
// that keeps the sink.
type sinkCounters struct {
	errors, panics, afterClose atomic.Uint64
}

func (e *engine) count(i int) {
	e.counters[i].Add(1)
	processCounters[i].Add(1)
}

// Stats returns the counters of the process-wide registry (Configure; after
// Shutdown, the sinks it closed),
// with the loss counters summed over every handler tree in the process,
// standalone ones from NewHandler included. expvar publishes the same
// value as "loggerjs".
func Stats() MetaStats {
	s := processCounters.stats()
	if snap := registry.statsSnapshot(); snap != nil {
		s.Sinks = snap.sinkStats()
	}
	return s
}

func init() {
	expvar.Publish("loggerjs", expvar.Func(func() any { return Stats() }))
}

func (s *snapshot) sinkStats() map[string]SinkStats {
	if len(s.sinks) == 0 {
		return nil
	}
	out := make(map[string]SinkStats, len(s.sinks))
	for _, e := range s.sinks {
		ss := SinkStats{
			Errors:          e.stats.errors.Load(),
			Panics:          e.stats.panics.Load(),
			WriteAfterClose: e.stats.afterClose.Load(),
		}
		if r, ok := e.sink.(StatsReporter); ok {
			ss.Own = sinkOwnStats(r)
		}
		out[e.name] = ss
	}
	return out
}

func sinkOwnStats(r StatsReporter) (m map[string]int64) {
	defer func() {
		if recover() != nil {
			m = nil
		}
	}()
	return r.SinkStats()
}

// metaSource is the Source of records loggerjs writes about itself.
const metaSource = "loggerjs"

// metaLimiter is a token bucket for meta records: a burst of metaBurst,
// then one per metaInterval.
type metaLimiter struct {
	mu         sync.Mutex
	tokens     float64
	last       time.Time
	suppressed uint64
}

const (
	metaBurst    = 10
	metaInterval = time.Second
)

// allow takes a token; when it does, it also returns how many meta records
// were suppressed since the last one allowed.
func (m *metaLimiter) allow(now time.Time) (ok bool, suppressed uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last.IsZero() {
		m.tokens = metaBurst
	} else if d := now.Sub(m.last); d > 0 {
		m.tokens = min(metaBurst, m.tokens+float64(d)/float64(metaInterval))
	}
	m.last = now
	if m.tokens < 1 {
		m.suppressed++
		return false, 0
	}
	m.tokens--
	s := m.suppressed
	m.suppressed = 0
	return true, s
}

// report writes a meta record: through the configuration's route for
// MetaCategory, leaving out the sink it is about, or to the fallback
// writer (stderr) when no other sink is reachable and the level is Warn
// or above. Meta records are rate-limited.
func (e *engine) report(exclude *sinkEntry, level slog.Level, msg string, attrs ...slog.Attr) {
	now := e.now()
	ok, suppressed := e.limiter.allow(now)
	if !ok {
		e.count(counterMetaSuppressed)
		return
	}
	r := getRecord()
	defer r.free()
	r.Time, r.Level, r.msg, r.Source, r.eng = now, level, msg, metaSource, e
	r.Category, r.catName = MetaCategory, metaCategoryName
	r.attrs = append(r.attrs, attrs...)
	if suppressed > 0 {
		r.attrs = append(r.attrs, slog.Uint64("suppressed", suppressed))
	}
	r.Err = firstError(r.attrs)
	r.Seq = e.seq.Add(1)

	reachable := false
	snap := e.snap.Load()
	if snap != nil && snap.early == nil {
		for i := range snap.meta.targets {
			if snap.meta.targets[i].entry != exclude {
				reachable = true
				break
			}
		}
		if reachable {
			e.dispatch(context.Background(), snap.meta, r, exclude)
			return
		}
	}
	if level >= slog.LevelWarn {
		// The fallback bypasses the sinks, not the redactor: a sink's
		// error text may carry the credentials of its destination.
		rd := defaultRedactor
		if snap != nil {
			rd = snap.redactor
		}
		if rd == nil || e.redact(rd, r) {
			e.fallback(r)
		}
	}
}

var metaCategoryName = joinCategory(MetaCategory)

// fallback writes a meta record as text to the fallback writer.
func (e *engine) fallback(r *Record) {
	e.fallbackMu.Lock()
	defer e.fallbackMu.Unlock()
	w := e.fallbackOut
	if w == nil {
		w = os.Stderr
	}
	h := slog.NewTextHandler(w, &slog.HandlerOptions{Level: LevelTrace, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.LevelKey && len(groups) == 0 {
			return slog.String(slog.LevelKey, LevelName(r.Level))
		}
		return a
	}})
	sr := r.SlogRecord()
	sr.AddAttrs(slog.String(CategoryKey, r.catName))
	_ = h.Handle(context.Background(), sr)
}

// panicText renders a recovered panic value.
func panicText(p any) string {
	switch v := p.(type) {
	case error:
		return v.Error()
	case string:
		return v
	}
	return fmt.Sprint(p)
}
