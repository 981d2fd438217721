package redact

import (
	"net/url"
)

// maxErrorDepth bounds the walk of an error tree.
const maxErrorDepth = 32

// redactError returns a copy of err whose text, and the text of every
// error it wraps (errors.Join trees included), has its secrets hidden,
// or err and false when there are none. A *url.Error stays a *url.Error
// with its URL redacted; other errors become a redacted stand-in that
// keeps the shape of the chain (Unwrap() error or Unwrap() []error) but
// not the original types.
func (r *Redactor) redactError(err error, depth int) (error, bool) {
	if err == nil || depth >= maxErrorDepth {
		return err, false
	}
	msg, ok := errorText(err)
	if !ok {
		return err, false // a panicking Error: the codec writes its marker
	}
	red, changed := r.text(msg)
	switch e := err.(type) {
	case *url.Error:
		u, uok := r.text(e.URL)
		inner, iok := r.redactError(e.Err, depth+1)
		if !uok && !iok {
			return err, false
		}
		return &url.Error{Op: e.Op, URL: u, Err: inner}, true
	case interface{ Unwrap() []error }:
		errs := e.Unwrap()
		var out []error
		for i, c := range errs {
			rc, ok := r.redactError(c, depth+1)
			if !ok {
				continue
			}
			if out == nil {
				out = append([]error(nil), errs...)
			}
			out[i] = rc
		}
		if !changed && out == nil {
			return err, false
		}
		if out == nil {
			out = redactAll(r, errs, depth)
		}
		return &joinError{msg: red, errs: out}, true
	case interface{ Unwrap() error }:
		inner, iok := r.redactError(e.Unwrap(), depth+1)
		if !changed && !iok {
			return err, false
		}
		return &wrapError{msg: red, err: inner}, true
	}
	if !changed {
		return err, false
	}
	return &leafError{msg: red}, true
}

func redactAll(r *Redactor, errs []error, depth int) []error {
	out := append([]error(nil), errs...)
	for i, c := range out {
		if rc, ok := r.redactError(c, depth+1); ok {
			out[i] = rc
		}
	}
	return out
}

// errorText returns err.Error(), or false if it panics.
func errorText(err error) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return err.Error(), true
}

// leafError stands in for an error with a secret in its text.
type leafError struct{ msg string }

func (e *leafError) Error() string { return e.msg }

// wrapError stands in for a wrapping error; it wraps the redacted form of
// the original's inner error.
type wrapError struct {
	msg string
	err error
}

func (e *wrapError) Error() string { return e.msg }
func (e *wrapError) Unwrap() error { return e.err }

// joinError stands in for an error that wraps several (errors.Join).
type joinError struct {
	msg  string
	errs []error
}

func (e *joinError) Error() string   { return e.msg }
func (e *joinError) Unwrap() []error { return e.errs }
