package httpx

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/loggerjs/loggerjs/internal/redact"
)

// Redacted replaces the values of secret query parameters and the
// credentials of a URL, as the OpenTelemetry semantic conventions ask
// for url.full and url.query.
const Redacted = "REDACTED"

// signatureParams are query parameters the OpenTelemetry semantic
// conventions name as secrets besides the default keys: pre-signed URL
// signatures and access keys.
var signatureParams = []string{"AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token"}

// secrets decides which names (query parameters, headers) hold secrets:
// the default redaction keys, the signature parameters and extra keys.
type secrets struct {
	rd *redact.Redactor
}

func newSecrets(extra []string) (secrets, error) {
	rd, err := redact.New(redact.Options{Keys: append(append([]string(nil), signatureParams...), extra...)})
	if err != nil {
		return secrets{}, err
	}
	return secrets{rd}, nil
}

// is reports whether the value of name is a secret.
func (s secrets) is(name string) bool {
	_, changed := s.rd.RedactAttr(nil, slog.String(name, "v"))
	return changed
}

// query returns the raw query with the values of secret parameters
// replaced by Redacted, the order and encoding of the rest kept.
func (s secrets) query(raw string) string {
	if raw == "" {
		return ""
	}
	var b strings.Builder
	changed := false
	for i, pair := range strings.Split(raw, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		k, _, hasValue := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if hasValue && s.is(name) {
			b.WriteString(k)
			b.WriteString("=" + Redacted)
			changed = true
			continue
		}
		b.WriteString(pair)
	}
	if !changed {
		return raw
	}
	return b.String()
}

// url returns u as url.full: credentials replaced by Redacted, secret
// query values redacted, the fragment left out.
func (s secrets) url(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		if _, has := c.User.Password(); has {
			c.User = url.UserPassword(Redacted, Redacted)
		} else {
			c.User = url.User(Redacted)
		}
	}
	c.RawQuery = s.query(c.RawQuery)
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// headerSet is an allowlist of headers, canonical names with the attr key
// each is written under, and whether its value is a secret.
type headerSet []headerName

type headerName struct {
	canonical, key string
	secret         bool
}

func newHeaderSet(prefix string, names []string, sec secrets) headerSet {
	var hs headerSet
	for _, n := range names {
		if n == "" {
			continue
		}
		hs = append(hs, headerName{
			canonical: http.CanonicalHeaderKey(n),
			key:       prefix + strings.ToLower(n),
			secret:    sec.is(n),
		})
	}
	return hs
}

// appendAttrs appends one attr per allowlisted header present in h, as
// the semantic conventions write them (http.request.header.<name>, the
// values as a list); a secret header's values are Redacted.
func (hs headerSet) appendAttrs(dst []slog.Attr, h http.Header) []slog.Attr {
	for _, n := range hs {
		vs := h[n.canonical]
		if len(vs) == 0 {
			continue
		}
		if n.secret {
			vs = []string{Redacted}
		} else {
			vs = append([]string(nil), vs...)
		}
		dst = append(dst, slog.Any(n.key, vs))
	}
	return dst
}
