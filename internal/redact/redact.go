// Package redact is the redaction engine behind loggerjs's default
// Redactor and middleware.Redact. It hides the values of sensitive keys
// and the secrets that value patterns recognise, wherever they sit in a
// slog.Attr: nested groups, LogValuer results, maps (map[any]any with
// string keys included), structs, slices, pointers, json.RawMessage and
// []byte at any depth, slog.Values inside values, URLs, http.Header, the
// text and exported fields of every link of an error chain, and free text.
//
// Keys match case-insensitively with '-' and '_' the same, and a dotted
// key by its last name ("db.password", "http.request.header.cookie").
//
// The text scanner, applied to messages, string values, error text and
// whatever codecs pass to RedactText, hides the values of sensitive keys
// written as key=value, key = value, key: value (YAML, headers), "key":
// value (JSON, where a value other than a string becomes the mask as a
// JSON string so that JSON stays valid, and JSON inside a JSON string),
// key:[…] and key:{…} (Go's %v of http.Header, maps and structs); an
// authorization scheme with its credentials ("Bearer" and any blanks);
// every pair of a cookie or set-cookie value, to the end of the line; URL
// userinfo; and the password of DSNs written user:password@tcp(host).
//
// The walk fails closed. It reads at most 32 levels down and 10,000
// values of one attr, and 32 links of an error chain; past a limit the
// value is replaced by MarkTooDeep, MarkTooLarge or MarkLongChain, never
// passed on unread, so that hostile values (cycles, self-containing
// LogValuers, a million nested slices) cost bounded work. A walk that
// panics hides the whole attr.
//
// It imports the standard library only, and not package loggerjs, so the
// root package can import it for its default.
package redact

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// Mask replaces a hidden value unless Options.Mask names another text.
const Mask = "[REDACTED]"

// The markers that replace what the walk did not read, whatever the
// Mask: redaction fails closed, so a value past a limit is replaced, never
// passed on unread.
const (
	// MarkTooDeep replaces a value nested deeper than 32 levels (groups,
	// maps, slices, struct fields and pointers, each a level).
	MarkTooDeep = "[REDACTED: too deep]"
	// MarkTooLarge replaces every value, string, element and error link
	// of one attr past the first 10,000 that the walk visited.
	MarkTooLarge = "[REDACTED: too large]"
	// MarkLongChain replaces the 33rd link of an error chain and all
	// below it.
	MarkLongChain = "[REDACTED: error chain too long]"
)

// defaultKeys are the keys whose values a Default Redactor hides, in the
// syntax of Options.Keys. Besides the list of the loggerjs design
// (authorization, cookie, set-cookie, password, passwd, token, secret,
// apiKey, api_key, *_key) it holds proxy-authorization, *_token, *_secret
// and *_password, so that access_token, client_secret and db_password are
// hidden too.
var defaultKeys = []string{
	"authorization", "proxy-authorization", "cookie", "set-cookie", "password", "passwd", "token",
	"secret", "apiKey", "api_key", "*_key", "*_token", "*_secret", "*_password",
}

// Options configure a Redactor. The zero Options hides the default keys.
type Options struct {
	// Keys adds keys whose values are hidden at any depth. A key matches
	// case-insensitively, with '-' and '_' taken as the same character. A
	// leading '*' matches any non-empty prefix ("*_key" matches
	// "session_key"), and then also the camel-case form ("sessionKey");
	// a trailing '*' matches any non-empty suffix. A key with a dot in it
	// is a dotted path, as in Paths.
	Keys []string
	// Paths adds dotted paths whose values are hidden: "user.password"
	// hides the attr password inside the group (or map, or struct) user
	// at the top level of the record, the groups the logger opened with
	// WithGroup included; a '*' segment matches any one name, so
	// "*.token" hides token one level down, under any name. A path of one
	// name matches at the top level only. Names match as keys do.
	Paths []string
	// Patterns recognise secrets by their value wherever text occurs:
	// string values, struct fields, map values, error text and the
	// message. Only the matched span is hidden.
	Patterns []Pattern
	// Pseudonymize names keys and dotted paths (as in Keys) whose values
	// are replaced by what Pseudonym makes of them, so that equal values
	// stay joinable across records without being readable. A key that is
	// also secret is hidden, not pseudonymised.
	Pseudonymize []string
	// Pseudonym makes the pseudonym of a value; it is required when
	// Pseudonymize is not empty. middleware.Redact makes it from an HMAC
	// key, so that this package, which every program that imports
	// loggerjs links, needs no cryptography.
	Pseudonym func(value string) string
	// Mask replaces hidden values; empty means the constant Mask.
	Mask string
	// NoDefaultKeys leaves the default keys out, so that only Keys and
	// Paths are hidden.
	NoDefaultKeys bool
}

// A Redactor hides secrets in slog attrs and messages. It never modifies
// the values it is given: a value with a secret in it is copied with the
// secret replaced. A Redactor is safe for concurrent use.
type Redactor struct {
	secret      matcher
	pseudo      matcher
	pseudonymOf func(string) string
	mask        string
	maskVal     slog.Value
	// maskJSON is the mask escaped for a JSON string.
	maskJSON string
	pats     []Pattern
	// keysOnly is set when no path and no pseudonymiser is configured:
	// then a key alone decides.
	keysOnly bool

	types    sync.Map // reflect.Type -> bool: whether a value of it may need hiding
	errTypes sync.Map // reflect.Type -> bool: whether its exported fields may
}

// Default returns a Redactor that hides the values of the default keys
// (see defaultKeys), URL userinfo, and those keys written as key=value or
// key: value in text.
func Default() *Redactor {
	r, err := New(Options{})
	if err != nil {
		panic("redact: default keys rejected: " + err.Error())
	}
	return r
}

// New returns a Redactor configured by opts, or an error naming the first
// bad option.
func New(opts Options) (*Redactor, error) {
	r := &Redactor{mask: opts.Mask, pseudonymOf: opts.Pseudonym}
	if r.mask == "" {
		r.mask = Mask
	}
	r.maskVal = slog.StringValue(r.mask)
	r.maskJSON = jsonEscape(r.mask)
	if !opts.NoDefaultKeys {
		for _, k := range defaultKeys {
			if err := r.secret.add(k); err != nil {
				return nil, err
			}
		}
	}
	for i, k := range opts.Keys {
		if err := r.secret.add(k); err != nil {
			return nil, fmt.Errorf("redact: Keys[%d]: %w", i, err)
		}
	}
	for i, p := range opts.Paths {
		if err := r.secret.addPath(p); err != nil {
			return nil, fmt.Errorf("redact: Paths[%d]: %w", i, err)
		}
	}
	for i, k := range opts.Pseudonymize {
		if err := r.pseudo.add(k); err != nil {
			return nil, fmt.Errorf("redact: Pseudonymize[%d]: %w", i, err)
		}
	}
	if !r.pseudo.empty() && r.pseudonymOf == nil {
		return nil, errors.New("redact: Pseudonymize needs a Pseudonym function")
	}
	for i, p := range opts.Patterns {
		if p.find == nil {
			return nil, fmt.Errorf("redact: Patterns[%d]: zero Pattern", i)
		}
	}
	r.pats = append([]Pattern(nil), opts.Patterns...)
	r.keysOnly = len(r.secret.paths) == 0 && r.pseudo.empty()
	return r, nil
}

// RedactAttr returns a with every secret in it hidden and true, or a
// itself and false when it holds nothing to hide. groups are the names of
// the groups enclosing a, outermost first. A LogValuer is resolved here
// and its value redacted; one whose LogValue panics is left for the codec
// to resolve and mark.
func (r *Redactor) RedactAttr(groups []string, a slog.Attr) (slog.Attr, bool) {
	kind := a.Value.Kind()
	switch kind {
	case slog.KindAny:
		if done, ch := r.plainError(&a); done {
			return a, ch
		}
		fallthrough
	case slog.KindGroup, slog.KindLogValuer:
		ok := r.redactComposite(groups, &a, kind)
		return a, ok
	}
	ok := r.redactScalar(groups, &a, kind)
	return a, ok
}

// redactComposite redacts, in place, an attr whose value is a group, a
// LogValuer or of KindAny. With keys alone deciding, a group of scalars
// with nothing to hide, and a LogValuer that resolves to one or to a
// scalar, are settled here; everything else is walked.
func (r *Redactor) redactComposite(groups []string, a *slog.Attr, kind slog.Kind) bool {
	if !r.keysOnly || kind == slog.KindAny || r.secret.mayMatch(a.Key) && r.secret.matchKey(a.Key) {
		b, ok := r.redactAttrSlow(groups, *a)
		*a = b
		return ok
	}
	v := a.Value
	if kind == slog.KindLogValuer {
		rv, ok := resolve(v)
		if !ok {
			return false // the codec resolves it again and writes its marker
		}
		v = rv
	}
	switch k := v.Kind(); k {
	case slog.KindGroup:
		if !r.plainGroup(v, 0) {
			b, ok := r.redactAttrSlow(groups, slog.Attr{Key: a.Key, Value: v})
			*a = b
			return ok || kind == slog.KindLogValuer
		}
	case slog.KindAny, slog.KindLogValuer:
		b, _ := r.redactAttrSlow(groups, slog.Attr{Key: a.Key, Value: v})
		*a = b
		return true
	default:
		out := slog.Attr{Key: a.Key, Value: v}
		r.redactScalar(groups, &out, k)
		*a = out
		return true
	}
	// A group with nothing to hide: unchanged, unless it came from a
	// LogValuer, whose resolved value the attr now carries.
	a.Value = v
	return kind == slog.KindLogValuer
}

// plainGroup reports whether the group value v holds only scalars and
// groups of scalars (to maxDepth) that keys-only redaction leaves as they
// are.
func (r *Redactor) plainGroup(v slog.Value, depth int) bool {
	if depth >= maxDepth {
		return false
	}
	for _, a := range v.Group() {
		switch kind := a.Value.Kind(); kind {
		case slog.KindGroup:
			if r.secret.mayMatch(a.Key) && r.secret.matchKey(a.Key) || !r.plainGroup(a.Value, depth+1) {
				return false
			}
		case slog.KindAny, slog.KindLogValuer:
			return false
		default:
			if r.redactScalar(nil, &a, kind) {
				return false
			}
		}
	}
	return true
}

// redactScalar redacts, in place, an attr whose value is neither a group,
// a LogValuer nor of KindAny: only its key, and the text of a string,
// matter.
func (r *Redactor) redactScalar(groups []string, a *slog.Attr, kind slog.Kind) bool {
	if r.keysOnly {
		if r.secret.mayMatch(a.Key) && r.secret.matchKey(a.Key) {
			a.Value = r.maskVal
			return true
		}
	} else if act := r.actionFor(groups, a.Key); act != keep {
		a.Value = r.replacement(act, a.Value)
		return true
	}
	if kind == slog.KindString {
		if s := a.Value.String(); len(r.pats) > 0 || hasSeparator(s) {
			if s, ok := r.text(s); ok {
				a.Value = slog.StringValue(s)
				return true
			}
		}
	}
	return false
}

// redactAttrSlow walks groups, LogValuers and slog.Any values. Should the
// walk of some exotic value panic, the whole value is hidden: a secret
// must not slip through half-redacted, and the record goes on.
func (r *Redactor) redactAttrSlow(groups []string, a slog.Attr) (out slog.Attr, ok bool) {
	defer func() {
		if recover() != nil {
			out, ok = slog.Attr{Key: a.Key, Value: r.maskVal}, true
		}
	}()
	var buf [8]string
	w := walker{r: r}
	v, ok := w.attr(append(buf[:0], groups...), a.Key, a.Value, 0)
	if !ok {
		return a, false
	}
	return slog.Attr{Key: a.Key, Value: v}, true
}

// RedactMessage returns msg with the secrets that the text scanner and
// the value patterns find hidden, and true; or msg and false.
func (r *Redactor) RedactMessage(msg string) (string, bool) {
	return r.text(msg)
}

// RedactText is RedactMessage for any text.
func (r *Redactor) RedactText(s string) (string, bool) { return r.text(s) }

// action is what becomes of a value under a key.
type action uint8

const (
	keep action = iota
	hide
	pseudonymise
)

// actionFor returns what to do with the value of key under path.
func (r *Redactor) actionFor(path []string, key string) action {
	if r.secret.match(path, key) {
		return hide
	}
	if r.pseudo.nonEmpty && r.pseudo.match(path, key) {
		return pseudonymise
	}
	return keep
}

// pseudonym returns the pseudonym of text.
func (r *Redactor) pseudonym(text string) string { return r.pseudonymOf(text) }

// replacement returns the value that stands for v under act.
func (r *Redactor) replacement(act action, v slog.Value) slog.Value {
	if act == pseudonymise {
		return slog.StringValue(r.pseudonym(valueText(v)))
	}
	return r.maskVal
}

// valueText is the text a pseudonym is computed over.
func valueText(v slog.Value) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	if v.Kind() == slog.KindLogValuer {
		v = v.Resolve()
	}
	return v.String()
}

// walker walks one attr's value. Its methods take the path of names from
// the record's top level down to the value being looked at.
type walker struct {
	r     *Redactor
	nodes int // values visited, bounded by maxNodes
}

// Bounds on the work done inside one attr: nesting, and the values,
// elements, fields and error links visited.
const (
	maxDepth = 32
	maxNodes = 10000
)

// attr redacts the value of key under path.
func (w *walker) attr(path []string, key string, v slog.Value, depth int) (slog.Value, bool) {
	if act := w.r.actionFor(path, key); act != keep {
		return w.r.replacement(act, v), true
	}
	if key == "" { // an inline group adds no name to the path
		return w.value(path, v, depth)
	}
	return w.value(append(path, key), v, depth)
}

// value redacts v, which sits at path.
func (w *walker) value(path []string, v slog.Value, depth int) (slog.Value, bool) {
	switch v.Kind() {
	case slog.KindString:
		if s, ok := w.r.text(v.String()); ok {
			return slog.StringValue(s), true
		}
	case slog.KindGroup:
		return w.group(path, v, depth)
	case slog.KindLogValuer:
		rv, ok := resolve(v)
		if !ok {
			return v, false // the codec resolves it again and writes its marker
		}
		out, _ := w.value(path, rv, depth)
		return out, true
	case slog.KindAny:
		return w.anyValue(path, v.Any(), depth)
	}
	return v, false
}

// group redacts the attrs of a group value v at path; it returns v itself
// when nothing in it changed.
func (w *walker) group(path []string, v slog.Value, depth int) (slog.Value, bool) {
	if depth >= maxDepth {
		return slog.StringValue(MarkTooDeep), true
	}
	attrs := v.Group()
	var out []slog.Attr
	for i, a := range attrs {
		var nv slog.Value
		var ok bool
		if w.nodes++; w.nodes > maxNodes {
			nv, ok = w.pastBudget(a.Value)
		} else {
			nv, ok = w.attr(path, a.Key, a.Value, depth+1)
		}
		if !ok {
			continue
		}
		if out == nil {
			out = append([]slog.Attr(nil), attrs...)
		}
		out[i] = slog.Attr{Key: a.Key, Value: nv}
	}
	if out == nil {
		return v, false
	}
	return slog.GroupValue(out...), true
}

// pastBudget returns what stands for v once the node budget is spent:
// v itself if it cannot hold text, else MarkTooLarge.
func (w *walker) pastBudget(v slog.Value) (slog.Value, bool) {
	switch v.Kind() {
	case slog.KindString, slog.KindGroup, slog.KindAny, slog.KindLogValuer:
		return slog.StringValue(MarkTooLarge), true
	}
	return v, false
}

// maxResolve bounds a chain of LogValuers, as slog does.
const maxResolve = 100

// resolve resolves a LogValuer, reporting false if LogValue panics or the
// chain does not end. The redactor runs after middleware, just before the
// sinks that would resolve the value anyway, so resolving here costs no
// laziness and no allocation of its own; the attr then carries the
// resolved, redacted value, and codecs do not call LogValue again.
func resolve(v slog.Value) (out slog.Value, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	for range maxResolve {
		v = v.LogValuer().LogValue()
		if v.Kind() != slog.KindLogValuer {
			return v, true
		}
	}
	return v, false
}

// RedactAttrs redacts attrs in place, as RedactAttr would each of them,
// and reports whether it changed any, and whether it changed one whose
// value was or now is of slog.KindAny (such as an error). groups are the names of
// the groups enclosing every attr. It is the form a handler that owns its
// record's attrs calls: one call per record, scalars decided inline.
func (r *Redactor) RedactAttrs(groups []string, attrs []slog.Attr) (changed, changedAny bool) {
	for i := range attrs {
		a := &attrs[i]
		kind := a.Value.Kind()
		switch kind {
		case slog.KindAny:
			if done, ch := r.plainError(a); done {
				if ch {
					changed, changedAny = true, true
				}
				continue
			}
			fallthrough
		case slog.KindGroup, slog.KindLogValuer:
			if r.redactComposite(groups, a, kind) {
				changed = true
				// An error slot may follow this attr: it was, or now is,
				// of KindAny.
				changedAny = changedAny || kind == slog.KindAny || a.Value.Kind() == slog.KindAny
			}
			continue
		}
		if r.redactScalar(groups, a, kind) {
			changed = true
		}
	}
	return changed, changedAny
}
