package codecs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/loggerjs/loggerjs"
)

// JSONOptions configure the JSON codec. A nil *JSONOptions means the
// defaults.
type JSONOptions struct {
	// AddSource adds a "source" object with the function, file and line of
	// the logging call, as slog.HandlerOptions.AddSource does.
	AddSource bool
	// ReplaceAttr rewrites or removes attrs before they are written, with
	// the contract of slog.HandlerOptions.ReplaceAttr. It is also called for
	// the built-in "time", "level", "source" and "msg" attrs, and for
	// "logger" on records that have a category. Attrs bound with With are
	// passed once, when the logger's scope is first encoded.
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr
}

// JSONCodec writes one JSON object per line (NDJSON). For a record with no
// category its output parses to the same object as slog.JSONHandler's
// with the same options; a category adds "logger":"app.db" after "msg".
// Levels are named by loggerjs.LevelName, so -8 is "TRACE" and 12 "FATAL".
//
// Where slog.JSONHandler would write invalid JSON (a time whose year has
// more than four digits) or panic into the caller (a panicking
// ReplaceAttr), JSONCodec writes an error marker in place. A panicking
// LogValue is written as "!PANIC: LogValue: <value>" rather than with
// slog's stack dump.
type JSONCodec struct {
	addSource bool
	replace   func([]string, slog.Attr) slog.Attr
	keys      keyCache
}

var _ loggerjs.Codec = (*JSONCodec)(nil)

// defaultJSON is the codec JSON(nil) returns, so that sinks built with
// the defaults share one codec, and so one encoding of each record.
var defaultJSON = &JSONCodec{}

// JSON returns a JSON codec. Every call with nil options returns the same
// codec.
func JSON(opts *JSONOptions) *JSONCodec {
	if opts == nil {
		return defaultJSON
	}
	c := &JSONCodec{}
	c.addSource, c.replace = opts.AddSource, opts.ReplaceAttr
	return c
}

// ContentType returns "application/x-ndjson".
func (c *JSONCodec) ContentType() string { return "application/x-ndjson" }

// Append appends r as one JSON object and a newline.
func (c *JSONCodec) Append(dst []byte, r *loggerjs.Record) []byte {
	s := jsonState{c: c, r: r, buf: append(dst, '{')}
	if c.replace != nil {
		s.groups = groupsPool.Get().(*[]string)
		defer s.freeGroups()
	}
	if !r.Time.IsZero() {
		if c.replace == nil {
			// The record's own time: consecutive records share its second,
			// so the cached formatter pays.
			s.plainKey(`"` + slog.TimeKey + `":"`) // and the value's quote
			if buf, ok := appendRFC3339Nano(s.buf, r.Time); ok {
				s.buf = append(buf, '"')
			} else {
				s.buf = s.buf[:len(s.buf)-1]
				s.errorMarker("time.Time year outside of range [0,9999]")
			}
		} else {
			s.attr(slog.Time(slog.TimeKey, r.Time.Round(0)))
		}
	}
	if c.replace == nil {
		s.plainKey(`"` + slog.LevelKey + `":"`) // and the value's quote
		s.buf = loggerjs.AppendLevelName(s.buf, r.Level)
		s.buf = append(s.buf, '"')
	} else {
		s.attr(slog.Any(slog.LevelKey, r.Level))
	}
	if c.addSource {
		s.attr(slog.Any(slog.SourceKey, sourceOf(r.PC)))
	}
	if c.replace == nil {
		s.plainKey(`"` + slog.MessageKey + `":`)
		s.str(r.Message())
	} else {
		s.attr(slog.String(slog.MessageKey, r.Message()))
	}
	if name := r.CategoryName(); name != "" {
		if c.replace == nil {
			s.plainKey(`"` + loggerjs.CategoryKey + `":`)
			s.str(name)
		} else {
			s.attr(slog.String(loggerjs.CategoryKey, name))
		}
	}

	for i := range r.NumRootAttrs() {
		s.attr(r.RootAttr(i))
	}

	sc := c.scope(r.Scope)
	if len(sc.pre) > 0 {
		s.buf = append(s.buf, ',')
		s.buf = append(s.buf, sc.pre...)
		s.sep = sc.pre[len(sc.pre)-1] != '{'
	}
	open := sc.nOpen
	if r.NumAttrs() > 0 {
		if s.groups != nil {
			*s.groups = append((*s.groups)[:0], sc.groups[:sc.nOpen]...)
		}
		pos, sep := len(s.buf), s.sep
		for _, g := range sc.groups[sc.nOpen:] {
			s.openGroup(g)
		}
		empty := true
		for i := range r.NumAttrs() {
			if s.attr(r.Attr(i)) {
				empty = false
			}
		}
		if empty {
			s.buf, s.sep = s.buf[:pos], sep
		} else {
			open = len(sc.groups)
		}
	}
	for range open {
		s.buf = append(s.buf, '}')
	}
	return append(s.buf, '}', '\n')
}

// jsonScope is the encoded form of a bound scope.
type jsonScope struct {
	pre    []byte   // bound attrs, with the groups they are in opened
	nOpen  int      // groups opened in pre
	groups []string // every group open at the scope
}

var emptyJSONScope = &jsonScope{}

func (c *JSONCodec) scope(sc *loggerjs.Scope) *jsonScope {
	return cachedScope(c, sc, emptyJSONScope, c.buildScope)
}

func (c *JSONCodec) buildScope(sc *loggerjs.Scope) any {
	parent := c.scope(sc.Parent())
	if sc.Group() != "" {
		return &jsonScope{pre: parent.pre, nOpen: parent.nOpen, groups: sc.Groups()}
	}
	s := jsonState{c: c, buf: bytes.Clone(parent.pre)}
	s.sep = len(s.buf) > 0 && s.buf[len(s.buf)-1] != '{'
	if c.replace != nil {
		gs := append([]string(nil), parent.groups[:parent.nOpen]...)
		s.groups = &gs
	}
	for _, g := range sc.Groups()[parent.nOpen:] {
		s.openGroup(g)
	}
	wrote := false
	for _, a := range sc.Attrs() {
		if s.attr(a) {
			wrote = true
		}
	}
	if !wrote {
		return &jsonScope{pre: parent.pre, nOpen: parent.nOpen, groups: sc.Groups()}
	}
	return &jsonScope{pre: s.buf, nOpen: len(sc.Groups()), groups: sc.Groups()}
}

var groupsPool = sync.Pool{New: func() any {
	s := make([]string, 0, 8)
	return &s
}}

// jsonState is the state of one Append.
type jsonState struct {
	c      *JSONCodec
	r      *loggerjs.Record // nil while encoding a scope
	buf    []byte
	sep    bool      // a comma goes before the next key
	groups *[]string // open groups, kept only for ReplaceAttr
	bounds
}

func (s *jsonState) freeGroups() {
	*s.groups = (*s.groups)[:0]
	groupsPool.Put(s.groups)
}

func (s *jsonState) fallback() { s.r.CodecFallback() }

func (s *jsonState) key(k string) {
	if e := s.c.keys.lookup(k); e != "" {
		if s.sep {
			s.buf = append(s.buf, ',')
		}
		s.buf = append(s.buf, e...)
		s.sep = true
		return
	}
	if len(k) <= maxCachedKey && safePrefix(k) == len(k) {
		if s.c.keys.vacant(k) { // once per slot in the codec's life
			n := len(s.buf)
			s.buf = appendSafeKey(s.buf, k, false)
			s.c.keys.add(k, s.buf[n:])
			s.buf = s.buf[:n]
		}
		s.buf = appendSafeKey(s.buf, k, s.sep)
		s.sep = true
		return
	}
	if s.sep {
		s.buf = append(s.buf, ',')
	}
	s.str(k)
	s.buf = append(s.buf, ':')
	s.sep = true
}

// plainKey appends a key that needs no escaping, given quoted and with its
// colon, as key would write it: the built-in keys skip the scan for bytes
// to escape.
func (s *jsonState) plainKey(quoted string) {
	if s.sep {
		s.buf = append(s.buf, ',')
	}
	s.buf = append(s.buf, quoted...)
	s.sep = true
}

func (s *jsonState) str(v string) {
	if len(v) <= 16 && shortSafe(v) || len(v) > 16 && safePrefix(v) == len(v) {
		s.buf = appendSafeString(s.buf, v)
		return
	}
	var bad bool
	if s.buf, bad = appendJSONString(s.buf, v); bad {
		s.fallback()
	}
}

func (s *jsonState) openGroup(name string) {
	s.key(name)
	s.buf = append(s.buf, '{')
	s.sep = false
	if s.groups != nil {
		*s.groups = append(*s.groups, name)
	}
}

func (s *jsonState) closeGroup() {
	s.buf = append(s.buf, '}')
	s.sep = true
	if s.groups != nil {
		*s.groups = (*s.groups)[:len(*s.groups)-1]
	}
}

// attr appends one attr and reports whether it wrote anything.
//
// slog.Value.Kind is a type switch that ends in an interface check (for
// LogValuer), so attr asks it once per value and hands the kind on.
func (s *jsonState) attr(a slog.Attr) bool {
	if ok, first := s.next(); !ok {
		if first {
			s.key(a.Key)
			s.marker(markerTooMany)
		}
		return first
	}
	k := a.Value.Kind()
	if s.c.replace == nil {
		switch k {
		case slog.KindString, slog.KindInt64, slog.KindUint64, slog.KindFloat64,
			slog.KindBool, slog.KindDuration, slog.KindTime:
			s.key(a.Key)
			s.value(a.Value, k)
			return true
		}
	}
	a.Value, k = s.resolve(a.Value, k)
	if s.c.replace != nil && k != slog.KindGroup {
		a = s.replaceAttr(a)
		a.Value, k = s.resolve(a.Value, a.Value.Kind())
	}
	if k == slog.KindAny {
		x := a.Value.Any()
		if a.Key == "" && x == nil {
			return false // the empty attr
		}
		if src, ok := x.(*slog.Source); ok {
			if src == nil || *src == (slog.Source{}) {
				return false
			}
			a.Value, k = sourceGroup(src), slog.KindGroup
		} else {
			s.key(a.Key)
			s.any(x)
			return true
		}
	}
	if k != slog.KindGroup {
		s.key(a.Key)
		s.value(a.Value, k)
		return true
	}
	attrs := a.Value.Group()
	if len(attrs) == 0 {
		return true // as slog.JSONHandler: written nothing, yet not empty
	}
	if s.depth >= maxDepth {
		s.key(a.Key)
		s.marker(markerTooDeep)
		return true
	}
	pos, sep := len(s.buf), s.sep
	if a.Key != "" {
		s.openGroup(a.Key)
	}
	wrote := false
	s.depth++
	for _, ga := range attrs {
		if s.attr(ga) {
			wrote = true
		}
	}
	s.depth--
	if !wrote {
		s.buf, s.sep = s.buf[:pos], sep
		if a.Key != "" && s.groups != nil {
			*s.groups = (*s.groups)[:len(*s.groups)-1]
		}
		return false
	}
	if a.Key != "" {
		s.closeGroup()
	}
	return true
}

// replaceAttr calls ReplaceAttr, turning a panic into a marker.
func (s *jsonState) replaceAttr(a slog.Attr) (out slog.Attr) {
	defer func() {
		if p := recover(); p != nil {
			s.fallback()
			out = slog.String(a.Key, "!PANIC: ReplaceAttr: "+fmt.Sprint(p))
		}
	}()
	var gs []string
	if s.groups != nil {
		gs = *s.groups
	}
	return s.c.replace(gs, a)
}

// maxLogValues bounds a chain of LogValuers, as slog does.
const maxLogValues = 100

// resolve resolves LogValuers, turning a panic or an endless chain into a
// marker. (slog.Value.Resolve would hide a panic in a multi-line stack
// dump.) k is v's kind; the result's kind is returned with it.
func (s *jsonState) resolve(v slog.Value, k slog.Kind) (slog.Value, slog.Kind) {
	if k != slog.KindLogValuer {
		return v, k
	}
	return s.resolveValuer(v)
}

func (s *jsonState) resolveValuer(v slog.Value) (out slog.Value, k slog.Kind) {
	defer func() {
		if p := recover(); p != nil {
			s.fallback()
			out, k = slog.StringValue("!PANIC: LogValue: "+fmt.Sprint(p)), slog.KindString
		}
	}()
	for range maxLogValues {
		v = v.LogValuer().LogValue()
		if k = v.Kind(); k != slog.KindLogValuer {
			return v, k
		}
	}
	s.fallback()
	return slog.StringValue(fmt.Sprintf("!ERROR:LogValue called too many times on Value of type %T", v.Any())), slog.KindString
}

// value appends v, whose kind is k.
func (s *jsonState) value(v slog.Value, k slog.Kind) {
	switch k {
	case slog.KindString:
		s.str(v.String())
	case slog.KindInt64:
		s.buf = strconv.AppendInt(s.buf, v.Int64(), 10)
	case slog.KindUint64:
		s.buf = strconv.AppendUint(s.buf, v.Uint64(), 10)
	case slog.KindFloat64:
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			s.errorMarker(fmt.Sprintf("json: unsupported value: %v", f))
			return
		}
		s.buf = appendJSONFloat(s.buf, f)
	case slog.KindBool:
		s.buf = strconv.AppendBool(s.buf, v.Bool())
	case slog.KindDuration:
		s.buf = strconv.AppendInt(s.buf, int64(v.Duration()), 10)
	case slog.KindTime:
		s.time(v.Time())
	case slog.KindAny:
		s.any(v.Any())
	default: // a group or LogValuer nested where a value was expected
		s.str(v.String())
	}
}

// time appends a time value. Times in attrs are seldom in the record's
// second, so they skip the cache.
func (s *jsonState) time(t time.Time) {
	s.buf = append(s.buf, '"')
	buf, ok := appendTimeRFC3339Nano(s.buf, t)
	if !ok {
		s.buf = s.buf[:len(s.buf)-1]
		s.errorMarker("time.Time year outside of range [0,9999]")
		return
	}
	s.buf = append(buf, '"')
}

func (s *jsonState) errorMarker(msg string) {
	s.fallback()
	s.str("!ERROR:" + msg)
}

// marker writes a marker string in a value's place and counts it.
func (s *jsonState) marker(text string) {
	s.fallback()
	s.str(text)
}

// any appends a value of KindAny: errors by their text, everything else as
// encoding/json marshals it (without HTML escaping).
func (s *jsonState) any(x any) {
	if lv, ok := x.(slog.Level); ok {
		s.buf = append(s.buf, '"')
		s.buf = loggerjs.AppendLevelName(s.buf, lv)
		s.buf = append(s.buf, '"')
		return
	}
	text, raw, failed := renderAny(s.r, x, &s.bounds)
	if failed {
		s.fallback()
	}
	if raw != nil {
		s.buf = append(s.buf, raw...)
	} else {
		s.str(text)
	}
}

// renderAny computes a KindAny value before anything is written, so that
// a panic leaves no partial output: the text of an error, or else the JSON
// of the value (raw), as slog.JSONHandler renders them. failed reports
// that text is an error marker ("!PANIC: …", "!ERROR:…") for the caller to
// count. A nil pointer whose method panicked renders as "<nil>", as slog
// does.
//
// Before encoding/json sees the value, jsonCheck walks it within the
// bounds b has left: a cyclic value, or one too deep or too large, is a
// marker. Text from the value's own methods (Error, MarshalJSON,
// MarshalText) passes through r's redaction; JSON that redaction left
// invalid is a marker.
func renderAny(r *loggerjs.Record, x any, b *bounds) (text string, raw []byte, failed bool) {
	defer func() {
		if p := recover(); p != nil {
			raw = nil
			if v := reflect.ValueOf(x); v.Kind() == reflect.Pointer && v.IsNil() {
				text, failed = "<nil>", false
				return
			}
			text, failed = "!PANIC: "+fmt.Sprint(p), true
		}
	}()
	if e, ok := x.(error); ok {
		if _, jm := x.(json.Marshaler); !jm {
			return r.RedactText(e.Error()), nil, false
		}
	}
	marker, methods := jsonCheck(x, maxDepth-b.depth, b)
	if marker != "" {
		return marker, nil, true
	}
	raw, err := marshalJSON(x)
	if err != nil {
		return "!ERROR:" + r.RedactText(err.Error()), nil, true
	}
	if methods {
		s := string(raw)
		if red := r.RedactText(s); red != s {
			if !json.Valid([]byte(red)) {
				return markerInvalidJSON, nil, true
			}
			raw = []byte(red)
		}
	}
	return "", raw, false
}

type jsonEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var jsonEncoderPool = sync.Pool{New: func() any {
	e := &jsonEncoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}}

// marshalJSON marshals x as encoding/json does, without HTML escaping and
// without the trailing newline. The result is a fresh slice.
func marshalJSON(x any) ([]byte, error) {
	e := jsonEncoderPool.Get().(*jsonEncoder)
	defer func() {
		if e.buf.Cap() <= 16<<10 {
			e.buf.Reset()
			jsonEncoderPool.Put(e)
		}
	}()
	if err := e.enc.Encode(x); err != nil {
		return nil, err
	}
	b := e.buf.Bytes()
	return bytes.Clone(b[:len(b)-1]), nil
}

// sourceOf returns the source location of a program counter, or an empty
// Source.
func sourceOf(pc uintptr) *slog.Source {
	if pc == 0 {
		return &slog.Source{}
	}
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	return &slog.Source{Function: f.Function, File: f.File, Line: f.Line}
}

func sourceGroup(src *slog.Source) slog.Value {
	var as []slog.Attr
	if src.Function != "" {
		as = append(as, slog.String("function", src.Function))
	}
	if src.File != "" {
		as = append(as, slog.String("file", src.File))
	}
	if src.Line != 0 {
		as = append(as, slog.Int("line", src.Line))
	}
	return slog.GroupValue(as...)
}
