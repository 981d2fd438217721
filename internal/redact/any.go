package redact

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"time"
)

// anyValue redacts the value of a slog.Any at path.
func (w *walker) anyValue(path []string, x any, depth int) (slog.Value, bool) {
	switch t := x.(type) {
	case nil, time.Time, time.Duration, slog.Level, *slog.Source:
		return slog.AnyValue(x), false
	case []byte:
		// Codecs write bytes as text or base64: either shows a secret.
		if s, ok := w.r.text(string(t)); ok {
			return slog.AnyValue([]byte(s)), true
		}
		return slog.AnyValue(x), false
	case json.RawMessage:
		// Hidden JSON stays JSON: a value other than a string becomes
		// the mask as a JSON string.
		if s, ok := w.r.text(string(t)); ok {
			return slog.AnyValue(json.RawMessage(s)), true
		}
		return slog.AnyValue(x), false
	case error:
		if e, ok := w.redactError(path, t, 0); ok {
			return slog.AnyValue(e), true
		}
		return slog.AnyValue(x), false
	}
	saved := w.nodes
	need := w.mayNeed(path, x, depth)
	w.nodes = saved
	if !need {
		return slog.AnyValue(x), false
	}
	rv := reflect.ValueOf(x)
	if !w.r.mayHold(rv.Type()) {
		return slog.AnyValue(x), false
	}
	out, ok := w.reflect(path, rv, depth)
	if !ok {
		return slog.AnyValue(x), false
	}
	if !out.CanInterface() {
		return w.r.maskVal, true
	}
	return slog.AnyValue(out.Interface()), true
}

// mayNeed looks, without reflection, into the containers most often
// logged (maps and slices of strings and of any) and reports whether
// anything in them needs hiding; for other values it reports true, and
// the reflective walk decides.
func (w *walker) mayNeed(path []string, x any, depth int) bool {
	switch t := x.(type) {
	case map[string]string:
		for k, v := range t {
			if v != "" && w.r.actionFor(path, k) != keep {
				return true
			}
			if w.r.textMayChange(v) {
				return true
			}
		}
		return false
	case map[string]any:
		if w.nodes++; depth >= maxDepth || w.nodes > maxNodes {
			return true
		}
		for k, v := range t {
			if v != nil && w.r.actionFor(path, k) != keep {
				return true
			}
			if w.mayNeedValue(append(path, k), v, depth+1) {
				return true
			}
		}
		return false
	case []string:
		for _, v := range t {
			if w.r.textMayChange(v) {
				return true
			}
		}
		return false
	case []any:
		if w.nodes++; depth >= maxDepth || w.nodes > maxNodes {
			return true
		}
		for _, v := range t {
			if w.mayNeedValue(path, v, depth+1) {
				return true
			}
		}
		return false
	}
	return true
}

// mayNeedValue is mayNeed for an element of a container.
func (w *walker) mayNeedValue(path []string, v any, depth int) bool {
	switch v := v.(type) {
	case nil, bool, int, int64, uint64, float64:
		return false
	case string:
		return w.r.textMayChange(v)
	}
	return w.mayNeed(path, v, depth)
}

// textMayChange reports whether text might hold something to hide.
func (r *Redactor) textMayChange(s string) bool {
	if len(r.pats) > 0 {
		_, ok := r.text(s)
		return ok
	}
	if !hasSeparator(s) {
		return false
	}
	_, ok := r.text(s)
	return ok
}

var (
	errorType     = reflect.TypeFor[error]()
	timeType      = reflect.TypeFor[time.Time]()
	anyType       = reflect.TypeFor[any]()
	slogValueType = reflect.TypeFor[slog.Value]()
	slogAttrType  = reflect.TypeFor[slog.Attr]()
	logValuerType = reflect.TypeFor[slog.LogValuer]()
)

// mayHold reports whether a value of type t may hold something to hide:
// a string, an interface, an error, a key that names a secret. Numbers
// and structs of numbers are skipped without a walk. The answer is cached
// per type.
func (r *Redactor) mayHold(t reflect.Type) bool {
	if v, ok := r.types.Load(t); ok {
		return v.(bool)
	}
	v := r.computeMayHold(t, map[reflect.Type]bool{})
	r.types.Store(t, v)
	return v
}

func (r *Redactor) computeMayHold(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == timeType {
		return false
	}
	if t.Implements(errorType) || t.Implements(logValuerType) || netURLStruct(t, "URL") || netURLStruct(t, "Userinfo") || t == slogValueType || t == slogAttrType {
		return true
	}
	if seen[t] {
		return true // a recursive type: assume so
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.String, reflect.Interface:
		return true
	case reflect.Pointer, reflect.Array:
		return r.computeMayHold(t.Elem(), seen)
	case reflect.Slice:
		// []byte and json.RawMessage hold text.
		return t.Elem().Kind() == reflect.Uint8 || r.computeMayHold(t.Elem(), seen)
	case reflect.Map:
		// Keys of an interface type may be strings (map[any]any, as YAML
		// decoders make).
		k := t.Key().Kind()
		return k == reflect.String || k == reflect.Interface || r.computeMayHold(t.Elem(), seen)
	case reflect.Struct:
		for _, f := range structFields(t) {
			if r.secret.matchKey(f.name) || r.secret.matchKey(f.goName) || r.pseudo.nonEmpty || len(r.secret.paths) > 0 {
				return true
			}
			if r.computeMayHold(t.Field(f.index).Type, seen) {
				return true
			}
		}
	}
	return false
}

// exportedMayHold reports whether the exported fields of the struct type
// t may hold something to hide. The answer is cached per type.
func (r *Redactor) exportedMayHold(t reflect.Type) bool {
	if v, ok := r.errTypes.Load(t); ok {
		return v.(bool)
	}
	v := false
	for _, f := range structFields(t) {
		if f.omit || !f.exported {
			continue
		}
		if r.secret.matchKey(f.name) || r.secret.matchKey(f.goName) || r.pseudo.nonEmpty || len(r.secret.paths) > 0 ||
			r.mayHold(t.Field(f.index).Type) {
			v = true
			break
		}
	}
	r.errTypes.Store(t, v)
	return v
}

// field describes one struct field as codecs name it.
type field struct {
	index    int
	name     string // the JSON name
	goName   string
	exported bool
	embedded bool // an embedded struct, whose fields JSON promotes
	omit     bool // json:"-"
}

var fieldCache sync.Map // reflect.Type -> []field

func structFields(t reflect.Type) []field {
	if v, ok := fieldCache.Load(t); ok {
		return v.([]field)
	}
	fs := make([]field, t.NumField())
	for i := range fs {
		sf := t.Field(i)
		f := field{index: i, name: sf.Name, goName: sf.Name, exported: sf.IsExported()}
		if ft := sf.Type; sf.Anonymous && (ft.Kind() == reflect.Struct || ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct) {
			f.embedded = true
		}
		if tag, ok := sf.Tag.Lookup("json"); ok {
			name, _, _ := strings.Cut(tag, ",")
			if name == "-" && !strings.HasPrefix(tag, "-,") {
				f.omit = true
			} else if name != "" {
				f.name = name
			}
		}
		fs[i] = f
	}
	fieldCache.Store(t, fs)
	return fs
}

// maskFor returns the mask (or pseudonym) as a value assignable to type
// t, or false when t cannot hold text.
func (r *Redactor) maskFor(act action, orig reflect.Value, t reflect.Type) (reflect.Value, bool) {
	m := r.mask
	if act == pseudonymise {
		m = r.pseudonym(reflectText(orig))
	}
	switch t.Kind() {
	case reflect.String:
		return stringOf(t, m), true
	case reflect.Interface:
		if reflect.TypeOf(m).Implements(t) {
			return reflect.ValueOf(m), true
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			s := reflect.MakeSlice(t, 1, 1)
			s.Index(0).SetString(m)
			return s, true
		}
	case reflect.Pointer:
		if t.Elem().Kind() == reflect.String {
			p := reflect.New(t.Elem())
			p.Elem().SetString(m)
			return p, true
		}
	}
	return reflect.ValueOf(m), false
}

// stringOf returns s as a value of t, a string type, and bytesOf b as a
// value of t, a slice type of bytes. They are what Value.Convert would
// return, without linking its conversion tables.
func stringOf(t reflect.Type, s string) reflect.Value {
	v := reflect.New(t).Elem()
	v.SetString(s)
	return v
}

func bytesOf(t reflect.Type, b []byte) reflect.Value {
	v := reflect.New(t).Elem()
	v.SetBytes(b)
	return v
}

func reflectText(v reflect.Value) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	if v.Kind() == reflect.String {
		return v.String()
	}
	if v.CanInterface() {
		return fmt.Sprint(v.Interface())
	}
	return ""
}

// reflect redacts v. The result, when changed, is a copy: of v's own type
// where the hidden values fit in it, else a map[string]any or []any that
// codecs render alike. Past the depth limit or the node budget, a value
// that may hold text is replaced by MarkTooDeep or MarkTooLarge.
func (w *walker) reflect(path []string, v reflect.Value, depth int) (reflect.Value, bool) {
	if !v.IsValid() {
		return v, false
	}
	switch v.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128,
		reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return v, false // nothing a codec writes of these can hold a secret
	case reflect.Interface:
		if v.IsNil() {
			return v, false
		}
		return w.reflect(path, v.Elem(), depth) // the same value, not a level down
	}
	t := v.Type()
	if depth >= maxDepth || w.nodes >= maxNodes {
		if !w.r.mayHold(t) {
			return v, false
		}
		if depth >= maxDepth {
			return reflect.ValueOf(MarkTooDeep), true
		}
		return reflect.ValueOf(MarkTooLarge), true
	}
	w.nodes++
	if v.CanInterface() {
		switch {
		case netURLStruct(t, "URL"):
			return w.r.redactURL(v)
		case netURLPointer(t, "URL"):
			if v.IsNil() {
				return v, false
			}
			nv, ok := w.r.redactURL(v.Elem())
			if !ok || nv.Type() != t.Elem() {
				return nv, ok
			}
			p := reflect.New(t.Elem())
			p.Elem().Set(nv)
			return p, true
		case netURLPointer(t, "Userinfo"):
			if v.IsNil() {
				return v, false
			}
			if ui, ok := w.r.redactUserinfo(v.Elem(), false); ok {
				return ui, true
			}
			return reflect.ValueOf(w.r.mask), true
		}
		switch t {
		case timeType:
			return v, false
		case slogValueType:
			// A slog.Value inside a value: codecs write it as a value.
			if nv, ok := w.value(path, v.Interface().(slog.Value), depth+1); ok {
				return reflect.ValueOf(nv), true
			}
			return v, false
		case slogAttrType:
			a := v.Interface().(slog.Attr)
			if nv, ok := w.attr(path, a.Key, a.Value, depth+1); ok {
				return reflect.ValueOf(slog.Attr{Key: a.Key, Value: nv}), true
			}
			return v, false
		}
		// A type without methods is neither a LogValuer nor an error.
		if t.NumMethod() > 0 && (t.Kind() != reflect.Pointer || !v.IsNil()) {
			if t.Implements(logValuerType) {
				// A codec may resolve it: what it resolves to is redacted,
				// and stands in for it when something in it was hidden.
				if rv, ok := resolve(slog.AnyValue(v.Interface())); ok {
					if nv, ok := w.value(path, rv, depth+1); ok {
						return reflect.ValueOf(nv), true
					}
				}
			}
			if t.Implements(errorType) {
				if e, ok := w.redactError(path, v.Interface().(error), 0); ok {
					return reflect.ValueOf(e), true
				}
				return v, false
			}
		}
	}
	switch v.Kind() {
	case reflect.String:
		if s, ok := w.r.text(v.String()); ok {
			return stringOf(t, s), true
		}
	case reflect.Pointer:
		if v.IsNil() || !w.r.mayHold(t.Elem()) {
			return v, false
		}
		nv, ok := w.reflect(path, v.Elem(), depth+1)
		if !ok || !v.CanInterface() {
			return v, ok // read through an unexported field: the owner drops it
		}
		if nv.Type() == t.Elem() {
			p := reflect.New(t.Elem())
			p.Elem().Set(nv)
			return p, true
		}
		return nv, true
	case reflect.Struct:
		return w.structValue(path, v, depth, false)
	case reflect.Map:
		return w.mapValue(path, v, depth)
	case reflect.Slice:
		if v.IsNil() {
			return v, false
		}
		if t.Elem().Kind() == reflect.Uint8 {
			// []byte, json.RawMessage: text, or JSON, at any depth.
			if s, ok := w.r.text(string(v.Bytes())); ok {
				return bytesOf(t, []byte(s)), true
			}
			return v, false
		}
		if !w.r.mayHold(t.Elem()) {
			return v, false
		}
		return w.listValue(path, v, depth)
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 || !w.r.mayHold(t.Elem()) {
			return v, false
		}
		return w.listValue(path, v, depth)
	}
	return v, false
}

// child redacts the value under name, an element of a struct or map.
func (w *walker) child(path []string, name string, v reflect.Value, depth int) (reflect.Value, action, bool) {
	if act := w.r.actionFor(path, name); act != keep {
		if v.IsZero() {
			return v, keep, false // nothing to hide in an empty field
		}
		return v, act, true
	}
	nv, ok := w.reflect(append(path, name), v, depth+1)
	return nv, keep, ok
}

type change struct {
	i   int // field index, or element index
	key reflect.Value
	v   reflect.Value
	act action
}

// structValue redacts the fields of the struct v: the exported ones, the
// exported fields of embedded structs, and, unless exportedOnly, the
// unexported fields of string type (which fmt's %+v would print). A
// change that cannot be made in a copy of v's type (a mask in a field
// that cannot hold it, a change in an unexported field) makes the result
// a map[string]any of the exported fields, named as encoding/json names
// them.
func (w *walker) structValue(path []string, v reflect.Value, depth int, exportedOnly bool) (reflect.Value, bool) {
	t := v.Type()
	fs := structFields(t)
	var changes []change
	for _, f := range fs {
		if f.omit {
			continue
		}
		fv := v.Field(f.index)
		if f.embedded && !f.exported {
			// JSON promotes its exported fields. A change in it cannot be
			// copied (reflect refuses to set an unexported field): the
			// result leaves the embedded struct out.
			if _, ok := w.reflect(path, fv, depth+1); ok {
				changes = append(changes, change{i: f.index, v: fv})
			}
			continue
		}
		if !f.exported && (exportedOnly || fv.Kind() != reflect.String) {
			continue // not encoded by JSON, and not safely readable for a walk
		}
		name := f.name
		if act := w.r.actionFor(path, f.goName); act != keep && name != f.goName && !fv.IsZero() {
			changes = append(changes, change{i: f.index, v: fv, act: act})
			continue
		}
		nv, act, ok := w.child(path, name, fv, depth)
		if ok {
			changes = append(changes, change{i: f.index, v: nv, act: act})
		}
	}
	if changes == nil {
		return v, false
	}
	if !v.CanInterface() {
		return v, true // read through an unexported field: the owner drops it
	}
	// A copy of the same type, when every change fits in it.
	cp := reflect.New(t).Elem()
	cp.Set(v)
	fits := true
	for _, c := range changes {
		sf := t.Field(c.i)
		if !sf.IsExported() {
			fits = false
			break
		}
		nv := c.v
		if c.act != keep {
			var ok bool
			if nv, ok = w.r.maskFor(c.act, c.v, sf.Type); !ok {
				fits = false
				break
			}
		}
		if !nv.Type().AssignableTo(sf.Type) {
			fits = false
			break
		}
		cp.Field(c.i).Set(nv)
	}
	if fits {
		return cp, true
	}
	// Else the exported fields as a map, named as encoding/json names them.
	m := make(map[string]any, len(fs))
	for _, f := range fs {
		if f.omit || !f.exported {
			continue
		}
		m[f.name] = v.Field(f.index).Interface()
	}
	for _, c := range changes {
		f := fs[c.i]
		if !f.exported {
			continue
		}
		if c.act != keep {
			mv, _ := w.r.maskFor(c.act, c.v, anyType)
			m[f.name] = mv.Interface()
		} else if c.v.CanInterface() {
			m[f.name] = c.v.Interface()
		}
	}
	return reflect.ValueOf(m), true
}

// mapValue redacts the values of the map v, by key where a key is a
// string (of a string type, or a string in an interface, as in the
// map[any]any of YAML decoders).
func (w *walker) mapValue(path []string, v reflect.Value, depth int) (reflect.Value, bool) {
	t := v.Type()
	if v.IsNil() || v.Len() == 0 {
		return v, false
	}
	keyKind := t.Key().Kind()
	if keyKind != reflect.String && keyKind != reflect.Interface && !w.r.mayHold(t.Elem()) {
		return v, false
	}
	var changes []change
	it := v.MapRange()
	for it.Next() {
		k, ev := it.Key(), it.Value()
		name, named := k, keyKind == reflect.String
		if keyKind == reflect.Interface && !k.IsNil() && k.Elem().Kind() == reflect.String {
			name, named = k.Elem(), true
		}
		if named {
			nv, act, ok := w.child(path, name.String(), ev, depth)
			if ok {
				changes = append(changes, change{key: k, v: nv, act: act})
			}
			continue
		}
		if nv, ok := w.reflect(path, ev, depth+1); ok {
			changes = append(changes, change{key: k, v: nv})
		}
	}
	if changes == nil {
		return v, false
	}
	if !v.CanInterface() {
		return v, true // read through an unexported field: the owner drops it
	}
	cp := reflect.MakeMapWithSize(t, v.Len())
	it = v.MapRange()
	for it.Next() {
		cp.SetMapIndex(it.Key(), it.Value())
	}
	fits := true
	for _, c := range changes {
		nv := c.v
		if c.act != keep {
			var ok bool
			if nv, ok = w.r.maskFor(c.act, c.v, t.Elem()); !ok {
				fits = false
				break
			}
		}
		if !nv.Type().AssignableTo(t.Elem()) {
			fits = false
			break
		}
		cp.SetMapIndex(c.key, nv)
	}
	if fits {
		return cp, true
	}
	m := make(map[string]any, v.Len())
	it = v.MapRange()
	for it.Next() {
		m[fmt.Sprint(it.Key().Interface())] = it.Value().Interface()
	}
	for _, c := range changes {
		k := fmt.Sprint(c.key.Interface())
		if c.act != keep {
			mv, _ := w.r.maskFor(c.act, c.v, anyType)
			m[k] = mv.Interface()
		} else if c.v.CanInterface() {
			m[k] = c.v.Interface()
		}
	}
	return reflect.ValueOf(m), true
}

// listValue redacts the elements of the slice or array v.
func (w *walker) listValue(path []string, v reflect.Value, depth int) (reflect.Value, bool) {
	var changes []change
	for i := range v.Len() {
		if nv, ok := w.reflect(path, v.Index(i), depth+1); ok {
			changes = append(changes, change{i: i, v: nv})
		}
	}
	if changes == nil {
		return v, false
	}
	if !v.CanInterface() {
		return v, true // read through an unexported field: the owner drops it
	}
	t := v.Type()
	fits := true
	for _, c := range changes {
		if !c.v.Type().AssignableTo(t.Elem()) {
			fits = false
			break
		}
	}
	if fits {
		var cp reflect.Value
		if v.Kind() == reflect.Slice {
			cp = reflect.MakeSlice(t, v.Len(), v.Len())
		} else {
			cp = reflect.New(t).Elem()
		}
		reflect.Copy(cp, v)
		for _, c := range changes {
			cp.Index(c.i).Set(c.v)
		}
		return cp, true
	}
	out := make([]any, v.Len())
	for i := range out {
		if e := v.Index(i); e.CanInterface() {
			out[i] = e.Interface()
		}
	}
	for _, c := range changes {
		if c.v.CanInterface() {
			out[c.i] = c.v.Interface()
		}
	}
	return reflect.ValueOf(out), true
}
