package contextx

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strings"
	"unicode/utf8"
)

// Baggage is a W3C baggage: the application's key=value members, each
// with optional properties, that travel with a request from service to
// service. It is an immutable value; the zero Baggage is empty. Keys may
// repeat, as the specification allows; Get returns the first.
type Baggage struct {
	members []BaggageMember
}

// A BaggageMember is one member of a Baggage. Value is decoded: the
// header carries it percent-encoded.
type BaggageMember struct {
	Key        string
	Value      string
	Properties []BaggageProperty
}

// A BaggageProperty is metadata on a member: a key alone, or a key and a
// (decoded) value.
type BaggageProperty struct {
	Key      string
	Value    string
	HasValue bool
}

// MaxBaggageBytes bounds the header form of a Baggage: 8192 bytes, the
// size the specification requires every platform to propagate. Members
// past it are dropped whole, never truncated. It bounds parsing too: a
// header is read up to that length, at least 64 members in any case.
const MaxBaggageBytes = 8192

// ErrBaggage is wrapped by every error of ParseBaggage and Baggage.With.
var ErrBaggage = errors.New("contextx: malformed baggage")

func errBG(why string) error { return &wrapError{ErrBaggage, why} }

// ParseBaggage parses the values of the baggage headers of a request,
// combined in order. Spaces and tabs around keys, values, members and
// properties are dropped; values are percent-decoded. A member that does
// not parse (a key that is not an HTTP token, a character outside the
// baggage-octets in a value, a value that does not decode to UTF-8) is
// skipped, as the specification allows, and the first such problem is
// returned as an error wrapping ErrBaggage beside the members that did
// parse. Members past MaxBaggageBytes of header are dropped, without an
// error.
func ParseBaggage(values ...string) (Baggage, error) {
	var b Baggage
	var first error
	size := 0
	for _, v := range values {
		for raw := range strings.SplitSeq(v, ",") {
			raw = trimOWS(raw)
			if raw == "" {
				continue
			}
			if size > 0 {
				size++ // the ',' between members
			}
			size += len(raw)
			if size > MaxBaggageBytes && len(b.members) >= 64 {
				return b, first
			}
			m, err := parseBaggageMember(raw)
			if err != nil {
				if first == nil {
					first = err
				}
				continue
			}
			b.members = append(b.members, m)
		}
	}
	return b, first
}

func parseBaggageMember(raw string) (BaggageMember, error) {
	var m BaggageMember
	kv, props, _ := strings.Cut(raw, ";")
	k, v, ok := strings.Cut(kv, "=")
	if !ok {
		return m, errBG("member without '='")
	}
	m.Key = trimOWS(k)
	if !isToken(m.Key) {
		return m, errBG("key is not a token")
	}
	val, err := decodeBaggageValue(trimOWS(v))
	if err != nil {
		return m, err
	}
	m.Value = val
	for props != "" {
		var p string
		p, props, _ = strings.Cut(props, ";")
		p = trimOWS(p)
		if p == "" {
			continue
		}
		pk, pv, hasValue := strings.Cut(p, "=")
		prop := BaggageProperty{Key: trimOWS(pk), HasValue: hasValue}
		if !isToken(prop.Key) {
			return m, errBG("property key of " + m.Key + " is not a token")
		}
		if hasValue {
			if prop.Value, err = decodeBaggageValue(trimOWS(pv)); err != nil {
				return m, err
			}
		}
		m.Properties = append(m.Properties, prop)
	}
	return m, nil
}

// isToken reports whether s is an HTTP token (RFC 9110 section 5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

// isBaggageOctet reports whether c may appear in a value as sent:
// printable ASCII but for '"', ',', ';', '\' and space.
func isBaggageOctet(c byte) bool {
	return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\'
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeBaggageValue checks the octets of v and percent-decodes it; a '%'
// not followed by two hex digits stays as it is.
func decodeBaggageValue(v string) (string, error) {
	escaped := false
	for i := 0; i < len(v); i++ {
		if !isBaggageOctet(v[i]) {
			return "", errBG("value holds a character outside the baggage octets")
		}
		if v[i] == '%' {
			escaped = true
		}
	}
	if !escaped {
		return v, nil
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+2 < len(v) {
			hi, ok1 := unhex(v[i+1])
			lo, ok2 := unhex(v[i+2])
			if ok1 && ok2 {
				out = append(out, hi<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, v[i])
	}
	if !utf8.Valid(out) {
		return "", errBG("value does not decode to UTF-8")
	}
	return string(out), nil
}

// appendEscaped percent-encodes every byte of s but the unreserved ASCII
// letters, digits, '-', '.', '_', '~' and '/'.
func appendEscaped(dst []byte, s string) []byte {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '/' {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return dst
}

func (m BaggageMember) appendText(dst []byte) []byte {
	dst = append(dst, m.Key...)
	dst = append(dst, '=')
	dst = appendEscaped(dst, m.Value)
	for _, p := range m.Properties {
		dst = append(dst, ';')
		dst = append(dst, p.Key...)
		if p.HasValue {
			dst = append(dst, '=')
			dst = appendEscaped(dst, p.Value)
		}
	}
	return dst
}

// String returns the header form of b: members joined by ',', values
// percent-encoded. A member that would take it past MaxBaggageBytes is
// left out whole.
func (b Baggage) String() string {
	var out, one []byte
	for _, m := range b.members {
		one = m.appendText(one[:0])
		need := len(one)
		if len(out) > 0 {
			need++
		}
		if len(out)+need > MaxBaggageBytes {
			continue
		}
		if len(out) > 0 {
			out = append(out, ',')
		}
		out = append(out, one...)
	}
	return string(out)
}

// Len returns the number of members.
func (b Baggage) Len() int { return len(b.members) }

// Members yields the members in order. Do not modify their Properties.
func (b Baggage) Members() iter.Seq[BaggageMember] { return slices.Values(b.members) }

// Get returns the value of the first member named key, and whether b has
// one.
func (b Baggage) Get(key string) (string, bool) {
	for _, m := range b.members {
		if m.Key == key {
			return m.Value, true
		}
	}
	return "", false
}

// With returns b with m in place of every member of its key, at the end.
// A key or property key that is not an HTTP token, or a value or property
// value that is not valid UTF-8, is an error wrapping ErrBaggage, and b
// is returned unchanged.
func (b Baggage) With(m BaggageMember) (Baggage, error) {
	if !isToken(m.Key) {
		return b, errBG("key is not a token")
	}
	if !utf8.ValidString(m.Value) {
		return b, errBG("value is not UTF-8")
	}
	for _, p := range m.Properties {
		if !isToken(p.Key) {
			return b, errBG("property key is not a token")
		}
		if !utf8.ValidString(p.Value) {
			return b, errBG("property value is not UTF-8")
		}
	}
	m.Properties = slices.Clone(m.Properties)
	out := b.Without(m.Key)
	out.members = append(slices.Clip(out.members), m)
	return out, nil
}

// Without returns b without the members named key.
func (b Baggage) Without(key string) Baggage {
	if !slices.ContainsFunc(b.members, func(m BaggageMember) bool { return m.Key == key }) {
		return b
	}
	out := make([]BaggageMember, 0, len(b.members))
	for _, m := range b.members {
		if m.Key != key {
			out = append(out, m)
		}
	}
	return Baggage{members: out}
}

type baggageKey struct{}

// WithBaggage returns a context that carries b, in place of any baggage
// ctx carries; outbound calls made with it send b (package httpx).
func WithBaggage(ctx context.Context, b Baggage) context.Context {
	return context.WithValue(ctx, baggageKey{}, b)
}

// BaggageFrom returns the baggage ctx carries, or an empty Baggage.
func BaggageFrom(ctx context.Context) Baggage {
	if ctx == nil {
		return Baggage{}
	}
	b, _ := ctx.Value(baggageKey{}).(Baggage)
	return b
}
