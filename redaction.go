package loggerjs

import (
	"context"
	"log/slog"

	"github.com/loggerjs/loggerjs/internal/redact"
)

// A Redactor hides secrets before any sink sees a record. A handler tree
// runs its Config.Redactor on every record after all global and logger
// middleware: over the record's attrs and root attrs, over the attrs bound
// to its logger (once per scope, cached), and over its message (a lazy
// message when, and if, it is computed).
//
// RedactAttr returns the attr with its secrets hidden and true, or a and
// false when it found nothing to hide; groups are the names of the groups
// enclosing a, outermost first, for matching dotted paths. RedactMessage
// does the same for a message. Neither may modify the values it is given:
// a value with a secret inside is copied, never changed in place.
//
// Package middleware builds Redactors with options (more keys, dotted
// paths, value patterns, an HMAC pseudonymiser).
type Redactor interface {
	RedactAttr(groups []string, a slog.Attr) (slog.Attr, bool)
	RedactMessage(msg string) (string, bool)
}

// NoRedaction is the Redactor that hides nothing: set Config.Redactor to
// it to turn the default redaction off.
var NoRedaction Redactor = noRedaction{}

type noRedaction struct{}

func (noRedaction) RedactAttr(_ []string, a slog.Attr) (slog.Attr, bool) { return a, false }
func (noRedaction) RedactMessage(msg string) (string, bool)              { return msg, false }

// defaultRedactor is the Redactor of a Config that names none.
var defaultRedactor Redactor

// inPlaceRedactor is implemented by the redaction engine's redactors
// (the default, middleware.Redact's): they redact a record's own attrs in
// one call, in place, reporting whether any changed and whether an attr
// of KindAny did.
type inPlaceRedactor interface {
	RedactAttrs(groups []string, attrs []slog.Attr) (changed, changedAny bool)
}

var _ inPlaceRedactor = (*redact.Redactor)(nil)

// redactRecord applies rd to r, copying on write.
func redactRecord(rd Redactor, r *Record) {
	groups := r.Scope.Groups()
	errMoved := true // the error slot may need to follow its attr
	if rr, ok := rd.(inPlaceRedactor); ok && !r.shared {
		// The redactor of the defaults and of middleware.Redact, on attrs
		// this record owns: one call, in place.
		_, errMoved = rr.RedactAttrs(groups, r.attrs)
	} else {
		for i, a := range r.attrs {
			if b, ok := rd.RedactAttr(groups, a); ok {
				r.SetAttr(i, b)
			}
		}
	}
	if rr, ok := rd.(inPlaceRedactor); ok && !r.rootShared {
		rr.RedactAttrs(nil, r.root)
	} else {
		for i, a := range r.root {
			if b, ok := rd.RedactAttr(nil, a); ok {
				r.SetRootAttr(i, b)
			}
		}
	}
	if r.Scope != nil {
		sc := redactScope(rd, r.Scope)
		errMoved = errMoved || sc != r.Scope
		r.Scope = sc
	}
	if r.Err != nil && errMoved {
		// The error slot follows its attr: hidden if the attr was.
		if r.Err = firstError(r.attrs); r.Err == nil {
			r.Err = r.Scope.Err()
		}
	}
	if r.lazy != nil {
		f := r.lazy
		r.lazy = func() string {
			m := f()
			if red, ok := rd.RedactMessage(m); ok {
				return red
			}
			return m
		}
	} else if red, ok := rd.RedactMessage(r.msg); ok {
		r.msg = red
	}
}

// redactScope returns sc with rd applied to every bound attr, or sc itself
// when nothing in it needed hiding. The result is cached on sc.
func redactScope(rd Redactor, sc *Scope) *Scope {
	if sc == nil {
		return nil
	}
	// The redactor itself keys the redacted form in the scope's cache: an
	// interface value converts to a key without allocating.
	return sc.Cache(rd, func(sc *Scope) any {
		parent := redactScope(rd, sc.parent)
		changed := parent != sc.parent
		attrs := sc.attrs
		if len(attrs) > 0 {
			var out []slog.Attr
			for i, a := range attrs {
				if b, ok := rd.RedactAttr(sc.parent.Groups(), a); ok {
					if out == nil {
						out = append([]slog.Attr(nil), attrs...)
					}
					out[i] = b
				}
			}
			if out != nil {
				attrs, changed = out, true
			}
		}
		if !changed {
			return sc
		}
		err := parent.Err()
		if err == nil {
			err = firstError(attrs)
		}
		return &Scope{parent: parent, group: sc.group, attrs: attrs, groups: sc.groups, err: err}
	}).(*Scope)
}

// Redaction returns middleware that applies rd to each record, for a
// Redactor that should reach only some sinks (through WithMiddleware) or
// some categories (through LoggerConfig.Middleware). Config.Redactor is
// the place for the one that reaches every sink.
//
// Like Config.Redactor it fails closed: when rd panics, the record is
// dropped for the sinks the middleware guards and counted as a
// RedactorPanics loss, never passed on half-redacted.
func Redaction(rd Redactor) Middleware { return &redactionMiddleware{rd: rd} }

type redactionMiddleware struct{ rd Redactor }

// FailsClosed reports true: a panic in this middleware must drop the
// record, here and in middleware.Wrap and ToSlog.
func (m *redactionMiddleware) FailsClosed() bool { return true }

// Process applies the Redactor to r.
func (m *redactionMiddleware) Process(_ context.Context, r *Record) bool {
	redactRecord(m.rd, r)
	r.textRd, r.textRdSet = m.rd, true
	return true
}

// failsClosed reports whether a panic in m must drop the record.
func failsClosed(m Middleware) (closed bool) {
	fc, ok := m.(interface{ FailsClosed() bool })
	if !ok {
		return false
	}
	defer func() {
		if recover() != nil {
			closed = true
		}
	}()
	return fc.FailsClosed()
}
