package otelbridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"

	"github.com/loggerjs/loggerjs"
)

// Options configure New. Exporter or Provider must be set.
type Options struct {
	// Exporter receives the records through the SDK's BatchProcessor
	// (sdklog.NewBatchProcessor with Batch), in a LoggerProvider that
	// the sink owns: Flush is its ForceFlush, Close its Shutdown. Use
	// otlploghttp or otlploggrpc for a collector, stdoutlog for a
	// terminal.
	Exporter sdklog.Exporter
	// Batch configures the BatchProcessor: queue size, export interval,
	// batch size, export timeout.
	Batch []sdklog.BatchProcessorOption
	// Resource is the provider's resource. Default resource.Default():
	// service.name from OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES,
	// else "unknown_service:" and the executable's name, plus the SDK's
	// telemetry.sdk.* attributes.
	Resource *resource.Resource

	// Provider, instead of Exporter, is a LoggerProvider of the caller's
	// (an SDK provider with processors of its own, or any other). The
	// sink then neither flushes nor shuts it down unless ProviderFlush
	// and ProviderClose say how, and it cannot see the provider's drops.
	Provider      otellog.LoggerProvider
	ProviderFlush func(ctx context.Context) error
	ProviderClose func(ctx context.Context) error

	// ScopeVersion is the version of every instrumentation scope (one per
	// category). Default none.
	ScopeVersion string
}

// Sink delivers records to the OpenTelemetry Logs SDK. Each category is
// an instrumentation scope (a Logger of the provider, named by the
// dotted category and kept per category); each record becomes a log
// record with
//
//   - the record's time as its timestamp (the SDK stamps the observed
//     time),
//   - the severity number of its level (TRACE 1, DEBUG 5, INFO 9, WARN
//     13, ERROR 17, FATAL 21, levels between in between, clamped to
//     1..24) and the level's name as severity text,
//   - the message as a string body,
//   - attrs as attributes, bound ones included, with groups as maps; the
//     values are mapped as codecs.OTLPJSON maps them, so the SDK path and
//     the plain OTLP/HTTP path (package sinks/remote) write the same
//     record the same way,
//   - the record's error as exception.message and exception.type, and
//     the stack the handler found for it (the root attr
//     loggerjs.StackKey) as exception.stacktrace,
//   - the trace id, span id and flags of the span in the context passed
//     to Write, or, with no valid span there, of the trace_id, span_id
//     and trace_flags root attrs that middleware put on the record
//     (middleware.Trace, or Trace in this package).
//
// Sink is safe for concurrent use. SinkStats counts what it handed to
// the SDK and, with an Exporter, what the SDK exported, failed to export
// (dropped_export_failed) and dropped from its full queue
// (dropped_queue_full), so loggerjs.MetaStats.Lost includes them.
type Sink struct {
	provider otellog.LoggerProvider
	sdk      *sdklog.LoggerProvider // set when the sink owns it
	flush    func(context.Context) error
	close    func(context.Context) error
	version  string
	loggers  sync.Map // category -> otellog.Logger
	exp      *countingExporter

	emitted     atomic.Int64
	queueDrops  atomic.Int64
	afterClose  atomic.Int64
	closed      atomic.Bool
	closeOnce   sync.Once
	closeErr    error
	accountLock sync.Mutex
}

var (
	_ loggerjs.Sink          = (*Sink)(nil)
	_ loggerjs.StatsReporter = (*Sink)(nil)
)

// New returns a sink over the OpenTelemetry Logs SDK.
func New(opts Options) (*Sink, error) {
	s := &Sink{version: opts.ScopeVersion}
	switch {
	case opts.Exporter != nil && opts.Provider != nil:
		return nil, errors.New("otelbridge: Options.Exporter and Options.Provider are both set: set one")
	case opts.Exporter != nil:
		s.exp = &countingExporter{Exporter: opts.Exporter}
		popts := []sdklog.LoggerProviderOption{sdklog.WithProcessor(sdklog.NewBatchProcessor(s.exp, opts.Batch...))}
		if opts.Resource != nil {
			popts = append(popts, sdklog.WithResource(opts.Resource))
		}
		s.sdk = sdklog.NewLoggerProvider(popts...)
		s.provider = s.sdk
		s.flush, s.close = s.sdk.ForceFlush, s.sdk.Shutdown
	case opts.Provider != nil:
		s.provider = opts.Provider
		s.flush, s.close = opts.ProviderFlush, opts.ProviderClose
	default:
		return nil, errors.New("otelbridge: Options.Exporter or Options.Provider must be set")
	}
	return s, nil
}

// logger returns the Logger of a category, made once.
func (s *Sink) logger(category string) otellog.Logger {
	if l, ok := s.loggers.Load(category); ok {
		return l.(otellog.Logger)
	}
	var lopts []otellog.LoggerOption
	if s.version != "" {
		lopts = append(lopts, otellog.WithInstrumentationVersion(s.version))
	}
	l, _ := s.loggers.LoadOrStore(category, s.provider.Logger(category, lopts...))
	return l.(otellog.Logger)
}

// Severity returns the OpenTelemetry severity of a level: TRACE 1,
// DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21, the levels between in
// between, clamped to 1..24.
func Severity(l slog.Level) otellog.Severity {
	return otellog.Severity(min(max(int64(l)+9, 1), 24))
}

// Write converts r and emits it through the Logger of its category.
func (s *Sink) Write(ctx context.Context, r *loggerjs.Record) error {
	if s.closed.Load() {
		s.afterClose.Add(1)
		return loggerjs.ErrClosed
	}
	if ctx == nil {
		ctx = context.Background()
	}
	var rec otellog.Record
	if !r.Time.IsZero() {
		rec.SetTimestamp(r.Time)
	}
	rec.SetSeverity(Severity(r.Level))
	rec.SetSeverityText(loggerjs.LevelName(r.Level))
	rec.SetBody(attribute.StringValue(r.Message()))

	c := converter{r: r}
	var ids traceAttrs
	var stack string
	var kvs []attribute.KeyValue
	r.RootAttrs(func(a slog.Attr) bool {
		if ids.take(a) {
			return true
		}
		if a.Key == loggerjs.StackKey && r.Err != nil && stack == "" && a.Value.Kind() == slog.KindString {
			stack = a.Value.String()
			return true
		}
		if kv, ok := c.kv(a, 0); ok {
			kvs = append(kvs, kv)
		}
		return true
	})
	kvs = s.scoped(kvs, c, r)
	if r.Err != nil {
		msg := safeError(r.Err)
		kvs = append(kvs,
			attribute.String("exception.message", r.RedactText(msg)),
			attribute.String("exception.type", fmt.Sprintf("%T", r.Err)))
		if stack != "" {
			kvs = append(kvs, attribute.String("exception.stacktrace", r.RedactText(stack)))
		}
	}
	rec.AddAttributes(kvs...)

	if !trace.SpanContextFromContext(ctx).IsValid() {
		if sc, ok := ids.spanContext(); ok {
			ctx = trace.ContextWithSpanContext(ctx, sc)
		} else {
			// Put back what did not make a valid span context.
			rec.AddAttributes(ids.leftovers(c)...)
		}
	}
	s.emitted.Add(1)
	s.logger(r.CategoryName()).Emit(ctx, rec)
	return nil
}

// scopeLevel is one group level of a converted bound scope: the group
// that opens it ("" at the top) and the attributes bound inside it.
type scopeLevel struct {
	group string
	kvs   []attribute.KeyValue
}

type scopeKey struct{ s *Sink }

// scoped appends the record's bound and own attrs, nested in the scope's
// groups, to kvs.
func (s *Sink) scoped(kvs []attribute.KeyValue, c converter, r *loggerjs.Record) []attribute.KeyValue {
	levels := r.Scope.Cache(scopeKey{s}, convertScope).([]scopeLevel)
	own := make([]attribute.KeyValue, 0, r.NumAttrs())
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "" {
			if v := resolve(a.Value); v.Kind() == slog.KindGroup {
				own = c.kvs(own, v.Group(), 1)
				return true
			}
		}
		if kv, ok := c.kv(a, len(levels)); ok {
			own = append(own, kv)
		}
		return true
	})
	if len(levels) == 0 {
		return append(kvs, own...)
	}
	inner := append(levels[len(levels)-1].kvs[:len(levels[len(levels)-1].kvs):len(levels[len(levels)-1].kvs)], own...)
	for i := len(levels) - 1; i > 0; i-- {
		outer := levels[i-1].kvs
		if len(inner) == 0 {
			inner = outer
			continue
		}
		inner = append(outer[:len(outer):len(outer)], attribute.KeyValue{Key: attribute.Key(levels[i].group), Value: attribute.MapValue(inner...)})
	}
	return append(kvs, inner...)
}

// convertScope converts a bound scope once: one level per open group.
func convertScope(sc *loggerjs.Scope) any {
	levels := []scopeLevel{{}}
	c := converter{}
	var buf [8]*loggerjs.Scope
	for _, l := range sc.Links(buf[:0]) {
		if g := l.Group(); g != "" {
			levels = append(levels, scopeLevel{group: g})
			continue
		}
		last := &levels[len(levels)-1]
		last.kvs = c.kvs(last.kvs, l.Attrs(), len(levels)-1)
	}
	if len(levels) == 1 && len(levels[0].kvs) == 0 {
		return []scopeLevel(nil)
	}
	return levels
}

// Flush asks the provider to export what it holds (ForceFlush), within
// ctx's deadline.
func (s *Sink) Flush(ctx context.Context) error {
	if s.flush == nil {
		return nil
	}
	err := s.flush(ctx)
	s.account(err == nil)
	return err
}

// Close shuts the provider down (exporting what it holds first) within
// ctx's deadline; later writes return loggerjs.ErrClosed. Calling it
// again returns the first call's result.
func (s *Sink) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		if s.close != nil {
			s.closeErr = s.close(ctx)
		}
		s.account(true)
	})
	return s.closeErr
}

// account works out the records the SDK's queue dropped: after a
// ForceFlush or Shutdown that returned, nothing emitted before it is
// still queued, so what was emitted and neither exported nor failed was
// dropped. The count only grows; a record emitted while the flush ran is
// counted at the next flush.
func (s *Sink) account(settled bool) {
	if s.exp == nil || !settled {
		return
	}
	s.accountLock.Lock()
	defer s.accountLock.Unlock()
	gone := s.emitted.Load() - s.exp.exported.Load() - s.exp.failed.Load()
	if gone > s.queueDrops.Load() {
		s.queueDrops.Store(gone)
	}
}

// SinkStats returns emitted (records handed to the SDK) and
// write_after_close; with an Exporter also exported, dropped_export_failed
// (records in exports that returned an error) and dropped_queue_full
// (records the BatchProcessor dropped from its full queue, as of the
// last Flush or Close).
func (s *Sink) SinkStats() map[string]int64 {
	m := map[string]int64{
		"emitted":           s.emitted.Load(),
		"write_after_close": s.afterClose.Load(),
	}
	if s.exp != nil {
		m["exported"] = s.exp.exported.Load()
		m["dropped_export_failed"] = s.exp.failed.Load()
		m["dropped_queue_full"] = s.queueDrops.Load()
	}
	return m
}

// Provider returns the LoggerProvider the sink emits to.
func (s *Sink) Provider() otellog.LoggerProvider { return s.provider }

// countingExporter counts the records it passes on, and those in exports
// that failed.
type countingExporter struct {
	sdklog.Exporter
	exported, failed atomic.Int64
}

func (e *countingExporter) Export(ctx context.Context, records []sdklog.Record) error {
	err := e.Exporter.Export(ctx, records)
	if err != nil {
		e.failed.Add(int64(len(records)))
	} else {
		e.exported.Add(int64(len(records)))
	}
	return err
}
