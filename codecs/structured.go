package codecs

import (
	"cmp"
	"encoding"
	"encoding/base64"
	"fmt"
	"log/slog"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/loggerjs/loggerjs"
)

// StructuredCodec writes each record as one line of JSON that Decode turns
// back into a record whose attrs equal the ones logged, bound scope,
// category, level, time, source and sequence number included.
//
// A line is one object:
//
//	{"v":1,"time":0,"level":4,"msg":"…","logger":["app","db"],"src":"…","seq":9,
//	 "scope":[{"a":["key",1]},{"g":"group"}],"root":["key",2],"attrs":["key",3],
//	 "pool":[…]}
//
// Every value of the record lives in the pool, a flat JSON array of nodes
// that refer to each other by index, so shared and cyclic references
// survive: a map that holds itself decodes to a map that holds itself. The
// scope's nodes come first and are encoded once per scope. Decoding is
// encoding/json plus one pass that restores the references; nothing is
// generated or evaluated. A node is an array whose first element is its
// tag:
//
//	["s","text"]  string                ["S","<base64>"]  string of invalid UTF-8
//	["i","-3"]    int64                 ["u","7"]         uint64
//	["f","NaN"]   float64 (-0, ±Inf)    ["c","(1+2i)"]    complex128
//	["b",true]    bool                  ["n"]             nil
//	["d","1500"]  time.Duration (ns)    ["l",4]           slog.Level
//	["t","<unix s>",ns,"Europe/Paris",3600]             time.Time and its location
//	["x","<base64>"] or ["x",null]      []byte, nil kept apart from empty
//	["I","12345678901234567890"]        *big.Int    ["R","1/3"] *big.Rat
//	["F","0x1p-2",53,0]                 *big.Float, exact, with precision and mode
//	["g",["k",1,...]]                   a slog group
//	["a",[1,2]] or ["a",null]           a slice or array
//	["m",[k1,v1,...]] or ["m",null]     a map; keys in sorted order
//	["o","pkg.T",["Field",1,...]]       a struct's exported fields
//	["e","msg","*pkg.T",[1,2],true,"stack",["Op",3]]  an error, what it wraps,
//	                                    whether that is a join, its %+v stack
//	                                    and its exported fields
//
// Decode gives back slog kinds for the attrs' own values; within KindAny
// values it gives []any for slices, map[string]any (or map[any]any for
// other keys) for maps, *Object for structs and *DecodedError for errors.
// Pointers are followed: a pointer is written as what it points to. Two
// references to one map, slice, struct (through pointers), error or big
// number share a node.
//
// Wherever a string stands (a message, a key, a type name) one that is not
// valid UTF-8 is written as the index of an "S" node, so nothing is lost.
// What the pool cannot hold is written as a string marker and counted as a
// codec fallback: a func or channel, a panicking Error or MarshalText.
// It is safe for concurrent use.
type StructuredCodec struct{}

var _ loggerjs.Codec = (*StructuredCodec)(nil)

// Structured returns a structured codec.
func Structured() *StructuredCodec { return &StructuredCodec{} }

// ContentType returns "application/x-ndjson".
func (c *StructuredCodec) ContentType() string { return "application/x-ndjson" }

// structuredVersion is the format's version, the "v" of every line.
const structuredVersion = 1

// Append appends r as one line of JSON and a newline.
func (c *StructuredCodec) Append(dst []byte, r *loggerjs.Record) []byte {
	sc := c.scope(r.Scope)
	qp := structQueues.Get().(*[]structItem)
	e := structEncoder{r: r, base: sc.n, queue: (*qp)[:0]}
	defer func() {
		if cap(e.queue) <= 1024 {
			clear(e.queue)
			*qp = e.queue[:0]
			structQueues.Put(qp)
		}
	}()
	dst = append(dst, `{"v":1,"time":`...)
	dst = strconv.AppendInt(dst, int64(e.ref(slog.TimeValue(r.Time.Round(0)))), 10)
	dst = append(dst, `,"level":`...)
	dst = strconv.AppendInt(dst, int64(r.Level), 10)
	dst = append(dst, `,"msg":`...)
	dst = e.str(dst, r.Message())
	if len(r.Category) > 0 {
		dst = append(dst, `,"logger":[`...)
		for i, name := range r.Category {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.str(dst, name)
		}
		dst = append(dst, ']')
	}
	if r.Source != "" {
		dst = append(dst, `,"src":`...)
		dst = e.str(dst, r.Source)
	}
	dst = append(dst, `,"seq":`...)
	dst = strconv.AppendUint(dst, r.Seq, 10)
	if len(sc.links) > 0 {
		dst = append(dst, `,"scope":`...)
		dst = append(dst, sc.links...)
	}
	if r.NumRootAttrs() > 0 {
		dst = append(dst, `,"root":`...)
		dst = e.attrs(dst, r.NumRootAttrs(), r.RootAttr)
	}
	if r.NumAttrs() > 0 {
		dst = append(dst, `,"attrs":`...)
		dst = e.attrs(dst, r.NumAttrs(), r.Attr)
	}
	dst = append(dst, `,"pool":[`...)
	dst = append(dst, sc.pool...)
	if len(sc.pool) > 0 {
		dst = append(dst, ',')
	}
	dst = e.flush(dst)
	return append(dst, "]}\n"...)
}

// structQueues holds the node queues of finished Appends.
var structQueues = sync.Pool{New: func() any {
	q := make([]structItem, 0, 32)
	return &q
}}

// structScope is the encoded form of a bound scope: its links and the pool
// nodes they refer to, which come first in every record's pool.
type structScope struct {
	links []byte // [{"g":"name"},{"a":["k",0]}]
	pool  []byte // nodes, comma-separated
	n     int    // number of nodes
}

var emptyStructScope = &structScope{}

func (c *StructuredCodec) scope(sc *loggerjs.Scope) *structScope {
	return cachedScope(c, sc, emptyStructScope, c.buildScope)
}

func (c *StructuredCodec) buildScope(sc *loggerjs.Scope) any {
	parent := c.scope(sc.Parent())
	links := append([]byte(nil), parent.links...)
	if len(links) == 0 {
		links = append(links, '[')
	} else {
		links[len(links)-1] = ','
	}
	e := structEncoder{base: parent.n, scope: true}
	if g := sc.Group(); g != "" {
		links = append(links, `{"g":`...)
		links = e.str(links, g)
	} else {
		links = append(links, `{"a":`...)
		attrs := sc.Attrs()
		links = e.attrs(links, len(attrs), func(i int) slog.Attr { return attrs[i] })
	}
	links = append(links, "}]"...)
	pool := append([]byte(nil), parent.pool...)
	if e.n > 0 {
		if len(pool) > 0 {
			pool = append(pool, ',')
		}
		pool = e.flush(pool)
	}
	return &structScope{links: links, pool: pool, n: parent.n + e.n}
}

// structEncoder assigns pool indexes to values and writes their nodes.
// Nodes are written in the order their indexes were given, breadth first,
// so a node can refer to nodes not yet written.
type structEncoder struct {
	r     *loggerjs.Record // nil while a scope is encoded
	base  int              // index of the first node this encoder writes
	n     int              // nodes given an index so far
	queue []structItem     // values given an index, in index order
	done  int              // nodes written
	memo  map[memoKey]int
	depth int  // depth of the values ref gives an index now
	over  int  // index of the shared markerTooMany node, or 0 for none yet
	scope bool // encoding a scope, which may fill half the pool

	errNodes int // error nodes written, bounded by maxErrorNodes
}

// memoKey identifies a value that others may share: a pointer, map or
// slice by its address and type.
type memoKey struct {
	ptr uintptr
	len int
	typ reflect.Type
}

// structItem is a value given a pool index, and how deep it is: 0 for
// the value of a record's attr, one more for what a group or container
// holds.
type structItem struct {
	v     slog.Value
	depth int
}

// maxStructNodes bounds the nodes one record's pool may hold, scope
// included. Past it, every further reference is to one node holding
// markerTooMany.
const maxStructNodes = 1 << 16

// maxNumberText bounds the digits of a big.Int or big.Rat the codec
// writes, as Decode reads them.
const maxNumberText = 1 << 16

func (e *structEncoder) fallback() { e.r.CodecFallback() }

// str appends s as a JSON string or, when s is not valid UTF-8 (which a
// JSON string cannot hold), as the index of an "S" node holding it.
func (e *structEncoder) str(dst []byte, s string) []byte {
	if !utf8.ValidString(s) {
		return strconv.AppendInt(dst, int64(e.ref(slog.StringValue(s))), 10)
	}
	dst, _ = appendJSONString(dst, s)
	return dst
}

// attrs appends ["key",ref,...] for n attrs.
func (e *structEncoder) attrs(dst []byte, n int, at func(int) slog.Attr) []byte {
	dst = append(dst, '[')
	for i := range n {
		a := at(i)
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = e.str(dst, a.Key)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(e.ref(a.Value)), 10)
	}
	return append(dst, ']')
}

// ref gives v a pool index, reusing the index of a value it shares.
func (e *structEncoder) ref(v slog.Value) int {
	if v.Kind() == slog.KindAny {
		if k, ok := e.key(v.Any()); ok {
			if i, ok := e.memo[k]; ok {
				return i
			}
			if e.memo == nil {
				e.memo = map[memoKey]int{}
			}
			e.memo[k] = e.base + e.n
		}
	}
	i := e.base + e.n
	if i >= e.maxNodes()-1 {
		return e.overflow(v)
	}
	e.n++
	e.queue = append(e.queue, structItem{v, e.depth})
	return i
}

// maxNodes returns the pool size the encoder may fill: a scope half of
// it, so that a record's own nodes, its time first, always have room.
func (e *structEncoder) maxNodes() int {
	if e.scope {
		return maxStructNodes / 2
	}
	return maxStructNodes
}

// overflow returns the index of the node that stands for every value past
// maxStructNodes, which the last free index holds.
func (e *structEncoder) overflow(v slog.Value) int {
	if v.Kind() == slog.KindAny {
		if k, ok := e.key(v.Any()); ok {
			delete(e.memo, k)
		}
	}
	if e.over == 0 {
		e.fallback()
		e.over = e.base + e.n
		e.n++
		e.queue = append(e.queue, structItem{slog.StringValue(markerTooMany), 0})
	}
	return e.over
}

// key returns the identity of x when it has one that Decode keeps: a map,
// a non-empty slice, a pointer to a struct, error or big number (after
// following pointers to pointers and interfaces). Two references to one
// such value share a node.
func (e *structEncoder) key(x any) (memoKey, bool) {
	v := reflect.ValueOf(x)
	for range maxPointerChain {
		if !v.IsValid() {
			return memoKey{}, false
		}
		t := v.Type()
		switch v.Kind() {
		case reflect.Interface:
			if v.IsNil() {
				return memoKey{}, false
			}
			v = v.Elem()
			continue
		case reflect.Map:
			if v.IsNil() {
				return memoKey{}, false
			}
			return memoKey{ptr: uintptr(v.UnsafePointer()), typ: t}, true
		case reflect.Slice:
			if v.IsNil() || v.Len() == 0 {
				return memoKey{}, false
			}
			return memoKey{ptr: uintptr(v.UnsafePointer()), len: v.Len(), typ: t}, true
		case reflect.Pointer:
			if v.IsNil() {
				return memoKey{}, false
			}
			if t.Implements(errorType) || t == bigIntType || t == bigRatType || t == bigFloatType || t == objectType {
				return memoKey{ptr: uintptr(v.UnsafePointer()), typ: t}, true
			}
			elem := v.Elem()
			switch elem.Kind() {
			case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
				v = elem
				continue
			case reflect.Struct:
				et := elem.Type()
				if et == timeType || et == valueType || et.Implements(textType) && !hasExportedFields(et) {
					return memoKey{}, false
				}
				return memoKey{ptr: uintptr(v.UnsafePointer()), typ: t}, true
			}
		}
		return memoKey{}, false
	}
	return memoKey{}, false
}

// flush writes every node given an index and not yet written.
func (e *structEncoder) flush(dst []byte) []byte {
	for e.done < len(e.queue) {
		if e.done > 0 {
			dst = append(dst, ',')
		}
		it := e.queue[e.done]
		e.queue[e.done] = structItem{}
		e.done++
		e.depth = it.depth + 1
		v := resolveValue(e.r, it.v)
		if it.depth >= maxDepth && v.Kind() == slog.KindGroup {
			// Decode reads no deeper.
			dst = e.marker(dst, markerTooDeep)
			continue
		}
		dst = e.node(dst, v)
	}
	return dst
}

// node appends the node of one value.
func (e *structEncoder) node(dst []byte, v slog.Value) []byte {
	v = resolveValue(e.r, v)
	switch v.Kind() {
	case slog.KindString:
		return e.stringNode(dst, v.String())
	case slog.KindInt64:
		return numEnd(strconv.AppendInt(numStart(dst, 'i'), v.Int64(), 10))
	case slog.KindUint64:
		return numEnd(strconv.AppendUint(numStart(dst, 'u'), v.Uint64(), 10))
	case slog.KindFloat64:
		return numEnd(strconv.AppendFloat(numStart(dst, 'f'), v.Float64(), 'g', -1, 64))
	case slog.KindBool:
		if v.Bool() {
			return append(dst, `["b",true]`...)
		}
		return append(dst, `["b",false]`...)
	case slog.KindDuration:
		return numEnd(strconv.AppendInt(numStart(dst, 'd'), int64(v.Duration()), 10))
	case slog.KindTime:
		return e.timeNode(dst, v.Time())
	case slog.KindGroup:
		attrs := v.Group()
		dst = append(dst, `["g",`...)
		dst = e.attrs(dst, len(attrs), func(i int) slog.Attr { return attrs[i] })
		return append(dst, ']')
	case slog.KindAny:
		return e.anyNode(dst, v.Any())
	}
	return e.stringNode(dst, v.String())
}

func (e *structEncoder) stringNode(dst []byte, s string) []byte {
	if !utf8.ValidString(s) {
		dst = append(dst, `["S","`...)
		dst = base64.StdEncoding.AppendEncode(dst, []byte(s))
		return append(dst, `"]`...)
	}
	dst = append(dst, `["s",`...)
	dst, _ = appendJSONString(dst, s)
	return append(dst, ']')
}

// numStart and numEnd surround a number written as text: ["i","-3"].
func numStart(dst []byte, tag byte) []byte { return append(dst, '[', '"', tag, '"', ',', '"') }

func numEnd(dst []byte) []byte { return append(dst, '"', ']') }

func (e *structEncoder) timeNode(dst []byte, t time.Time) []byte {
	name, offset := t.Zone()
	locName := t.Location().String()
	dst = append(dst, `["t","`...)
	dst = strconv.AppendInt(dst, t.Unix(), 10)
	dst = append(dst, `",`...)
	dst = strconv.AppendInt(dst, int64(t.Nanosecond()), 10)
	dst = append(dst, ',')
	dst = e.str(dst, locName)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, int64(offset), 10)
	if name != locName {
		dst = append(dst, ',')
		dst = e.str(dst, name)
	}
	return append(dst, ']')
}

func (e *structEncoder) marker(dst []byte, text string) []byte {
	e.fallback()
	return e.stringNode(dst, text)
}

// anyNode appends the node of a KindAny value, turning a panic into a
// marker.
func (e *structEncoder) anyNode(dst []byte, x any) (out []byte) {
	n, q := len(dst), len(e.queue)
	defer func() {
		if p := recover(); p != nil {
			// Nodes promised by the failed one are dropped.
			e.queue = e.queue[:q]
			e.n = q
			if e.over >= e.base+q {
				e.over = 0
			}
			for k, i := range e.memo {
				if i >= e.base+q {
					delete(e.memo, k)
				}
			}
			out = e.marker(dst[:n], "!PANIC: "+fmt.Sprint(p))
		}
	}()
	return e.reflectNode(dst, reflect.ValueOf(x), 0)
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	levelType    = reflect.TypeFor[slog.Level]()
	errorType    = reflect.TypeFor[error]()
	textType     = reflect.TypeFor[encoding.TextMarshaler]()
	bigIntType   = reflect.TypeFor[*big.Int]()
	bigRatType   = reflect.TypeFor[*big.Rat]()
	bigFloatType = reflect.TypeFor[*big.Float]()
	valueType    = reflect.TypeFor[slog.Value]()
	objectType   = reflect.TypeFor[*Object]()
)

// maxPointerChain bounds pointers to pointers followed at one node.
const maxPointerChain = 64

func (e *structEncoder) reflectNode(dst []byte, v reflect.Value, hops int) []byte {
	if !v.IsValid() {
		return append(dst, `["n"]`...)
	}
	t := v.Type()
	switch t {
	case timeType:
		return e.timeNode(dst, v.Interface().(time.Time))
	case durationType:
		return numEnd(strconv.AppendInt(numStart(dst, 'd'), v.Int(), 10))
	case levelType:
		dst = append(dst, `["l",`...)
		dst = strconv.AppendInt(dst, v.Int(), 10)
		return append(dst, ']')
	case bigIntType:
		if v.IsNil() {
			return append(dst, `["n"]`...)
		}
		n := v.Interface().(*big.Int)
		if n.BitLen() > maxNumberText*10/3 { // surely more than maxNumberText digits
			return e.marker(dst, markerNumberTooLong)
		}
		text := n.String()
		if len(text) > maxNumberText {
			return e.marker(dst, markerNumberTooLong)
		}
		return e.textNode(dst, 'I', text)
	case bigRatType:
		if v.IsNil() {
			return append(dst, `["n"]`...)
		}
		n := v.Interface().(*big.Rat)
		if n.Num().BitLen()+n.Denom().BitLen() > maxNumberText*10/3 {
			return e.marker(dst, markerNumberTooLong)
		}
		text := n.String()
		if len(text) > maxNumberText {
			return e.marker(dst, markerNumberTooLong)
		}
		return e.textNode(dst, 'R', text)
	case bigFloatType:
		if v.IsNil() {
			return append(dst, `["n"]`...)
		}
		f := v.Interface().(*big.Float)
		if f.Prec() > maxDecodedPrec {
			return e.marker(dst, markerNumberTooLong)
		}
		dst = append(dst, `["F",`...)
		dst, _ = appendJSONString(dst, f.Text('p', 0))
		dst = append(dst, ',')
		dst = strconv.AppendUint(dst, uint64(f.Prec()), 10)
		dst = append(dst, ',')
		dst = strconv.AppendUint(dst, uint64(f.Mode()), 10)
		return append(dst, ']')
	case valueType:
		return e.node(dst, v.Interface().(slog.Value))
	case objectType:
		if v.IsNil() {
			return append(dst, `["n"]`...)
		}
		return e.objectNode(dst, v.Interface().(*Object))
	}
	if t.Implements(errorType) && (t.Kind() != reflect.Pointer || !v.IsNil()) && t.Kind() != reflect.Interface {
		return e.errorNode(dst, v.Interface().(error))
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return append(dst, `["n"]`...)
		}
		if hops >= maxPointerChain {
			return e.marker(dst, "!ERROR: pointer chain too long")
		}
		return e.reflectNode(dst, v.Elem(), hops+1)
	case reflect.Interface:
		if v.IsNil() {
			return append(dst, `["n"]`...)
		}
		if hops >= maxPointerChain {
			return e.marker(dst, "!ERROR: pointer chain too long")
		}
		return e.reflectNode(dst, v.Elem(), hops+1)
	case reflect.String:
		return e.stringNode(dst, v.String())
	case reflect.Bool:
		if v.Bool() {
			return append(dst, `["b",true]`...)
		}
		return append(dst, `["b",false]`...)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return numEnd(strconv.AppendInt(numStart(dst, 'i'), v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return numEnd(strconv.AppendUint(numStart(dst, 'u'), v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		return numEnd(strconv.AppendFloat(numStart(dst, 'f'), v.Float(), 'g', -1, t.Bits()))
	case reflect.Complex64, reflect.Complex128:
		return e.textNode(dst, 'c', strconv.FormatComplex(v.Complex(), 'g', -1, t.Bits()))
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			if v.IsNil() {
				return append(dst, `["x",null]`...)
			}
			dst = append(dst, `["x","`...)
			dst = base64.StdEncoding.AppendEncode(dst, v.Bytes())
			return append(dst, `"]`...)
		}
		if v.IsNil() {
			return append(dst, `["a",null]`...)
		}
		return e.listNode(dst, v)
	case reflect.Array:
		return e.listNode(dst, v)
	case reflect.Map:
		if v.IsNil() {
			return append(dst, `["m",null]`...)
		}
		return e.mapNode(dst, v)
	case reflect.Struct:
		if t.Implements(textType) && !hasExportedFields(t) {
			return e.textMarshalerNode(dst, v)
		}
		return e.structNode(dst, v)
	}
	if t.Implements(textType) {
		return e.textMarshalerNode(dst, v)
	}
	return e.marker(dst, "!ERROR: unsupported type "+t.String())
}

func hasExportedFields(t reflect.Type) bool {
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			return true
		}
	}
	return false
}

func (e *structEncoder) textNode(dst []byte, tag byte, text string) []byte {
	dst = append(dst, '[', '"', tag, '"', ',')
	dst, _ = appendJSONString(dst, text)
	return append(dst, ']')
}

func (e *structEncoder) textMarshalerNode(dst []byte, v reflect.Value) []byte {
	b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
	if err != nil {
		return e.marker(dst, "!ERROR:"+e.r.RedactText(err.Error()))
	}
	return e.stringNode(dst, e.r.RedactText(string(b)))
}

// refAny gives a Go value a pool index.
func (e *structEncoder) refAny(v reflect.Value) int {
	if !v.IsValid() {
		return e.ref(slog.AnyValue(nil))
	}
	if !v.CanInterface() {
		e.fallback()
		return e.ref(slog.StringValue("!ERROR: unexported value"))
	}
	return e.ref(slog.AnyValue(v.Interface()))
}

func (e *structEncoder) listNode(dst []byte, v reflect.Value) []byte {
	dst = append(dst, `["a",[`...)
	for i := range v.Len() {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendInt(dst, int64(e.refAny(v.Index(i))), 10)
	}
	return append(dst, "]]"...)
}

func (e *structEncoder) mapNode(dst []byte, v reflect.Value) []byte {
	keys := v.MapKeys()
	slices.SortFunc(keys, compareKeys)
	dst = append(dst, `["m",[`...)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendInt(dst, int64(e.refAny(k)), 10)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(e.refAny(v.MapIndex(k))), 10)
	}
	return append(dst, "]]"...)
}

// compareKeys orders map keys so output is deterministic: by kind, then
// by value for the ordered kinds, then by their fmt text.
func compareKeys(a, b reflect.Value) int {
	if a.Kind() == reflect.Interface {
		a = a.Elem()
	}
	if b.Kind() == reflect.Interface {
		b = b.Elem()
	}
	if !a.IsValid() || !b.IsValid() {
		return cmp.Compare(boolInt(a.IsValid()), boolInt(b.IsValid()))
	}
	if c := cmp.Compare(a.Kind(), b.Kind()); c != 0 {
		return c
	}
	switch a.Kind() {
	case reflect.String:
		return cmp.Compare(a.String(), b.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(a.Uint(), b.Uint())
	case reflect.Float32, reflect.Float64:
		return cmp.Compare(a.Float(), b.Float())
	case reflect.Bool:
		return cmp.Compare(boolInt(a.Bool()), boolInt(b.Bool()))
	}
	return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (e *structEncoder) structNode(dst []byte, v reflect.Value) []byte {
	t := v.Type()
	dst = append(dst, `["o",`...)
	dst = e.str(dst, t.String())
	dst = append(dst, ",["...)
	first := true
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = e.str(dst, f.Name)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(e.refAny(v.Field(i))), 10)
	}
	return append(dst, "]]"...)
}

// objectNode writes a struct that Decode gave back.
func (e *structEncoder) objectNode(dst []byte, o *Object) []byte {
	dst = append(dst, `["o",`...)
	dst = e.str(dst, o.Type)
	dst = append(dst, ",["...)
	for i, f := range o.Fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = e.str(dst, f.Name)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(e.ref(slog.AnyValue(f.Value))), 10)
	}
	return append(dst, "]]"...)
}

// errorNode writes an error: its message, type, what it wraps and its
// stack (what %+v prints beyond the message).
func (e *structEncoder) errorNode(dst []byte, err error) []byte {
	if d, ok := err.(*DecodedError); ok {
		return e.errorParts(dst, d.Msg, d.Type, d.Wrapped, d.Joined, d.Stack, d.Fields)
	}
	msg, ok := safeErrorText(err)
	if !ok {
		e.fallback()
	}
	children, perr := unwrapErrors(err)
	if perr != "" {
		e.fallback()
	}
	_, joined := err.(interface{ Unwrap() []error })
	stack := ""
	if ok {
		stack = e.r.RedactText(errorStack(err, msg))
	}
	msg = e.r.RedactText(msg)
	return e.errorParts(dst, msg, reflect.TypeOf(err).String(), children, joined, stack, e.redactFields(errorFields(err)))
}

// errorFields returns the exported fields of an error that is a struct or
// a pointer to one (the Op and Path of an *fs.PathError).
func errorFields(err error) []ObjectField {
	v := reflect.ValueOf(err)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	var fields []ObjectField
	t := v.Type()
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			fields = append(fields, ObjectField{Name: f.Name, Value: v.Field(i).Interface()})
		}
	}
	return fields
}

// redactFields passes the fields of an error through the record's
// redaction as the text Name=value: a field whose name is a secret's has
// its value hidden, whatever its type, and a string field the secrets in
// its text.
func (e *structEncoder) redactFields(fields []ObjectField) []ObjectField {
	for i, f := range fields {
		text, isString := f.Value.(string)
		if !isString {
			text = "x"
		}
		pair := f.Name + "=" + text
		red := e.r.RedactText(pair)
		if red == pair {
			continue
		}
		if v, ok := strings.CutPrefix(red, f.Name+"="); ok {
			fields[i].Value = v
		} else {
			fields[i].Value = red
		}
	}
	return fields
}

func (e *structEncoder) errorParts(dst []byte, msg, typ string, children []error, joined bool, stack string, fields []ObjectField) []byte {
	e.errNodes++
	if e.errNodes > maxErrorNodes && (len(children) > 0 || len(fields) > 0) {
		e.fallback()
		children, fields = nil, nil
		msg += " !ERROR: error tree too large"
	}
	dst = append(dst, `["e",`...)
	dst = e.str(dst, msg)
	dst = append(dst, ',')
	dst = e.str(dst, typ)
	dst = append(dst, ",["...)
	first := true
	for _, c := range children {
		if c == nil {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = strconv.AppendInt(dst, int64(e.ref(slog.AnyValue(c))), 10)
	}
	dst = append(dst, ']')
	if joined || stack != "" || len(fields) > 0 {
		dst = append(dst, ',')
		dst = strconv.AppendBool(dst, joined)
	}
	if stack != "" || len(fields) > 0 {
		dst = append(dst, ',')
		dst = e.str(dst, stack)
	}
	if len(fields) > 0 {
		dst = append(dst, ",["...)
		for i, f := range fields {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.str(dst, f.Name)
			dst = append(dst, ',')
			dst = strconv.AppendInt(dst, int64(e.refAny(reflect.ValueOf(f.Value))), 10)
		}
		dst = append(dst, ']')
	}
	return append(dst, ']')
}

// DecodedError is an error as Decode gives it back: the message, the type
// name and the stack of the error that was logged, and the errors it
// wrapped, themselves DecodedErrors. errors.Is and errors.As walk Wrapped.
type DecodedError struct {
	// Msg is what Error returned.
	Msg string
	// Type is the Go type of the error that was logged ("*fs.PathError").
	Type string
	// Wrapped holds what the error's Unwrap returned.
	Wrapped []error
	// Joined reports that the error had Unwrap() []error, as errors.Join's
	// do, rather than Unwrap() error.
	Joined bool
	// Stack is what the error printed with %+v beyond its message, or "".
	Stack string
	// Fields holds the exported fields of an error that was a struct or a
	// pointer to one, such as the Op and Path of an *fs.PathError.
	Fields []ObjectField
}

// Error returns Msg.
func (e *DecodedError) Error() string { return e.Msg }

// Unwrap returns Wrapped.
func (e *DecodedError) Unwrap() []error { return e.Wrapped }

// Object is a struct value as Decode gives it back: the name of its type
// and its exported fields in order, with decoded values.
type Object struct {
	Type   string
	Fields []ObjectField
}

// ObjectField is one field of an Object.
type ObjectField struct {
	Name  string
	Value any
}

// Field returns the value of the named field and whether there is one.
func (o *Object) Field(name string) (any, bool) {
	for _, f := range o.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return nil, false
}

// The decoder is in structured_decode.go.
