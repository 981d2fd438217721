package codecs

import (
	"log/slog"
	"path/filepath"
	"strconv"

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
}

var _ loggerjs.Codec = (*LogfmtCodec)(nil)

// Logfmt returns a logfmt codec.
func Logfmt(opts *LogfmtOptions) *LogfmtCodec {
	c := &LogfmtCodec{}
	if opts != nil {
		c.addSource, c.shortSource = opts.AddSource, opts.ShortSource
	}
	return c
}

// ContentType returns "text/plain; charset=utf-8".
func (c *LogfmtCodec) ContentType() string { return "text/plain; charset=utf-8" }

// Append appends r as one logfmt line and a newline.
func (c *LogfmtCodec) Append(dst []byte, r *loggerjs.Record) []byte {
	s := logfmtState{r: r, buf: dst}
	first := true
	if !r.Time.IsZero() {
		s.buf = append(s.buf, "time="...)
		s.buf = r.Time.Round(0).AppendFormat(s.buf, textTimeFormat)
		first = false
	}
	if !first {
		s.buf = append(s.buf, ' ')
	}
	s.buf = append(s.buf, "level="...)
	s.buf = loggerjs.AppendLevelName(s.buf, r.Level)
	if c.addSource && r.PC != 0 {
		if src := sourceOf(r.PC); src.File != "" {
			file := src.File
			if c.shortSource {
				file = filepath.Base(file)
			}
			s.buf = append(s.buf, " source="...)
			var bad bool
			if textNeedsQuote(file) {
				s.buf, bad = appendQuoted(s.buf, file+":"+strconv.Itoa(src.Line))
			} else {
				s.buf = append(s.buf, file...)
				s.buf = append(s.buf, ':')
				s.buf = strconv.AppendInt(s.buf, int64(src.Line), 10)
			}
			if bad {
				r.CodecFallback()
			}
		}
	}
	s.buf = append(s.buf, " msg="...)
	s.str(r.Message())
	if name := r.CategoryName(); name != "" {
		s.buf = append(s.buf, " logger="...)
		s.str(name)
	}
	for i := range r.NumRootAttrs() {
		s.attr(r.RootAttr(i))
	}
	sc := c.scope(r.Scope)
	s.buf = append(s.buf, sc.line...)
	s.prefix = sc.prefix
	for i := range r.NumAttrs() {
		s.attr(r.Attr(i))
	}
	return append(s.buf, '\n')
}

// logfmtScope is the encoded form of a bound scope.
type logfmtScope struct {
	line   []byte // " key=value" for each bound attr
	prefix []byte // the open groups, dotted, with a trailing dot
}

var emptyLogfmtScope = &logfmtScope{}

func (c *LogfmtCodec) scope(sc *loggerjs.Scope) *logfmtScope {
	if sc == nil {
		return emptyLogfmtScope
	}
	return sc.Cache(c, c.buildScope).(*logfmtScope)
}

func (c *LogfmtCodec) buildScope(sc *loggerjs.Scope) any {
	parent := c.scope(sc.Parent())
	if g := sc.Group(); g != "" {
		prefix := appendTextKey(append([]byte(nil), parent.prefix...), g)
		return &logfmtScope{line: parent.line, prefix: append(prefix, '.')}
	}
	s := logfmtState{buf: append([]byte(nil), parent.line...), prefix: parent.prefix}
	for _, a := range sc.Attrs() {
		s.attr(a)
	}
	return &logfmtScope{line: s.buf, prefix: parent.prefix}
}

// logfmtState is the state of one Append.
type logfmtState struct {
	r      *loggerjs.Record // nil while a scope is encoded
	buf    []byte
	prefix []byte // dotted groups open at the record's attrs
	inner  []byte // groups opened by group-valued attrs, after prefix
}

func (s *logfmtState) str(v string) {
	var bad bool
	if s.buf, bad = appendTextString(s.buf, v); bad {
		s.r.CodecFallback()
	}
}

func (s *logfmtState) attr(a slog.Attr) {
	a.Value = resolveValue(s.r, a.Value)
	if a.Key == "" && a.Value.Kind() == slog.KindAny && a.Value.Any() == nil {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		n := len(s.inner)
		if a.Key != "" {
			s.inner = appendTextKey(s.inner, a.Key)
			s.inner = append(s.inner, '.')
		}
		for _, ga := range a.Value.Group() {
			s.attr(ga)
		}
		s.inner = s.inner[:n]
		return
	}
	s.buf = append(s.buf, ' ')
	s.buf = append(s.buf, s.prefix...)
	s.buf = append(s.buf, s.inner...)
	s.buf = appendTextKey(s.buf, a.Key)
	s.buf = append(s.buf, '=')
	s.buf, _ = appendTextValue(s.buf, s.r, a.Value)
}
