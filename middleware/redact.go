package middleware

import (
	"regexp"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/internal/redact"
)

// RedactOptions configure Redact. A nil *RedactOptions means the
// defaults: the values of the keys authorization, cookie, set-cookie,
// password, passwd, token, secret, apiKey, api_key, *_key, *_token,
// *_secret and *_password are hidden wherever they occur, and so are URL
// userinfo and those keys written as key=value in text.
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
func RegexpPattern(name string, re *regexp.Regexp) Pattern { return Pattern{redact.Regexp(name, re)} }

// Redactor is a loggerjs.Redactor built by Redact. Set it as
// Config.Redactor to apply it to every record, or wrap it with
// loggerjs.Redaction to apply it to some sinks or categories only. It is
// safe for concurrent use, and never modifies the values it is given.
//
// It is the type of the default Redactor too, so the handler calls its
// methods, RedactAttr and RedactMessage as loggerjs.Redactor describes
// them, with no layer in between.
type Redactor = redact.Redactor

var _ loggerjs.Redactor = (*Redactor)(nil)

// Redact returns a Redactor configured by opts, or an error naming the
// bad option (an empty key, a malformed path, a pseudonymiser without a
// key).
func Redact(opts *RedactOptions) (*Redactor, error) {
	var o redact.Options
	if opts != nil {
		o = redact.Options{
			Keys: opts.Keys, Paths: opts.Paths, Pseudonymize: opts.Pseudonymize,
			HMACKey: opts.HMACKey, Mask: opts.Mask, NoDefaultKeys: opts.NoDefaultKeys,
		}
		for _, p := range opts.Patterns {
			o.Patterns = append(o.Patterns, p.p)
		}
	}
	return redact.New(o)
}
