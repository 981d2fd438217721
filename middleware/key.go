package middleware

import (
	"fmt"
	"log/slog"

	"github.com/loggerjs/loggerjs"
)

// KeyFields chooses the fields of a record that make up its key in a rate
// limit or a counting sampler: records with equal keys share one budget.
// Combine the By flags with |. The zero value means the constructor's
// own default, which its documentation names.
type KeyFields uint8

const (
	// ByCategory keys by the dotted category.
	ByCategory KeyFields = 1 << iota
	// ByLevel keys by the level.
	ByLevel
	// BySource keys by the record's source ("" for the application,
	// "integration:zap" and the like for bridged records).
	BySource
	// ByMessage keys by the message. slog messages are templates (the
	// values travel as attrs), so this is LogTape's "raw message
	// template": "user {id} failed" logged for a thousand users is one
	// key.
	ByMessage
	// SharedKey puts every record under one key. It cannot be combined
	// with the By flags.
	SharedKey
)

const allKeyFields = ByCategory | ByLevel | BySource | ByMessage | SharedKey

// recordKey is a record's key under a keySpec. Only the fields the spec
// selects are set.
type recordKey struct {
	category string
	level    slog.Level
	source   string
	message  string
	value    string // the Key attr's value
	hasValue bool
}

// keySpec is how a middleware keys records: the fields and an attr.
type keySpec struct {
	fields KeyFields
	attr   string
}

// newKeySpec validates fields (def when zero) and attr, naming owner's
// fields in errors.
func newKeySpec(owner string, fields KeyFields, def KeyFields, attr string) (keySpec, error) {
	if fields&^allKeyFields != 0 {
		return keySpec{}, fmt.Errorf("middleware: %s.KeyBy: %#x: unknown flags", owner, uint8(fields))
	}
	if fields&SharedKey != 0 && fields != SharedKey {
		return keySpec{}, fmt.Errorf("middleware: %s.KeyBy: SharedKey combined with By flags", owner)
	}
	if fields == 0 {
		fields = def
		if attr != "" && def != SharedKey {
			// A Key attr given alone replaces the default fields.
			fields = SharedKey
		}
	}
	return keySpec{fields: fields, attr: attr}, nil
}

func (s keySpec) of(r *loggerjs.Record) recordKey {
	var k recordKey
	if s.fields&ByCategory != 0 {
		k.category = r.CategoryName()
	}
	if s.fields&ByLevel != 0 {
		k.level = r.Level
	}
	if s.fields&BySource != 0 {
		k.source = r.Source
	}
	if s.fields&ByMessage != 0 {
		k.message = r.Message()
	}
	if s.attr != "" {
		if v, ok := findAttr(r, s.attr); ok {
			k.hasValue = true
			if v.Kind() == slog.KindString {
				k.value = v.String()
			} else {
				k.value = safeString(v)
			}
		}
	}
	return k
}

// attr describes k as the group "key", with the fields the spec selects.
func (s keySpec) describe(k recordKey) slog.Attr {
	var as []any
	if s.fields&ByCategory != 0 {
		as = append(as, slog.String("category", k.category))
	}
	if s.fields&ByLevel != 0 {
		as = append(as, slog.String("level", loggerjs.LevelName(k.level)))
	}
	if s.fields&BySource != 0 {
		as = append(as, slog.String("source", k.source))
	}
	if s.fields&ByMessage != 0 {
		as = append(as, slog.String("message", k.message))
	}
	if s.attr != "" && k.hasValue {
		as = append(as, slog.String(s.attr, k.value))
	}
	return slog.Group("key", as...)
}

// optionError reports an invalid option: the field, its value and why.
func optionError(field string, value any, why string) error {
	return fmt.Errorf("middleware: %s: %v: %s", field, value, why)
}
