package codecs

import (
	"math"
	"slices"
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
//
// Most keys and values are short, and most are safe throughout: a string
// of 4 to 7 bytes is tested as one word made of its first and last four
// bytes, and the tail of a longer one as the word of its last eight. Only
// a word that holds an unsafe byte is scanned a byte at a time, to find
// it.
func safePrefix(s string) int {
	n := len(s)
	if n < 4 {
		return safeBytes(s, 0)
	}
	if n < 8 {
		if safeWord(uint64(loadHalf(s)) | uint64(loadHalf(s[n-4:]))<<32) {
			return n
		}
		return safeBytes(s, 0)
	}
	i := 0
	for ; n-i >= 8; i += 8 {
		if !safeWord(loadWord(s[i : i+8])) {
			return safeBytes(s, i)
		}
	}
	if i == n || safeWord(loadWord(s[n-8:])) {
		return n
	}
	return safeBytes(s, i)
}

// shortSafe reports whether s, of at most 16 bytes, needs no escaping in
// a JSON string: as one or two (overlapping) words, or, below four bytes,
// a byte at a time.
func shortSafe(s string) bool {
	n := len(s)
	switch {
	case n >= 8:
		return safeWord(loadWord(s)) && safeWord(loadWord(s[n-8:]))
	case n >= 4:
		return safeWord(uint64(loadHalf(s)) | uint64(loadHalf(s[n-4:]))<<32)
	}
	for i := range n {
		if b := s[i]; b >= utf8.RuneSelf || !jsonSafe[b] {
			return false
		}
	}
	return true
}

// appendSafeString appends s, which needs no escaping, in quotes, growing
// dst once.
func appendSafeString(dst []byte, s string) []byte {
	n := len(dst)
	if cap(dst)-n < len(s)+2 {
		dst = slices.Grow(dst, len(s)+2)
	}
	dst = dst[:n+len(s)+2]
	dst[n] = '"'
	copy(dst[n+1:], s)
	dst[n+1+len(s)] = '"'
	return dst
}

// appendSafeKey appends k, which needs no escaping, as an object key: a
// comma first when sep is set, then k in quotes and a colon, growing dst
// once.
func appendSafeKey(dst []byte, k string, sep bool) []byte {
	n := len(dst)
	if cap(dst)-n < len(k)+4 {
		dst = slices.Grow(dst, len(k)+4)
	}
	dst = dst[:n+len(k)+4]
	if sep {
		dst[n] = ','
		n++
	}
	dst[n] = '"'
	copy(dst[n+1:], k)
	n += len(k) + 1
	dst[n] = '"'
	dst[n+1] = ':'
	return dst[:n+2]
}

// loadWord returns the first eight bytes of s, little-endian.
func loadWord(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// loadHalf returns the first four bytes of s, little-endian.
func loadHalf(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// safeWord reports whether none of the eight bytes of w needs escaping.
func safeWord(w uint64) bool {
	// A byte of v is zero where (v-lsb) &^ v has its high bit set;
	// below 0x20 likewise with 0x20 for 1. (A borrow can only set a high
	// bit above a byte that is itself unsafe.)
	q, bs := w^(lsb*'"'), w^(lsb*'\\')
	control := (w - lsb*0x20) &^ w
	quote := (q - lsb) &^ q
	backslash := (bs - lsb) &^ bs
	return (control|quote|backslash|w)&msb == 0
}

// safeBytes returns the index of the first byte of s from i on that needs
// escaping, or len(s).
func safeBytes(s string, i int) int {
	for ; i < len(s); i++ {
		if b := s[i]; b >= utf8.RuneSelf || !jsonSafe[b] {
			return i
		}
	}
	return len(s)
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
	if b, ok := appendShortFloat(dst, f); ok {
		return b
	}
	return appendJSONFloatStrconv(dst, f)
}

// appendJSONFloatStrconv is appendJSONFloat without its fast path:
// strconv, with encoding/json's choice of format and its exponent
// clean-up.
func appendJSONFloatStrconv(dst []byte, f float64) []byte {
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

// appendShortFloat appends f as strconv.AppendFloat(dst, f, 'f', -1, 64)
// does, for zero and for the f with 1e-6 <= |f| < 2^50 that have a decimal
// of 15 or fewer significant digits that parses back to f; for any other f
// it appends nothing and returns false.
//
// Why it equals strconv: let a = |f|, with 2^e <= a < 2^(e+1), and d the
// most fractional digits with a*10^d < 2^50; p = 10^d is exact in a
// float64 (d <= 21). The reals that round to a form an interval I at most
// ulp(a) = 2^(e-52) wide, and 2^e*p < 2^50, so I*p is less than 1/4 wide
// and holds at most one integer M. a*p < 2^50, so the product is rounded
// by at most 1/16, and if M exists, m = Round(a*p) is M. m/p is IEEE
// division of exact values, rounded as strconv.ParseFloat rounds the
// decimal m*10^-d, so m/p == a holds exactly when that decimal parses
// back to a. If it fails, no decimal of d or fewer fractional digits
// parses back to a (a 15-digit one would have at most d), and strconv
// writes f. If it holds, v = m*10^-d with the trailing zeros of its
// fraction dropped is the only decimal in I with that few fractional
// digits; every other one in I has more, and so more significant digits
// (if I holds a power of ten, v is it), so v is the shortest decimal that
// parses back to a: strconv's digits, which 'f' writes as v's integer
// part and its fractional digits, if any. (Rounding ties cannot arise:
// the midpoints between floats near a have 53-e > d fractional digits.)
func appendShortFloat(dst []byte, f float64) ([]byte, bool) {
	bits := math.Float64bits(f)
	a := math.Abs(f)
	if !(a >= 1e-6 && a < 1<<50) { // NaN too
		if a == 0 {
			if bits>>63 != 0 {
				return append(dst, '-', '0'), true
			}
			return append(dst, '0'), true
		}
		return dst, false
	}
	// fracDigitsByExp gives d or d-1. (a*p < 2^50 exactly when its rounded
	// product is: 2^50 is a float64.)
	d := int(fracDigitsByExp[int(bits>>52&0x7ff)-(1023+minShortExp)]) + 1
	p := exactPow10[d]
	x := float64(a * p)
	if x >= 1<<50 {
		d--
		p = exactPow10[d]
		x = float64(a * p)
	}
	m := math.Round(x)
	if m/p != a {
		return dst, false
	}
	u := uint64(m)
	// Drop the trailing zeros of the fraction.
	for d >= 8 && u%1e8 == 0 {
		u /= 1e8
		d -= 8
	}
	if d >= 4 && u%1e4 == 0 {
		u /= 1e4
		d -= 4
	}
	if d >= 2 && u%100 == 0 {
		u /= 100
		d -= 2
	}
	if d >= 1 && u%10 == 0 {
		u /= 10
		d--
	}
	if bits>>63 != 0 {
		dst = append(dst, '-')
	}
	return appendFixed(dst, u, d), true
}

// appendFixed appends u*10^-d in decimal: the integer part, and, if d > 0,
// a point and d fractional digits. u <= 2^50 and d <= 21.
func appendFixed(dst []byte, u uint64, d int) []byte {
	var b [24]byte
	i := len(b)
	if d > 0 {
		for ; d >= 2; d -= 2 {
			r := u % 100 * 2
			u /= 100
			i -= 2
			b[i], b[i+1] = digitPairs[r], digitPairs[r+1]
		}
		if d == 1 {
			i--
			b[i] = byte('0' + u%10)
			u /= 10
		}
		i--
		b[i] = '.'
	}
	for u >= 100 {
		r := u % 100 * 2
		u /= 100
		i -= 2
		b[i], b[i+1] = digitPairs[r], digitPairs[r+1]
	}
	if u >= 10 {
		i -= 2
		b[i], b[i+1] = digitPairs[2*u], digitPairs[2*u+1]
	} else {
		i--
		b[i] = byte('0' + u)
	}
	return append(dst, b[i:]...)
}

const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// exactPow10 holds the powers of ten a float64 represents exactly.
var exactPow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}

// minShortExp is the binary exponent of 1e-6, the least |f| that
// appendShortFloat writes.
const minShortExp = -20

// fracDigitsByExp[e-minShortExp] is, for the floats with binary exponent e
// (2^e <= |f| < 2^(e+1)) below 2^50, the most fractional digits d with
// 10^d * 2^(e+1) <= 2^50: for such an f, the most d with |f|*10^d < 2^50
// is that or one more.
var fracDigitsByExp = func() (t [50 - minShortExp]uint8) {
	for i := range t {
		limit := math.Ldexp(1, 49-(i+minShortExp)) // 2^50 / 2^(e+1)
		d := 0
		for d+1 < len(exactPow10) && exactPow10[d+1] <= limit {
			d++
		}
		t[i] = uint8(d)
	}
	return t
}()
