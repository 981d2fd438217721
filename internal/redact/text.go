package redact

import (
	"slices"
	"strings"
)

// span is a half-open byte range of a text to hide. A quoted span is a
// JSON value other than a string: it is replaced by the mask as a JSON
// string, so that the text stays JSON. An escaped span is the inside of a
// double-quoted string: the mask is written escaped for JSON.
type span struct {
	start, end      int
	quoted, escaped bool
}

// text hides the secrets found in s: the userinfo of URLs and of DSNs
// (user:secret@tcp(host)), the values of sensitive keys written as
// key=value, key = value or key: value (which covers query parameters,
// headers, JSON, YAML and Go's %v of maps and structs), and what the value
// patterns match.
func (r *Redactor) text(s string) (string, bool) {
	out, changed := s, false
	if hasSeparator(s) {
		var buf [4]span
		spans := r.scanPairs(s, buf[:0])
		if strings.IndexByte(s, '@') >= 0 {
			n := len(spans)
			spans = scanDSN(s, spans)
			if n > 0 && len(spans) > n {
				slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
			}
		}
		if len(spans) > 0 {
			out, changed = r.apply(s, spans), true
		}
	}
	for _, p := range r.pats {
		var buf [4]span
		spans := buf[:0]
		for i := 0; i < len(out); {
			start, end := p.find(out[i:])
			if start < 0 || end <= start {
				break
			}
			spans = append(spans, span{start: i + start, end: i + end})
			i += end
		}
		if len(spans) > 0 {
			out, changed = r.apply(out, spans), true
		}
	}
	return out, changed
}

// hasSeparator reports whether s holds a ':' or a '=', eight bytes at a
// time; a string of four to seven bytes is read as two overlapping
// halves, and the tail of a longer one as a last, overlapping word.
func hasSeparator(s string) bool {
	n := len(s)
	switch {
	case n < 4:
		for i := range n {
			if c := s[i]; c == ':' || c == '=' {
				return true
			}
		}
		return false
	case n < 8:
		return separatorIn(uint64(half(s)) | uint64(half(s[n-4:]))<<32)
	}
	for i := 0; i+8 <= n; i += 8 {
		if separatorIn(word(s[i:])) {
			return true
		}
	}
	return n%8 != 0 && separatorIn(word(s[n-8:]))
}

// separatorIn reports whether a byte of x is ':' or '='.
func separatorIn(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	c, e := x^(':'*ones), x^('='*ones)
	return (c-ones)&^c&highs != 0 || (e-ones)&^e&highs != 0
}

// word returns the first eight bytes of s, little-endian.
func word(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// half returns the first four bytes of s, little-endian.
func half(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// apply replaces each span of s, in order of their starts, with the mask;
// spans that overlap or touch are replaced by one mask.
func (r *Redactor) apply(s string, spans []span) string {
	var b strings.Builder
	b.Grow(len(s) + len(spans)*(len(r.mask)+2))
	last, masked := 0, false
	for _, sp := range spans {
		if masked && sp.start <= last {
			last = max(last, sp.end) // one mask for spans that touch
			continue
		}
		if sp.end <= sp.start {
			continue
		}
		b.WriteString(s[last:sp.start])
		switch {
		case sp.quoted:
			b.WriteByte('"')
			b.WriteString(r.maskJSON)
			b.WriteByte('"')
		case sp.escaped:
			b.WriteString(r.maskJSON)
		default:
			b.WriteString(r.mask)
		}
		last, masked = sp.end, true
	}
	b.WriteString(s[last:])
	return b.String()
}

// jsonEscape returns s escaped for the inside of a JSON string.
func jsonEscape(s string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// scanPairs appends to spans the URL userinfo and the values of sensitive
// keys found in s, in order.
func (r *Redactor) scanPairs(s string, spans []span) []span {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != ':' && c != '=' {
			continue
		}
		if c == ':' && strings.HasPrefix(s[i+1:], "//") {
			start := i + 3
			end, at := start, -1
			for end < len(s) && !authorityEnd(s[end]) {
				if s[end] == '@' {
					at = end
				}
				end++
			}
			if at > start {
				if colon := strings.IndexByte(s[start:at], ':'); colon >= 0 {
					spans = append(spans, span{start: start + colon + 1, end: at})
				} else {
					spans = append(spans, span{start: start, end: at})
				}
			}
			i = start - 1 // go on inside: the authority may hold pairs
			continue
		}
		// The key ends before the separator, after optional blanks
		// ("password = x") and a closing quote, itself perhaps escaped
		// (\"password\":…, JSON inside a JSON string).
		j := i
		for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
			j--
		}
		var quote byte
		if j > 0 && (s[j-1] == '"' || s[j-1] == '\'') {
			quote = s[j-1]
			j--
			if j > 0 && s[j-1] == '\\' {
				quote = '\\'
				j--
			}
		}
		if j == 0 || !r.secret.mayEndKey(s[j-1]) {
			continue // "10.0.0.1:80", "12:30": no key ends so
		}
		key := keyBefore(s, j)
		if key == "" || !r.secret.matchKey(key) {
			continue
		}
		if sp, ok := valueAfter(s, i+1, quote == '"' && c == ':', isCookieKey(key)); ok {
			if v := s[sp.start:sp.end]; v == r.mask || sp.escaped && v == r.maskJSON || r.maskedToEnd(s[sp.start:]) {
				i = sp.end - 1
				continue // hidden already
			}
			// Go on inside the value: where quotes in the text do not
			// pair up as they seem to, a pair may sit in it.
			spans = append(spans, sp)
			i = sp.start - 1
		}
	}
	return spans
}

// maskedToEnd reports whether rest is the mask and closers only: an
// unclosed quoted value hidden already.
func (r *Redactor) maskedToEnd(rest string) bool {
	return strings.HasPrefix(rest, r.mask) && strings.Trim(rest[len(r.mask):], closersAndBlanks) == ""
}

// closersAndBlanks end an unclosed quoted value.
const closersAndBlanks = "}]) \t\r\n"

// isCookieKey reports whether key (or its last dotted name) is cookie or
// set-cookie, whose value is a list of pairs that is hidden whole.
func isCookieKey(key string) bool {
	if dot := strings.LastIndexByte(key, '.'); dot >= 0 {
		key = key[dot+1:]
	}
	return len(key) == 6 && equalFolded(key, "cookie") || len(key) == 10 && equalFolded(key, "set_cookie")
}

// scanDSN appends to spans the password of DSNs in the form of Go's SQL
// drivers, user:password@tcp(host:port)/db: what lies between the first
// ':' of a word and the last '@' in it that a protocol and '(' follow.
func scanDSN(s string, spans []span) []span {
	colon := -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r', '"', '\'', '`', '<', '>':
			colon = -1
		case ':':
			if colon < 0 {
				colon = i
			}
		case '@':
			// The last such '@' of the word ends the password, which
			// may hold '@' itself.
			if colon >= 0 && i > colon+1 && protocolParen(s[i+1:]) {
				spans = append(spans, span{start: colon + 1, end: i})
			}
		}
	}
	return spans
}

// protocolParen reports whether s starts with a DSN's protocol and its
// parenthesis: "tcp(", "unix(", "tcp6(".
func protocolParen(s string) bool {
	for i := 0; i < len(s) && i <= 12; i++ {
		c := s[i]
		if c == '(' {
			return i > 0
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return false
}

func authorityEnd(c byte) bool {
	switch c {
	case '/', '?', '#', ' ', '\t', '\n', '\r', '"', '\'', '<', '>', '`', '\\':
		return true
	}
	return false
}

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// keyBefore returns the key that ends at j.
func keyBefore(s string, j int) string {
	k := j
	for k > 0 && isKeyByte(s[k-1]) {
		k--
	}
	return strings.Trim(s[k:j], ".")
}

// valueAfter returns the span of the value that starts at i, after
// optional blanks: a quoted string's contents (an escaped \"…\" too), a
// bracketed list or object whole ([Bearer x], {…}, (…)), or else a run
// up to a delimiter. An authorization scheme ("Bearer x", "Basic x",
// with any blanks between) is taken with its credentials. In JSON
// (json set: the key was a JSON string followed by ':') a value other
// than a string is returned quoted, to be replaced by a JSON string; a
// null stays. A cookie's unquoted value runs to the end of the line.
func valueAfter(s string, i int, json, cookie bool) (span, bool) {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i >= len(s) {
		return span{}, false
	}
	if s[i] == '\\' && i+1 < len(s) && s[i+1] == '"' {
		// \"…\" inside a JSON string, which a bare '"' ends.
		start, end := i+2, i+2
		for end < len(s) && s[end] != '"' {
			if s[end] == '\\' {
				if end+1 < len(s) && s[end+1] == '"' {
					break
				}
				end++
			}
			end++
		}
		end = min(end, len(s))
		return span{start: start, end: end}, end > start
	}
	if q := s[i]; q == '"' || q == '\'' || q == '`' {
		end := i + 1
		for end < len(s) && s[end] != q {
			if s[end] == '\\' && q == '"' {
				end++
			}
			end++
		}
		if end >= len(s) {
			// Not closed: hidden to the end, but for the closers that
			// follow, which belong to the text around (the quote may
			// have been the end of a JSON string: {"m":"password="}).
			end = len(s)
			for end > i+1 && strings.IndexByte(closersAndBlanks, s[end-1]) >= 0 {
				end--
			}
			end = unsplitEscape(s, i+1, end)
		}
		return span{start: i + 1, end: end, escaped: q == '"'}, end > i+1
	}
	if c := s[i]; c == '[' || c == '{' || c == '(' {
		if end := closing(s, i, json); end > 0 {
			return span{start: i, end: end, quoted: json}, true
		}
	}
	end := i
	if cookie {
		for end < len(s) && !lineEnd(s[end]) {
			end++
		}
		end = unsplitEscape(s, i, end)
		return span{start: i, end: end, quoted: json}, end > i
	}
	alpha := true
	for end < len(s) && !valueEnd(s[end]) {
		if c := s[end]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			alpha = false
		}
		end++
	}
	end = unsplitEscape(s, i, end)
	if end == i {
		return span{}, false
	}
	if json {
		if s[i:end] == "null" {
			return span{}, false
		}
		return span{start: i, end: takeNextValue(s, end), quoted: true}, true
	}
	// A word of letters followed by blanks and more text is an
	// authorization scheme: hide the credentials with it.
	if alpha {
		k := end
		for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
			k++
		}
		if k > end && k < len(s) && !valueEnd(s[k]) {
			end = k
			for end < len(s) && !valueEnd(s[end]) {
				end++
			}
			end = unsplitEscape(s, i, end)
		}
	}
	return span{start: i, end: takeNextValue(s, end)}, true
}

// takeNextValue returns end, or the end of the quoted or bracketed value
// that follows when the run that ends at end ends with a separator: in
// "token= token=\"x\"" the run took the next key, and its value goes
// with it.
func takeNextValue(s string, end int) int {
	if c := s[end-1]; (c == '=' || c == ':') && end < len(s) && opensValue(s[end]) {
		if sub, ok := valueAfter(s, end, false, false); ok {
			return max(end, sub.end)
		}
	}
	return end
}

// closing returns the index just past the bracket that closes the one at
// i, counting nested brackets, or 0 when it is not closed. In JSON
// (json set) double-quoted strings are skipped, and an unclosed value runs
// to the end of s; elsewhere a '"' or a line end before the close means
// the value is not bracketed.
func closing(s string, i int, json bool) int {
	depth := 0
	for k := i; k < len(s); k++ {
		switch s[k] {
		case '[', '{', '(':
			depth++
		case ']', '}', ')':
			depth--
			if depth == 0 {
				return k + 1
			}
		case '"':
			if !json {
				return 0
			}
			for k++; k < len(s) && s[k] != '"'; k++ {
				if s[k] == '\\' {
					k++
				}
			}
		case '\n', '\r':
			if !json {
				return 0
			}
		}
	}
	if json {
		return len(s)
	}
	return 0
}

// unsplitEscape returns end, or end-1 when the span from start to end
// would end inside a backslash escape (x\" in a JSON string): the span
// must not take the backslash from the quote it escapes.
func unsplitEscape(s string, start, end int) int {
	n := 0
	for k := end - 1; k >= start && s[k] == '\\'; k-- {
		n++
	}
	return end - n%2
}

// opensValue reports whether c opens a quoted or bracketed value.
func opensValue(c byte) bool {
	switch c {
	case '"', '\'', '`', '[', '{', '(':
		return true
	}
	return false
}

func lineEnd(c byte) bool {
	switch c {
	case '\n', '\r', '"', '\'', '`':
		return true
	}
	return false
}

func valueEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '&', ';', ',', '"', '\'', '`', ')', ']', '}', '>', '<':
		return true
	}
	return false
}

// A Pattern recognises secrets by their value. Its zero value is not
// usable; use BearerToken, JWT, CardNumber or Regexp.
type Pattern struct {
	name string
	// find returns the first match in s, or -1, -1.
	find func(s string) (start, end int)
}

// Name returns the pattern's name.
func (p Pattern) Name() string { return p.name }

// BearerToken matches the credentials after "Bearer" and blanks (spaces
// or tabs), in any case.
func BearerToken() Pattern { return Pattern{name: "bearer", find: findBearer} }

// JWT matches JSON Web Tokens: three base64url parts, the first two
// starting with "eyJ" (an encoded '{"').
func JWT() Pattern { return Pattern{name: "jwt", find: findJWT} }

// CardNumber matches payment card numbers: 13 to 19 digits, optionally
// grouped by single spaces or dashes, that pass the Luhn check.
func CardNumber() Pattern { return Pattern{name: "card", find: findCard} }

// FuncPattern matches what find finds: the first match in s, as start
// and end offsets, or -1, -1. middleware.RegexpPattern builds one from a
// regular expression, so that this package needs no regexp.
func FuncPattern(name string, find func(s string) (start, end int)) Pattern {
	return Pattern{name: name, find: find}
}

func isTokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '='
}

func findBearer(s string) (int, int) {
	const word = "bearer"
	for i := 0; i+len(word) < len(s); i++ {
		if s[i]|0x20 != 'b' || !strings.EqualFold(s[i:i+len(word)], word) {
			continue
		}
		if i > 0 && isKeyByte(s[i-1]) {
			continue
		}
		j := i + len(word)
		if s[j] != ' ' && s[j] != '\t' {
			continue
		}
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		end := j
		for end < len(s) && isTokenByte(s[end]) {
			end++
		}
		if end > j {
			return j, end
		}
	}
	return -1, -1
}

func isBase64URLByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func findJWT(s string) (int, int) {
	for off := 0; ; {
		i := strings.Index(s[off:], "eyJ")
		if i < 0 {
			return -1, -1
		}
		start := off + i
		off = start + 3
		if start > 0 && isBase64URLByte(s[start-1]) {
			continue
		}
		end := start
		parts := 0
		for parts < 3 {
			n := end
			for n < len(s) && isBase64URLByte(s[n]) {
				n++
			}
			if n == end && parts < 2 {
				break
			}
			end = n
			parts++
			if parts < 3 {
				if end >= len(s) || s[end] != '.' {
					break
				}
				end++
			}
		}
		if parts == 3 && strings.HasPrefix(s[strings.IndexByte(s[start:], '.')+start+1:], "eyJ") {
			return start, end
		}
	}
}

func findCard(s string) (int, int) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || i > 0 && isCardNeighbour(s[i-1]) {
			continue
		}
		var digits [19]byte
		n, end, j := 0, i, i
		for j < len(s) {
			c := s[j]
			if c >= '0' && c <= '9' {
				if n < len(digits) {
					digits[n] = c - '0'
				}
				n++ // past 19, too long to be a card number: skip it whole
				j++
				end = j
				continue
			}
			if (c == ' ' || c == '-') && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
				j++
				continue
			}
			break
		}
		if n >= 13 && n <= 19 && (end == len(s) || !isCardNeighbour(s[end])) && luhn(digits[:n]) {
			return i, end
		}
		i = end
	}
	return -1, -1
}

func isCardNeighbour(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func luhn(d []byte) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i])
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}
