package contextx

import (
	"errors"
	"iter"
	"strings"
)

// TraceState is a W3C tracestate: the vendors' list of key=value
// members that travels with a traceparent, most recently updated first.
// It is an immutable value, held in its header form; the zero TraceState
// is empty.
type TraceState struct {
	s string // members joined by ',', without white space
}

// MaxTraceStateMembers is the most members a tracestate may hold.
const MaxTraceStateMembers = 32

// ErrTraceState is wrapped by every error of ParseTraceState and Insert.
var ErrTraceState = errors.New("contextx: malformed tracestate")

func errTS(why string) error { return &wrapError{ErrTraceState, why} }

// wrapError is an error of this package: a sentinel and why.
type wrapError struct {
	base error
	why  string
}

func (e *wrapError) Error() string { return e.base.Error() + ": " + e.why }
func (e *wrapError) Unwrap() error { return e.base }

// ParseTraceState parses the values of the tracestate headers of a
// request, combined in order as HTTP combines repeated headers. Empty
// members and the white space around members are dropped. A key that is
// not a simple key of 1 to 256 characters (a-z first; a-z, 0-9, _ - * /)
// nor a tenant@system key (tenant 1 to 241 characters, a-z or 0-9 first;
// system 1 to 14, a-z first), a value that is empty, longer than 256
// characters, ends in a space or holds a character outside 0x20-0x7e or
// a ',' or '=', a repeated key, or more than 32 members make the whole
// tracestate invalid: the error wraps ErrTraceState and the TraceState
// returned is empty, as the specification asks.
func ParseTraceState(values ...string) (TraceState, error) {
	var b strings.Builder
	n := 0
	var keys [MaxTraceStateMembers]string
	for _, v := range values {
		for m := range strings.SplitSeq(v, ",") {
			m = trimOWS(m)
			if m == "" {
				continue
			}
			eq := strings.IndexByte(m, '=')
			if eq < 0 {
				return TraceState{}, errTS("member without '='")
			}
			key, val := m[:eq], m[eq+1:]
			if !validTraceStateKey(key) {
				return TraceState{}, errTS("invalid key")
			}
			if !validTraceStateValue(val) {
				return TraceState{}, errTS("invalid value of key " + key)
			}
			if n == MaxTraceStateMembers {
				return TraceState{}, errTS("more than 32 members")
			}
			for _, k := range keys[:n] {
				if k == key {
					return TraceState{}, errTS("repeated key " + key)
				}
			}
			keys[n] = key
			n++
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(m)
		}
	}
	return TraceState{s: b.String()}, nil
}

func isLCAlpha(c byte) bool { return c >= 'a' && c <= 'z' }

func isKeyChar(c byte) bool {
	return isLCAlpha(c) || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '*' || c == '/'
}

func validTraceStateKey(k string) bool {
	at := strings.IndexByte(k, '@')
	if at < 0 {
		return len(k) >= 1 && len(k) <= 256 && isLCAlpha(k[0]) && allKeyChars(k[1:])
	}
	tenant, system := k[:at], k[at+1:]
	return len(tenant) >= 1 && len(tenant) <= 241 && (isLCAlpha(tenant[0]) || tenant[0] >= '0' && tenant[0] <= '9') &&
		allKeyChars(tenant[1:]) &&
		len(system) >= 1 && len(system) <= 14 && isLCAlpha(system[0]) && allKeyChars(system[1:])
}

func allKeyChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isKeyChar(s[i]) {
			return false
		}
	}
	return true
}

func validTraceStateValue(v string) bool {
	if len(v) < 1 || len(v) > 256 || v[len(v)-1] == ' ' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e || c == ',' || c == '=' {
			return false
		}
	}
	return true
}

// String returns the tracestate in its header form, or "".
func (ts TraceState) String() string { return ts.s }

// Len returns the number of members.
func (ts TraceState) Len() int {
	if ts.s == "" {
		return 0
	}
	return strings.Count(ts.s, ",") + 1
}

// All yields the members, key and value, in order.
func (ts TraceState) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		if ts.s == "" {
			return
		}
		for m := range strings.SplitSeq(ts.s, ",") {
			k, v, _ := strings.Cut(m, "=")
			if !yield(k, v) {
				return
			}
		}
	}
}

// Get returns the value of key, and whether ts holds it.
func (ts TraceState) Get(key string) (string, bool) {
	for k, v := range ts.All() {
		if k == key {
			return v, true
		}
	}
	return "", false
}

// Insert returns ts with key set to value and moved to the front, as a
// vendor does when it updates its own member; when that makes 33 members
// the last one is dropped. An invalid key or value is an error wrapping
// ErrTraceState, and ts is returned unchanged.
func (ts TraceState) Insert(key, value string) (TraceState, error) {
	if !validTraceStateKey(key) {
		return ts, errTS("invalid key")
	}
	if !validTraceStateValue(value) {
		return ts, errTS("invalid value of key " + key)
	}
	var b strings.Builder
	b.WriteString(key)
	b.WriteByte('=')
	b.WriteString(value)
	n := 1
	for k, v := range ts.All() {
		if k == key {
			continue
		}
		if n == MaxTraceStateMembers {
			break
		}
		b.WriteByte(',')
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
		n++
	}
	return TraceState{s: b.String()}, nil
}

// Delete returns ts without key.
func (ts TraceState) Delete(key string) TraceState {
	if _, ok := ts.Get(key); !ok {
		return ts
	}
	var b strings.Builder
	for k, v := range ts.All() {
		if k == key {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
	}
	return TraceState{s: b.String()}
}
