package zapbridge

import (
	"bytes"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap/zapcore"
)

// maxDepth bounds the nesting of objects and arrays the bridge follows;
// deeper values are replaced by markerTooDeep.
const maxDepth = 32

// markerTooDeep replaces a value nested deeper than maxDepth.
const markerTooDeep = "!ERROR: value nested too deep"

// appendFields appends the attrs of fields to dst. A Namespace field
// opens a group that holds the fields after it.
func appendFields(dst []slog.Attr, fields []zapcore.Field, depth int) []slog.Attr {
	for i := range fields {
		f := &fields[i]
		// The common scalars here, without appendField's call.
		switch f.Type {
		case zapcore.StringType:
			dst = append(dst, slog.String(f.Key, f.String))
		case zapcore.Int64Type, zapcore.Int32Type, zapcore.Int16Type, zapcore.Int8Type:
			dst = append(dst, slog.Int64(f.Key, f.Integer))
		case zapcore.BoolType:
			dst = append(dst, slog.Bool(f.Key, f.Integer == 1))
		case zapcore.DurationType:
			dst = append(dst, slog.Duration(f.Key, time.Duration(f.Integer)))
		case zapcore.NamespaceType:
			return append(dst, namespaceAttr(fields[i:], depth))
		default:
			dst = appendField(dst, f, depth)
		}
	}
	return dst
}

// namespaceAttr returns the group that fields[0], a Namespace, opens,
// holding the rest of fields, each later Namespace a group inside.
func namespaceAttr(fields []zapcore.Field, depth int) slog.Attr {
	type level struct {
		key   string
		attrs []slog.Attr
	}
	var levels []level
	for i := range fields {
		f := &fields[i]
		if f.Type == zapcore.NamespaceType {
			levels = append(levels, level{key: f.Key})
			continue
		}
		l := &levels[len(levels)-1]
		l.attrs = appendField(l.attrs, f, depth+len(levels))
	}
	for i := len(levels) - 1; i > 0; i-- {
		levels[i-1].attrs = append(levels[i-1].attrs, slog.Attr{Key: levels[i].key, Value: slog.GroupValue(levels[i].attrs...)})
	}
	return slog.Attr{Key: levels[0].key, Value: slog.GroupValue(levels[0].attrs...)}
}

// appendField appends the attrs of one field other than a Namespace:
// usually one, none for Skip, several for Inline and for errors that
// carry causes or a verbose form.
func appendField(dst []slog.Attr, f *zapcore.Field, depth int) []slog.Attr {
	switch f.Type {
	case zapcore.StringType:
		return append(dst, slog.String(f.Key, f.String))
	case zapcore.Int64Type, zapcore.Int32Type, zapcore.Int16Type, zapcore.Int8Type:
		return append(dst, slog.Int64(f.Key, f.Integer))
	case zapcore.Uint64Type, zapcore.Uint32Type, zapcore.Uint16Type, zapcore.Uint8Type, zapcore.UintptrType:
		return append(dst, slog.Uint64(f.Key, uint64(f.Integer)))
	case zapcore.BoolType:
		return append(dst, slog.Bool(f.Key, f.Integer == 1))
	case zapcore.Float64Type:
		return append(dst, floatAttr(f.Key, math.Float64frombits(uint64(f.Integer)), 64))
	case zapcore.Float32Type:
		return append(dst, floatAttr(f.Key, float64(math.Float32frombits(uint32(f.Integer))), 32))
	case zapcore.DurationType:
		return append(dst, slog.Duration(f.Key, time.Duration(f.Integer)))
	case zapcore.TimeType:
		t := time.Unix(0, f.Integer)
		if loc, ok := f.Interface.(*time.Location); ok && loc != nil {
			t = t.In(loc)
		}
		return append(dst, slog.Time(f.Key, t))
	case zapcore.TimeFullType:
		t, _ := f.Interface.(time.Time)
		return append(dst, slog.Time(f.Key, t))
	case zapcore.Complex128Type:
		return append(dst, slog.String(f.Key, complexText(f.Interface.(complex128), 64)))
	case zapcore.Complex64Type:
		return append(dst, slog.String(f.Key, complexText(complex128(f.Interface.(complex64)), 32)))
	case zapcore.BinaryType:
		return append(dst, slog.Any(f.Key, bytes.Clone(f.Interface.([]byte))))
	case zapcore.ByteStringType:
		return append(dst, slog.String(f.Key, string(f.Interface.([]byte))))
	case zapcore.StringerType:
		return append(dst, slog.Any(f.Key, stringerValue{f.Interface.(fmt.Stringer)}))
	case zapcore.ReflectType:
		return append(dst, slog.Any(f.Key, f.Interface))
	case zapcore.ErrorType:
		return appendError(dst, f.Key, f.Interface.(error), depth)
	case zapcore.ObjectMarshalerType:
		if depth >= maxDepth {
			return append(dst, slog.String(f.Key, markerTooDeep))
		}
		enc := newObjectEncoder(depth + 1)
		err := marshalObject(f.Interface.(zapcore.ObjectMarshaler), enc)
		dst = append(dst, slog.Attr{Key: f.Key, Value: slog.GroupValue(enc.finish()...)})
		return appendFieldError(dst, f.Key, err)
	case zapcore.InlineMarshalerType:
		if depth >= maxDepth {
			return append(dst, slog.String(f.Key, markerTooDeep))
		}
		enc := newObjectEncoder(depth)
		err := marshalObject(f.Interface.(zapcore.ObjectMarshaler), enc)
		dst = enc.appendTo(dst)
		return appendFieldError(dst, f.Key, err)
	case zapcore.ArrayMarshalerType:
		list, err := marshalArray(f.Interface.(zapcore.ArrayMarshaler), depth+1)
		dst = append(dst, slog.Any(f.Key, list))
		return appendFieldError(dst, f.Key, err)
	case zapcore.SkipType:
		return dst
	case zapcore.NamespaceType:
		// Only reached for a Namespace inside an ObjectMarshaler's fields,
		// which objectEncoder handles; kept as an empty group otherwise.
		return append(dst, slog.Group(f.Key))
	default:
		return append(dst, slog.String(f.Key+"Error", fmt.Sprintf("unknown field type: %v", *f)))
	}
}

// marshalObject runs a user's MarshalLogObject, turning a panic into an
// error: logging never panics into the caller.
func marshalObject(m zapcore.ObjectMarshaler, enc *objectEncoder) error {
	return safely(func() error { return m.MarshalLogObject(enc) })
}

// safely calls f, turning a panic into an error that reads as zap's
// ("PANIC=<value>").
func safely(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("PANIC=%v", p)
		}
	}()
	return f()
}

// appendFieldError appends zap's "<key>Error" attr for a marshaler that
// failed, as zap's own encoders do.
func appendFieldError(dst []slog.Attr, key string, err error) []slog.Attr {
	if err == nil {
		return dst
	}
	return append(dst, slog.String(key+"Error", errorText(err)))
}

// floatAttr returns a float attr, with zap's strings for the values JSON
// cannot hold ("NaN", "+Inf", "-Inf"). A float32 keeps its shortest
// decimal form, 1.1 rather than 1.100000023841858.
func floatAttr(key string, f float64, bits int) slog.Attr {
	if s, ok := nonFinite(f); ok {
		return slog.String(key, s)
	}
	return slog.Float64(key, shortest(f, bits))
}

func nonFinite(f float64) (string, bool) {
	switch {
	case math.IsNaN(f):
		return "NaN", true
	case math.IsInf(f, 1):
		return "+Inf", true
	case math.IsInf(f, -1):
		return "-Inf", true
	}
	return "", false
}

// shortest returns the float64 nearest the shortest decimal that
// identifies f at the given precision.
func shortest(f float64, bits int) float64 {
	if bits == 64 {
		return f
	}
	var buf [32]byte
	g, err := strconv.ParseFloat(string(strconv.AppendFloat(buf[:0], f, 'g', -1, 32)), 64)
	if err != nil {
		return f
	}
	return g
}

// complexText writes a complex number as zap's JSON encoder does:
// "1+2i".
func complexText(c complex128, bits int) string {
	r, i := real(c), imag(c)
	b := strconv.AppendFloat(nil, r, 'f', -1, bits)
	if i >= 0 || math.IsNaN(i) {
		b = append(b, '+')
	}
	b = strconv.AppendFloat(b, i, 'f', -1, bits)
	return string(append(b, 'i'))
}

// stringerValue resolves a zap.Stringer field when a sink needs it, as
// zap calls String at encoding time. A nil pointer whose String panics
// reads "<nil>", as in zap.
type stringerValue struct{ s fmt.Stringer }

// LogValue returns the text of String.
func (v stringerValue) LogValue() (out slog.Value) {
	defer func() {
		if p := recover(); p != nil {
			if rv := reflect.ValueOf(v.s); rv.Kind() == reflect.Pointer && rv.IsNil() {
				out = slog.StringValue("<nil>")
				return
			}
			panic(p) // the codec writes its panic marker in place
		}
	}()
	return slog.StringValue(v.s.String())
}

// errorGroup is the interface of multi-errors zap expands into causes
// (go.uber.org/multierr's).
type errorGroup interface{ Errors() []error }

// appendError appends an error as zap does: the error itself under key
// (so it fills the loggerjs record's error slot), "<key>Causes" for a
// multi-error, and "<key>Verbose" for an error whose %+v says more than
// its Error (github.com/pkg/errors' stack traces).
func appendError(dst []slog.Attr, key string, err error, depth int) []slog.Attr {
	dst = append(dst, slog.Any(key, err))
	if isNil(err) {
		return dst
	}
	switch e := err.(type) {
	case errorGroup:
		if depth >= maxDepth {
			return append(dst, slog.String(key+"Causes", markerTooDeep))
		}
		return append(dst, slog.Any(key+"Causes", causes(e.Errors(), depth+1)))
	case fmt.Formatter:
		basic := errorText(err)
		if verbose := verboseText(e); verbose != basic {
			dst = append(dst, slog.String(key+"Verbose", verbose))
		}
	}
	return dst
}

// causes returns the errors of a multi-error as zap's JSON lists them:
// one object per error, {"error": text} with its own causes or verbose
// form.
func causes(errs []error, depth int) []any {
	out := make([]any, 0, len(errs))
	for _, e := range errs {
		if e == nil {
			continue
		}
		obj := map[string]any{"error": errorText(e)}
		if isNil(e) {
			out = append(out, obj)
			continue
		}
		switch x := e.(type) {
		case errorGroup:
			if depth >= maxDepth {
				obj["errorCauses"] = markerTooDeep
			} else {
				obj["errorCauses"] = causes(x.Errors(), depth+1)
			}
		case fmt.Formatter:
			if v := verboseText(x); v != obj["error"] {
				obj["errorVerbose"] = v
			}
		}
		out = append(out, obj)
	}
	return out
}

func isNil(err error) bool {
	v := reflect.ValueOf(err)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// errorText returns err.Error(), "<nil>" for a nil pointer that panics,
// or a panic marker.
func errorText(err error) (s string) {
	defer func() {
		if p := recover(); p != nil {
			if isNil(err) {
				s = "<nil>"
				return
			}
			s = fmt.Sprintf("!PANIC: Error: %v", p)
		}
	}()
	return err.Error()
}

func verboseText(f fmt.Formatter) (s string) {
	defer func() {
		if p := recover(); p != nil {
			s = fmt.Sprintf("!PANIC: Format: %v", p)
		}
	}()
	return fmt.Sprintf("%+v", f)
}

// marshalArray runs an ArrayMarshaler into a list.
func marshalArray(m zapcore.ArrayMarshaler, depth int) (list []any, err error) {
	if depth > maxDepth {
		return []any{markerTooDeep}, nil
	}
	enc := &arrayEncoder{depth: depth}
	err = safely(func() error { return m.MarshalLogArray(enc) })
	if enc.elems == nil {
		enc.elems = []any{}
	}
	return enc.elems, err
}

// objectEncoder is the zapcore.ObjectEncoder that ObjectMarshalers write
// into: it collects attrs in order, and opens a group for each
// namespace. Encoders are pooled, as zap's own are: a marshaler must not
// keep the encoder it is given.
type objectEncoder struct {
	attrs  []slog.Attr
	open   []namespace // namespaces opened, outermost first
	depth  int
	inline [8]slog.Attr // the first attrs, collected without an allocation
}

var objectEncoders = sync.Pool{New: func() any { return new(objectEncoder) }}

func newObjectEncoder(depth int) *objectEncoder {
	e := objectEncoders.Get().(*objectEncoder)
	e.depth = depth
	e.attrs = e.inline[:0:len(e.inline)]
	return e
}

type namespace struct {
	key   string
	outer []slog.Attr // the attrs of the level the namespace is in
}

var _ zapcore.ObjectEncoder = (*objectEncoder)(nil)

// finish closes the open namespaces, returns the attrs in memory of
// their own, exactly as long as they are, and puts e back in the pool.
func (e *objectEncoder) finish() []slog.Attr {
	attrs := e.close()
	if len(attrs) == 0 {
		attrs = nil
	} else if &attrs[0] == &e.inline[0] {
		attrs = append(make([]slog.Attr, 0, len(attrs)), attrs...)
	}
	e.release()
	return attrs
}

// appendTo closes the open namespaces, appends the attrs to dst and puts
// e back in the pool.
func (e *objectEncoder) appendTo(dst []slog.Attr) []slog.Attr {
	dst = append(dst, e.close()...)
	e.release()
	return dst
}

// close closes the open namespaces and returns the attrs. Only the
// outermost level may be held in e.inline.
func (e *objectEncoder) close() []slog.Attr {
	for i := len(e.open) - 1; i >= 0; i-- {
		ns := e.open[i]
		e.attrs = append(ns.outer, slog.Attr{Key: ns.key, Value: slog.GroupValue(e.attrs...)})
	}
	return e.attrs
}

// release puts e back in the pool, holding nothing of the record.
func (e *objectEncoder) release() {
	clear(e.inline[:])
	clear(e.open)
	e.attrs, e.open = nil, e.open[:0]
	if cap(e.open) > 8 {
		e.open = nil
	}
	objectEncoders.Put(e)
}

func (e *objectEncoder) add(a slog.Attr) { e.attrs = append(e.attrs, a) }

// AddArray adds a list.
func (e *objectEncoder) AddArray(key string, m zapcore.ArrayMarshaler) error {
	list, err := marshalArray(m, e.depth+1)
	e.add(slog.Any(key, list))
	return err
}

// AddObject adds a group.
func (e *objectEncoder) AddObject(key string, m zapcore.ObjectMarshaler) error {
	if e.depth >= maxDepth {
		e.add(slog.String(key, markerTooDeep))
		return nil
	}
	inner := newObjectEncoder(e.depth + 1)
	err := marshalObject(m, inner)
	e.add(slog.Attr{Key: key, Value: slog.GroupValue(inner.finish()...)})
	return err
}

// AddBinary adds a copy of value, which JSON writes in base64.
func (e *objectEncoder) AddBinary(key string, value []byte) {
	e.add(slog.Any(key, bytes.Clone(value)))
}

// AddByteString adds value as a string.
func (e *objectEncoder) AddByteString(key string, value []byte) {
	e.add(slog.String(key, string(value)))
}

// AddBool adds a bool.
func (e *objectEncoder) AddBool(key string, value bool) { e.add(slog.Bool(key, value)) }

// AddComplex128 adds the number as zap's text.
func (e *objectEncoder) AddComplex128(key string, value complex128) {
	e.add(slog.String(key, complexText(value, 64)))
}

// AddComplex64 adds the number as zap's text.
func (e *objectEncoder) AddComplex64(key string, value complex64) {
	e.add(slog.String(key, complexText(complex128(value), 32)))
}

// AddDuration adds a duration.
func (e *objectEncoder) AddDuration(key string, value time.Duration) {
	e.add(slog.Duration(key, value))
}

// AddFloat64 adds a float.
func (e *objectEncoder) AddFloat64(key string, value float64) { e.add(floatAttr(key, value, 64)) }

// AddFloat32 adds a float with its float32 decimal form.
func (e *objectEncoder) AddFloat32(key string, value float32) {
	e.add(floatAttr(key, float64(value), 32))
}

// AddInt adds an integer.
func (e *objectEncoder) AddInt(key string, value int) { e.add(slog.Int(key, value)) }

// AddInt64 adds an integer.
func (e *objectEncoder) AddInt64(key string, value int64) { e.add(slog.Int64(key, value)) }

// AddInt32 adds an integer.
func (e *objectEncoder) AddInt32(key string, value int32) { e.add(slog.Int64(key, int64(value))) }

// AddInt16 adds an integer.
func (e *objectEncoder) AddInt16(key string, value int16) { e.add(slog.Int64(key, int64(value))) }

// AddInt8 adds an integer.
func (e *objectEncoder) AddInt8(key string, value int8) { e.add(slog.Int64(key, int64(value))) }

// AddString adds a string.
func (e *objectEncoder) AddString(key, value string) { e.add(slog.String(key, value)) }

// AddTime adds a time.
func (e *objectEncoder) AddTime(key string, value time.Time) { e.add(slog.Time(key, value)) }

// AddUint adds an unsigned integer.
func (e *objectEncoder) AddUint(key string, value uint) { e.add(slog.Uint64(key, uint64(value))) }

// AddUint64 adds an unsigned integer.
func (e *objectEncoder) AddUint64(key string, value uint64) { e.add(slog.Uint64(key, value)) }

// AddUint32 adds an unsigned integer.
func (e *objectEncoder) AddUint32(key string, value uint32) {
	e.add(slog.Uint64(key, uint64(value)))
}

// AddUint16 adds an unsigned integer.
func (e *objectEncoder) AddUint16(key string, value uint16) {
	e.add(slog.Uint64(key, uint64(value)))
}

// AddUint8 adds an unsigned integer.
func (e *objectEncoder) AddUint8(key string, value uint8) { e.add(slog.Uint64(key, uint64(value))) }

// AddUintptr adds an unsigned integer.
func (e *objectEncoder) AddUintptr(key string, value uintptr) {
	e.add(slog.Uint64(key, uint64(value)))
}

// AddReflected adds value as it is; codecs render it (JSON through
// encoding/json, as zap does).
func (e *objectEncoder) AddReflected(key string, value any) error {
	e.add(slog.Any(key, value))
	return nil
}

// OpenNamespace makes the attrs added after it a group named key.
func (e *objectEncoder) OpenNamespace(key string) {
	e.open = append(e.open, namespace{key: key, outer: e.attrs})
	e.attrs = nil
}

// arrayEncoder is the zapcore.ArrayEncoder that ArrayMarshalers write
// into. Elements are plain Go values; objects are maps, arrays []any.
type arrayEncoder struct {
	elems []any
	depth int
}

var _ zapcore.ArrayEncoder = (*arrayEncoder)(nil)

func (a *arrayEncoder) add(v any) { a.elems = append(a.elems, v) }

// AppendArray appends a nested list.
func (a *arrayEncoder) AppendArray(m zapcore.ArrayMarshaler) error {
	list, err := marshalArray(m, a.depth+1)
	a.add(list)
	return err
}

// AppendObject appends an object, as a map.
func (a *arrayEncoder) AppendObject(m zapcore.ObjectMarshaler) error {
	if a.depth >= maxDepth {
		a.add(markerTooDeep)
		return nil
	}
	enc := newObjectEncoder(a.depth + 1)
	err := marshalObject(m, enc)
	a.add(attrsMap(enc.finish()))
	return err
}

// AppendReflected appends value as it is.
func (a *arrayEncoder) AppendReflected(value any) error {
	a.add(value)
	return nil
}

// AppendBool appends a bool.
func (a *arrayEncoder) AppendBool(v bool) { a.add(v) }

// AppendByteString appends a string.
func (a *arrayEncoder) AppendByteString(v []byte) { a.add(string(v)) }

// AppendComplex128 appends zap's text of the number.
func (a *arrayEncoder) AppendComplex128(v complex128) { a.add(complexText(v, 64)) }

// AppendComplex64 appends zap's text of the number.
func (a *arrayEncoder) AppendComplex64(v complex64) { a.add(complexText(complex128(v), 32)) }

// AppendFloat64 appends a float.
func (a *arrayEncoder) AppendFloat64(v float64) { a.add(floatValue(v, 64)) }

// AppendFloat32 appends a float with its float32 decimal form.
func (a *arrayEncoder) AppendFloat32(v float32) { a.add(floatValue(float64(v), 32)) }

// AppendInt appends an integer.
func (a *arrayEncoder) AppendInt(v int) { a.add(int64(v)) }

// AppendInt64 appends an integer.
func (a *arrayEncoder) AppendInt64(v int64) { a.add(v) }

// AppendInt32 appends an integer.
func (a *arrayEncoder) AppendInt32(v int32) { a.add(int64(v)) }

// AppendInt16 appends an integer.
func (a *arrayEncoder) AppendInt16(v int16) { a.add(int64(v)) }

// AppendInt8 appends an integer.
func (a *arrayEncoder) AppendInt8(v int8) { a.add(int64(v)) }

// AppendString appends a string.
func (a *arrayEncoder) AppendString(v string) { a.add(v) }

// AppendUint appends an unsigned integer.
func (a *arrayEncoder) AppendUint(v uint) { a.add(uint64(v)) }

// AppendUint64 appends an unsigned integer.
func (a *arrayEncoder) AppendUint64(v uint64) { a.add(v) }

// AppendUint32 appends an unsigned integer.
func (a *arrayEncoder) AppendUint32(v uint32) { a.add(uint64(v)) }

// AppendUint16 appends an unsigned integer.
func (a *arrayEncoder) AppendUint16(v uint16) { a.add(uint64(v)) }

// AppendUint8 appends an unsigned integer.
func (a *arrayEncoder) AppendUint8(v uint8) { a.add(uint64(v)) }

// AppendUintptr appends an unsigned integer.
func (a *arrayEncoder) AppendUintptr(v uintptr) { a.add(uint64(v)) }

// AppendDuration appends a duration.
func (a *arrayEncoder) AppendDuration(v time.Duration) { a.add(v) }

// AppendTime appends a time.
func (a *arrayEncoder) AppendTime(v time.Time) { a.add(v) }

func floatValue(f float64, bits int) any {
	if s, ok := nonFinite(f); ok {
		return s
	}
	return shortest(f, bits)
}

// attrsMap turns the attrs of an object inside an array into a map, the
// form a list element can take.
func attrsMap(attrs []slog.Attr) map[string]any {
	m := make(map[string]any, len(attrs))
	for _, a := range attrs {
		v := a.Value.Resolve()
		if v.Kind() == slog.KindGroup {
			m[a.Key] = attrsMap(v.Group())
			continue
		}
		m[a.Key] = v.Any()
	}
	return m
}
