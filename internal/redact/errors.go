package redact

import "reflect"

// maxErrorDepth bounds the walk down an error chain: the link at this
// depth, and all below it, are replaced by MarkLongChain.
const maxErrorDepth = 32

// redactError returns a copy of err whose text, the text of every error
// it wraps (errors.Join trees included) and the exported fields of each
// link have their secrets hidden, or err and false when there are none. A
// *url.Error stays a *url.Error with its URL redacted; a link whose
// fields alone held a secret keeps its type, with those fields masked,
// where the mask fits them; other links become redacted stand-ins that
// keep the shape of the chain (Unwrap() error or Unwrap() []error) but
// not the original types. A chain deeper than maxErrorDepth ends in a
// MarkLongChain link, and past the walker's node budget a link is
// replaced by MarkTooLarge: the walk never passes on what it did not
// read.
func (w *walker) redactError(path []string, err error, depth int) (error, bool) {
	if err == nil {
		return err, false
	}
	if depth >= maxErrorDepth {
		return &leafError{msg: MarkLongChain}, true
	}
	if w.nodes++; w.nodes > maxNodes {
		return &leafError{msg: MarkTooLarge}, true
	}
	msg, ok := errorText(err)
	if !ok {
		return err, false // a panicking Error: the codec writes its marker
	}
	red, changed := w.r.text(msg)
	if t := reflect.TypeOf(err); netURLPointer(t, "Error") {
		// A *url.Error stays one. Unless its fields are not the ones
		// known, then it is redacted as any wrapping error is.
		if f, ok := urlErrorFieldsOf(t.Elem()); ok {
			return w.redactURLError(path, err, f, depth)
		}
	}
	switch e := err.(type) {
	case interface{ Unwrap() []error }:
		errs := e.Unwrap()
		var out []error
		for i, c := range errs {
			rc, ok := w.redactError(path, c, depth+1)
			if !ok {
				continue
			}
			if out == nil {
				out = append([]error(nil), errs...)
			}
			out[i] = rc
		}
		_, fok := w.errorFields(path, err, depth)
		if !changed && out == nil && !fok {
			return err, false
		}
		if out == nil {
			out = errs
		}
		return &joinError{msg: red, errs: out}, true
	case interface{ Unwrap() error }:
		inner, iok := w.redactError(path, e.Unwrap(), depth+1)
		fe, fok := w.errorFields(path, err, depth)
		switch {
		case !changed && !iok && !fok:
			return err, false
		case !changed && !iok && fe != nil:
			return fe, true // the same type, its fields masked
		}
		return &wrapError{msg: red, err: inner}, true
	}
	fe, fok := w.errorFields(path, err, depth)
	switch {
	case !changed && !fok:
		return err, false
	case !changed && fe != nil:
		return fe, true
	}
	return &leafError{msg: red}, true
}

// errorFields redacts the exported fields of an error whose value is a
// struct or a pointer to one: codecs that write an error's fields (its
// MarshalJSON, the structured codec) write those. It returns a copy of
// err's own type, or nil when the masked fields do not fit it, and true;
// or nil and false when the fields hold nothing to hide.
func (w *walker) errorFields(path []string, err error, depth int) (error, bool) {
	rv := reflect.ValueOf(err)
	inner := rv
	if inner.Kind() == reflect.Pointer && !inner.IsNil() {
		inner = inner.Elem()
	}
	if inner.Kind() != reflect.Struct || !w.r.exportedMayHold(inner.Type()) {
		return nil, false
	}
	nv, ok := w.structValue(path, inner, depth, true)
	switch {
	case !ok:
		return nil, false
	case nv.Type() != inner.Type():
		return nil, true
	case rv.Kind() == reflect.Pointer:
		p := reflect.New(inner.Type())
		p.Elem().Set(nv)
		e, _ := p.Interface().(error)
		return e, true
	}
	e, _ := nv.Interface().(error)
	return e, true
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
