package redact

import (
	"errors"
	"strings"
)

// matcher decides whether a key, at a path, is one to act on. Names are
// compared after folding: ASCII letters to lower case, '-' to '_'.
type matcher struct {
	nonEmpty bool
	byLen    [maxShortKey + 1][]string // exact keys, folded, by length
	long     []string                  // exact keys longer than maxShortKey
	suffixes []string                  // folded, from "*suffix"
	camels   []string                  // "Key" for "*_key": the camel-case form
	prefixes []string                  // folded, from "prefix*"
	paths    [][]string                // folded segments; "*" matches any
	// The filter: the folded last two bytes of every suffix (and so of
	// its camel form), of every exact key by its length, and of every
	// long key, so that most keys are rejected on one or two lookups.
	// Prefix rules turn it off.
	suffixTails [tailBits / 64]uint64
	exactTails  [maxShortKey + 1]uint64 // by key length, tailHash mod 64
	longTails   [tailBits / 64]uint64
	noFilter    bool
	// lastByte marks the folded last byte of every such name, for the
	// text scanner's first look at a key.
	lastByte [256]bool
}

const tailBits = 1024

func tailHash(a, b byte) uint { return (uint(foldTable[a])<<3 ^ uint(foldTable[b])) % tailBits }

// addTail marks the last two bytes of s (folded) in the filter for its
// kind of rule, or turns the filter off for a name shorter than two
// bytes.
func (m *matcher) addTail(s string, suffix bool) {
	if len(s) < 2 {
		m.noFilter = true
		return
	}
	h := tailHash(s[len(s)-2], s[len(s)-1])
	switch {
	case suffix:
		m.suffixTails[h/64] |= 1 << (h % 64)
	case len(s) <= maxShortKey:
		m.exactTails[len(s)] |= 1 << (h % 64)
	default:
		m.longTails[h/64] |= 1 << (h % 64)
	}
	if !suffix {
		// A dotted key ending in ".name" is matched by its last name:
		// it is at least two bytes longer.
		for n := len(s) + 2; n <= maxShortKey; n++ {
			m.exactTails[n] |= 1 << (h % 64)
		}
		m.longTails[h/64] |= 1 << (h % 64)
	}
	m.lastByte[foldTable[s[len(s)-1]]] = true
}

// mayEndKey reports whether a key that ends with byte c may match.
func (m *matcher) mayEndKey(c byte) bool { return m.noFilter || m.lastByte[foldTable[c]] }

// mayMatch is the filter: false means no exact, suffix or camel rule can
// match key, nor, for a dotted key, its last name.
func (m *matcher) mayMatch(key string) bool {
	if m.noFilter {
		return true
	}
	if len(key) < 2 {
		return false
	}
	n := len(key)
	h := tailHash(key[n-2], key[n-1])
	if m.suffixTails[h/64]&(1<<(h%64)) != 0 {
		return true
	}
	if n <= maxShortKey {
		return m.exactTails[n]&(1<<(h%64)) != 0
	}
	return m.longTails[h/64]&(1<<(h%64)) != 0
}

const maxShortKey = 32

func (m *matcher) empty() bool { return !m.nonEmpty }

// add adds a key in the syntax of Options.Keys.
func (m *matcher) add(k string) error {
	if strings.Contains(k, ".") {
		return m.addPath(k)
	}
	switch {
	case k == "" || k == "*":
		return errors.New("empty key")
	case strings.Count(k, "*") > 1 || strings.Contains(k[1:max(1, len(k)-1)], "*"):
		return errors.New("key " + quote(k) + ": '*' only at the start or the end")
	case k[0] == '*':
		s := fold(k[1:])
		m.suffixes = append(m.suffixes, s)
		m.addTail(s, true)
		if c := camelForm(k[1:]); c != "" {
			m.camels = append(m.camels, c)
		}
	case k[len(k)-1] == '*':
		m.prefixes = append(m.prefixes, fold(k[:len(k)-1]))
		m.noFilter = true
	case len(k) <= maxShortKey:
		m.byLen[len(k)] = append(m.byLen[len(k)], fold(k))
		m.addTail(k, false)
	default:
		m.long = append(m.long, fold(k))
		m.addTail(k, false)
	}
	m.nonEmpty = true
	return nil
}

// addPath adds a dotted path.
func (m *matcher) addPath(p string) error {
	segs := strings.Split(p, ".")
	for i, s := range segs {
		if s == "" {
			return errors.New("path " + quote(p) + ": empty name")
		}
		if s != "*" && strings.Contains(s, "*") {
			return errors.New("path " + quote(p) + ": '*' must be a whole name")
		}
		segs[i] = fold(s)
	}
	m.paths = append(m.paths, segs)
	m.nonEmpty = true
	return nil
}

func quote(s string) string { return `"` + s + `"` }

// camelForm returns the camel-case form of a suffix such as "_key"
// ("Key"), or "" when it has none.
func camelForm(suffix string) string {
	if len(suffix) < 2 || (suffix[0] != '_' && suffix[0] != '-') {
		return ""
	}
	rest := strings.ToLower(suffix[1:])
	if rest[0] < 'a' || rest[0] > 'z' {
		return ""
	}
	return string(rest[0]-'a'+'A') + rest[1:]
}

func fold(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = foldByte(c)
	}
	return string(b)
}

func foldByte(c byte) byte { return foldTable[c] }

var foldTable = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == '-':
			c = '_'
		}
		t[i] = c
	}
	return t
}()

// equalFolded reports whether key, folded, equals the folded f; len(key)
// must equal len(f).
func equalFolded(key, f string) bool {
	for i := 0; i < len(f); i++ {
		if foldByte(key[i]) != f[i] {
			return false
		}
	}
	return true
}

// match reports whether the value of key under path is to be acted on.
func (m *matcher) match(path []string, key string) bool {
	if m.matchKey(key) {
		return true
	}
	return len(m.paths) > 0 && m.matchPath(path, key)
}

func (m *matcher) matchKey(key string) bool {
	if !m.mayMatch(key) {
		return false
	}
	if n := len(key); n <= maxShortKey {
		for _, f := range m.byLen[n] {
			if equalFolded(key, f) {
				return true
			}
		}
	} else {
		for _, f := range m.long {
			if len(f) == len(key) && equalFolded(key, f) {
				return true
			}
		}
	}
	for _, f := range m.suffixes {
		if len(key) > len(f) && equalFolded(key[len(key)-len(f):], f) {
			return true
		}
	}
	for _, c := range m.camels {
		if n := len(key) - len(c); n > 0 && key[n:] == c {
			if b := key[n-1]; b >= 'a' && b <= 'z' || b >= '0' && b <= '9' {
				return true
			}
		}
	}
	for _, f := range m.prefixes {
		if len(key) > len(f) && equalFolded(key[:len(f)], f) {
			return true
		}
	}
	// A dotted key ("db.password", "http.request.header.authorization")
	// is matched by its last name.
	if dot := strings.LastIndexByte(key, '.'); dot >= 0 && dot < len(key)-1 {
		return m.matchKey(key[dot+1:])
	}
	return false
}

func (m *matcher) matchPath(path []string, key string) bool {
	for _, p := range m.paths {
		if len(p) != len(path)+1 {
			continue
		}
		if !segMatch(p[len(path)], key) {
			continue
		}
		ok := true
		for i, name := range path {
			if !segMatch(p[i], name) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func segMatch(seg, name string) bool {
	return seg == "*" || len(seg) == len(name) && equalFolded(name, seg)
}
