package codecs

import (
	"encoding"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/loggerjs/loggerjs"
)

// This file holds the helpers the text codecs (logfmt and pretty) share:
// quoting by logfmt's rules, and rendering any slog.Value as text without
// failing.

// textNeedsQuote reports whether s must be quoted to be one logfmt value:
// it is empty, or holds a space, '=', '"', a control or non-printable
// character, or invalid UTF-8. It is slog.TextHandler's rule.
func textNeedsQuote(s string) bool {
	if len(s) == 0 {
		return true
	}
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if !textSafe[b] {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

// textSafe marks the ASCII bytes that may stand unquoted in a logfmt value.
var textSafe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x21; b < 0x7f; b++ {
		t[b] = b != '=' && b != '"'
	}
	return t
}()

// appendTextString appends s as a logfmt value: bare when it can be, else
// quoted with the escapes that strconv.Unquote and JSON-derived logfmt
// parsers both read (\" \\ \n \r \t \uXXXX). Invalid UTF-8 becomes
// U+FFFD and is reported.
func appendTextString(dst []byte, s string) ([]byte, bool) {
	if !textNeedsQuote(s) {
		return append(dst, s...), false
	}
	return appendQuoted(dst, s)
}

// appendQuoted appends s in double quotes, escaping quote, backslash,
// control characters (C0, DEL and C1) and U+2028 and U+2029.
func appendQuoted(dst []byte, s string) ([]byte, bool) {
	bad := false
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != 0x7f && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			bad = true
			i++
			start = i
			continue
		}
		if r < 0xa0 || r == '\u2028' || r == '\u2029' {
			// C1 controls and the Unicode line separators. Other
			// non-printable runes stay as they are: strconv.Unquote
			// rejects the surrogate pairs JSON would need beyond the BMP.
			dst = append(dst, s[start:i]...)
			dst = appendUnicodeEscape(dst, r)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), bad
}

// appendUnicodeEscape appends r as \uXXXX, or as a UTF-16 surrogate pair
// of two such escapes beyond the BMP.
func appendUnicodeEscape(dst []byte, r rune) []byte {
	if r > 0xFFFF {
		r -= 0x10000
		dst = appendU4(dst, 0xD800+(r>>10))
		return appendU4(dst, 0xDC00+(r&0x3FF))
	}
	return appendU4(dst, r)
}

func appendU4(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

// appendTextKey appends a logfmt key. Logfmt keys cannot be quoted, so a
// space, '=', '"' or control character in k becomes '_', invalid UTF-8
// becomes U+FFFD, and the empty key is written as "_".
func appendTextKey(dst []byte, k string) []byte {
	if k == "" {
		return append(dst, '_')
	}
	start := 0
	for i := 0; i < len(k); {
		b := k[i]
		if b < utf8.RuneSelf {
			if textSafe[b] {
				i++
				continue
			}
			dst = append(dst, k[start:i]...)
			dst = append(dst, '_')
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(k[i:])
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			dst = append(dst, k[start:i]...)
			dst = append(dst, '_')
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, k[start:]...)
}

// scratchPool holds small buffers for the dotted group prefixes of the
// text codecs, so nested groups cost no allocation per record.
var scratchPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 64)
	return &b
}}

// getScratch returns an empty pooled buffer; putScratch gives it back.
func getScratch() *[]byte { return scratchPool.Get().(*[]byte) }

func putScratch(p *[]byte, b []byte) {
	if cap(b) <= 1024 {
		*p = b[:0]
		scratchPool.Put(p)
	}
}

// textTimeFormat is how the text codecs write times, as slog.TextHandler.
const textTimeFormat = "2006-01-02T15:04:05.000Z07:00"

// appendTextTime appends t as t.AppendFormat(dst, textTimeFormat) does,
// faster for the years 0 to 9999.
func appendTextTime(dst []byte, t time.Time) []byte {
	_, off := t.Zone()
	zone, sign := off/60, byte('+') // whole minutes, as time formats it
	if zone < 0 {
		zone, sign = -zone, '-'
	}
	y, mo, d := t.Date()
	if y < 0 || y > 9999 || zone >= 100*60 {
		// Beyond four digits of year, or a (made-up) zone 100 hours or
		// more away: the time package writes them whole.
		return t.AppendFormat(dst, textTimeFormat)
	}
	h, mi, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	dst = append(dst,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+mo/10), byte('0'+mo%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	if off == 0 {
		return append(dst, 'Z')
	}
	oh, om := zone/60, zone%60
	return append(dst, sign, byte('0'+oh/10), byte('0'+oh%10), ':', byte('0'+om/10), byte('0'+om%10))
}

// resolveValue resolves a LogValuer, turning a panic or an endless chain
// of LogValuers into a marker value counted on r (which may be nil while a
// scope is encoded).
func resolveValue(r *loggerjs.Record, v slog.Value) (out slog.Value) {
	if v.Kind() != slog.KindLogValuer {
		return v
	}
	defer func() {
		if p := recover(); p != nil {
			r.CodecFallback()
			out = slog.StringValue("!PANIC: LogValue: " + fmt.Sprint(p))
		}
	}()
	for range maxLogValues {
		v = v.LogValuer().LogValue()
		if v.Kind() != slog.KindLogValuer {
			return v
		}
	}
	r.CodecFallback()
	return slog.StringValue(fmt.Sprintf("!ERROR:LogValue called too many times on Value of type %T", v.Any()))
}

// appendTextValue appends a resolved, non-group value as slog.TextHandler
// writes it, quoted by logfmt's rules where needed. marker reports that
// what it wrote is an error marker for a value it could not render; the
// fallback has then been counted on r, as it has for invalid UTF-8.
func appendTextValue(dst []byte, r *loggerjs.Record, v slog.Value, b *bounds) (out []byte, marker bool) {
	var bad bool
	switch v.Kind() {
	case slog.KindString:
		dst, bad = appendTextString(dst, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(dst, v.Int64(), 10), false
	case slog.KindUint64:
		return strconv.AppendUint(dst, v.Uint64(), 10), false
	case slog.KindFloat64:
		return strconv.AppendFloat(dst, v.Float64(), 'g', -1, 64), false
	case slog.KindBool:
		return strconv.AppendBool(dst, v.Bool()), false
	case slog.KindDuration:
		return appendDuration(dst, v.Duration()), false
	case slog.KindTime:
		return appendTextTime(dst, v.Time()), false
	case slog.KindAny:
		if src, ok := v.Any().(*slog.Source); ok && src != nil {
			dst, bad = appendTextString(dst, src.File+":"+strconv.Itoa(src.Line))
			break
		}
		var text string
		text, marker = anyText(r, v.Any(), b)
		dst, bad = appendTextString(dst, text)
	default:
		dst, bad = appendTextString(dst, v.String())
	}
	if bad {
		r.CodecFallback()
	}
	return dst, marker
}

// anyText renders a KindAny value as slog.TextHandler does (a
// TextMarshaler's text, a []byte as a string, an error's message, else
// fmt's %+v, but never a struct's unexported fields), without panicking
// and within the bounds the record has left (b, with depth groups open):
// a panic, a MarshalText error, a cyclic value or one past a bound yields
// a marker, counted on r. The output of the value's own methods passes
// through r's redaction.
func anyText(r *loggerjs.Record, x any, b *bounds) (text string, marker bool) {
	defer func() {
		if p := recover(); p != nil {
			if v := reflect.ValueOf(x); v.Kind() == reflect.Pointer && v.IsNil() {
				text, marker = "<nil>", false
				return
			}
			r.CodecFallback()
			text, marker = "!PANIC: "+fmt.Sprint(p), true
		}
	}()
	switch x := x.(type) {
	case nil:
		return "<nil>", false
	case string:
		return x, false
	case error:
		return r.RedactText(x.Error()), false
	case slog.Level:
		return loggerjs.LevelName(x), false
	case encoding.TextMarshaler:
		out, err := x.MarshalText()
		if err != nil {
			r.CodecFallback()
			return "!ERROR:" + r.RedactText(err.Error()), true
		}
		return r.RedactText(string(out)), false
	case []byte:
		return string(x), false
	case fmt.Stringer:
		// As %+v would, but a panic is ours to count.
		return r.RedactText(x.String()), false
	case fmt.Formatter:
		return r.RedactText(fmt.Sprintf("%+v", x)), false
	}
	p := textPrinter{r: r, used: b.used, depthLeft: maxDepth - b.depth}
	p.print(reflect.ValueOf(x), 0, 0, true)
	b.used = p.used
	if p.marker == markerTooMany {
		b.spent = true
	}
	if p.marker != "" {
		r.CodecFallback()
		return p.marker, true
	}
	if p.methods {
		return r.RedactText(string(p.buf)), false
	}
	return string(p.buf), false
}

// appendDuration appends d as time.Duration.String writes it, without
// allocating.
func appendDuration(dst []byte, d time.Duration) []byte {
	var arr [32]byte
	n := len(arr)
	u := uint64(d)
	neg := d < 0
	if neg {
		u = -u
	}
	if u < uint64(time.Second) {
		var prec int
		n--
		arr[n] = 's'
		n--
		switch {
		case u == 0:
			return append(dst, "0s"...)
		case u < uint64(time.Microsecond):
			prec = 0
			arr[n] = 'n'
		case u < uint64(time.Millisecond):
			prec = 3
			// U+00B5 'µ' micro sign is 0xC2 0xB5.
			n--
			copy(arr[n:], "µ")
		default:
			prec = 6
			arr[n] = 'm'
		}
		n, u = fmtFrac(arr[:n], u, prec)
		n = fmtInt(arr[:n], u)
	} else {
		n--
		arr[n] = 's'
		n, u = fmtFrac(arr[:n], u, 9)
		n = fmtInt(arr[:n], u%60)
		u /= 60
		if u > 0 {
			n--
			arr[n] = 'm'
			n = fmtInt(arr[:n], u%60)
			u /= 60
			if u > 0 {
				n--
				arr[n] = 'h'
				n = fmtInt(arr[:n], u)
			}
		}
	}
	if neg {
		n--
		arr[n] = '-'
	}
	return append(dst, arr[n:]...)
}

// fmtFrac writes the fraction of v/10**prec (with trailing zeros and the
// point dropped) into the tail of buf, returning the index where it
// starts and v/10**prec.
func fmtFrac(buf []byte, v uint64, prec int) (int, uint64) {
	w := len(buf)
	printed := false
	for range prec {
		digit := v % 10
		printed = printed || digit != 0
		if printed {
			w--
			buf[w] = byte(digit) + '0'
		}
		v /= 10
	}
	if printed {
		w--
		buf[w] = '.'
	}
	return w, v
}

// fmtInt writes v into the tail of buf, returning the index where it
// starts.
func fmtInt(buf []byte, v uint64) int {
	w := len(buf)
	if v == 0 {
		w--
		buf[w] = '0'
	} else {
		for v > 0 {
			w--
			buf[w] = byte(v%10) + '0'
			v /= 10
		}
	}
	return w
}
