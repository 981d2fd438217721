package redact

import (
	"errors"
	"log/slog"
	"reflect"
)

// plainErrorType is the type errors.New returns: an error with no
// fields but its text and nothing wrapped, so its text is all there is
// to redact.
var plainErrorType = reflect.TypeOf(errors.New(""))

// plainError settles, without the general walk, an attr whose value is
// an error made by errors.New (or fmt.Errorf without %w): its text is
// scanned as any text is, and an error whose text held a secret is
// replaced by a stand-in with the redacted text, as the walk would. It
// reports false, leaving a alone, for any other value; done reports
// whether it settled a, and changed whether a changed.
func (r *Redactor) plainError(a *slog.Attr) (done, changed bool) {
	err, ok := a.Value.Any().(error)
	if !ok || reflect.TypeOf(err) != plainErrorType {
		return false, false
	}
	if !r.keysOnly || r.secret.mayMatch(a.Key) && r.secret.matchKey(a.Key) {
		return false, false // the key or its path decides: the walk handles it
	}
	msg := err.Error()
	if len(r.pats) == 0 && !hasSeparator(msg) {
		return true, false
	}
	red, ch := r.text(msg)
	if !ch {
		return true, false
	}
	a.Value = slog.AnyValue(error(&leafError{msg: red}))
	return true, true
}
