package codecs

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"

	"github.com/loggerjs/loggerjs"
)

// The bounds every codec holds to, whatever a value logged holds. Past
// one, the value is written as a marker string, the fallback is counted,
// and the line stays valid for its format.
const (
	// maxDepth bounds nesting: groups within groups, and within a value
	// maps, slices, arrays and structs within each other. A group or
	// container maxDepth levels down is written as markerTooDeep.
	maxDepth = 100
	// maxValues bounds the work of each attr a record (or a logger's
	// bound scope) holds at its own level: the attrs visited within it,
	// through groups and LogValuers, plus the elements visited within
	// its values. Past it, the value being written becomes markerTooMany
	// and the rest of that attr is left out; the record's next attr
	// starts afresh.
	maxValues = 100_000
)

// The markers written past a bound.
const (
	markerTooDeep = "!ERROR: too deep"
	markerTooMany = "!ERROR: too many values"
	markerCyclic  = "!ERROR: cyclic value"
	// markerNumberTooLong stands for a big number of more than 65,536
	// digits, or a big.Float of more than 65,536 bits of precision.
	markerNumberTooLong = "!ERROR: number too long"
	// markerInvalidJSON stands for JSON that a MarshalJSON wrote and that
	// redaction made invalid.
	markerInvalidJSON = "!ERROR: MarshalJSON output is not valid JSON after redaction"
)

// bounds counts the depth and the work of the attr a codec is writing.
// The zero value is a record not yet begun.
type bounds struct {
	depth int  // groups open below the record's own level
	used  int  // attrs and values visited since the last attr at depth 0
	spent bool // the work ran out and its marker was written
}

// next counts one attr. It returns false when the work of the attr at the
// record's level that holds it has run out; first is then true the first
// time only, when the codec writes the marker in the attr's place.
func (b *bounds) next() (ok, first bool) {
	if b.depth == 0 {
		b.used, b.spent = 0, false
	}
	b.used++
	if b.used <= maxValues {
		return true, false
	}
	first = !b.spent
	b.spent = true
	return false, first
}

// cycleKey identifies a map, slice or pointer on the path to a node.
type cycleKey struct {
	ptr uintptr
	typ reflect.Type
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	stringerType      = reflect.TypeFor[fmt.Stringer]()
	formatterType     = reflect.TypeFor[fmt.Formatter]()
)

// flatType reports whether values of type t hold no other values and no
// methods a codec would call: they cost one unit of work however long.
func flatType(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return t.NumMethod() == 0
	}
	return false
}

// jsonCheck walks a value before encoding/json encodes it, over what
// encoding/json follows (pointers, interfaces, maps, slices, arrays and
// the exported and embedded fields of structs; a Marshaler or
// TextMarshaler is a leaf), within the depth and the work left to the
// record, and not round cycles, which encoding/json reports itself. It
// returns the marker the value must be written as, or "", and
// whether encoding/json will call a user's MarshalJSON or MarshalText on
// it, whose output must then be redacted.
func jsonCheck(x any, depthLeft int, b *bounds) (marker string, methods bool) {
	// The walk works on a copy of the count, so that b, which lives in a
	// codec's state on the stack, is not stored where it would escape.
	w := valueWalk{depthLeft: depthLeft, used: b.used}
	w.walk(reflect.ValueOf(x), 0, 0)
	b.used = w.used
	if w.marker == markerTooMany {
		b.spent = true
	}
	return w.marker, w.methods
}

// valueWalk is the state of one jsonCheck.
type valueWalk struct {
	depthLeft int
	used      int // the record's work, this walk's included
	path      []cycleKey
	marker    string
	methods   bool
}

func (w *valueWalk) fail(marker string) { w.marker = marker }

func (w *valueWalk) walk(v reflect.Value, depth, hops int) {
	if w.marker != "" || !v.IsValid() {
		return
	}
	if w.used++; w.used > maxValues {
		w.fail(markerTooMany)
		return
	}
	t := v.Type()
	if t.Implements(jsonMarshalerType) || t.Implements(textType) {
		w.methods = true
		return
	}
	if t.Kind() != reflect.Pointer && v.CanAddr() {
		if pt := reflect.PointerTo(t); pt.Implements(jsonMarshalerType) || pt.Implements(textType) {
			w.methods = true
			return
		}
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if hops >= maxPointerChain {
			w.fail(markerTooDeep)
			return
		}
		if t.Kind() == reflect.Interface {
			w.walk(v.Elem(), depth, hops+1)
			return
		}
		if !w.push(v) {
			return
		}
		w.walk(v.Elem(), depth, hops+1)
		w.pop()
	case reflect.Map:
		if v.IsNil() || v.Len() == 0 {
			return
		}
		if !w.deeper(depth) || !w.push(v) {
			return
		}
		it := v.MapRange()
		for it.Next() && w.marker == "" {
			w.walk(it.Key(), depth+1, 0)
			w.walk(it.Value(), depth+1, 0)
		}
		w.pop()
	case reflect.Slice:
		if v.IsNil() || v.Len() == 0 || flatType(t.Elem()) {
			return
		}
		if !w.deeper(depth) || !w.push(v) {
			return
		}
		for i := 0; i < v.Len() && w.marker == ""; i++ {
			w.walk(v.Index(i), depth+1, 0)
		}
		w.pop()
	case reflect.Array:
		if v.Len() == 0 || flatType(t.Elem()) {
			return
		}
		if !w.deeper(depth) {
			return
		}
		for i := 0; i < v.Len() && w.marker == ""; i++ {
			w.walk(v.Index(i), depth+1, 0)
		}
	case reflect.Struct:
		if !w.deeper(depth) {
			return
		}
		for i := 0; i < t.NumField() && w.marker == ""; i++ {
			if f := t.Field(i); f.IsExported() || f.Anonymous {
				w.walk(v.Field(i), depth+1, 0)
			}
		}
	}
}

// deeper reports whether a container at depth may be entered.
func (w *valueWalk) deeper(depth int) bool {
	if depth >= w.depthLeft {
		w.fail(markerTooDeep)
		return false
	}
	return true
}

// push adds a map, slice or pointer to the path, or reports a cycle.
// The walk goes no further round a cycle: encoding/json finds it too, and
// its error is what slog.JSONHandler writes.
func (w *valueWalk) push(v reflect.Value) bool {
	k := cycleKey{uintptr(v.UnsafePointer()), v.Type()}
	if slices.Contains(w.path, k) {
		return false
	}
	w.path = append(w.path, k)
	return true
}

func (w *valueWalk) pop() { w.path = w.path[:len(w.path)-1] }

// textPrinter writes a value as fmt's %+v does, within bounds, for the
// text codecs: maps (keys sorted), slices, arrays, structs as
// {Field:value}, a top-level pointer to one of those as &…, other
// pointers as addresses, and a value with a Format, Error or String
// method by that method. Unlike %+v it never prints a struct's
// unexported fields.
type textPrinter struct {
	r         *loggerjs.Record
	used      int // the record's work, this value's included
	depthLeft int
	buf       []byte
	path      []cycleKey
	marker    string
	methods   bool // a user's method was called
}

func (p *textPrinter) fail(marker string) { p.marker = marker }

// print appends v. top is true for the value logged itself.
func (p *textPrinter) print(v reflect.Value, depth, hops int, top bool) {
	if p.marker != "" {
		return
	}
	if p.used++; p.used > maxValues {
		p.fail(markerTooMany)
		return
	}
	if !v.IsValid() {
		p.buf = append(p.buf, "<nil>"...)
		return
	}
	t := v.Type()
	if !top && v.CanInterface() && t.Kind() != reflect.Interface && t.NumMethod() > 0 {
		if text, ok := p.method(v); ok {
			p.buf = append(p.buf, text...)
			return
		}
	}
	switch t.Kind() {
	case reflect.Bool:
		p.buf = strconv.AppendBool(p.buf, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.buf = strconv.AppendInt(p.buf, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.buf = strconv.AppendUint(p.buf, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		p.buf = strconv.AppendFloat(p.buf, v.Float(), 'g', -1, t.Bits())
	case reflect.Complex64, reflect.Complex128:
		p.buf = append(p.buf, strconv.FormatComplex(v.Complex(), 'g', -1, t.Bits())...)
	case reflect.String:
		p.buf = append(p.buf, v.String()...)
	case reflect.Interface:
		if v.IsNil() {
			p.buf = append(p.buf, "<nil>"...)
			return
		}
		if hops >= maxPointerChain {
			p.fail(markerTooDeep)
			return
		}
		p.print(v.Elem(), depth, hops+1, false)
	case reflect.Pointer:
		if v.IsNil() {
			p.buf = append(p.buf, "<nil>"...)
			return
		}
		switch t.Elem().Kind() {
		case reflect.Struct, reflect.Array, reflect.Slice, reflect.Map:
			if top {
				if !p.push(v) {
					return
				}
				p.buf = append(p.buf, '&')
				p.print(v.Elem(), depth, hops+1, false)
				p.pop()
				return
			}
		}
		p.buf = append(p.buf, "0x"...)
		p.buf = strconv.AppendUint(p.buf, uint64(v.Pointer()), 16)
	case reflect.Map:
		if !p.deeper(depth) || !p.push(v) {
			return
		}
		keys := v.MapKeys()
		if len(keys) > maxValues-p.used {
			p.fail(markerTooMany)
			return
		}
		slices.SortFunc(keys, compareKeys)
		p.buf = append(p.buf, "map["...)
		for i, k := range keys {
			if i > 0 {
				p.buf = append(p.buf, ' ')
			}
			p.print(k, depth+1, 0, false)
			p.buf = append(p.buf, ':')
			p.print(v.MapIndex(k), depth+1, 0, false)
			if p.marker != "" {
				return
			}
		}
		p.buf = append(p.buf, ']')
		p.pop()
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice {
			if v.IsNil() {
				p.buf = append(p.buf, "[]"...)
				return
			}
			if !p.push(v) {
				return
			}
			defer p.pop()
		}
		if !p.deeper(depth) {
			return
		}
		p.buf = append(p.buf, '[')
		for i := range v.Len() {
			if i > 0 {
				p.buf = append(p.buf, ' ')
			}
			p.print(v.Index(i), depth+1, 0, false)
			if p.marker != "" {
				return
			}
		}
		p.buf = append(p.buf, ']')
	case reflect.Struct:
		if !p.deeper(depth) {
			return
		}
		p.buf = append(p.buf, '{')
		first := true
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if !first {
				p.buf = append(p.buf, ' ')
			}
			first = false
			p.buf = append(p.buf, f.Name...)
			p.buf = append(p.buf, ':')
			p.print(v.Field(i), depth+1, 0, false)
			if p.marker != "" {
				return
			}
		}
		p.buf = append(p.buf, '}')
	default: // chan, func, unsafe.Pointer
		if v.IsNil() {
			p.buf = append(p.buf, "<nil>"...)
			return
		}
		p.buf = append(p.buf, "0x"...)
		p.buf = strconv.AppendUint(p.buf, uint64(v.Pointer()), 16)
	}
}

// method returns the text a Format, Error or String method gives v, as
// fmt's %+v would call them, and false when v has none. A panic gives a
// marker, or "<nil>" for a nil pointer as fmt writes it.
func (p *textPrinter) method(v reflect.Value) (text string, ok bool) {
	t := v.Type()
	isFormatter, isError, isStringer := t.Implements(formatterType), t.Implements(errorType), t.Implements(stringerType)
	if !isFormatter && !isError && !isStringer {
		return "", false
	}
	p.methods = true
	x := v.Interface()
	defer func() {
		if r := recover(); r != nil {
			if v.Kind() == reflect.Pointer && v.IsNil() {
				text, ok = "<nil>", true
				return
			}
			p.r.CodecFallback()
			text, ok = "!PANIC: "+fmt.Sprint(r), true
		}
	}()
	switch {
	case isFormatter:
		return fmt.Sprintf("%+v", x), true
	case isError:
		return x.(error).Error(), true
	}
	return x.(fmt.Stringer).String(), true
}

func (p *textPrinter) deeper(depth int) bool {
	if depth >= p.depthLeft {
		p.fail(markerTooDeep)
		return false
	}
	return true
}

func (p *textPrinter) push(v reflect.Value) bool {
	k := cycleKey{uintptr(v.UnsafePointer()), v.Type()}
	if slices.Contains(p.path, k) {
		p.fail(markerCyclic)
		return false
	}
	p.path = append(p.path, k)
	return true
}

func (p *textPrinter) pop() { p.path = p.path[:len(p.path)-1] }
