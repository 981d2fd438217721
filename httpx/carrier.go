package httpx

import (
	"context"
	"net/http"

	"github.com/loggerjs/loggerjs/contextx"
)

// Names of the W3C propagation headers.
const (
	TraceparentHeader = "Traceparent"
	TracestateHeader  = "Tracestate"
	BaggageHeader     = "Baggage"
)

// Incoming is the trace context a request arrived with.
type Incoming struct {
	// Parent is the caller's span, when the request carried exactly one
	// valid traceparent header; HasParent says whether it did.
	Parent    contextx.Traceparent
	HasParent bool
	// State is the caller's tracestate: empty when it was invalid or came
	// without a valid traceparent, as the specification asks.
	State contextx.TraceState
	// Baggage holds the members of the baggage headers that parse.
	Baggage contextx.Baggage
}

// Extract reads the trace context of h: the traceparent (a repeated
// header is invalid, and so ignored), the tracestate (all its headers,
// combined; only beside a valid traceparent) and the baggage.
func Extract(h http.Header) Incoming {
	var in Incoming
	if tps := h.Values(TraceparentHeader); len(tps) == 1 {
		if tp, err := contextx.ParseTraceparent(tps[0]); err == nil {
			in.Parent, in.HasParent = tp, true
			if ts, err := contextx.ParseTraceState(h.Values(TracestateHeader)...); err == nil {
				in.State = ts
			}
		}
	}
	if bs := h.Values(BaggageHeader); len(bs) > 0 {
		in.Baggage, _ = contextx.ParseBaggage(bs...)
	}
	return in
}

// ServerSpan returns the span a service runs a request in: a child of the
// caller's span, with its tracestate, or the root of a new sampled trace
// when the request came without a valid traceparent.
func (in Incoming) ServerSpan() contextx.Span {
	if !in.HasParent {
		return contextx.NewSpan(true)
	}
	s := contextx.SpanOf(in.Parent)
	s.State = in.State
	return s.Child()
}

// Inject sets the headers that carry span s and baggage b to the next
// service: traceparent (version 00), tracestate when s has one, and
// baggage when b has members. An invalid s sets no trace headers.
func Inject(h http.Header, s contextx.Span, b contextx.Baggage) {
	if s.IsValid() {
		h.Set(TraceparentHeader, s.Traceparent().String())
		if st := s.State.String(); st != "" {
			h.Set(TracestateHeader, st)
		} else {
			h.Del(TracestateHeader)
		}
	}
	if b.Len() > 0 {
		if v := b.String(); v != "" {
			h.Set(BaggageHeader, v)
		}
	}
}

// InjectContext sets the headers that carry the span and baggage of ctx
// (contextx.SpanFrom, contextx.BaggageFrom) to the next service, as the
// span a call made in ctx names as its parent. Transport does this with a
// span of its own for each call; InjectContext is for code that sends
// requests some other way.
func InjectContext(ctx context.Context, h http.Header) {
	s, _ := contextx.SpanFrom(ctx)
	Inject(h, s, contextx.BaggageFrom(ctx))
}
