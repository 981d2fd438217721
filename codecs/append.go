package codecs

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// appendJSONString appends s as a quoted JSON string, escaping as
// slog.JSONHandler does: control characters, quote, backslash, U+2028 and
// U+2029; invalid UTF-8 becomes U+FFFD. It reports whether s held invalid
// UTF-8.
func appendJSONString(dst []byte, s string) ([]byte, bool) {
	dst = append(dst, '"')
	dst, bad := appendJSONStringBody(dst, s)
	return append(dst, '"'), bad
}

func appendJSONStringBody(dst []byte, s string) ([]byte, bool) {
	// Most keys and values need no escaping: find the first byte that may,
	// eight at a time, and copy everything before it at once.
	i := safePrefix(s)
	if i == len(s) {
		return append(dst, s...), false
	}
	bad := false
	start := 0
	for i < len(s) {
		if b := s[i]; b < utf8.RuneSelf {
			if jsonSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
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
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			bad = true
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...), bad
}

const hexDigits = "0123456789abcdef"

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// safePrefix returns the length of the longest prefix of s made of bytes
// that need no escaping in a JSON string, found a word at a time: a byte
// is unsafe if it is below 0x20, a quote, a backslash, or not ASCII.
func safePrefix(s string) int {
	i := 0
	for ; len(s)-i >= 8; i += 8 {
		c := s[i : i+8]
		w := uint64(c[0]) | uint64(c[1])<<8 | uint64(c[2])<<16 | uint64(c[3])<<24 |
			uint64(c[4])<<32 | uint64(c[5])<<40 | uint64(c[6])<<48 | uint64(c[7])<<56
		// A byte of v is zero where (v-lsb) &^ v has its high bit set;
		// below 0x20 likewise with 0x20 for 1.
		q, bs := w^(lsb*'"'), w^(lsb*'\\')
		control := (w - lsb*0x20) &^ w
		quote := (q - lsb) &^ q
		backslash := (bs - lsb) &^ bs
		if (control|quote|backslash|w)&msb != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if b := s[i]; b >= utf8.RuneSelf || !jsonSafe[b] {
			return i
		}
	}
	return i
}

// jsonSafe marks the ASCII bytes that need no escaping in a JSON string.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// appendJSONFloat appends f as encoding/json does. f must be finite.
func appendJSONFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9, as encoding/json does.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}
