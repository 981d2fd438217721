package loggerjs

import (
	"log/slog"
	"slices"
	"sync"
	"time"
)

// A Record is one log event as it passes through middleware to sinks: the
// fields of the slog.Record that made it, plus its category, the bound
// scope of the logger that logged it, its source and a sequence number.
//
// Records are pooled: a Record handed to Middleware.Process or Sink.Write
// is valid only until that call returns. A sink that keeps one past Write
// keeps r.Clone() instead.
type Record struct {
	// Time is when the record was logged; zero when the caller gave none.
	Time time.Time
	// Level is the record's level. Middleware may change it.
	Level slog.Level
	// PC is the program counter of the logging call, or 0.
	PC uintptr
	// Category is the record's category, outermost name first. It is
	// shared: never modify its elements.
	Category []string
	// Scope holds the attrs and groups bound to the logger. It is shared
	// and immutable; middleware that must change bound attrs replaces it.
	Scope *Scope
	// Source is "" for the application's own records and names the
	// producer otherwise ("integration:zap", "loggerjs" for meta records).
	Source string
	// Seq numbers records in the order their handler tree received them,
	// so records with equal times keep their order.
	Seq uint64
	// Err is the record's error slot: the first error-valued attr logged
	// with the record, or else the first bound in its scope. The attr stays
	// among the record's attrs too.
	Err error

	msg        string
	lazy       func() string // pending lazy message
	lazyMsg    string        // what lazy returned, once it ran
	lazyRan    bool
	catName    string
	attrs      []slog.Attr
	shared     bool // attrs belongs to another record: copy before writing
	root       []slog.Attr
	rootShared bool
	eng        *engine
	textRd     Redactor // the redactor RedactText applies; see textRdSet
	textRdSet  bool     // textRd was set by the handler (nil then means none)
	pooled     bool
	inline     [8]slog.Attr
}

var recordPool = sync.Pool{New: func() any { return new(Record) }}

// maxPooledAttrs bounds the attr capacity a pooled record keeps, so one
// huge record does not pin memory in the pool (go.dev/issue/23199).
const maxPooledAttrs = 64

func getRecord() *Record {
	r := recordPool.Get().(*Record)
	r.pooled = true
	if r.attrs == nil {
		r.attrs = r.inline[:0]
	}
	return r
}

// free returns r to the pool, keeping its attrs slice for the next record
// unless another record shares it or it grew too large.
func (r *Record) free() {
	if !r.pooled {
		return
	}
	attrs := r.attrs
	if r.shared || cap(attrs) > maxPooledAttrs {
		attrs = nil
	} else {
		clear(attrs)
		attrs = attrs[:0]
	}
	root := r.root
	if r.rootShared || cap(root) > maxPooledAttrs {
		root = nil
	} else {
		clear(root)
		root = root[:0]
	}
	*r = Record{attrs: attrs, root: root}
	recordPool.Put(r)
}

// NewRecord returns a Record with the time, level, message, PC and attrs
// of sr, an empty category and scope. It is for tests and for code that
// drives codecs and sinks directly; handlers build their records
// themselves.
func NewRecord(sr slog.Record) *Record {
	r := &Record{Time: sr.Time, Level: sr.Level, PC: sr.PC, msg: sr.Message}
	r.attrs = r.inline[:0]
	sr.Attrs(func(a slog.Attr) bool {
		r.attrs = append(r.attrs, a)
		return true
	})
	r.Err = firstError(r.attrs)
	return r
}

// SetCategory sets the record's category. A dot in a name separates
// segments, as everywhere a category is named. It is for records built
// with NewRecord.
func (r *Record) SetCategory(names ...string) {
	names = splitCategory(names)
	r.Category = names
	r.catName = joinCategory(names)
}

// CategoryName returns the dotted form of the category ("app.db"), or ""
// for the root.
func (r *Record) CategoryName() string { return r.catName }

// Message returns the record's message, computing it from the record's
// LazyMessage the first time it is asked for.
func (r *Record) Message() string {
	if r.lazy != nil {
		r.lazyMsg = resolveLazy(r.lazy)
		r.lazyRan = true
		r.lazy = nil
		r.msg = r.lazyMsg
	}
	return r.msg
}

// resolveLazy calls f, turning a panic into an inline marker.
func resolveLazy(f func() string) (s string) {
	defer func() {
		if p := recover(); p != nil {
			s = "!PANIC: lazy message: " + panicText(p)
		}
	}()
	return f()
}

// SetMessage replaces the record's message; a pending lazy message is
// discarded.
func (r *Record) SetMessage(msg string) {
	r.msg = msg
	r.lazy = nil
}

// HasLazyMessage reports whether the message is still to be computed.
func (r *Record) HasLazyMessage() bool { return r.lazy != nil }

// NumAttrs returns the number of attrs logged with the record (bound attrs
// are in Scope, not counted here).
func (r *Record) NumAttrs() int { return len(r.attrs) }

// Attr returns the i'th attr logged with the record.
func (r *Record) Attr(i int) slog.Attr { return r.attrs[i] }

// Attrs calls f on each attr logged with the record, in order, until f
// returns false.
func (r *Record) Attrs(f func(slog.Attr) bool) {
	for _, a := range r.attrs {
		if !f(a) {
			return
		}
	}
}

// SetAttr replaces the i'th attr. On a record shared with other sinks it
// copies the attrs first, so the others never see the change.
func (r *Record) SetAttr(i int, a slog.Attr) {
	r.own()
	r.attrs[i] = a
}

// AddAttrs appends attrs to the record.
func (r *Record) AddAttrs(attrs ...slog.Attr) {
	r.own()
	r.attrs = append(r.attrs, attrs...)
}

// RemoveAttr removes the i'th attr.
func (r *Record) RemoveAttr(i int) {
	r.own()
	r.attrs = slices.Delete(r.attrs, i, i+1)
}

// own makes the attrs slice the record's own before a write.
func (r *Record) own() {
	if !r.shared {
		return
	}
	r.attrs = append(r.inline[:0:len(r.inline)], r.attrs...)
	r.shared = false
}

// NumRootAttrs returns the number of root attrs: attrs that codecs write
// at the top level of the record, outside any group the logger opened
// (trace_id and span_id, request ids from the context).
func (r *Record) NumRootAttrs() int { return len(r.root) }

// RootAttr returns the i'th root attr.
func (r *Record) RootAttr(i int) slog.Attr { return r.root[i] }

// RootAttrs calls f on each root attr, in order, until f returns false.
func (r *Record) RootAttrs(f func(slog.Attr) bool) {
	for _, a := range r.root {
		if !f(a) {
			return
		}
	}
}

// AddRootAttrs appends attrs that codecs write at the top level of the
// record, outside the groups of the logger's scope.
func (r *Record) AddRootAttrs(attrs ...slog.Attr) {
	r.ownRoot()
	r.root = append(r.root, attrs...)
}

// SetRootAttr replaces the i'th root attr.
func (r *Record) SetRootAttr(i int, a slog.Attr) {
	r.ownRoot()
	r.root[i] = a
}

// RemoveRootAttr removes the i'th root attr.
func (r *Record) RemoveRootAttr(i int) {
	r.ownRoot()
	r.root = slices.Delete(r.root, i, i+1)
}

func (r *Record) ownRoot() {
	if r.rootShared {
		r.root = slices.Clone(r.root)
		r.rootShared = false
	}
}

// Clone returns a copy of r that is not pooled and shares nothing mutable
// with it, for sinks that keep records past Write.
func (r *Record) Clone() *Record {
	r.Message() // a lazy message runs at most once: resolve it for both
	c := &Record{}
	*c = *r
	c.pooled = false
	c.shared = false
	c.rootShared = false
	c.root = slices.Clone(r.root)
	c.inline = [8]slog.Attr{}
	if len(r.attrs) <= len(c.inline) {
		c.attrs = append(c.inline[:0:len(c.inline)], r.attrs...)
	} else {
		c.attrs = slices.Clone(r.attrs)
	}
	return c
}

// view returns a pooled shallow copy of r whose attrs are shared with r
// and copied on the first write: what per-sink middleware sees.
func (r *Record) view() *Record {
	v := recordPool.Get().(*Record)
	*v = *r
	v.pooled = true
	v.shared = true
	v.rootShared = true
	return v
}

// changedFrom reports whether r, a view of orig, was given attrs, root
// attrs, a scope or a message of its own.
func (r *Record) changedFrom(orig *Record) bool {
	return !r.shared || !r.rootShared || r.Scope != orig.Scope || r.msg != orig.msg
}

// SlogRecord returns a slog.Record with r's time, level, message, PC and
// attrs (root attrs first). Category and scope are not included: a sink that hands records to
// a slog.Handler replays the scope with WithAttrs and WithGroup.
func (r *Record) SlogRecord() slog.Record {
	sr := slog.NewRecord(r.Time, r.Level, r.Message(), r.PC)
	sr.AddAttrs(r.root...)
	sr.AddAttrs(r.attrs...)
	return sr
}

// RedactText hides secrets in text that a codec obtained from the
// record's values after redaction ran: the output of a MarshalJSON,
// MarshalText, String, Error or Format method, or of fmt's %+v. User
// methods may print what the redactor could not see, so a codec passes
// their output through RedactText before writing it. It applies the
// Redactor of the handler tree the record went through (none when that
// tree turned redaction off with NoRedaction); for a nil Record (bound
// attrs encoded once per logger) or one that did not come through a
// handler, it applies the default redaction, so that text is never
// written unchecked.
func (r *Record) RedactText(s string) string {
	rd := defaultRedactor
	if r != nil && r.textRdSet {
		rd = r.textRd
	}
	if rd == nil || s == "" {
		return s
	}
	if red, ok := redactText(rd, s); ok {
		return red
	}
	return s
}

// redactText applies rd's message redaction to s. A panicking redactor
// fails closed: the whole text is replaced by a marker.
func redactText(rd Redactor, s string) (out string, changed bool) {
	defer func() {
		if p := recover(); p != nil {
			out, changed = "!ERROR: redactor panicked; text withheld", true
		}
	}()
	return rd.RedactMessage(s)
}

// CodecFallback records that a codec could not encode a value of r and
// wrote an error marker in its place. Codecs call it; it is counted in
// Stats as CodecFallbacks. On a nil *Record (a value bound to a logger's
// scope, encoded once for all its records) it counts process-wide.
func (r *Record) CodecFallback() {
	if r != nil && r.eng != nil {
		r.eng.count(counterCodecFallback)
	} else {
		processCounters[counterCodecFallback].Add(1)
	}
}
