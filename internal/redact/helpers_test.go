package redact

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
)

// testPseudonym is the pseudonymiser middleware.Redact makes, under the
// key "k".
func testPseudonym(v string) string {
	m := hmac.New(sha256.New, []byte("k"))
	m.Write([]byte(v))
	return "hmac:" + hex.EncodeToString(m.Sum(nil)[:16])
}

// regexpPattern is middleware.RegexpPattern's pattern.
func regexpPattern(name string, re *regexp.Regexp) Pattern {
	return FuncPattern(name, func(s string) (int, int) {
		loc := re.FindStringIndex(s)
		if loc == nil {
			return -1, -1
		}
		return loc[0], loc[1]
	})
}
