package contextx

import (
	"context"
	"encoding/hex"
	"errors"
)

// Traceparent is a W3C Trace Context traceparent: the trace a request
// belongs to and the span that sent it. Its zero value is not valid.
type Traceparent struct {
	// Version is the format version; this package writes 0.
	Version byte
	// TraceID identifies the whole trace. All zeros is invalid.
	TraceID [16]byte
	// SpanID (the W3C parent-id) identifies the calling span. All zeros
	// is invalid.
	SpanID [8]byte
	// Flags holds the trace flags; bit 0 is "sampled".
	Flags byte
}

// ErrTraceparent is wrapped by every error ParseTraceparent returns.
var ErrTraceparent = errors.New("contextx: malformed traceparent")

// traceparentLen is the length of a version 00 traceparent:
// "00-" + 32 + "-" + 16 + "-" + 2.
const traceparentLen = 55

// ParseTraceparent parses a traceparent header value such as
// "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", as the W3C
// Trace Context specification (level 2) asks: spaces and tabs around the
// value are ignored; hex digits must be lower case; version ff, an
// all-zero trace-id or parent-id, and a version 00 value with anything
// after the flags are invalid. A version above 00 is parsed as version 00
// is, and may carry more fields after a '-', which are ignored. Every
// error wraps ErrTraceparent; a caller serving a request then starts a
// new trace.
func ParseTraceparent(s string) (Traceparent, error) {
	var tp Traceparent
	s = trimOWS(s)
	if len(s) < traceparentLen {
		return tp, errTP("too short")
	}
	if s[2] != '-' || s[35] != '-' || s[52] != '-' {
		return tp, errTP("misplaced '-'")
	}
	var v [1]byte
	if !decodeLowerHex(v[:], s[0:2]) {
		return tp, errTP("version is not lower-case hex")
	}
	tp.Version = v[0]
	switch {
	case tp.Version == 0xff:
		return tp, errTP("version ff is invalid")
	case tp.Version == 0 && len(s) != traceparentLen:
		return tp, errTP("version 00 has extra characters")
	case len(s) > traceparentLen && s[traceparentLen] != '-':
		return tp, errTP("extra characters without '-'")
	}
	if !decodeLowerHex(tp.TraceID[:], s[3:35]) {
		return tp, errTP("trace-id is not 32 lower-case hex digits")
	}
	if !decodeLowerHex(tp.SpanID[:], s[36:52]) {
		return tp, errTP("parent-id is not 16 lower-case hex digits")
	}
	var f [1]byte
	if !decodeLowerHex(f[:], s[53:55]) {
		return tp, errTP("trace-flags are not lower-case hex")
	}
	tp.Flags = f[0]
	if tp.TraceID == ([16]byte{}) {
		return tp, errTP("trace-id is all zeros")
	}
	if tp.SpanID == ([8]byte{}) {
		return tp, errTP("parent-id is all zeros")
	}
	return tp, nil
}

// trimOWS removes the optional white space (spaces and tabs) that HTTP
// allows around a header value and around list members.
func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

func errTP(why string) error { return &tpError{why} }

type tpError struct{ why string }

func (e *tpError) Error() string { return ErrTraceparent.Error() + ": " + e.why }
func (e *tpError) Unwrap() error { return ErrTraceparent }

func decodeLowerHex(dst []byte, s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	_, err := hex.Decode(dst, []byte(s))
	return err == nil
}

// IsValid reports whether tp has a non-zero trace id and span id and a
// version other than ff.
func (tp Traceparent) IsValid() bool {
	return tp.Version != 0xff && tp.TraceID != ([16]byte{}) && tp.SpanID != ([8]byte{})
}

// Sampled reports whether the sampled flag is set.
func (tp Traceparent) Sampled() bool { return tp.Flags&1 != 0 }

// String formats tp as a version 00 traceparent header value.
func (tp Traceparent) String() string { return string(tp.AppendText(nil)) }

// AppendText appends the version 00 form of tp to dst.
func (tp Traceparent) AppendText(dst []byte) []byte {
	dst = append(dst, "00-"...)
	dst = hex.AppendEncode(dst, tp.TraceID[:])
	dst = append(dst, '-')
	dst = hex.AppendEncode(dst, tp.SpanID[:])
	dst = append(dst, '-')
	return hex.AppendEncode(dst, []byte{tp.Flags})
}

// TraceIDString returns the trace id as 32 lower-case hex digits.
func (tp Traceparent) TraceIDString() string { return hex.EncodeToString(tp.TraceID[:]) }

// SpanIDString returns the span id as 16 lower-case hex digits.
func (tp Traceparent) SpanIDString() string { return hex.EncodeToString(tp.SpanID[:]) }

// WithTraceparent returns a context whose code runs in the span tp
// names: records logged with it carry tp's trace id and span id, and
// outbound calls made with it name that span as their parent. It is
// WithSpan(ctx, SpanOf(tp)). An invalid tp is not carried: ctx is returned
// as it is.
//
// A server that receives tp from a caller does not run in the caller's
// span but in a child of it: it carries SpanOf(tp).Child() with WithSpan
// instead (the server middleware of package httpx does).
func WithTraceparent(ctx context.Context, tp Traceparent) context.Context {
	if !tp.IsValid() {
		return ctx
	}
	return WithSpan(ctx, SpanOf(tp))
}

// TraceparentFrom returns the traceparent of the span ctx carries (the
// value an outbound call sends when it makes no span of its own), and
// whether ctx carries one.
func TraceparentFrom(ctx context.Context) (Traceparent, bool) {
	s, ok := SpanFrom(ctx)
	if !ok {
		return Traceparent{}, false
	}
	return s.Traceparent(), true
}

// TraceIDs returns the trace id and span id of the span ctx carries, in
// hex, or two empty strings. The span id is the id of the span the code
// runs in: for a request served through package httpx, this service's
// own span, not the caller's. It does not allocate; it is the default
// extractor of middleware.Trace.
func TraceIDs(ctx context.Context) (traceID, spanID string) {
	c := carrierOf(ctx)
	if c == nil {
		return "", ""
	}
	return c.traceID, c.spanID
}
