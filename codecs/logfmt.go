package codecs

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/loggerjs/loggerjs"
)

// LogfmtOptions configure the logfmt codec. A nil *LogfmtOptions means the
// defaults.
type LogfmtOptions struct {
	// AddSource adds source=file:line of the logging call, as
	// slog.HandlerOptions.AddSource does for slog.TextHandler.
	AddSource bool
	// ShortSource writes only the base name of the source file.
	ShortSource bool
	// ReplaceAttr rewrites or removes attrs before they are written, with
	// the contract of slog.HandlerOptions.ReplaceAttr. It is also called
	// for the built-in "time", "level", "source" and "msg" attrs, and for
	// "logger" on records that have a category. Attrs bound with With are
	// passed once, when the logger's scope is first encoded. A panic in it
	// is written as the attr's value, "!PANIC: ReplaceAttr: …", and
	// counted.
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr
}

// LogfmtCodec writes one line of key=value pairs per record, in the layout
// of slog.TextHandler: time (RFC 3339 with milliseconds), level, source,
// msg, then logger=<dotted category> for records that have a category, then
// the attrs, with groups as dotted keys (req.method=GET).
//
// A value is written bare unless it is empty or holds a space, '=', '"', a
// control or non-printable character, in which case it is quoted with the
// escapes \" \\ \n \r \t and \uXXXX, which both strconv.Unquote and the
// JSON-derived logfmt parsers (go-logfmt, the Prometheus and Grafana
// parsers) read back. Keys cannot be quoted in logfmt: a space, '=', '"' or
// control character in a key is written as '_', and the empty key as "_".
// Invalid UTF-8 is written as U+FFFD and counted as a codec fallback.
// NaN and infinities are ordinary text here ("NaN", "+Inf").
//
// Levels are named by loggerjs.LevelName, so -8 is "TRACE" where
// slog.TextHandler writes "DEBUG-4". Appending a record of ordinary attrs
// allocates nothing.
type LogfmtCodec struct {
	addSource, shortSource bool
	replace                func([]string, slog.Attr) slog.Attr
}

var _ loggerjs.Codec = (*LogfmtCodec)(nil)

// Logfmt returns a logfmt codec.
func Logfmt(opts *LogfmtOptions) *LogfmtCodec {
	c := &LogfmtCodec{}
	if opts != nil {
		c.addSource, c.shortSource, c.replace = opts.AddSource, opts.ShortSource, opts.ReplaceAttr
	}
	return c
}

// ContentType returns "text/plain; charset=utf-8".
func (c *LogfmtCodec) ContentType() string { return "text/plain; charset=utf-8" }

// Append appends r as one logfmt line and a newline.
func (c *LogfmtCodec) Append(dst []byte, r *loggerjs.Record) []byte {
	if c.replace != nil {
		return c.appendReplaced(dst, r)
	}
	s := logfmtState{r: r, buf: dst}
	first := true
	if !r.Time.IsZero() {
		s.buf = append(s.buf, "time="...)
		s.buf = appendTextTime(s.buf, r.Time)
		first = false
	}
	if !first {
		s.buf = append(s.buf, ' ')
	}
	s.buf = append(s.buf, "level="...)
	s.buf = loggerjs.AppendLevelName(s.buf, r.Level)
	if c.addSource && r.PC != 0 {
		if src := sourceOf(r.PC); src.File != "" {
			s.buf = append(s.buf, " source="...)
			s.source(src, c.shortSource)
		}
	}
	s.buf = append(s.buf, " msg="...)
	s.str(r.Message())
	if name := r.CategoryName(); name != "" {
		s.buf = append(s.buf, " logger="...)
		s.str(name)
	}
	c.appendAttrs(&s)
	s.release()
	return append(s.buf, '\n')
}

// appendAttrs appends the root attrs, the bound scope and the record's
// attrs.
func (c *LogfmtCodec) appendAttrs(s *logfmtState) {
	r := s.r
	for i := range r.NumRootAttrs() {
		s.attr(r.RootAttr(i))
	}
	sc := c.scope(r.Scope)
	s.buf = append(s.buf, sc.line...)
	s.prefix = sc.prefix
	if s.groups != nil {
		*s.groups = append((*s.groups)[:0], r.Scope.Groups()...)
	}
	for i := range r.NumAttrs() {
		s.attr(r.Attr(i))
	}
}

// appendReplaced is Append with ReplaceAttr: the built-in attrs go
// through it like any other.
func (c *LogfmtCodec) appendReplaced(dst []byte, r *loggerjs.Record) []byte {
	s := logfmtState{r: r, buf: dst, replace: c.replace}
	s.groups = logfmtGroups.Get().(*[]string)
	defer func() {
		*s.groups = (*s.groups)[:0]
		logfmtGroups.Put(s.groups)
	}()
	start := len(dst)
	if !r.Time.IsZero() {
		s.attr(slog.Time(slog.TimeKey, r.Time.Round(0)))
	}
	s.attr(slog.Any(slog.LevelKey, r.Level))
	if c.addSource && r.PC != 0 {
		if src := sourceOf(r.PC); src.File != "" {
			if c.shortSource {
				src.File = filepath.Base(src.File)
			}
			s.attr(slog.Any(slog.SourceKey, src))
		}
	}
	s.attr(slog.String(slog.MessageKey, r.Message()))
	if name := r.CategoryName(); name != "" {
		s.attr(slog.String(loggerjs.CategoryKey, name))
	}
	c.appendAttrs(&s)
	s.release()
	if len(s.buf) > start && s.buf[start] == ' ' {
		s.buf = append(s.buf[:start], s.buf[start+1:]...)
	}
	return append(s.buf, '\n')
}

var logfmtGroups = sync.Pool{New: func() any {
	s := make([]string, 0, 8)
	return &s
}}

// logfmtScope is the encoded form of a bound scope.
type logfmtScope struct {
	line   []byte // " key=value" for each bound attr
	prefix []byte // the open groups, dotted, with a trailing dot
}

var emptyLogfmtScope = &logfmtScope{}

func (c *LogfmtCodec) scope(sc *loggerjs.Scope) *logfmtScope {
	return cachedScope(c, sc, emptyLogfmtScope, c.buildScope)
}

func (c *LogfmtCodec) buildScope(sc *loggerjs.Scope) any {
	parent := c.scope(sc.Parent())
	if g := sc.Group(); g != "" {
		prefix := appendTextKey(append([]byte(nil), parent.prefix...), g)
		return &logfmtScope{line: parent.line, prefix: append(prefix, '.')}
	}
	s := logfmtState{buf: append([]byte(nil), parent.line...), prefix: parent.prefix, replace: c.replace}
	if c.replace != nil {
		gs := append([]string(nil), sc.Groups()...)
		s.groups = &gs
	}
	for _, a := range sc.Attrs() {
		s.attr(a)
	}
	s.release()
	return &logfmtScope{line: s.buf, prefix: parent.prefix}
}

// logfmtState is the state of one Append.
type logfmtState struct {
	r      *loggerjs.Record // nil while a scope is encoded
	buf    []byte
	prefix []byte // dotted groups open at the record's attrs
	inner  []byte // groups opened by group-valued attrs, after prefix
	innerp *[]byte

	replace func([]string, slog.Attr) slog.Attr
	groups  *[]string // every group open at the current attr, for replace

	bounds
}

// release gives back the pooled buffer of inner, if it took one.
func (s *logfmtState) release() {
	if s.innerp != nil {
		putScratch(s.innerp, s.inner)
		s.innerp, s.inner = nil, nil
	}
}

// source appends file:line.
func (s *logfmtState) source(src *slog.Source, short bool) {
	file := src.File
	if short {
		file = filepath.Base(file)
	}
	var bad bool
	if textNeedsQuote(file) {
		s.buf, bad = appendQuoted(s.buf, file+":"+strconv.Itoa(src.Line))
	} else {
		s.buf = append(s.buf, file...)
		s.buf = append(s.buf, ':')
		s.buf = strconv.AppendInt(s.buf, int64(src.Line), 10)
	}
	if bad {
		s.r.CodecFallback()
	}
}

// replaceAttr calls ReplaceAttr, turning a panic into a marker.
func (s *logfmtState) replaceAttr(a slog.Attr) (out slog.Attr) {
	defer func() {
		if p := recover(); p != nil {
			s.r.CodecFallback()
			out = slog.String(a.Key, "!PANIC: ReplaceAttr: "+fmt.Sprint(p))
		}
	}()
	return s.replace(*s.groups, a)
}

func (s *logfmtState) str(v string) {
	var bad bool
	if s.buf, bad = appendTextString(s.buf, v); bad {
		s.r.CodecFallback()
	}
}

func (s *logfmtState) attr(a slog.Attr) {
	if ok, first := s.next(); !ok {
		if first {
			s.marker(a.Key, markerTooMany)
		}
		return
	}
	a.Value = resolveValue(s.r, a.Value)
	if s.replace != nil && a.Value.Kind() != slog.KindGroup {
		a = s.replaceAttr(a)
		a.Value = resolveValue(s.r, a.Value)
	}
	if a.Key == "" && a.Value.Kind() == slog.KindAny && a.Value.Any() == nil {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		if s.depth >= maxDepth {
			s.marker(a.Key, markerTooDeep)
			return
		}
		s.depth++
		n := len(s.inner)
		if a.Key != "" {
			if s.innerp == nil {
				s.innerp = getScratch()
				s.inner = (*s.innerp)[:0]
			}
			s.inner = appendTextKey(s.inner, a.Key)
			s.inner = append(s.inner, '.')
			if s.groups != nil {
				*s.groups = append(*s.groups, a.Key)
			}
		}
		for _, ga := range a.Value.Group() {
			s.attr(ga)
		}
		s.inner = s.inner[:n]
		if a.Key != "" && s.groups != nil {
			*s.groups = (*s.groups)[:len(*s.groups)-1]
		}
		s.depth--
		return
	}
	if a.Value.Kind() == slog.KindAny {
		if src, ok := a.Value.Any().(*slog.Source); ok && (src == nil || *src == (slog.Source{})) {
			return
		}
	}
	s.key(a.Key)
	s.buf, _ = appendTextValue(s.buf, s.r, a.Value, &s.bounds)
}

// key appends " key=" with the open groups before the key.
func (s *logfmtState) key(k string) {
	s.buf = append(s.buf, ' ')
	s.buf = append(s.buf, s.prefix...)
	s.buf = append(s.buf, s.inner...)
	s.buf = appendTextKey(s.buf, k)
	s.buf = append(s.buf, '=')
}

// marker writes key=text for a value past a bound, and counts it.
func (s *logfmtState) marker(k, text string) {
	s.r.CodecFallback()
	s.key(k)
	s.str(text)
}
