package contextx

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"math/rand/v2"

	"github.com/loggerjs/loggerjs"
)

// Keys of the root attrs that carry a record's span identity. TraceIDKey
// and SpanIDKey are the root package's; TraceFlagsKey is the key the
// OTLP codec and the OpenTelemetry bridge read the flags from.
const (
	TraceIDKey      = loggerjs.TraceIDKey      // "trace_id": 32 hex digits
	SpanIDKey       = loggerjs.SpanIDKey       // "span_id": 16 hex digits, the span the code runs in
	ParentSpanIDKey = loggerjs.ParentSpanIDKey // "parent_span_id": 16 hex digits, the caller's span; absent for a root span
	TraceFlagsKey   = loggerjs.TraceFlagsKey   // "trace_flags": 2 hex digits; bit 0 is "sampled"
)

// Trace flags defined by W3C Trace Context.
const (
	// FlagSampled says the caller may have recorded the trace.
	FlagSampled byte = 0x01
	// FlagRandom (level 2) says the right-most 7 bytes of the trace id
	// are random.
	FlagRandom byte = 0x02
	// knownFlags are the flags a span passes on to its children; the
	// specification asks that the others be set to zero.
	knownFlags = FlagSampled | FlagRandom
)

// A Span is the identity of the span some code runs in: the trace it
// belongs to, its own id, the id of its parent (zero for a root span, or
// when the parent is unknown), the trace flags and the vendors'
// tracestate. It is a value; the zero Span is not valid.
type Span struct {
	TraceID  [16]byte
	SpanID   [8]byte
	ParentID [8]byte
	Flags    byte
	State    TraceState
}

// NewSpan returns the root span of a new trace, with random trace and
// span ids, the random flag, and the sampled flag when sampled is true.
func NewSpan(sampled bool) Span {
	var s Span
	for s.TraceID == ([16]byte{}) {
		binary.BigEndian.PutUint64(s.TraceID[:8], rand.Uint64())
		binary.BigEndian.PutUint64(s.TraceID[8:], rand.Uint64())
	}
	s.SpanID = newSpanID()
	s.Flags = FlagRandom
	if sampled {
		s.Flags |= FlagSampled
	}
	return s
}

// SpanOf returns the span tp names: tp's trace id, its parent-id as the
// span id, and its flags, with no parent and no tracestate.
func SpanOf(tp Traceparent) Span {
	return Span{TraceID: tp.TraceID, SpanID: tp.SpanID, Flags: tp.Flags}
}

// Child returns a new span of s's trace whose parent is s: a random span
// id, s's flags (those the specification defines) and tracestate.
func (s Span) Child() Span {
	return Span{TraceID: s.TraceID, SpanID: newSpanID(), ParentID: s.SpanID, Flags: s.Flags & knownFlags, State: s.State}
}

func newSpanID() [8]byte {
	var id [8]byte
	for id == ([8]byte{}) {
		binary.BigEndian.PutUint64(id[:], rand.Uint64())
	}
	return id
}

// IsValid reports whether s has a non-zero trace id and span id.
func (s Span) IsValid() bool { return s.TraceID != ([16]byte{}) && s.SpanID != ([8]byte{}) }

// HasParent reports whether s knows its parent's id.
func (s Span) HasParent() bool { return s.ParentID != ([8]byte{}) }

// Sampled reports whether the sampled flag is set.
func (s Span) Sampled() bool { return s.Flags&FlagSampled != 0 }

// Traceparent returns the traceparent that names s, the value a call made
// from s sends: s's trace id, s's span id as the parent-id, and its flags.
func (s Span) Traceparent() Traceparent {
	return Traceparent{TraceID: s.TraceID, SpanID: s.SpanID, Flags: s.Flags}
}

// TraceIDString returns the trace id as 32 lower-case hex digits.
func (s Span) TraceIDString() string { return hex.EncodeToString(s.TraceID[:]) }

// SpanIDString returns the span id as 16 lower-case hex digits.
func (s Span) SpanIDString() string { return hex.EncodeToString(s.SpanID[:]) }

// ParentIDString returns the parent's span id as 16 lower-case hex
// digits, or "" when s has no parent.
func (s Span) ParentIDString() string {
	if !s.HasParent() {
		return ""
	}
	return hex.EncodeToString(s.ParentID[:])
}

// AppendAttrs appends the root attrs that identify s to dst: trace_id,
// span_id, parent_span_id (when s has a parent) and trace_flags, all as
// hex strings.
func (s Span) AppendAttrs(dst []slog.Attr) []slog.Attr {
	dst = append(dst, slog.String(TraceIDKey, s.TraceIDString()), slog.String(SpanIDKey, s.SpanIDString()))
	if s.HasParent() {
		dst = append(dst, slog.String(ParentSpanIDKey, s.ParentIDString()))
	}
	return append(dst, slog.String(TraceFlagsKey, hex.EncodeToString([]byte{s.Flags})))
}

// A SpanExtractor returns the span a context's code runs in, if it knows
// one. It is the hook through which a tracing library (the OpenTelemetry
// bridge reads the active OTel span) tells loggerjs which span is
// current; middleware.TraceContext asks it before the span this package
// carries. It runs for every record, so it must be quick and safe for
// concurrent use.
type SpanExtractor func(ctx context.Context) (Span, bool)

type spanKey struct{}

// spanCarrier is what a context holds: the span, its ids already in hex
// and its root attrs, so that reading them back costs no allocation.
type spanCarrier struct {
	span            Span
	traceID, spanID string
	attrs           []slog.Attr
}

// WithSpan returns a context whose code runs in span s: records logged
// with it carry s's ids (through middleware.Trace or TraceContext, or
// SpanAttrs as a context provider), and outbound calls made with it
// (package httpx) send a child of s. An invalid s is not carried: ctx is
// returned as it is.
func WithSpan(ctx context.Context, s Span) context.Context {
	if !s.IsValid() {
		return ctx
	}
	c := &spanCarrier{span: s}
	c.attrs = s.AppendAttrs(make([]slog.Attr, 0, 4))
	c.traceID, c.spanID = c.attrs[0].Value.String(), c.attrs[1].Value.String()
	return context.WithValue(ctx, spanKey{}, c)
}

func carrierOf(ctx context.Context) *spanCarrier {
	if ctx == nil {
		return nil
	}
	c, _ := ctx.Value(spanKey{}).(*spanCarrier)
	return c
}

// SpanFrom returns the span ctx carries, and whether it carries one.
func SpanFrom(ctx context.Context) (Span, bool) {
	c := carrierOf(ctx)
	if c == nil {
		return Span{}, false
	}
	return c.span, true
}

// SpanAttrs returns the root attrs of the span ctx carries (trace_id,
// span_id, parent_span_id when known, trace_flags), or nil. The slice is
// shared by every call on the same context: do not modify it. It does not
// allocate, and has the shape of a context provider:
//
//	loggerjs.Config{ContextProviders: []func(context.Context) []slog.Attr{contextx.SpanAttrs}}
//
// middleware.TraceContext does the same and lets an OpenTelemetry span
// win.
func SpanAttrs(ctx context.Context) []slog.Attr {
	c := carrierOf(ctx)
	if c == nil {
		return nil
	}
	return c.attrs[:len(c.attrs):len(c.attrs)]
}
