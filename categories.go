package loggerjs

import (
	"log/slog"
	"strings"
)

// CategoryKey is the key of the attr that Category returns, and the key
// under which codecs write a record's dotted category.
const CategoryKey = "logger"

// MetaCategory is the category of the records loggerjs writes about itself:
// sink failures, middleware panics, dropped records, bad configuration.
var MetaCategory = []string{"loggerjs", "meta"}

// categoryValue is the value of a Category attr. It is a slog.LogValuer, so
// a handler that is not ours resolves it to the dotted name.
type categoryValue struct {
	names  []string
	dotted string
}

func (c *categoryValue) LogValue() slog.Value { return slog.StringValue(c.dotted) }

// Category returns an attr that extends the category of a loggerjs handler
// instead of adding a field:
//
//	db := logger.With(loggerjs.Category("db"))  // app -> app.db
//
// Several names extend it by several levels, and a dot in a name
// separates levels too: Category("db.pool") is Category("db", "pool"). Passed with a single record
// (logger.Info("msg", loggerjs.Category("db"))) it extends the category of
// that record only; slog consults Enabled before the record exists, so
// the logger's own category must be enabled at the record's level. A
// handler that is not a loggerjs handler renders the attr as logger=db.
func Category(names ...string) slog.Attr {
	names = splitCategory(names)
	return slog.Attr{Key: CategoryKey, Value: slog.AnyValue(&categoryValue{names: names, dotted: strings.Join(names, ".")})}
}

// Child returns a logger whose category is l's extended by names. It is
// l.With(Category(names...)).
func Child(l *slog.Logger, names ...string) *slog.Logger {
	return l.With(Category(names...))
}

// asCategory reports the names carried by a Category attr.
func asCategory(a slog.Attr) ([]string, bool) {
	if a.Value.Kind() != slog.KindLogValuer {
		return nil, false
	}
	c, ok := a.Value.Any().(*categoryValue)
	if !ok {
		return nil, false
	}
	return c.names, true
}

// lazyMessage is the value of a LazyMessage attr.
type lazyMessage func() string

func (f lazyMessage) LogValue() slog.Value { return slog.StringValue(f()) }

// LazyMessageKey is the key under which a handler that is not ours renders
// a LazyMessage attr.
const LazyMessageKey = "message"

// LazyMessage returns an attr that supplies the record's message from f.
// A loggerjs handler calls f at most once, after middleware has had its
// chance to drop the record, and only when a sink reads the message:
//
//	logger.Debug("", loggerjs.LazyMessage(func() string { return dump(state) }))
//
// The message passed to the logging call, if not empty, wins over f. A
// handler that is not ours renders the attr as message=<f()>.
func LazyMessage(f func() string) slog.Attr {
	return slog.Attr{Key: LazyMessageKey, Value: slog.AnyValue(lazyMessage(f))}
}

func asLazyMessage(a slog.Attr) (func() string, bool) {
	if a.Value.Kind() != slog.KindLogValuer {
		return nil, false
	}
	f, ok := a.Value.Any().(lazyMessage)
	return f, ok
}

// splitCategory returns a copy of names with every dotted name split into
// its segments and empty segments left out, so that ("app.db") and
// ("app", "db") name the same category everywhere.
func splitCategory(names []string) []string {
	n := 0
	for _, name := range names {
		if name == "" || strings.IndexByte(name, '.') >= 0 {
			n = -1
			break
		}
		n++
	}
	if n >= 0 {
		return append([]string(nil), names...)
	}
	out := make([]string, 0, len(names)+2)
	for _, name := range names {
		for seg := range strings.SplitSeq(name, ".") {
			if seg != "" {
				out = append(out, seg)
			}
		}
	}
	return out
}

// joinCategory returns the dotted form of a category.
func joinCategory(names []string) string { return strings.Join(names, ".") }

// Keys of the root attrs that carry a record's W3C trace context. The
// Trace middleware writes them; the ECS, Google Cloud and OTLP codecs move
// them into their schemas' own fields.
const (
	TraceIDKey = "trace_id"
	SpanIDKey  = "span_id"
	// ParentSpanIDKey carries the caller's span id, when there is one.
	ParentSpanIDKey = "parent_span_id"
	// TraceFlagsKey carries the W3C trace flags as two hex digits; bit 0
	// is "sampled".
	TraceFlagsKey = "trace_flags"
)
