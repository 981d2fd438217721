package otelbridge

import (
	"context"
	"encoding/hex"
	"log/slog"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/contextx"
)

// TraceIDs returns the trace and span ids, in hex, of the valid span in
// ctx (the span the code logging is running in), or empty strings. It is
// a middleware.TraceExtractor:
//
//	middleware.Trace(otelbridge.TraceIDs)
//
// so that records logged inside an OpenTelemetry span carry its ids to
// every sink, whatever its codec.
func TraceIDs(ctx context.Context) (traceID, spanID string) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return "", ""
	}
	return sc.TraceID().String(), sc.SpanID().String()
}

// SpanExtractor returns the valid OpenTelemetry span in ctx as a
// contextx.Span, for middleware.TraceContext and the httpx middleware:
//
//	middleware.TraceContext(&middleware.TraceOptions{
//		Extractors: []contextx.SpanExtractor{otelbridge.SpanExtractor},
//	})
//
// so that the active span's ids win over the ones loggerjs carries. The
// parent id is left zero: the OpenTelemetry API does not expose it.
func SpanExtractor(ctx context.Context) (contextx.Span, bool) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return contextx.Span{}, false
	}
	return contextx.Span{TraceID: sc.TraceID(), SpanID: sc.SpanID(), Flags: byte(sc.TraceFlags())}, true
}

var _ contextx.SpanExtractor = SpanExtractor

// Trace returns middleware that adds the trace_id, span_id and
// trace_flags root attrs (loggerjs.TraceIDKey, loggerjs.SpanIDKey,
// codecs.TraceFlagsKey) of the valid span in the record's context, for
// every sink: the OTLP codec writes them as the LogRecord's traceId,
// spanId and flags, the other codecs as attrs. A record that already has
// a root trace_id keeps it. It is middleware.Trace(TraceIDs) plus the
// flags, which a TraceExtractor cannot return.
func Trace() loggerjs.Middleware {
	return loggerjs.MiddlewareFunc(func(ctx context.Context, r *loggerjs.Record) bool {
		if ctx == nil {
			return true
		}
		sc := trace.SpanContextFromContext(ctx)
		if !sc.IsValid() {
			return true
		}
		for i := range r.NumRootAttrs() {
			if r.RootAttr(i).Key == loggerjs.TraceIDKey {
				return true
			}
		}
		var flags [2]byte
		hex.Encode(flags[:], []byte{byte(sc.TraceFlags())})
		r.AddRootAttrs(
			slog.String(loggerjs.TraceIDKey, sc.TraceID().String()),
			slog.String(loggerjs.SpanIDKey, sc.SpanID().String()),
			slog.String(codecs.TraceFlagsKey, string(flags[:])))
		return true
	})
}

// traceAttrs collects the trace root attrs of a record.
type traceAttrs struct {
	traceID, spanID, flags slog.Attr
}

// take keeps a if it is one of the trace root attrs.
func (t *traceAttrs) take(a slog.Attr) bool {
	switch a.Key {
	case loggerjs.TraceIDKey:
		if t.traceID.Key == "" {
			t.traceID = a
			return true
		}
	case loggerjs.SpanIDKey:
		if t.spanID.Key == "" {
			t.spanID = a
			return true
		}
	case codecs.TraceFlagsKey:
		if t.flags.Key == "" {
			t.flags = a
			return true
		}
	}
	return false
}

// spanContext makes a span context of the attrs, if they hold a valid
// trace id (and, optionally, span id and flags).
func (t *traceAttrs) spanContext() (trace.SpanContext, bool) {
	if t.traceID.Key == "" {
		return trace.SpanContext{}, false
	}
	tid, err := trace.TraceIDFromHex(t.traceID.Value.String())
	if err != nil {
		return trace.SpanContext{}, false
	}
	cfg := trace.SpanContextConfig{TraceID: tid}
	if t.spanID.Key != "" {
		sid, err := trace.SpanIDFromHex(t.spanID.Value.String())
		if err != nil {
			return trace.SpanContext{}, false
		}
		cfg.SpanID = sid
	}
	if t.flags.Key != "" {
		f, ok := flagsOf(t.flags.Value)
		if !ok {
			return trace.SpanContext{}, false
		}
		cfg.TraceFlags = trace.TraceFlags(f)
	}
	sc := trace.NewSpanContext(cfg)
	return sc, sc.TraceID().IsValid()
}

// leftovers returns the trace attrs as plain attributes, for a record
// whose attrs did not make a valid span context.
func (t *traceAttrs) leftovers(c converter) []attribute.KeyValue {
	var out []attribute.KeyValue
	for _, a := range []slog.Attr{t.traceID, t.spanID, t.flags} {
		if a.Key != "" {
			if kv, ok := c.kv(a, 0); ok {
				out = append(out, kv)
			}
		}
	}
	return out
}

// flagsOf reads trace flags as codecs.TraceFlagsKey holds them.
func flagsOf(v slog.Value) (byte, bool) {
	switch v.Kind() {
	case slog.KindInt64:
		if i := v.Int64(); i >= 0 && i <= 255 {
			return byte(i), true
		}
	case slog.KindUint64:
		if u := v.Uint64(); u <= 255 {
			return byte(u), true
		}
	case slog.KindString:
		if s := v.String(); len(s) == 2 {
			if u, err := strconv.ParseUint(s, 16, 8); err == nil {
				return byte(u), true
			}
		}
	}
	return 0, false
}
