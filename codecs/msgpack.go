package codecs

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/loggerjs/loggerjs"
)

// MsgpackCodec writes each record as one MessagePack map, the binary
// counterpart of the JSON codec's object: "time" (a timestamp, extension
// type -1), "level" (its name), "msg", "logger" when the record has a
// category, then the attrs, groups as nested maps. Records appended one
// after another form a stream that any MessagePack library reads object by
// object; AppendBatch frames several records as one array.
//
// Integers use their shortest form, floats are always float64 (NaN and
// infinities included), []byte is bin, durations are int64 nanoseconds,
// errors their message, levels their name, and other KindAny values what
// encoding/json makes of them. Maps are written with 32-bit headers, so
// each is encoded in one pass. What cannot be encoded (a panicking or
// failing method, a cycle, a NaN inside a KindAny value, invalid UTF-8) is
// written as a "!ERROR:"/"!PANIC:" string and counted as a codec fallback.
// It is safe for concurrent use.
type MsgpackCodec struct{}

var _ loggerjs.Codec = (*MsgpackCodec)(nil)

// Msgpack returns a MessagePack codec.
func Msgpack() *MsgpackCodec { return &MsgpackCodec{} }

// ContentType returns "application/msgpack".
func (c *MsgpackCodec) ContentType() string { return "application/msgpack" }

// AppendBatch appends records as one MessagePack array of maps.
func (c *MsgpackCodec) AppendBatch(dst []byte, records []*loggerjs.Record) []byte {
	dst = appendMsgpackArrayHeader(dst, len(records))
	for _, r := range records {
		dst = c.Append(dst, r)
	}
	return dst
}

// Append appends r as one MessagePack map.
func (c *MsgpackCodec) Append(dst []byte, r *loggerjs.Record) []byte {
	sp := msgpackStacks.Get().(*[]msgpackMap)
	s := msgpackState{r: r, buf: dst, stack: (*sp)[:0]}
	defer func() {
		if cap(s.stack) <= 64 {
			*sp = s.stack[:0]
			msgpackStacks.Put(sp)
		}
	}()
	s.open()
	if !r.Time.IsZero() {
		s.key(slog.TimeKey)
		s.buf = appendMsgpackTime(s.buf, r.Time)
	}
	s.key(slog.LevelKey)
	s.buf = appendMsgpackLevel(s.buf, r.Level)
	s.key(slog.MessageKey)
	s.str(r.Message())
	if name := r.CategoryName(); name != "" {
		s.key(loggerjs.CategoryKey)
		s.str(name)
	}
	for i := range r.NumRootAttrs() {
		s.attr(r.RootAttr(i))
	}
	sc := c.scope(r.Scope)
	if len(sc.pre) > 0 {
		base := len(s.buf)
		s.buf = append(s.buf, sc.pre...)
		s.stack[0].count += sc.stack[0].count
		for _, m := range sc.stack[1:] {
			s.stack = append(s.stack, msgpackMap{at: base + m.at, count: m.count})
		}
	}
	if r.NumAttrs() > 0 {
		pos, depth, outer := len(s.buf), len(s.stack), s.stack[len(s.stack)-1].count
		for _, g := range sc.groups[len(sc.stack)-1:] {
			s.key(g)
			s.open()
		}
		wrote := false
		for i := range r.NumAttrs() {
			if s.attr(r.Attr(i)) {
				wrote = true
			}
		}
		if !wrote {
			s.buf, s.stack = s.buf[:pos], s.stack[:depth]
			s.stack[depth-1].count = outer
		}
	}
	for i := len(s.stack) - 1; i >= 0; i-- {
		s.close()
	}
	return s.buf
}

// msgpackScope is the encoded form of a bound scope: its attrs, with the
// maps of the groups that hold them open, and those maps' entry counts.
type msgpackScope struct {
	pre    []byte
	stack  []msgpackMap // [0] counts entries added to the record's map
	groups []string     // every group open at the scope
}

var emptyMsgpackScope = &msgpackScope{stack: []msgpackMap{{}}}

func (c *MsgpackCodec) scope(sc *loggerjs.Scope) *msgpackScope {
	return cachedScope(c, sc, emptyMsgpackScope, c.buildScope)
}

func (c *MsgpackCodec) buildScope(sc *loggerjs.Scope) any {
	parent := c.scope(sc.Parent())
	if sc.Group() != "" {
		return &msgpackScope{pre: parent.pre, stack: parent.stack, groups: sc.Groups()}
	}
	s := msgpackState{buf: bytes.Clone(parent.pre), stack: append([]msgpackMap(nil), parent.stack...)}
	depth := len(s.stack)
	for _, g := range sc.Groups()[depth-1:] {
		s.key(g)
		s.open()
	}
	wrote := false
	for _, a := range sc.Attrs() {
		if s.attr(a) {
			wrote = true
		}
	}
	if !wrote {
		return &msgpackScope{pre: parent.pre, stack: parent.stack, groups: sc.Groups()}
	}
	return &msgpackScope{pre: s.buf, stack: s.stack, groups: sc.Groups()}
}

// msgpackStacks holds the stacks of open maps of finished Appends.
var msgpackStacks = sync.Pool{New: func() any {
	s := make([]msgpackMap, 0, 8)
	return &s
}}

// msgpackMap is a map being written: where its 32-bit header is and how
// many entries it has so far.
type msgpackMap struct {
	at, count int
}

// msgpackState is the state of one Append.
type msgpackState struct {
	r     *loggerjs.Record // nil while a scope is encoded
	buf   []byte
	stack []msgpackMap
	bounds
}

// open starts a map whose header is patched by close.
func (s *msgpackState) open() {
	s.stack = append(s.stack, msgpackMap{at: len(s.buf)})
	s.buf = append(s.buf, 0xdf, 0, 0, 0, 0)
}

func (s *msgpackState) close() {
	m := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	binary.BigEndian.PutUint32(s.buf[m.at+1:], uint32(m.count))
}

func (s *msgpackState) key(k string) {
	s.stack[len(s.stack)-1].count++
	s.str(k)
}

func (s *msgpackState) str(v string) {
	var bad bool
	if s.buf, bad = appendMsgpackString(s.buf, v); bad {
		s.r.CodecFallback()
	}
}

// attr appends one attr and reports whether it wrote anything.
func (s *msgpackState) attr(a slog.Attr) bool {
	if ok, first := s.next(); !ok {
		if first {
			s.key(a.Key)
			s.marker(markerTooMany)
		}
		return first
	}
	a.Value = resolveValue(s.r, a.Value)
	if a.Key == "" && a.Value.Kind() == slog.KindAny && a.Value.Any() == nil {
		return false
	}
	if a.Value.Kind() != slog.KindGroup {
		s.key(a.Key)
		s.value(a.Value)
		return true
	}
	attrs := a.Value.Group()
	if len(attrs) == 0 {
		return false
	}
	if s.depth >= maxDepth {
		s.key(a.Key)
		s.marker(markerTooDeep)
		return true
	}
	if a.Key == "" {
		wrote := false
		s.depth++
		for _, ga := range attrs {
			if s.attr(ga) {
				wrote = true
			}
		}
		s.depth--
		return wrote
	}
	pos, outer := len(s.buf), s.stack[len(s.stack)-1].count
	s.key(a.Key)
	s.open()
	wrote := false
	s.depth++
	for _, ga := range attrs {
		if s.attr(ga) {
			wrote = true
		}
	}
	s.depth--
	if !wrote {
		s.buf = s.buf[:pos]
		s.stack = s.stack[:len(s.stack)-1]
		s.stack[len(s.stack)-1].count = outer
		return false
	}
	s.close()
	return true
}

func (s *msgpackState) value(v slog.Value) {
	switch v.Kind() {
	case slog.KindString:
		s.str(v.String())
	case slog.KindInt64:
		s.buf = appendMsgpackInt(s.buf, v.Int64())
	case slog.KindUint64:
		s.buf = appendMsgpackUint(s.buf, v.Uint64())
	case slog.KindFloat64:
		s.buf = appendMsgpackFloat(s.buf, v.Float64())
	case slog.KindBool:
		s.buf = appendMsgpackBool(s.buf, v.Bool())
	case slog.KindDuration:
		s.buf = appendMsgpackInt(s.buf, int64(v.Duration()))
	case slog.KindTime:
		s.buf = appendMsgpackTime(s.buf, v.Time())
	case slog.KindAny:
		s.any(v.Any())
	default:
		s.str(v.String())
	}
}

func (s *msgpackState) marker(text string) {
	s.r.CodecFallback()
	s.str(text)
}

// any appends a KindAny value: nil, []byte, a level, an error's message,
// or what encoding/json makes of anything else, converted to MessagePack.
func (s *msgpackState) any(x any) {
	switch x := x.(type) {
	case nil:
		s.buf = append(s.buf, 0xc0)
		return
	case []byte:
		s.buf = appendMsgpackBin(s.buf, x)
		return
	case slog.Level:
		s.buf = appendMsgpackLevel(s.buf, x)
		return
	}
	text, raw, failed := renderAny(s.r, x, &s.bounds)
	switch {
	case failed:
		s.marker(text)
	case raw == nil:
		s.str(text)
	default:
		pos := len(s.buf)
		var err error
		if s.buf, err = appendJSONAsMsgpack(s.buf, raw, maxDepth-s.depth); err != nil {
			s.buf = s.buf[:pos]
			if errors.Is(err, errTooDeep) {
				s.marker(markerTooDeep)
			} else {
				s.marker("!ERROR:" + err.Error())
			}
		}
	}
}

// appendJSONAsMsgpack converts one JSON value to MessagePack: objects to
// maps in their key order, arrays, strings, integers (when the number is
// one) and floats.
// Arrays and objects nested deeper than depthLeft are errTooDeep.
func appendJSONAsMsgpack(dst []byte, raw []byte, depthLeft int) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return appendJSONTokens(dst, dec, depthLeft)
}

// errTooDeep reports JSON nested deeper than a codec writes.
var errTooDeep = errors.New(markerTooDeep)

func appendJSONTokens(dst []byte, dec *json.Decoder, depthLeft int) ([]byte, error) {
	tok, err := dec.Token()
	if err != nil {
		return dst, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if depthLeft <= 0 {
			return dst, errTooDeep
		}
		n := 0
		switch t {
		case '{':
			at := len(dst)
			dst = append(dst, 0xdf, 0, 0, 0, 0)
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return dst, err
				}
				dst, _ = appendMsgpackString(dst, k.(string))
				if dst, err = appendJSONTokens(dst, dec, depthLeft-1); err != nil {
					return dst, err
				}
				n++
			}
			binary.BigEndian.PutUint32(dst[at+1:], uint32(n))
		case '[':
			at := len(dst)
			dst = append(dst, 0xdd, 0, 0, 0, 0)
			for dec.More() {
				if dst, err = appendJSONTokens(dst, dec, depthLeft-1); err != nil {
					return dst, err
				}
				n++
			}
			binary.BigEndian.PutUint32(dst[at+1:], uint32(n))
		}
		_, err = dec.Token() // the closing delimiter
		return dst, err
	case string:
		dst, _ = appendMsgpackString(dst, t)
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return appendMsgpackInt(dst, i), nil
		}
		if u, err := strconv.ParseUint(string(t), 10, 64); err == nil {
			return appendMsgpackUint(dst, u), nil
		}
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return dst, err
		}
		dst = appendMsgpackFloat(dst, f)
	case bool:
		dst = appendMsgpackBool(dst, t)
	case nil:
		dst = append(dst, 0xc0)
	}
	return dst, nil
}

// appendMsgpackString appends s as a str, with each byte of invalid UTF-8
// replaced by U+FFFD, as the JSON codec does, which it reports.
func appendMsgpackString(dst []byte, s string) ([]byte, bool) {
	bad := false
	if !utf8.ValidString(s) {
		s, bad = string([]rune(s)), true // each invalid byte becomes U+FFFD
	}
	n := len(s)
	switch {
	case n < 32:
		dst = append(dst, 0xa0|byte(n))
	case n <= math.MaxUint8:
		dst = append(dst, 0xd9, byte(n))
	case n <= math.MaxUint16:
		dst = append(dst, 0xda, byte(n>>8), byte(n))
	default:
		dst = append(dst, 0xdb)
		dst = binary.BigEndian.AppendUint32(dst, uint32(n))
	}
	return append(dst, s...), bad
}

func appendMsgpackBin(dst, b []byte) []byte {
	n := len(b)
	switch {
	case n <= math.MaxUint8:
		dst = append(dst, 0xc4, byte(n))
	case n <= math.MaxUint16:
		dst = append(dst, 0xc5, byte(n>>8), byte(n))
	default:
		dst = append(dst, 0xc6)
		dst = binary.BigEndian.AppendUint32(dst, uint32(n))
	}
	return append(dst, b...)
}

func appendMsgpackInt(dst []byte, i int64) []byte {
	if i >= 0 {
		return appendMsgpackUint(dst, uint64(i))
	}
	switch {
	case i >= -32:
		return append(dst, byte(i))
	case i >= math.MinInt8:
		return append(dst, 0xd0, byte(i))
	case i >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(dst, 0xd1), uint16(i))
	case i >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(dst, 0xd2), uint32(i))
	}
	return binary.BigEndian.AppendUint64(append(dst, 0xd3), uint64(i))
}

func appendMsgpackUint(dst []byte, u uint64) []byte {
	switch {
	case u <= 0x7f:
		return append(dst, byte(u))
	case u <= math.MaxUint8:
		return append(dst, 0xcc, byte(u))
	case u <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, 0xcd), uint16(u))
	case u <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(dst, 0xce), uint32(u))
	}
	return binary.BigEndian.AppendUint64(append(dst, 0xcf), u)
}

func appendMsgpackFloat(dst []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, 0xcb), math.Float64bits(f))
}

func appendMsgpackBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, 0xc3)
	}
	return append(dst, 0xc2)
}

func appendMsgpackLevel(dst []byte, l slog.Level) []byte {
	var arr [16]byte
	name := loggerjs.AppendLevelName(arr[:0], l)
	dst = append(dst, 0xa0|byte(len(name)))
	return append(dst, name...)
}

func appendMsgpackArrayHeader(dst []byte, n int) []byte {
	switch {
	case n < 16:
		return append(dst, 0x90|byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, 0xdc), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(dst, 0xdd), uint32(n))
}

// appendMsgpackTime appends t as the timestamp extension (type -1) in its
// shortest form. The location is not kept.
func appendMsgpackTime(dst []byte, t time.Time) []byte {
	sec, nsec := t.Unix(), int64(t.Nanosecond())
	if sec >= 0 && sec < 1<<34 {
		if nsec == 0 && sec < 1<<32 {
			return binary.BigEndian.AppendUint32(append(dst, 0xd6, 0xff), uint32(sec))
		}
		return binary.BigEndian.AppendUint64(append(dst, 0xd7, 0xff), uint64(nsec)<<34|uint64(sec))
	}
	dst = append(dst, 0xc7, 12, 0xff)
	dst = binary.BigEndian.AppendUint32(dst, uint32(nsec))
	return binary.BigEndian.AppendUint64(dst, uint64(sec))
}
