package zerologbridge

import (
	"errors"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/rs/zerolog"
)

// maxDepth bounds the nesting of objects and arrays the decoder follows;
// a deeper value is replaced by markerTooDeep.
const maxDepth = 64

// markerTooDeep replaces a value nested deeper than maxDepth.
const markerTooDeep = "!ERROR: value nested too deep"

var errSyntax = errors.New("not a JSON object")

// formats is how zerolog was configured to write times and durations
// when the event was decoded.
type formats struct {
	timeLayout   string        // "" when times are numbers
	timeUnit     time.Duration // for numeric times: time.Second, Millisecond, ...
	durUnit      time.Duration
	durString    bool // durations are written with Duration.String
	timeKeys     map[string]bool
	durationKeys map[string]bool
}

// currentFormats reads zerolog's format variables, as zerolog reads them
// for each event.
func currentFormats(o *options) formats {
	f := formats{durUnit: zerolog.DurationFieldUnit, timeKeys: o.timeKeys, durationKeys: o.durationKeys}
	switch zerolog.TimeFieldFormat {
	case zerolog.TimeFormatUnix:
		f.timeUnit = time.Second
	case zerolog.TimeFormatUnixMs:
		f.timeUnit = time.Millisecond
	case zerolog.TimeFormatUnixMicro:
		f.timeUnit = time.Microsecond
	case zerolog.TimeFormatUnixNano:
		f.timeUnit = time.Nanosecond
	default:
		f.timeLayout = zerolog.TimeFieldFormat
	}
	f.durString = zerolog.DurationFieldFormat == zerolog.DurationFormatString
	if f.durUnit <= 0 {
		f.durUnit = time.Millisecond
	}
	return f
}

// decoder reads one zerolog event. Its input is the decoder's own copy of
// the event, so strings without escapes point into it.
type decoder struct {
	data  []byte
	i     int
	f     formats
	depth int
}

func (d *decoder) str(start, end int) string {
	if start == end {
		return ""
	}
	return unsafe.String(&d.data[start], end-start)
}

func (d *decoder) skipSpace() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) peek() byte {
	d.skipSpace()
	if d.i >= len(d.data) {
		return 0
	}
	return d.data[d.i]
}

// openObject reads the '{' that starts an object and reports whether the
// object has members.
func (d *decoder) openObject() (bool, error) {
	if d.peek() != '{' {
		return false, errSyntax
	}
	d.i++
	if d.peek() == '}' {
		d.i++
		return false, nil
	}
	return true, nil
}

// key reads a member's key and its colon.
func (d *decoder) key() (string, error) {
	if d.peek() != '"' {
		return "", errSyntax
	}
	key, err := d.stringValue()
	if err != nil {
		return "", err
	}
	if d.peek() != ':' {
		return "", errSyntax
	}
	d.i++
	return key, nil
}

// next reads what follows a member's value and reports whether another
// member follows.
func (d *decoder) next() (bool, error) {
	switch d.peek() {
	case ',':
		d.i++
		return true, nil
	case '}':
		d.i++
		return false, nil
	}
	return false, errSyntax
}

// object reads an object's members as attrs.
func (d *decoder) object() ([]slog.Attr, error) {
	more, err := d.openObject()
	var attrs []slog.Attr
	if more {
		attrs = make([]slog.Attr, 0, 4)
	}
	for more && err == nil {
		var k string
		if k, err = d.key(); err != nil {
			break
		}
		var v slog.Value
		if v, err = d.value(k); err != nil {
			break
		}
		attrs = append(attrs, slog.Attr{Key: k, Value: v})
		more, err = d.next()
	}
	return attrs, err
}

// stringValue reads a JSON string at d.i.
func (d *decoder) stringValue() (string, error) {
	d.i++ // the quote
	start := d.i
	for d.i < len(d.data) {
		c := d.data[d.i]
		switch {
		case c == '"':
			s := d.str(start, d.i)
			d.i++
			return s, nil
		case c == '\\':
			return d.escapedString(start)
		case c < 0x20:
			return "", errSyntax
		}
		d.i++
	}
	return "", errSyntax
}

// escapedString reads the rest of a string that has escapes into a new
// string.
func (d *decoder) escapedString(start int) (string, error) {
	b := make([]byte, 0, d.i-start+16)
	b = append(b, d.data[start:d.i]...)
	for d.i < len(d.data) {
		c := d.data[d.i]
		switch {
		case c == '"':
			d.i++
			return string(b), nil
		case c < 0x20:
			return "", errSyntax
		case c != '\\':
			b = append(b, c)
			d.i++
			continue
		}
		d.i++
		if d.i >= len(d.data) {
			return "", errSyntax
		}
		e := d.data[d.i]
		d.i++
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", errSyntax
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if d.i+1 < len(d.data) && d.data[d.i] == '\\' && d.data[d.i+1] == 'u' {
					save := d.i
					d.i += 2
					if x, ok := d.hex4(); ok {
						r2 = x
					} else {
						d.i = save
					}
				}
				r = utf16.DecodeRune(r, r2)
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", errSyntax
		}
	}
	return "", errSyntax
}

func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.data) {
		return 0, false
	}
	n, err := strconv.ParseUint(d.str(d.i, d.i+4), 16, 32)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(n), true
}

// number reads a JSON number: an int64, a uint64, or a float64. A
// float beyond float64's range is an infinity.
func (d *decoder) number() (slog.Value, error) {
	start := d.i
	digits := func() int {
		n := 0
		for d.i < len(d.data) && d.data[d.i] >= '0' && d.data[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.i < len(d.data) && d.data[d.i] == '-' {
		d.i++
	}
	intStart := d.i
	if n := digits(); n == 0 || n > 1 && d.data[intStart] == '0' {
		return slog.Value{}, errSyntax
	}
	isFloat := false
	if d.i < len(d.data) && d.data[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return slog.Value{}, errSyntax
		}
		isFloat = true
	}
	if d.i < len(d.data) && (d.data[d.i] == 'e' || d.data[d.i] == 'E') {
		d.i++
		if d.i < len(d.data) && (d.data[d.i] == '+' || d.data[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return slog.Value{}, errSyntax
		}
		isFloat = true
	}
	s := d.str(start, d.i)
	if !isFloat {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return slog.Int64Value(n), nil
		}
		if n, err := strconv.ParseUint(s, 10, 64); err == nil {
			return slog.Uint64Value(n), nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return slog.Value{}, errSyntax
	}
	return slog.Float64Value(f), nil
}

// literal reads true, false or null.
func (d *decoder) literal() (slog.Value, error) {
	for _, lit := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(d.str(d.i, len(d.data)), lit) {
			d.i += len(lit)
			switch lit {
			case "true":
				return slog.BoolValue(true), nil
			case "false":
				return slog.BoolValue(false), nil
			}
			return slog.AnyValue(nil), nil
		}
	}
	return slog.Value{}, errSyntax
}

// value reads any JSON value as an attr value for key: objects become
// groups, arrays lists, and times and durations are recognised as
// formats says.
func (d *decoder) value(key string) (slog.Value, error) {
	switch c := d.peek(); {
	case c == '{':
		if d.depth >= maxDepth {
			return slog.StringValue(markerTooDeep), d.skip()
		}
		d.depth++
		attrs, err := d.object()
		d.depth--
		return slog.GroupValue(attrs...), err
	case c == '[':
		if d.depth >= maxDepth {
			return slog.StringValue(markerTooDeep), d.skip()
		}
		d.depth++
		list, err := d.array(key)
		d.depth--
		return slog.AnyValue(list), err
	case c == '"':
		s, err := d.stringValue()
		if err != nil {
			return slog.Value{}, err
		}
		return d.f.fromString(key, s), nil
	case c == '-' || c >= '0' && c <= '9':
		v, err := d.number()
		if err != nil {
			return v, err
		}
		return d.f.fromNumber(key, v), nil
	default:
		return d.literal()
	}
}

// array reads a list; its elements are plain Go values, objects maps.
func (d *decoder) array(key string) ([]any, error) {
	d.i++ // '['
	list := []any{}
	if d.peek() == ']' {
		d.i++
		return list, nil
	}
	for {
		v, err := d.value(key)
		if err != nil {
			return nil, err
		}
		list = append(list, plain(v))
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return list, nil
		default:
			return nil, errSyntax
		}
	}
}

// skip passes over one value without keeping it, without recursion:
// it only matches brackets, outside strings. The value is checked no
// further than that.
func (d *decoder) skip() error {
	open := 0
	for {
		switch c := d.peek(); c {
		case 0:
			return errSyntax
		case '{', '[':
			open++
			d.i++
		case '}', ']':
			open--
			d.i++
		case '"':
			if _, err := d.stringValue(); err != nil {
				return err
			}
		default:
			d.i++
		}
		if open == 0 {
			return nil
		}
	}
}

// plain turns a decoded value into the Go value a list holds.
func plain(v slog.Value) any {
	if v.Kind() != slog.KindGroup {
		return v.Any()
	}
	attrs := v.Group()
	m := make(map[string]any, len(attrs))
	for _, a := range attrs {
		m[a.Key] = plain(a.Value)
	}
	return m
}

// fromString recognises a time written in zerolog's TimeFieldFormat
// layout (exactly: formatting the time again gives the same text), and a
// duration under a key of Options.DurationKeys or written with
// DurationFormatString.
func (f *formats) fromString(key, s string) slog.Value {
	if s == "" {
		return slog.StringValue(s)
	}
	if f.timeLayout != "" && len(s) >= 8 && (s[0] >= '0' && s[0] <= '9' || f.timeKeys[key]) {
		var buf [64]byte
		if t, err := time.Parse(f.timeLayout, s); err == nil && string(t.AppendFormat(buf[:0], f.timeLayout)) == s {
			return slog.TimeValue(t)
		}
	}
	if f.durString || f.durationKeys[key] {
		if last := s[len(s)-1]; last == 's' || last == 'm' || last == 'h' {
			if dur, err := time.ParseDuration(s); err == nil && dur.String() == s {
				return slog.DurationValue(dur)
			}
		}
	}
	return slog.StringValue(s) // "NaN", "+Inf" and "-Inf" among them, as zerolog writes those floats
}

// fromNumber turns a number under a key of Options.DurationKeys into a
// duration in zerolog's DurationFieldUnit, and one under a key of
// Options.TimeKeys into a time when TimeFieldFormat is a Unix format.
func (f *formats) fromNumber(key string, v slog.Value) slog.Value {
	if f.durationKeys[key] {
		return slog.DurationValue(scale(v, f.durUnit))
	}
	if f.timeKeys[key] && f.timeUnit != 0 {
		return slog.TimeValue(time.Unix(0, int64(scale(v, f.timeUnit))))
	}
	return v
}

// scale returns the number v times unit as a duration, rounded to the
// nanosecond and clamped to the range of time.Duration.
func scale(v slog.Value, unit time.Duration) time.Duration {
	var f float64
	switch v.Kind() {
	case slog.KindInt64:
		n := v.Int64()
		if m := n * int64(unit); unit == 0 || m/int64(unit) == n {
			return time.Duration(m)
		}
		f = float64(n)
	case slog.KindUint64:
		f = float64(v.Uint64())
	default:
		f = v.Float64()
	}
	x := math.Round(f * float64(unit))
	switch {
	case x >= math.MaxInt64:
		return math.MaxInt64
	case x <= math.MinInt64:
		return math.MinInt64
	}
	return time.Duration(x)
}
