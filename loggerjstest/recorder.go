package loggerjstest

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// Recorder is a loggerjs.Sink that keeps every record written to it and
// answers questions about them, for tests that assert on what code logged.
// It keeps a clone of each record, with its message computed and its
// values resolved as a sink that encoded it would see them. It is safe for
// concurrent use. Flush and Close do nothing: a Recorder keeps recording.
type Recorder struct {
	mu      sync.Mutex
	entries []Entry
}

var _ loggerjs.Sink = (*Recorder)(nil)

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{}
}

// Observe returns a logger over a handler tree that sends records at level
// and above to a new Recorder, and the Recorder. It is the counterpart of
// zap's observer.New. A nil level means every level. The tree redacts
// secrets as loggerjs does by default.
func Observe(level slog.Leveler) (*slog.Logger, *Recorder) {
	rec := NewRecorder()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"recorder": rec},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"recorder"}, Level: level}},
	})
	if err != nil {
		// The configuration is fixed and valid; NewHandler cannot fail on it.
		panic(err)
	}
	return slog.New(h), rec
}

// Write keeps a clone of r.
func (rc *Recorder) Write(_ context.Context, r *loggerjs.Record) error {
	e := newEntry(r.Clone())
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.entries = append(rc.entries, e)
	return nil
}

// Flush does nothing.
func (rc *Recorder) Flush(context.Context) error { return nil }

// Close does nothing; the Recorder keeps what it recorded and records on.
func (rc *Recorder) Close(context.Context) error { return nil }

// All returns the records kept, in the order they were written.
func (rc *Recorder) All() []Entry {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Entry(nil), rc.entries...)
}

// TakeAll returns the records kept and forgets them.
func (rc *Recorder) TakeAll() []Entry {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	all := rc.entries
	rc.entries = nil
	return all
}

// Len returns the number of records kept.
func (rc *Recorder) Len() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.entries)
}

// Filter returns the records kept that match every filter, in order.
func (rc *Recorder) Filter(filters ...Filter) []Entry {
	var out []Entry
	for _, e := range rc.All() {
		if matchAll(e, filters) {
			out = append(out, e)
		}
	}
	return out
}

// AssertLogged fails t, listing what was recorded, unless a record matches
// every filter. It returns the first record that does.
func (rc *Recorder) AssertLogged(t testing.TB, filters ...Filter) Entry {
	t.Helper()
	all := rc.All()
	for _, e := range all {
		if matchAll(e, filters) {
			return e
		}
	}
	t.Errorf("no record matched %s; recorded:%s", describe(filters), list(all))
	return Entry{}
}

// AssertNotLogged fails t, listing the records, if a record matches every
// filter.
func (rc *Recorder) AssertNotLogged(t testing.TB, filters ...Filter) {
	t.Helper()
	if got := rc.Filter(filters...); len(got) > 0 {
		t.Errorf("%d records matched %s, want none:%s", len(got), describe(filters), list(got))
	}
}

// AssertCount fails t, listing what was recorded, unless exactly n records
// match every filter. It returns those that do.
func (rc *Recorder) AssertCount(t testing.TB, n int, filters ...Filter) []Entry {
	t.Helper()
	all := rc.All()
	var got []Entry
	for _, e := range all {
		if matchAll(e, filters) {
			got = append(got, e)
		}
	}
	if len(got) != n {
		t.Errorf("%d records matched %s, want %d; recorded:%s", len(got), describe(filters), n, list(all))
	}
	return got
}

func matchAll(e Entry, filters []Filter) bool {
	for _, f := range filters {
		if !f.match(e) {
			return false
		}
	}
	return true
}

func describe(filters []Filter) string {
	if len(filters) == 0 {
		return "(any record)"
	}
	s := make([]string, len(filters))
	for i, f := range filters {
		s[i] = f.desc
	}
	return strings.Join(s, ", ")
}

func list(entries []Entry) string {
	if len(entries) == 0 {
		return " (nothing)"
	}
	var b strings.Builder
	for _, e := range entries {
		b.WriteString("\n\t")
		b.WriteString(e.String())
	}
	return b.String()
}

// An Entry is one record a Recorder kept.
type Entry struct {
	// Time, Level and Message are the record's.
	Time    time.Time
	Level   slog.Level
	Message string
	// Category is the record's category, outermost name first; nil for
	// the root.
	Category []string
	// Attrs are the attrs as a codec writes them: root attrs, then the
	// attrs bound with With and the record's own, inside the groups of
	// WithGroup (as Group attrs), with values resolved and empty groups
	// left out.
	Attrs []slog.Attr
	// Record is the record itself, cloned.
	Record *loggerjs.Record
}

func newEntry(r *loggerjs.Record) Entry {
	return Entry{
		Time:     r.Time,
		Level:    r.Level,
		Message:  r.Message(),
		Category: r.Category,
		Attrs:    recordAttrs(r),
		Record:   r,
	}
}

// Attr returns the value of the attr at key, where a dotted key
// ("req.method") looks into groups; a key that has a dot of its own is
// found as well.
func (e Entry) Attr(key string) (slog.Value, bool) {
	return findAttr(e.Attrs, key)
}

func findAttr(attrs []slog.Attr, key string) (slog.Value, bool) {
	var found slog.Value
	ok := false
	for _, a := range attrs {
		// The last attr with a key wins, as for a JSON object.
		if a.Key == key {
			found, ok = a.Value, true
			continue
		}
		if a.Value.Kind() == slog.KindGroup {
			if rest, cut := strings.CutPrefix(key, a.Key+"."); cut {
				if v, in := findAttr(a.Value.Group(), rest); in {
					found, ok = v, true
				}
			}
		}
	}
	return found, ok
}

// Map returns the record as RecordMap gives it.
func (e Entry) Map() map[string]any {
	return RecordMap(e.Record)
}

var plainPretty = codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorNever, OmitTime: true})

// String returns the record as the Pretty codec writes it, without colour
// or time.
func (e Entry) String() string {
	return strings.TrimRight(string(plainPretty.Append(nil, e.Record)), "\n")
}

// A Filter selects records of a Recorder. Filters given together must all
// match.
type Filter struct {
	desc  string
	match func(Entry) bool
}

// String describes the filter, as failure messages do.
func (f Filter) String() string { return f.desc }

// Match returns a filter of your own, described by desc.
func Match(desc string, match func(Entry) bool) Filter {
	return Filter{desc, match}
}

// Level matches records at exactly level l.
func Level(l slog.Level) Filter {
	return Filter{"level " + loggerjs.LevelName(l), func(e Entry) bool { return e.Level == l }}
}

// AtLeast matches records at level l or above.
func AtLeast(l slog.Level) Filter {
	return Filter{"level >= " + loggerjs.LevelName(l), func(e Entry) bool { return e.Level >= l }}
}

// CategoryPrefix matches records whose category is names or below it:
// CategoryPrefix("app") matches app and app.db, not application. A dot
// in a name separates segments. No names match every record.
func CategoryPrefix(names ...string) Filter {
	var prefix []string
	for _, n := range names {
		prefix = append(prefix, strings.Split(n, ".")...)
	}
	return Filter{fmt.Sprintf("category under %q", strings.Join(prefix, ".")), func(e Entry) bool {
		if len(e.Category) < len(prefix) {
			return false
		}
		for i, p := range prefix {
			if e.Category[i] != p {
				return false
			}
		}
		return true
	}}
}

// Message matches records whose message is msg.
func Message(msg string) Filter {
	return Filter{fmt.Sprintf("message %q", msg), func(e Entry) bool { return e.Message == msg }}
}

// MessageContains matches records whose message contains s.
func MessageContains(s string) Filter {
	return Filter{fmt.Sprintf("message containing %q", s), func(e Entry) bool { return strings.Contains(e.Message, s) }}
}

// HasAttr matches records that have an attr at key (see Entry.Attr).
func HasAttr(key string) Filter {
	return Filter{fmt.Sprintf("attr %q", key), func(e Entry) bool {
		_, ok := e.Attr(key)
		return ok
	}}
}

// AttrEqual matches records whose attr at key (see Entry.Attr) equals
// value: value is made a slog.Value with slog.AnyValue, so AttrEqual("n",
// 3) matches slog.Int("n", 3), integers match across signedness, and
// values of kind Any compare with reflect.DeepEqual.
func AttrEqual(key string, value any) Filter {
	want := slog.AnyValue(value).Resolve()
	return Filter{fmt.Sprintf("%s=%v", key, want), func(e Entry) bool {
		got, ok := e.Attr(key)
		return ok && valuesEqual(got, want)
	}}
}

func valuesEqual(a, b slog.Value) bool {
	ak, bk := a.Kind(), b.Kind()
	switch {
	case ak == slog.KindInt64 && bk == slog.KindUint64:
		return a.Int64() >= 0 && uint64(a.Int64()) == b.Uint64()
	case ak == slog.KindUint64 && bk == slog.KindInt64:
		return b.Int64() >= 0 && uint64(b.Int64()) == a.Uint64()
	case ak != bk:
		return false
	case ak == slog.KindAny:
		return reflect.DeepEqual(a.Any(), b.Any())
	case ak == slog.KindGroup:
		ag, bg := a.Group(), b.Group()
		if len(ag) != len(bg) {
			return false
		}
		for i := range ag {
			if ag[i].Key != bg[i].Key || !valuesEqual(ag[i].Value, bg[i].Value) {
				return false
			}
		}
		return true
	}
	return a.Equal(b)
}
