package middleware

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"regexp"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/internal/redact"
)

// RedactOptions configure Redact. A nil *RedactOptions means the
// defaults: the values of the keys authorization, proxy-authorization,
// cookie, set-cookie, password, passwd, token, secret, apiKey, api_key,
// *_key, *_token, *_secret and *_password are hidden wherever they occur,
// dotted keys by their last name, and so are URL and DSN userinfo and
// those keys written as pairs in text (see the package documentation,
// "Redaction").
type RedactOptions struct {
	// Keys adds keys whose values are hidden at any depth. Keys match
	// case-insensitively, with '-' and '_' the same; "*_key" matches any
	// key ending in _key, and its camel form (sessionKey); "x_*" matches
	// any key starting with x_. A key with a dot is a path.
	Keys []string
	// Paths adds dotted paths, anchored at the top of the record with the
	// logger's groups included: "user.password" hides password inside
	// the group, map or struct user; a '*' segment matches any one name
	// ("*.token").
	Paths []string
	// Patterns hide secrets recognised by their value, in every string,
	// error text and the message: BearerToken, JWT, CardNumber, or
	// RegexpPattern for your own.
	Patterns []Pattern
	// Pseudonymize names keys and paths whose values are replaced by an
	// HMAC-SHA256 pseudonym under HMACKey ("hmac:" and 32 hex digits),
	// so records about the same user stay joinable without naming them.
	Pseudonymize []string
	// HMACKey keys the pseudonymiser; required with Pseudonymize.
	HMACKey []byte
	// Mask replaces hidden values; empty means "[REDACTED]".
	Mask string
	// NoDefaultKeys hides only what these options name.
	NoDefaultKeys bool
}

// A Pattern recognises a secret by its value.
type Pattern struct{ p redact.Pattern }

// BearerToken matches the credentials after "Bearer ", in any case.
func BearerToken() Pattern { return Pattern{redact.BearerToken()} }

// JWT matches JSON Web Tokens (three base64url parts starting "eyJ").
func JWT() Pattern { return Pattern{redact.JWT()} }

// CardNumber matches payment card numbers: 13 to 19 digits, optionally
// grouped by spaces or dashes, that pass the Luhn check.
func CardNumber() Pattern { return Pattern{redact.CardNumber()} }

// RegexpPattern matches what re matches.
func RegexpPattern(name string, re *regexp.Regexp) Pattern {
	if re == nil {
		return Pattern{redact.FuncPattern(name, nil)}
	}
	return Pattern{redact.FuncPattern(name, func(s string) (int, int) {
		loc := re.FindStringIndex(s)
		if loc == nil {
			return -1, -1
		}
		return loc[0], loc[1]
	})}
}

// A Redactor hides secrets in records: it is a loggerjs.Redactor built by
// Redact. Set it as Config.Redactor to apply it to every record, or wrap
// it with loggerjs.Redaction to apply it to some sinks or categories only
// (or, through Wrap, in front of any slog.Handler). It is safe for
// concurrent use, and never modifies the values it is given: a value with
// a secret in it is copied with the secret replaced.
//
// What it hides, and where, is set out in the package documentation
// under "Redaction". Past its limits it fails closed: a value nested
// deeper than 32 levels is replaced by "[REDACTED: too deep]", the values
// of one attr past the 10,000th visited by "[REDACTED: too large]", and
// the links of an error chain past the 32nd by "[REDACTED: error chain
// too long]". The zero Redactor is not usable; use Redact.
type Redactor struct{ rd *redact.Redactor }

var _ loggerjs.Redactor = (*Redactor)(nil)

// RedactAttr returns a with every secret in it hidden and true, or a
// itself and false when it holds nothing to hide. groups are the names of
// the groups enclosing a, outermost first, which dotted Paths match. A
// LogValuer is resolved and its value redacted.
func (r *Redactor) RedactAttr(groups []string, a slog.Attr) (slog.Attr, bool) {
	return r.rd.RedactAttr(groups, a)
}

// RedactAttrs redacts attrs in place, as RedactAttr would each of them:
// the form a handler that owns its record's attrs calls, once per record.
// It reports whether it changed any attr, and whether it changed one
// whose value was or now is of slog.KindAny (such as an error, whose
// place as the record's error may then move).
func (r *Redactor) RedactAttrs(groups []string, attrs []slog.Attr) (changed, changedAny bool) {
	return r.rd.RedactAttrs(groups, attrs)
}

// RedactMessage returns msg with its secrets hidden and true, or msg and
// false: the values of sensitive keys written as pairs in the text, URL
// and DSN userinfo, and what the Patterns match.
func (r *Redactor) RedactMessage(msg string) (string, bool) { return r.rd.RedactMessage(msg) }

// RedactText is RedactMessage for any text: error text, the output of a
// user's MarshalJSON, String or Format method, a line written to stderr.
// JSON stays JSON: a hidden value that was not a string becomes the mask
// as a JSON string.
func (r *Redactor) RedactText(s string) (string, bool) { return r.rd.RedactText(s) }

// hmacPseudonym returns the pseudonymiser of RedactOptions.HMACKey:
// "hmac:" and the first 128 bits, in hex, of the value's HMAC-SHA256.
func hmacPseudonym(key []byte) func(string) string {
	key = append([]byte(nil), key...)
	return func(v string) string {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(v))
		var sum [sha256.Size]byte
		return "hmac:" + hex.EncodeToString(m.Sum(sum[:0])[:16])
	}
}

// Redact returns a Redactor configured by opts, or an error naming the
// bad option (an empty key, a malformed path, a pseudonymiser without a
// key).
func Redact(opts *RedactOptions) (*Redactor, error) {
	var o redact.Options
	if opts != nil {
		o = redact.Options{
			Keys: opts.Keys, Paths: opts.Paths, Pseudonymize: opts.Pseudonymize,
			Mask: opts.Mask, NoDefaultKeys: opts.NoDefaultKeys,
		}
		if len(opts.Pseudonymize) > 0 && len(opts.HMACKey) == 0 {
			return nil, errors.New("middleware: RedactOptions.Pseudonymize needs an HMACKey")
		}
		if len(opts.HMACKey) > 0 {
			o.Pseudonym = hmacPseudonym(opts.HMACKey)
		}
		for _, p := range opts.Patterns {
			o.Patterns = append(o.Patterns, p.p)
		}
	}
	rd, err := redact.New(o)
	if err != nil {
		return nil, err
	}
	return &Redactor{rd: rd}, nil
}
