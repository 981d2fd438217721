package codecs

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/loggerjs/loggerjs"
)

// ColorMode says when the Pretty codec colours its output. The zero value
// is ColorAuto.
type ColorMode int

const (
	// ColorAuto colours the output when PrettyOptions.Output is a
	// terminal, the NO_COLOR environment variable is unset or empty and
	// TERM is not "dumb", as found when Pretty is called.
	ColorAuto ColorMode = iota
	// ColorAlways colours the output whatever the destination.
	ColorAlways
	// ColorNever writes plain text.
	ColorNever
)

// PrettyOptions configure the Pretty codec. A nil *PrettyOptions means the
// defaults: colour decided by ColorAuto with no Output (so off), times as
// "15:04:05.000", no source.
type PrettyOptions struct {
	// Color says when to colour the output.
	Color ColorMode
	// Output is the writer the codec's output goes to. Only ColorAuto
	// reads it, to find out whether it is a terminal; a nil Output means
	// no colour under ColorAuto.
	Output io.Writer
	// TimeFormat is the layout of the record's time, as for
	// time.Time.Format; "" means "15:04:05.000". Records with a zero time
	// have no time column.
	TimeFormat string
	// OmitTime leaves the time column out of every record, for output
	// that a test compares or that another tool timestamps.
	OmitTime bool
	// AddSource writes the file and line of the logging call after the
	// category.
	AddSource bool
}

// PrettyCodec writes records for people reading a terminal, one line each:
// a dimmed time, a level badge padded to a common width and coloured by
// severity, the category, the message, then the attrs as key=value with
// groups as dotted keys, quoted by logfmt's rules:
//
//	12:04:05.000 INFO  app.db: connected host=db1 pool.size=10
//
// Error chains (wrapped errors and errors.Join trees, each link with what
// it adds to the message and its type), stacks that an error prints with %+v, and multi-line strings
// follow the line, indented, so the first line of each record stays one
// line. Control characters never reach the terminal raw: they are escaped
// wherever they occur. It is safe for concurrent use.
type PrettyCodec struct {
	color      bool
	timeFormat string
	addSource  bool
	omitTime   bool
}

var _ loggerjs.Codec = (*PrettyCodec)(nil)

// Pretty returns a Pretty codec.
func Pretty(opts *PrettyOptions) *PrettyCodec {
	c := &PrettyCodec{timeFormat: "15:04:05.000"}
	if opts == nil {
		return c
	}
	if opts.TimeFormat != "" {
		c.timeFormat = opts.TimeFormat
	}
	c.addSource, c.omitTime = opts.AddSource, opts.OmitTime
	switch opts.Color {
	case ColorAlways:
		c.color = true
	case ColorAuto:
		c.color = opts.Output != nil && IsTerminal(opts.Output) &&
			os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	}
	return c
}

// IsTerminal reports whether w is a terminal: a file (anything with a Stat
// method returning os.FileInfo, like *os.File) whose mode is a character
// device. It needs only the standard library, so it cannot tell a terminal
// from other character devices such as /dev/null.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return false
	}
	if v := reflect.ValueOf(f); v.Kind() == reflect.Pointer && v.IsNil() {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Color reports whether the codec colours its output.
func (c *PrettyCodec) Color() bool { return c.color }

// ContentType returns "text/plain; charset=utf-8".
func (c *PrettyCodec) ContentType() string { return "text/plain; charset=utf-8" }

// ANSI SGR sequences.
const (
	ansiReset    = "\x1b[0m"
	ansiDim      = "\x1b[2m"
	ansiBold     = "\x1b[1m"
	ansiRed      = "\x1b[31m"
	ansiBoldRed  = "\x1b[1;31m"
	ansiCategory = "\x1b[1;35m"
)

// levelStyle returns the colour of a level's badge.
func levelStyle(l slog.Level) string {
	switch {
	case l < slog.LevelDebug:
		return "\x1b[90m"
	case l < slog.LevelInfo:
		return "\x1b[1;36m"
	case l < slog.LevelWarn:
		return "\x1b[1;32m"
	case l < slog.LevelError:
		return "\x1b[1;33m"
	case l < loggerjs.LevelFatal:
		return "\x1b[1;31m"
	default:
		return "\x1b[1;97;41m"
	}
}

// Append appends r as one line, followed by the indented detail lines of
// its error chains and multi-line values.
func (c *PrettyCodec) Append(dst []byte, r *loggerjs.Record) []byte {
	s := prettyState{c: c, r: r, buf: dst}
	if !r.Time.IsZero() && !c.omitTime {
		s.style(ansiDim)
		s.buf = r.Time.AppendFormat(s.buf, c.timeFormat)
		s.unstyle()
		s.buf = append(s.buf, ' ')
	}
	s.style(levelStyle(r.Level))
	start := len(s.buf)
	s.buf = loggerjs.AppendLevelName(s.buf, r.Level)
	n := len(s.buf) - start
	s.unstyle()
	for ; n < 5; n++ {
		s.buf = append(s.buf, ' ')
	}
	if name := r.CategoryName(); name != "" {
		s.buf = append(s.buf, ' ')
		s.style(ansiCategory)
		s.safe(name)
		s.buf = append(s.buf, ':')
		s.unstyle()
	}
	if c.addSource && r.PC != 0 {
		if src := sourceOf(r.PC); src.File != "" {
			s.buf = append(s.buf, ' ')
			s.style(ansiDim)
			s.safe(filepath.Base(src.File))
			s.buf = append(s.buf, ':')
			s.buf = strconv.AppendInt(s.buf, int64(src.Line), 10)
			s.unstyle()
		}
	}
	if msg := r.Message(); msg != "" {
		s.buf = append(s.buf, ' ')
		s.style(ansiBold)
		s.safe(msg)
		s.unstyle()
	}
	r.RootAttrs(func(a slog.Attr) bool {
		s.attr(a)
		return true
	})
	sc := c.scope(r.Scope)
	s.buf = append(s.buf, sc.line...)
	pp := getScratch()
	s.prefix = append((*pp)[:0], sc.prefix...)
	r.Attrs(func(a slog.Attr) bool {
		s.attr(a)
		return true
	})
	putScratch(pp, s.prefix)
	s.prefix = nil
	s.buf = append(s.buf, '\n')
	s.buf = append(s.buf, sc.details...)
	s.buf = append(s.buf, s.details...)
	return s.buf
}

// prettyScope is the rendered form of a bound scope.
type prettyScope struct {
	line    []byte // " key=value" for each bound attr
	details []byte // detail lines of bound multi-line values and errors
	prefix  string // the open groups, dotted, with a trailing dot
}

var emptyPrettyScope = &prettyScope{}

func (c *PrettyCodec) scope(sc *loggerjs.Scope) *prettyScope {
	return cachedScope(c, sc, emptyPrettyScope, c.buildScope)
}

func (c *PrettyCodec) buildScope(sc *loggerjs.Scope) any {
	parent := c.scope(sc.Parent())
	if g := sc.Group(); g != "" {
		prefix := append(appendTextKey([]byte(parent.prefix), g), '.')
		return &prettyScope{line: parent.line, details: parent.details, prefix: string(prefix)}
	}
	s := prettyState{c: c, buf: append([]byte(nil), parent.line...), prefix: []byte(parent.prefix)}
	s.details = append(s.details, parent.details...)
	for _, a := range sc.Attrs() {
		s.attr(a)
	}
	return &prettyScope{line: s.buf, details: s.details, prefix: parent.prefix}
}

// prettyState is the state of one Append.
type prettyState struct {
	c       *PrettyCodec
	r       *loggerjs.Record // nil while a scope is rendered
	buf     []byte
	prefix  []byte // dotted groups open at the current attr
	details []byte // lines to write after the record's line

	bounds
}

func (s *prettyState) style(code string) {
	if s.c.color {
		s.buf = append(s.buf, code...)
	}
}

func (s *prettyState) unstyle() {
	if s.c.color {
		s.buf = append(s.buf, ansiReset...)
	}
}

// safe appends text meant to be read as is (a message, a category),
// escaping what a terminal would act on.
func (s *prettyState) safe(text string) {
	var bad bool
	if s.buf, bad = appendTerminalSafe(s.buf, text); bad {
		s.r.CodecFallback()
	}
}

// appendTerminalSafe appends text with control characters, non-printable
// runes and invalid UTF-8 escaped, so nothing in it can move the cursor or
// change colours. It reports invalid UTF-8.
func appendTerminalSafe(dst []byte, text string) ([]byte, bool) {
	bad := false
	start := 0
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != 0x7f {
				i++
				continue
			}
			dst = append(dst, text[start:i]...)
			switch b {
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'x', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, text[start:i]...)
			dst = append(dst, "\ufffd"...)
			bad = true
		case !unicode.IsPrint(r) && !unicode.IsSpace(r) || r == '\u0085' || r == '\u2028' || r == '\u2029':
			dst = append(dst, text[start:i]...)
			dst = appendUnicodeEscape(dst, r)
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(dst, text[start:]...), bad
}

// key appends " key=" with the current group prefix.
func (s *prettyState) key(k string) {
	s.buf = append(s.buf, ' ')
	s.style(ansiDim)
	s.buf = append(s.buf, s.prefix...)
	s.buf = appendTextKey(s.buf, k)
	s.buf = append(s.buf, '=')
	s.unstyle()
}

func (s *prettyState) attr(a slog.Attr) {
	if ok, first := s.next(); !ok {
		if first {
			s.marker(a.Key, markerTooMany)
		}
		return
	}
	a.Value = resolveValue(s.r, a.Value)
	if a.Key == "" && a.Value.Kind() == slog.KindAny && a.Value.Any() == nil {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		if s.depth >= maxDepth {
			s.marker(a.Key, markerTooDeep)
			return
		}
		s.depth++
		attrs := a.Value.Group()
		n := len(s.prefix)
		if a.Key != "" {
			s.prefix = appendTextKey(s.prefix, a.Key)
			s.prefix = append(s.prefix, '.')
		}
		for _, ga := range attrs {
			s.attr(ga)
		}
		s.prefix = s.prefix[:n]
		s.depth--
		return
	}
	if a.Value.Kind() == slog.KindAny {
		if err, ok := a.Value.Any().(error); ok {
			s.errorAttr(a.Key, err)
			return
		}
	}
	if a.Value.Kind() == slog.KindString && strings.Contains(a.Value.String(), "\n") {
		s.multiline(a.Key, a.Value.String())
		return
	}
	s.key(a.Key)
	start := len(s.buf)
	var marker bool
	s.buf, marker = appendTextValue(s.buf, s.r, a.Value, &s.bounds)
	if marker && s.c.color {
		v := string(s.buf[start:])
		s.buf = append(s.buf[:start], ansiBoldRed...)
		s.buf = append(s.buf, v...)
		s.unstyle()
	}
}

// marker writes key=text, in red, for a value past a bound, and counts
// it.
func (s *prettyState) marker(key, text string) {
	s.r.CodecFallback()
	s.key(key)
	s.style(ansiBoldRed)
	s.quoted(text)
	s.unstyle()
}

// quoted appends v quoted by logfmt's rules.
func (s *prettyState) quoted(v string) {
	var bad bool
	if s.buf, bad = appendTextString(s.buf, v); bad {
		s.r.CodecFallback()
	}
}

// multiline writes key=<first line>… on the line and the whole text below.
func (s *prettyState) multiline(key, text string) {
	first, _, _ := strings.Cut(text, "\n")
	s.key(key)
	s.quoted(first + "…")
	s.detailHeader(key)
	for line := range strings.SplitSeq(strings.TrimRight(text, "\n"), "\n") {
		s.details = append(s.details, "      "...)
		s.detailSafe(line)
		s.details = append(s.details, '\n')
	}
}

func (s *prettyState) detailHeader(key string) {
	s.details = append(s.details, "    "...)
	if s.c.color {
		s.details = append(s.details, ansiDim...)
	}
	s.details = append(s.details, s.prefix...)
	s.details = appendTextKey(s.details, key)
	s.details = append(s.details, ':')
	if s.c.color {
		s.details = append(s.details, ansiReset...)
	}
	s.details = append(s.details, '\n')
}

// detailSafe appends a detail line's text as safe does, with tabs (which
// indent Go stack traces) expanded to four spaces.
func (s *prettyState) detailSafe(text string) {
	if strings.Contains(text, "\t") {
		text = strings.ReplaceAll(text, "\t", "    ")
	}
	var bad bool
	if s.details, bad = appendTerminalSafe(s.details, text); bad {
		s.r.CodecFallback()
	}
}

// errorAttr writes an error's message on the line, in red, and its chain
// below when it has more than one link or a stack.
func (s *prettyState) errorAttr(key string, err error) {
	if v := reflect.ValueOf(err); v.Kind() == reflect.Pointer && v.IsNil() {
		s.key(key)
		s.buf = append(s.buf, "<nil>"...)
		return
	}
	msg, ok := safeErrorText(err)
	if !ok {
		s.r.CodecFallback()
	}
	stack := s.r.RedactText(errorStack(err, msg))
	msg = s.r.RedactText(msg)
	s.key(key)
	first, rest, multi := strings.Cut(msg, "\n")
	if multi {
		first += "…"
	}
	s.style(ansiRed)
	s.quoted(first)
	s.unstyle()
	if !hasChain(err) && stack == "" && !multi && !strings.Contains(rest, "\n") {
		return
	}
	s.detailHeader(key)
	nodes := 0
	s.errorNode(err, "      ", "", 0, &nodes)
	if stack != "" {
		s.details = append(s.details, "      "...)
		if s.c.color {
			s.details = append(s.details, ansiDim...)
		}
		s.details = append(s.details, "stack:"...)
		if s.c.color {
			s.details = append(s.details, ansiReset...)
		}
		s.details = append(s.details, '\n')
		for line := range strings.SplitSeq(strings.TrimRight(stack, "\n"), "\n") {
			s.details = append(s.details, "        "...)
			s.detailSafe(line)
			s.details = append(s.details, '\n')
		}
	}
}

// maxErrorNodes bounds the error tree a codec walks, against Unwrap
// methods that never end.
const maxErrorNodes = 64

// errorNode writes one link of an error tree and its children.
func (s *prettyState) errorNode(err error, indent, branch string, depth int, nodes *int) {
	*nodes++
	s.details = append(s.details, indent...)
	s.details = append(s.details, branch...)
	children, perr := unwrapErrors(err)
	if *nodes > maxErrorNodes || depth > maxErrorNodes {
		s.details = append(s.details, "…\n"...)
		return
	}
	if len(children) > 1 {
		s.details = append(s.details, strconv.Itoa(len(children))...)
		s.details = append(s.details, " errors"...)
	} else {
		msg, ok := safeErrorText(err)
		if !ok {
			s.r.CodecFallback()
		}
		if len(children) == 1 && children[0] != nil {
			// Show what this link adds: "query users", not "query users:
			// connection refused" above "connection refused".
			if inner, ok := safeErrorText(children[0]); ok && inner != "" && strings.HasSuffix(msg, ": "+inner) {
				msg = msg[:len(msg)-len(inner)-2]
			}
		}
		msg = s.r.RedactText(msg)
		if s.c.color {
			s.details = append(s.details, ansiRed...)
		}
		s.detailSafe(msg)
		if s.c.color {
			s.details = append(s.details, ansiReset...)
		}
	}
	s.details = append(s.details, ' ')
	if s.c.color {
		s.details = append(s.details, ansiDim...)
	}
	s.details = append(s.details, '[')
	s.details = append(s.details, reflect.TypeOf(err).String()...)
	s.details = append(s.details, ']')
	if s.c.color {
		s.details = append(s.details, ansiReset...)
	}
	s.details = append(s.details, '\n')
	if perr != "" {
		s.r.CodecFallback()
		s.details = append(s.details, indent...)
		s.details = append(s.details, "  "...)
		s.detailSafe(s.r.RedactText(perr))
		s.details = append(s.details, '\n')
	}
	if branch != "" {
		indent += "   "
	}
	for i, child := range children {
		if child == nil {
			continue
		}
		b := "├─ "
		if i == len(children)-1 {
			b = "└─ "
		}
		if len(children) == 1 {
			b = "└─ "
		}
		s.errorNode(child, indent, b, depth+1, nodes)
	}
}

// safeErrorText returns err.Error(), or a marker and false when it
// panics. A nil pointer whose Error panics reads "<nil>".
func safeErrorText(err error) (text string, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			if v := reflect.ValueOf(err); v.Kind() == reflect.Pointer && v.IsNil() {
				text, ok = "<nil>", true
				return
			}
			text, ok = "!PANIC: Error: "+fmt.Sprint(p), false
		}
	}()
	return err.Error(), true
}

// unwrapErrors returns what err wraps: the result of Unwrap() []error or
// Unwrap() error. A panicking Unwrap yields no children and a marker.
func unwrapErrors(err error) (children []error, panicText string) {
	defer func() {
		if p := recover(); p != nil {
			children, panicText = nil, "!PANIC: Unwrap: "+fmt.Sprint(p)
		}
	}()
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		return u.Unwrap(), ""
	case interface{ Unwrap() error }:
		if w := u.Unwrap(); w != nil {
			return []error{w}, ""
		}
	}
	return nil, ""
}

// hasChain reports whether err wraps anything.
func hasChain(err error) bool {
	c, p := unwrapErrors(err)
	return len(c) > 0 || p != ""
}

// errorStack returns what err prints with %+v when that is more than its
// message: the stack trace of errors that format one (pkg/errors and its
// kin), or "".
func errorStack(err error, msg string) (stack string) {
	if _, ok := err.(fmt.Formatter); !ok {
		return ""
	}
	defer func() {
		if recover() != nil {
			stack = ""
		}
	}()
	v := fmt.Sprintf("%+v", err)
	if v == msg || !strings.Contains(v, "\n") {
		return ""
	}
	return strings.TrimPrefix(v, msg+"\n")
}
