package slogtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A suiteCase is one named subtest of the suite.
type suiteCase struct {
	name string
	run  func(s *suiteT)
}

var cases = []suiteCase{
	{"SiblingsIsolated", siblingsIsolated},
	{"WithAttrsSliceNotRetained", withAttrsSliceNotRetained},
	{"RetainedRecordCloned", retainedRecordCloned},
	{"EnabledFalseWritesNothing", enabledFalseWritesNothing},
	{"EnabledTrueWritesRecord", enabledTrueWritesRecord},
	{"EmptyGroupNameAndNilAttrs", emptyGroupNameAndNilAttrs},
	{"EmptyGroupsOmitted", emptyGroupsOmitted},
	{"LogValuerResolvedOnce", logValuerResolvedOnce},
	{"EmbeddedHandlerWrapped", embeddedHandlerWrapped},
	{"ValuesReadable", valuesReadable},
	{"Concurrent8000", concurrent8000},
}

// recordTime is the time of the records the cases make, so that two
// records logged differently can be compared.
var recordTime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// log hands h a record at Info, as a *slog.Logger would: only when h is
// enabled for it. It reports whether it did.
func (s *suiteT) log(h slog.Handler, msg string, attrs ...slog.Attr) {
	if err := logTo(h, msg, attrs...); err != nil {
		s.Error(err)
	}
}

func logTo(h slog.Handler, msg string, attrs ...slog.Attr) error {
	ctx := context.Background()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return fmt.Errorf("a handler is not enabled for INFO (logging %q); the suite needs handlers that are enabled for INFO and above", msg)
	}
	r := slog.NewRecord(recordTime, slog.LevelInfo, msg, 0)
	r.AddAttrs(attrs...)
	if err := h.Handle(ctx, r); err != nil {
		return fmt.Errorf("the handler's Handle of %q returned an error: %v", msg, err)
	}
	return nil
}

// expect is what one record must hold: the values at paths, and paths it
// must not have.
type expect struct {
	msg    string
	want   []pathValue
	absent [][]string
	not    []pathValue // values a path must not have
}

type pathValue struct {
	path  []string
	value any
}

func at(value any, path ...string) pathValue { return pathValue{path, value} }

func paths(ps ...[]string) [][]string { return ps }

func p(keys ...string) []string { return keys }

// problems checks the records against exps and describes what is wrong.
func problems(recs []map[string]any, exps []expect) []string {
	var out []string
	for _, e := range exps {
		got := byMessage(recs, e.msg)
		if len(got) != 1 {
			out = append(out, fmt.Sprintf("the record %q was written %d times, want once", e.msg, len(got)))
			continue
		}
		r := got[0]
		for _, w := range e.want {
			v, ok := lookup(r, w.path...)
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("record %q: %s is missing, want %v; record: %v", e.msg, pathString(w.path), w.value, r))
			case !sameValue(v, w.value):
				out = append(out, fmt.Sprintf("record %q: %s is %v, want %v; record: %v", e.msg, pathString(w.path), v, w.value, r))
			}
		}
		for _, a := range e.absent {
			if v, ok := lookup(r, a...); ok {
				out = append(out, fmt.Sprintf("record %q: %s is %v, want no such key; record: %v", e.msg, pathString(a), v, r))
			}
		}
		for _, n := range e.not {
			if v, ok := lookup(r, n.path...); ok && sameValue(v, n.value) {
				out = append(out, fmt.Sprintf("record %q: %s is %v; record: %v", e.msg, pathString(n.path), v, r))
			}
		}
	}
	return out
}

func (s *suiteT) report(what string, probs []string) {
	s.Helper()
	if len(probs) == 0 {
		return
	}
	const most = 10
	msg := strings.Join(probs[:min(len(probs), most)], "\n\t")
	if len(probs) > most {
		msg += fmt.Sprintf("\n\t… and %d more", len(probs)-most)
	}
	s.Errorf("%s:\n\t%s", what, msg)
}

// siblingsIsolated: handlers derived from one parent must not share
// state, as they do when WithAttrs or WithGroup appends to a slice of the
// parent that has spare capacity.
func siblingsIsolated(s *suiteT) {
	h := s.handler()
	var exps []expect
	for _, groups := range []bool{false, true} {
		for depth := range 5 {
			parent := h
			var prefix []string
			var bound []pathValue
			for i := range depth {
				if groups {
					name := fmt.Sprintf("g%d", i)
					parent = parent.WithGroup(name)
					prefix = append(prefix, name)
				} else {
					key := fmt.Sprintf("p%d", i)
					parent = parent.WithAttrs([]slog.Attr{slog.Int(key, i)})
					bound = append(bound, at(i, key))
				}
			}
			kind := map[bool]string{false: "WithAttrs", true: "WithGroup"}[groups]
			children := []struct {
				name string
				h    slog.Handler
			}{
				{"A", parent.WithAttrs([]slog.Attr{slog.String("sib", "A")})},
				{"B", parent.WithAttrs([]slog.Attr{slog.String("sib", "B")})},
				{"C", parent.WithGroup("C")},
				{"D", parent.WithGroup("D")},
			}
			under := func(keys ...string) []string {
				return append(slices.Clone(prefix), keys...)
			}
			for _, c := range children {
				msg := fmt.Sprintf("%d×%s then %s", depth, kind, c.name)
				s.log(c.h, msg, slog.String("x", c.name))
				e := expect{msg: msg, want: slices.Clone(bound)}
				switch c.name {
				case "A", "B":
					e.want = append(e.want, at(c.name, under("sib")...), at(c.name, under("x")...))
					e.absent = paths(under("C"), under("D"))
				case "C", "D":
					other := map[string]string{"C": "D", "D": "C"}[c.name]
					e.want = append(e.want, at(c.name, under(c.name, "x")...))
					e.absent = paths(under("sib"), under(other), under("x"))
				}
				exps = append(exps, e)
			}
		}
	}
	s.report("handlers derived from one parent did not write their own attrs and groups, or wrote a sibling's (often a shared backing array: WithAttrs and WithGroup must copy the parent's slices, e.g. with slices.Clip, before appending)",
		problems(s.written(), exps))

	// Then concurrently: siblings made and used at once from one parent
	// whose slices likely have spare capacity.
	h = s.handler()
	parent := h.WithAttrs([]slog.Attr{slog.Int("p0", 0)}).
		WithAttrs([]slog.Attr{slog.Int("p1", 1)}).
		WithAttrs([]slog.Attr{slog.Int("p2", 2)}).
		WithGroup("cg")
	const goroutines, each = 8, 50
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					errs[g] = fmt.Errorf("the handler panicked: %v", p)
				}
			}()
			<-start
			var child slog.Handler
			if g%2 == 0 {
				child = parent.WithAttrs([]slog.Attr{slog.Int("sib", g)})
			} else {
				child = parent.WithGroup(fmt.Sprintf("G%d", g)).WithAttrs([]slog.Attr{slog.Int("sib", g)})
			}
			for i := range each {
				if err := logTo(child, fmt.Sprintf("concurrent sibling %d #%d", g, i), slog.Int("n", i)); err != nil {
					errs[g] = err
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		s.Fatal(err)
	}
	exps = exps[:0]
	for g := range goroutines {
		in := []string{"cg"}
		if g%2 == 1 {
			in = append(in, fmt.Sprintf("G%d", g))
		}
		for i := range each {
			exps = append(exps, expect{
				msg: fmt.Sprintf("concurrent sibling %d #%d", g, i),
				want: []pathValue{
					at(0, "p0"), at(1, "p1"), at(2, "p2"),
					at(g, append(slices.Clone(in), "sib")...),
					at(i, append(slices.Clone(in), "n")...),
				},
			})
		}
	}
	s.report("handlers derived and used concurrently from one parent did not write their own attrs and groups, or wrote a sibling's (often a shared backing array)",
		problems(s.written(), exps))
}

// withAttrsSliceNotRetained: the slice given to WithAttrs belongs to the
// caller, before and after the call.
func withAttrsSliceNotRetained(s *suiteT) {
	h := s.handler()
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.String("a", "one"), slog.Group("empty"), slog.String("b", "two"))
	before := slices.Clone(attrs)
	h1 := h.WithAttrs(attrs)
	if !slices.EqualFunc(attrs, before, slog.Attr.Equal) {
		s.Errorf("WithAttrs modified the slice passed to it: before %v, after %v", before, attrs)
	}
	attrs[0] = slog.String("a", "changed")
	attrs[1] = slog.String("empty", "changed")
	attrs[2] = slog.String("b", "changed")
	// The spare capacity too, where a handler that appended to the
	// caller's slice would have put its own attrs.
	_ = append(attrs, slog.String("c", "appended"))

	inGroup := []slog.Attr{slog.Int("n", 3)}
	h2 := h.WithGroup("g").WithAttrs(inGroup)
	inGroup[0] = slog.Int("n", 99)

	s.log(h1, "bound at top")
	s.log(h2, "bound in group")
	s.report("the attrs written changed when the caller modified the slice it had passed to WithAttrs: the handler kept the caller's slice instead of copying it",
		problems(s.written(), []expect{
			// Whether the empty group is written is EmptyGroupsOmitted's
			// concern; here it must not have become the caller's new attr.
			{msg: "bound at top", want: []pathValue{at("one", "a"), at("two", "b")}, absent: paths(p("c")), not: []pathValue{at("changed", "empty")}},
			{msg: "bound in group", want: []pathValue{at(3, "g", "n")}},
		}))
}

// retainedRecordCloned: a handler that keeps the record past Handle must
// keep a Clone. A copy shares the attrs beyond the first five with the
// caller's record, so the caller adding attrs after Handle returns writes
// into the array the copy reads, and slog marks the copy's own additions
// with a "!BUG" attr.
func retainedRecordCloned(s *suiteT) {
	h := s.handler().WithAttrs([]slog.Attr{slog.String("bound", "yes")})
	ctx := context.Background()
	if !h.Enabled(ctx, slog.LevelInfo) {
		s.Fatal("the handler is not enabled for INFO; the suite needs a handler enabled for INFO and above")
	}
	r := slog.NewRecord(recordTime, slog.LevelInfo, "retained", 0)
	// One at a time, so that the array beyond the first five attrs grows
	// by appending and ends with spare capacity.
	for i := range 8 {
		r.AddAttrs(slog.Int(fmt.Sprintf("r%d", i), i))
	}
	if err := h.Handle(ctx, r); err != nil {
		s.Errorf("Handle returned an error: %v", err)
	}
	// One attr, which fits the spare capacity: the array is shared with
	// any copy the handler kept.
	r.AddAttrs(slog.String("after", "handle"))
	r.Message = "changed after Handle"
	r.Level = slog.LevelError

	want := []pathValue{at("yes", "bound")}
	for i := range 8 {
		want = append(want, at(i, fmt.Sprintf("r%d", i)))
	}
	recs := s.written()
	if len(byMessage(recs, "changed after Handle")) > 0 {
		s.Errorf("the handler wrote the message the caller set after Handle returned: it kept a pointer to the caller's record%s", show(recs))
	}
	s.report("what was written changed when the caller modified its slog.Record after Handle returned: a handler that keeps a record past Handle must keep r.Clone(), not a copy of r, which shares r's attrs",
		problems(recs, []expect{{msg: "retained", want: want, absent: paths(p("after"), p("!BUG"))}}))
}

var enabledLevels = []slog.Level{-8, -4, -2, 0, 2, 4, 8, 12}

type enabledRun struct {
	enabled map[slog.Level]bool
	names   []string
	recs    []map[string]any
}

func enabledMessage(how string, l slog.Level) string {
	return fmt.Sprintf("enabled check through %s at %v", how, l)
}

// logEveryLevel logs one record at each level through a *slog.Logger over
// the handler and over handlers derived from it.
func (s *suiteT) logEveryLevel() enabledRun {
	h := s.handler()
	ctx := context.Background()
	run := enabledRun{enabled: map[slog.Level]bool{}}
	for _, l := range enabledLevels {
		run.enabled[l] = h.Enabled(ctx, l)
	}
	if !run.enabled[slog.LevelInfo] {
		s.Fatal("the handler is not enabled for INFO; the suite needs a handler enabled for INFO and above")
	}
	loggers := []struct {
		name string
		l    *slog.Logger
	}{
		{"the handler", slog.New(h)},
		{"the handler's WithAttrs", slog.New(h.WithAttrs([]slog.Attr{slog.Int("w", 1)}))},
		{"the handler's WithGroup", slog.New(h.WithGroup("wg"))},
	}
	for _, lg := range loggers {
		run.names = append(run.names, lg.name)
		for _, l := range enabledLevels {
			lg.l.LogAttrs(ctx, l, enabledMessage(lg.name, l), slog.Int("k", 1))
		}
	}
	run.recs = s.written()
	return run
}

func enabledFalseWritesNothing(s *suiteT) {
	run := s.logEveryLevel()
	var probs []string
	for _, name := range run.names {
		for _, l := range enabledLevels {
			if run.enabled[l] {
				continue
			}
			if n := len(byMessage(run.recs, enabledMessage(name, l))); n > 0 {
				probs = append(probs, fmt.Sprintf("Enabled(%v) of the handler is false, yet a record at %v logged through %s was written", l, l, name))
			}
		}
	}
	s.report("records were written at levels the handler's Enabled rejects (a handler derived with WithAttrs or WithGroup lost the level filter: a wrapper must return itself, wrapped around the inner handler's WithAttrs, not the inner handler)", probs)
}

func enabledTrueWritesRecord(s *suiteT) {
	run := s.logEveryLevel()
	var probs []string
	for _, name := range run.names {
		for _, l := range enabledLevels {
			if !run.enabled[l] {
				continue
			}
			if n := len(byMessage(run.recs, enabledMessage(name, l))); n != 1 {
				probs = append(probs, fmt.Sprintf("Enabled(%v) of the handler is true, but the record at %v logged through %s was written %d times, want once", l, l, name, n))
			}
		}
	}
	s.report("records at levels the handler's Enabled accepts were not written (a handler that drops records on purpose documents it and skips this case)", probs)
}

// emptyGroupNameAndNilAttrs: WithGroup("") and WithAttrs of nothing return
// a handler that writes what the handler does.
func emptyGroupNameAndNilAttrs(s *suiteT) {
	h := s.handler()
	attrs := []slog.Attr{slog.String("k", "v"), slog.Group("grp", slog.Int("n", 1))}
	g := h.WithGroup("g")
	pairs := []struct {
		name        string
		derived, of slog.Handler
	}{
		{`WithGroup("")`, h.WithGroup(""), h},
		{"WithAttrs(nil)", h.WithAttrs(nil), h},
		{"WithAttrs([]slog.Attr{})", h.WithAttrs([]slog.Attr{}), h},
		{`WithGroup("").WithAttrs(nil).WithGroup("")`, h.WithGroup("").WithAttrs(nil).WithGroup(""), h},
		{`WithGroup("g").WithGroup("").WithAttrs(nil)`, g.WithGroup("").WithAttrs(nil), g},
	}
	for i, pr := range pairs {
		s.log(pr.derived, fmt.Sprintf("derived %d", i), attrs...)
		s.log(pr.of, fmt.Sprintf("reference %d", i), attrs...)
	}
	recs := s.written()
	var probs []string
	for i, pr := range pairs {
		d := byMessage(recs, fmt.Sprintf("derived %d", i))
		r := byMessage(recs, fmt.Sprintf("reference %d", i))
		if len(d) != 1 || len(r) != 1 {
			probs = append(probs, fmt.Sprintf("%s: %d records written through it and %d through the handler it was derived from, want one each", pr.name, len(d), len(r)))
			continue
		}
		if ok, diff := sameRecord(withoutMsg(d[0]), withoutMsg(r[0])); !ok {
			probs = append(probs, fmt.Sprintf("%s: %s\n\t\tgot  %v\n\t\twant %v", pr.name, diff, d[0], r[0]))
		}
	}
	s.report("WithGroup(\"\") or WithAttrs with no attrs changed what is written; they must return a handler that writes what the handler does", probs)
}

func withoutMsg(m map[string]any) map[string]any {
	m = maps.Clone(m)
	delete(m, slog.MessageKey)
	return m
}

// emptyGroupsOmitted: a group with nothing in it is not written, at any
// depth, whether opened with WithGroup or as a Group attr.
func emptyGroupsOmitted(s *suiteT) {
	h := s.handler()
	empty := func(name string, in ...slog.Attr) slog.Attr {
		return slog.Attr{Key: name, Value: slog.GroupValue(in...)}
	}
	s.log(h.WithGroup("a").WithGroup("b").WithGroup("c"), "three groups, no attrs")
	s.log(h, "empty group in a group", empty("x", empty("y")))
	s.log(h, "empty group beside an attr", empty("x", empty("y"), slog.String("k", "v")))
	s.log(h.WithGroup("a").WithAttrs([]slog.Attr{slog.String("k", "v")}).WithGroup("b").WithGroup("c"), "bound attr, then empty groups")
	s.log(h.WithGroup("a").WithAttrs([]slog.Attr{empty("e")}), "group whose only bound attr is an empty group")
	s.log(h.WithAttrs([]slog.Attr{empty("e")}), "empty group bound at top", slog.Int("x", 1))
	s.log(h.WithGroup("a").WithAttrs([]slog.Attr{empty("e", empty("f"))}).WithGroup("b"), "nested empty groups bound")
	s.log(h.WithGroup("a"), "three empty groups logged", empty("x", empty("y", empty("z"))))
	s.report("a group with no attrs was written; it must be left out at every depth",
		problems(s.written(), []expect{
			{msg: "three groups, no attrs", absent: paths(p("a"))},
			{msg: "empty group in a group", absent: paths(p("x"))},
			{msg: "empty group beside an attr", want: []pathValue{at("v", "x", "k")}, absent: paths(p("x", "y"))},
			{msg: "bound attr, then empty groups", want: []pathValue{at("v", "a", "k")}, absent: paths(p("a", "b"))},
			{msg: "group whose only bound attr is an empty group", absent: paths(p("a"), p("e"))},
			{msg: "empty group bound at top", want: []pathValue{at(1, "x")}, absent: paths(p("e"))},
			{msg: "nested empty groups bound", absent: paths(p("a"), p("e"))},
			{msg: "three empty groups logged", absent: paths(p("a"), p("x"))},
		}))
}

// countingValuer counts how often it is resolved.
type countingValuer struct {
	n atomic.Int64
	v slog.Value
}

func (c *countingValuer) LogValue() slog.Value {
	c.n.Add(1)
	return c.v
}

func logValuerResolvedOnce(s *suiteT) {
	h := s.handler()
	bound := &countingValuer{v: slog.StringValue("bound value")}
	boundInGroup := &countingValuer{v: slog.StringValue("bound in group")}
	h = h.WithAttrs([]slog.Attr{slog.Any("lb", bound)}).WithGroup("g").WithAttrs([]slog.Attr{slog.Any("lbg", boundInGroup)})
	const records = 3
	type perRecord struct{ top, nested, group *countingValuer }
	var valuers []perRecord
	var exps []expect
	for i := range records {
		v := perRecord{
			top:    &countingValuer{v: slog.StringValue("top")},
			nested: &countingValuer{v: slog.StringValue("nested")},
			group:  &countingValuer{v: slog.GroupValue(slog.String("k", "v"))},
		}
		valuers = append(valuers, v)
		msg := fmt.Sprintf("LogValuers #%d", i)
		s.log(h, msg, slog.Any("lt", v.top), slog.Group("grp", slog.Any("ln", v.nested)), slog.Any("lgv", v.group))
		exps = append(exps, expect{msg: msg, want: []pathValue{
			at("bound value", "lb"), at("bound in group", "g", "lbg"),
			at("top", "g", "lt"), at("nested", "g", "grp", "ln"), at("v", "g", "lgv", "k"),
		}})
	}
	recs := s.written()
	s.report("LogValuers were not written as the values they resolve to", problems(recs, exps))
	var probs []string
	for i, v := range valuers {
		for _, c := range []struct {
			what string
			v    *countingValuer
		}{{"a record attr", v.top}, {"an attr in a Group attr", v.nested}, {"a LogValuer resolving to a group", v.group}} {
			if n := c.v.n.Load(); n != 1 {
				probs = append(probs, fmt.Sprintf("record #%d: the LogValue of %s was called %d times, want once", i, c.what, n))
			}
		}
	}
	for _, c := range []struct {
		what string
		v    *countingValuer
	}{{"an attr bound with WithAttrs", bound}, {"an attr bound with WithAttrs inside WithGroup", boundInGroup}} {
		if n := c.v.n.Load(); n > records {
			probs = append(probs, fmt.Sprintf("the LogValue of %s was called %d times for %d records, want at most once per record", c.what, n, records))
		}
	}
	s.report("LogValuers were resolved more than once per record (a LogValuer may be costly or change between calls: resolve it once and keep the value)", probs)
}

// embeddedHandlerWrapped: a record logged through WithAttrs or WithGroup is
// written as the record with those attrs inline. A wrapper that embeds
// slog.Handler without its own WithAttrs and WithGroup returns the embedded
// handler from them, and whatever the wrapper does in Handle is lost for
// every logger made with With.
func embeddedHandlerWrapped(s *suiteT) {
	h := s.handler()
	bound := slog.String("w1", "bound")
	x := slog.Int("x", 1)
	pairs := []struct {
		name    string
		derived slog.Handler
		inline  []slog.Attr
	}{
		{"WithAttrs", h.WithAttrs([]slog.Attr{bound}), []slog.Attr{bound, x}},
		{"WithGroup", h.WithGroup("g"), []slog.Attr{slog.Group("g", x)}},
		{"WithGroup then WithAttrs", h.WithGroup("g").WithAttrs([]slog.Attr{bound}), []slog.Attr{slog.Group("g", bound, x)}},
	}
	var probs []string
	if inner, ok := embeddedHandlerType(h); ok {
		for _, pr := range pairs[:2] {
			if got := reflect.TypeOf(pr.derived); got == inner && got != reflect.TypeOf(h) {
				probs = append(probs, fmt.Sprintf("%T embeds slog.Handler, and its %s returned the embedded %v: it must implement %s itself and wrap what the embedded handler returns", h, pr.name, got, pr.name))
			}
		}
	}
	for i, pr := range pairs {
		s.log(pr.derived, fmt.Sprintf("derived %d", i), x)
		s.log(h, fmt.Sprintf("inline %d", i), pr.inline...)
	}
	recs := s.written()
	for i, pr := range pairs {
		d := byMessage(recs, fmt.Sprintf("derived %d", i))
		r := byMessage(recs, fmt.Sprintf("inline %d", i))
		if len(d) != 1 || len(r) != 1 {
			probs = append(probs, fmt.Sprintf("%s: %d records written through it and %d through the handler with the attrs inline, want one each", pr.name, len(d), len(r)))
			continue
		}
		if ok, diff := sameRecord(withoutMsg(d[0]), withoutMsg(r[0])); !ok {
			probs = append(probs, fmt.Sprintf("%s: %s\n\t\tthrough %s: %v\n\t\tinline:       %v", pr.name, diff, pr.name, d[0], r[0]))
		}
	}
	s.report("a record logged through a handler derived with WithAttrs or WithGroup is not written as the same record with those attrs inline (does a wrapper embed slog.Handler and so lose itself in WithAttrs and WithGroup? dd-trace-go#2838)", probs)
}

// embeddedHandlerType returns the dynamic type of the slog.Handler that h
// embeds, if it is a struct (or a pointer to one) that embeds one.
func embeddedHandlerType(h slog.Handler) (reflect.Type, bool) {
	v := reflect.ValueOf(h)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil, false
	}
	handlerType := reflect.TypeFor[slog.Handler]()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.Anonymous || f.Type != handlerType {
			continue
		}
		if fv := v.Field(i); !fv.IsNil() {
			return fv.Elem().Type(), true
		}
	}
	return nil, false
}

type point struct{ X, Y int }

// valuesReadable: values of the kinds handlers most often mangle come out
// as something a parser reads back.
func valuesReadable(s *suiteT) {
	h := s.handler()
	zone := time.FixedZone("UTC+05:30", 5*3600+30*60)
	when := time.Date(2024, 3, 10, 15, 4, 5, 123456789, zone)
	s.log(h, "values",
		slog.Any("err", errors.New("disk full")),
		slog.Duration("dur", 1500*time.Millisecond),
		slog.Time("when", when),
		slog.Any("point", point{1, 2}),
		slog.Any("m", map[string]int{"a": 1, "b": 2}),
		slog.Any("nil", nil),
	)
	recs := byMessage(s.written(), "values")
	if len(recs) != 1 {
		s.Fatalf("the record was written %d times, want once", len(recs))
	}
	r := recs[0]
	checks := []struct {
		key, what string
		ok        func(v any) bool
	}{
		{"err", `an error, errors.New("disk full")`, func(v any) bool { return readsAsError(v, "disk full") }},
		{"dur", "a duration of 1.5s", readsAsDuration},
		{"when", "a time, 2024-03-10T15:04:05.123456789+05:30", func(v any) bool { return readsAsTime(v, when) }},
		{"point", "a struct, point{X: 1, Y: 2}", func(v any) bool {
			return readsAsComposite(v, point{1, 2}, map[string]any{"X": 1, "Y": 2}, fmt.Sprint(point{1, 2}), fmt.Sprintf("%+v", point{1, 2}))
		}},
		{"m", `a map, map[string]int{"a": 1, "b": 2}`, func(v any) bool {
			return readsAsComposite(v, map[string]int{"a": 1, "b": 2}, map[string]any{"a": 1, "b": 2}, fmt.Sprint(map[string]int{"a": 1, "b": 2}))
		}},
		{"nil", "nil", readsAsNil},
	}
	var probs []string
	for _, c := range checks {
		v, ok := r[c.key]
		switch {
		case !ok:
			probs = append(probs, fmt.Sprintf("%q, %s, is missing", c.key, c.what))
		case !c.ok(v):
			probs = append(probs, fmt.Sprintf("%q, %s, was written as %#v", c.key, c.what, v))
		}
	}
	s.report(fmt.Sprintf("values were lost or written in a form that does not read back as what was logged; record: %v", r), probs)
}

func readsAsError(v any, msg string) bool {
	switch v := v.(type) {
	case string:
		return v == msg
	case error:
		return v.Error() == msg
	case map[string]any:
		for _, f := range v {
			if sameValue(f, msg) {
				return true
			}
		}
	}
	return false
}

func readsAsDuration(v any) bool {
	const d = 1500 * time.Millisecond
	if s, ok := v.(string); ok && s == d.String() {
		return true
	}
	if dv, ok := v.(time.Duration); ok {
		return dv == d
	}
	// Nanoseconds, microseconds, milliseconds or seconds.
	for _, n := range []any{int64(d), d.Microseconds(), d.Milliseconds(), d.Seconds()} {
		if sameValue(v, n) {
			return true
		}
	}
	return false
}

func readsAsTime(v any, want time.Time) bool {
	near := func(t time.Time) bool {
		d := t.Sub(want)
		return d > -time.Millisecond && d < time.Millisecond
	}
	switch v := v.(type) {
	case time.Time:
		return near(v)
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999 -0700 MST", "2006-01-02 15:04:05.999999999 -0700"} {
			if t, err := time.Parse(layout, v); err == nil {
				return near(t)
			}
		}
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return readsAsTime(json.Number(v), want)
		}
	case json.Number, float64, int64, uint64, int:
		text, _ := scalarText(v)
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return false
		}
		for _, unit := range []float64{1, 1e3, 1e6, 1e9} {
			t := time.Unix(0, 0).Add(time.Duration(f / unit * 1e9))
			if f/unit > math.MaxInt64/1e9 {
				continue
			}
			if near(t) {
				return true
			}
		}
	}
	return false
}

// readsAsComposite reports whether v is the value logged (from a
// handler that keeps values), a map holding fields, or text that is one of
// texts or JSON of such a map.
func readsAsComposite(v, logged any, fields map[string]any, texts ...string) bool {
	if reflect.DeepEqual(v, logged) {
		return true
	}
	if m, ok := v.(map[string]any); ok {
		return sameValue(m, fields)
	}
	if s, ok := v.(string); ok {
		if slices.Contains(texts, s) {
			return true
		}
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) == nil {
			return sameValue(m, fields)
		}
	}
	return false
}

func readsAsNil(v any) bool {
	if v == nil {
		return true
	}
	s, ok := v.(string)
	return ok && (s == "" || s == "<nil>" || s == "null" || s == "nil")
}

// concurrent8000: records logged concurrently through siblings all arrive,
// whole and once.
func concurrent8000(s *suiteT) {
	h := s.handler()
	parent := h.WithAttrs([]slog.Attr{slog.String("run", "concurrent")})
	const goroutines, each = 8, 1000
	siblings := make([]slog.Handler, goroutines)
	for g := range siblings {
		if g%2 == 0 {
			siblings[g] = parent.WithAttrs([]slog.Attr{slog.Int("g", g)})
		} else {
			siblings[g] = parent.WithGroup("grp").WithAttrs([]slog.Attr{slog.Int("g", g)})
		}
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					errs[g] = fmt.Errorf("the handler panicked: %v", p)
				}
			}()
			<-start
			for i := range each {
				if err := logTo(siblings[g], "concurrent", slog.Int("i", i)); err != nil {
					errs[g] = err
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		s.Fatal(err)
	}
	recs := s.written()
	seen := make(map[[2]int]int)
	var probs []string
	for _, r := range recs {
		if !sameValue(r[slog.MessageKey], "concurrent") || !sameValue(r["run"], "concurrent") {
			probs = append(probs, fmt.Sprintf("incomplete record: %v", r))
			continue
		}
		in, grouped := r, false
		if grp, ok := r["grp"].(map[string]any); ok {
			in, grouped = grp, true
		}
		g, gok := intOf(in["g"])
		i, iok := intOf(in["i"])
		if !gok || !iok || g < 0 || g >= goroutines || i < 0 || i >= each || (g%2 == 1) != grouped {
			probs = append(probs, fmt.Sprintf("incomplete or garbled record: %v", r))
			continue
		}
		seen[[2]int{g, i}]++
	}
	for g := range goroutines {
		for i := range each {
			if n := seen[[2]int{g, i}]; n != 1 {
				probs = append(probs, fmt.Sprintf("record %d of goroutine %d written %d times, want once", i, g, n))
			}
		}
	}
	if len(recs) != goroutines*each {
		probs = append([]string{fmt.Sprintf("%d records written, want %d", len(recs), goroutines*each)}, probs...)
	}
	s.report(fmt.Sprintf("%d goroutines logging %d records each through sibling handlers did not give %d complete records", goroutines, each, goroutines*each), probs)
}

func intOf(v any) (int, bool) {
	text, ok := scalarText(v)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(text)
	return n, err == nil
}
