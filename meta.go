package loggerjs

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"strings"
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
	// EarlyBufferOverflow counts records dropped from a full early buffer
	// (see Config.EarlyBuffer).
	EarlyBufferOverflow uint64
	// EarlyBufferDiscarded counts records still held in the early buffer
	// when Shutdown ran before any configuration with sinks.
	EarlyBufferDiscarded uint64
	// AfterShutdown counts records logged after Shutdown (or Handler.Close)
	// that the configuration Shutdown retired would have routed. They are
	// written to stderr instead (redacted, rate-limited), and counted here
	// as lost to their sinks.
	AfterShutdown uint64
	// MetaSuppressed counts meta records not emitted because the meta
	// logger's rate limit was reached. The losses they would have reported
	// are still counted above.
	MetaSuppressed uint64
	// MetaSilenced counts meta records that the configuration of the
	// meta category silenced (its Level, or Sinks: []string{} with
	// Override). The losses they would have reported are still counted
	// above.
	MetaSilenced uint64
	// MetaLost counts meta records that a sink failed to take (an error,
	// a panic, a write after close). They are not in Lost, which counts
	// the records the application logged; the losses they reported are.
	MetaLost uint64
	// BridgeDrops counts records a bridge from another logging library
	// (RedirectStdLog, the zap, zerolog and logrus bridges) dropped: those
	// a sink logged through that library from inside the bridge (the
	// loop is cut there), and those a bridge's queue had no room for.
	BridgeDrops uint64
	// Sinks holds the counters of each configured sink by name.
	Sinks map[string]SinkStats `json:",omitempty"`
	// RetiredSinks holds the final counters of the sinks that a later
	// Configure or Shutdown closed, by name, summed over every sink
	// retired under that name, so that counts stay cumulative over the
	// handler tree's life.
	RetiredSinks map[string]SinkStats `json:",omitempty"`
	// Filtered counts the records middleware dropped on purpose (its
	// Process returned false: sampling, rate limits, dedupe, a filter), by
	// middleware name: the Named name, or else its Go type
	// ("*middleware.Sampler").
	Filtered map[string]uint64 `json:",omitempty"`
}

// Lost returns the number of records that some sink did not receive:
// redactor panics, sink errors, sink panics, writes after close, the
// early buffer's overflow and discards, records logged after Shutdown,
// records a bridge dropped to cut a loop,
// plus what the sinks themselves, current and retired, report dropping
// under keys that start with "dropped".
//
// For a sink, the records logged that its route reached add up: the
// records it delivered, plus Lost, plus FilteredTotal.
func (s MetaStats) Lost() uint64 {
	n := s.RedactorPanics + s.SinkErrors + s.SinkPanics + s.WriteAfterClose +
		s.EarlyBufferOverflow + s.EarlyBufferDiscarded + s.AfterShutdown + s.BridgeDrops
	return n + ownSum(s.Sinks, "dropped") + ownSum(s.RetiredSinks, "dropped")
}

// FilteredTotal returns the number of records dropped on purpose: by
// middleware (Filtered), plus what sinks that filter (FingersCrossed
// discarding held records) report under keys that start with "filtered".
func (s MetaStats) FilteredTotal() uint64 {
	var n uint64
	for _, v := range s.Filtered {
		n += v
	}
	return n + ownSum(s.Sinks, "filtered") + ownSum(s.RetiredSinks, "filtered")
}

// ownSum adds up the sinks' own counters whose keys start with prefix.
func ownSum(sinks map[string]SinkStats, prefix string) uint64 {
	var n uint64
	for _, ss := range sinks {
		for k, v := range ss.Own {
			if strings.HasPrefix(k, prefix) && v > 0 {
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
	counterEarlyDiscarded
	counterAfterShutdown
	counterMetaSilenced
	counterBridgeDrop
	counterMetaLost
	numCounters
)

type counterSet [numCounters]atomic.Uint64

func (c *counterSet) stats() MetaStats {
	return MetaStats{
		MiddlewarePanics:     c[counterMiddlewarePanic].Load(),
		RedactorPanics:       c[counterRedactorPanic].Load(),
		SinkErrors:           c[counterSinkError].Load(),
		SinkPanics:           c[counterSinkPanic].Load(),
		WriteAfterClose:      c[counterWriteAfterClose].Load(),
		CodecFallbacks:       c[counterCodecFallback].Load(),
		EarlyBufferOverflow:  c[counterEarlyOverflow].Load(),
		MetaSuppressed:       c[counterMetaSuppressed].Load(),
		EarlyBufferDiscarded: c[counterEarlyDiscarded].Load(),
		AfterShutdown:        c[counterAfterShutdown].Load(),
		MetaSilenced:         c[counterMetaSilenced].Load(),
		BridgeDrops:          c[counterBridgeDrop].Load(),
		MetaLost:             c[counterMetaLost].Load(),
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
// standalone ones from NewHandler included. admin.PublishExpvar
// publishes the same value on expvar.
func Stats() MetaStats {
	s := processCounters.stats()
	registry.addSinkStats(&s)
	return s
}

// stats returns the counters of e's handler tree.
func (e *engine) stats() MetaStats {
	s := e.counters.stats()
	e.addSinkStats(&s)
	return s
}

// addSinkStats fills in the sinks' counters, retired ones included, and
// the middleware's filtered counts.
func (e *engine) addSinkStats(s *MetaStats) {
	if snap := e.snap.Load(); snap != nil {
		s.Sinks = snap.sinkStats()
	}
	e.statsMu.Lock()
	defer e.statsMu.Unlock()
	if len(e.retired) > 0 {
		s.RetiredSinks = make(map[string]SinkStats, len(e.retired))
		for name, ss := range e.retired {
			ss.Own = maps.Clone(ss.Own)
			s.RetiredSinks[name] = ss
		}
	}
	for name, c := range e.filtered {
		if n := c.Load(); n > 0 {
			if s.Filtered == nil {
				s.Filtered = map[string]uint64{}
			}
			s.Filtered[name] = n
		}
	}
}

// retire adds the final counters of a closed sink to the retired ones.
func (e *engine) retire(entry *sinkEntry) {
	ss := entry.sinkStats()
	e.statsMu.Lock()
	defer e.statsMu.Unlock()
	if e.retired == nil {
		e.retired = map[string]SinkStats{}
	}
	old := e.retired[entry.name]
	old.Errors += ss.Errors
	old.Panics += ss.Panics
	old.WriteAfterClose += ss.WriteAfterClose
	if len(ss.Own) > 0 && old.Own == nil {
		old.Own = map[string]int64{}
	}
	for k, v := range ss.Own {
		old.Own[k] += v
	}
	e.retired[entry.name] = old
}

// middlewareName names a middleware in MetaStats.Filtered.
func middlewareName(m Middleware) string {
	if n, ok := m.(*namedMiddleware); ok {
		return n.name
	}
	return fmt.Sprintf("%T", m)
}

// Named returns m under a name of its own, for MetaStats.Filtered: the
// records it drops are counted under name instead of under its Go type.
// Use it to tell two middleware of one type apart, or a MiddlewareFunc.
func Named(name string, m Middleware) Middleware {
	return &namedMiddleware{name: name, Middleware: m}
}

type namedMiddleware struct {
	name string
	Middleware
}

// FailsClosed forwards the wrapped middleware's answer, so that Named
// keeps a redaction stage failing closed.
func (n *namedMiddleware) FailsClosed() bool {
	fc, ok := n.Middleware.(interface{ FailsClosed() bool })
	return ok && fc.FailsClosed()
}

func (s *snapshot) sinkStats() map[string]SinkStats {
	if len(s.sinks) == 0 {
		return nil
	}
	out := make(map[string]SinkStats, len(s.sinks))
	for _, e := range s.sinks {
		out[e.name] = e.sinkStats()
	}
	return out
}

func (e *sinkEntry) sinkStats() SinkStats {
	ss := SinkStats{
		Errors:          e.stats.errors.Load(),
		Panics:          e.stats.panics.Load(),
		WriteAfterClose: e.stats.afterClose.Load(),
	}
	if r, ok := e.sink.(StatsReporter); ok {
		ss.Own = sinkOwnStats(r)
	}
	return ss
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
// MetaCategory, leaving out the sink it is about. Where no sink of that
// route takes the record, it is silenced (and counted) when a LoggerConfig
// names the meta category or its parent, and written to the fallback
// writer (stderr) otherwise, or when the only sink that would take it is
// the one it is about, at Warn and above. Meta records are rate-limited.
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

	snap := e.snap.Load()
	if snap != nil && snap.early == nil {
		reachable, excludedOnly := false, false
		for i := range snap.meta.targets {
			t := &snap.meta.targets[i]
			if level < t.gate() {
				continue
			}
			if t.entry == exclude {
				excludedOnly = true
				continue
			}
			reachable = true
			break
		}
		if reachable {
			e.dispatch(context.Background(), snap.meta, r, exclude)
			return
		}
		if snap.metaConfigured && !excludedOnly {
			// The configuration silences this meta record: its level or
			// its sinks say so. The loss it reports is counted already.
			e.count(counterMetaSilenced)
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
