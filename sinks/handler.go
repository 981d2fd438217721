package sinks

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/loggerjs/loggerjs"
)

// CategoryMode says how Handler passes a record's category to the
// slog.Handler behind it.
type CategoryMode int

const (
	// CategoryAttr adds the dotted category ("app.db") as an attr at the
	// top level, before the bound attrs, under HandlerOptions.CategoryKey.
	CategoryAttr CategoryMode = iota
	// CategoryGroup opens one group per segment of the category ("app",
	// then "db") around everything else the record carries, as
	// logger.WithGroup("app").WithGroup("db") would.
	CategoryGroup
	// CategoryOmit passes no category.
	CategoryOmit
)

// HandlerOptions configure Handler. A nil *HandlerOptions, and any zero
// field, means the default given with the field.
type HandlerOptions struct {
	// Category says how the category reaches the handler. Default
	// CategoryAttr. A record without a category (one logged through the
	// root logger) gets neither an attr nor a group.
	Category CategoryMode
	// CategoryKey is the key of the category attr. Default "logger", the
	// key the codecs write it under.
	CategoryKey string
	// Flush and Close, when set, are what the sink's Flush and Close do
	// beyond what the sink itself does, such as a LoggerProvider's
	// ForceFlush and Shutdown behind otelslog. A slog.Handler has neither.
	Flush func(ctx context.Context) error
	Close func(ctx context.Context) error
}

// HandlerSink delivers records to a slog.Handler, so that any handler
// (tint, otelslog, sentry-go's, a vendor's) receives what loggerjs routes,
// redacts and filters. It is safe for concurrent use if the handler is.
//
// Each record reaches the handler as slog would hand it over: the bound
// scope of the logger that logged it is replayed with WithAttrs and
// WithGroup, once per scope and category (the derived handler is kept
// with the scope, see loggerjs.Scope.Cache, not rebuilt per record); the
// record's level, time, message, PC (so the handler's AddSource works)
// and attrs are kept; the context is passed to Enabled and Handle, so a
// handler that reads the span or baggage from it sees the caller's. Root
// attrs (trace ids and context attrs that the codecs write at the top
// level) go before the scope, so they stay outside its groups. Write
// asks the handler's Enabled first, as slog.Logger does, and writes
// nothing when it says no.
//
// An error from Handle is returned from Write: the handler tree counts
// it as a sink error and reports it on the meta logger.
type HandlerSink struct {
	h    slog.Handler
	opt  HandlerOptions
	base sync.Map // category -> *categoryHandler
	nCat atomic.Int64

	closed atomic.Bool
}

var _ loggerjs.Sink = (*HandlerSink)(nil)

// maxCachedCategories bounds the categories whose base handler the sink
// keeps; past it, a base handler is built per record.
const maxCachedCategories = 4096

// categoryHandler is the handler for one category before any scope: the
// key under which scopes cache what derives from it.
type categoryHandler struct {
	h slog.Handler
}

// Handler returns a sink that delivers records to h.
func Handler(h slog.Handler, opts *HandlerOptions) *HandlerSink {
	s := &HandlerSink{h: h}
	if opts != nil {
		s.opt = *opts
	}
	if s.opt.CategoryKey == "" {
		s.opt.CategoryKey = "logger"
	}
	return s
}

// Write hands r to the handler, derived for r's category and scope.
func (s *HandlerSink) Write(ctx context.Context, r *loggerjs.Record) error {
	if s.closed.Load() {
		return loggerjs.ErrClosed
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ch, cached := s.forCategory(r)
	var h slog.Handler
	switch {
	case !cached:
		h = replay(ch.h, r.Scope)
	case r.NumRootAttrs() > 0 && len(r.Scope.Groups()) > 0:
		// The root attrs must stay outside the scope's groups: derive
		// a handler for this record alone.
		root := make([]slog.Attr, 0, r.NumRootAttrs())
		r.RootAttrs(func(a slog.Attr) bool { root = append(root, a); return true })
		h = replay(ch.h.WithAttrs(root), r.Scope)
	default:
		h = r.Scope.Cache(ch, func(sc *loggerjs.Scope) any { return replay(ch.h, sc) }).(slog.Handler)
	}
	if !h.Enabled(ctx, r.Level) {
		return nil
	}
	sr := slog.NewRecord(r.Time, r.Level, r.Message(), r.PC)
	if len(r.Scope.Groups()) == 0 {
		r.RootAttrs(func(a slog.Attr) bool { sr.AddAttrs(a); return true })
	}
	r.Attrs(func(a slog.Attr) bool { sr.AddAttrs(a); return true })
	return h.Handle(ctx, sr)
}

// forCategory returns the handler for r's category, before any scope,
// and whether the sink keeps it (so scopes may cache under it).
func (s *HandlerSink) forCategory(r *loggerjs.Record) (*categoryHandler, bool) {
	name := r.CategoryName()
	if v, ok := s.base.Load(name); ok {
		return v.(*categoryHandler), true
	}
	ch := &categoryHandler{h: s.h}
	if name != "" {
		switch s.opt.Category {
		case CategoryAttr:
			ch.h = s.h.WithAttrs([]slog.Attr{slog.String(s.opt.CategoryKey, name)})
		case CategoryGroup:
			for seg := range strings.SplitSeq(name, ".") {
				ch.h = ch.h.WithGroup(seg)
			}
		}
	}
	if s.nCat.Load() >= maxCachedCategories {
		return ch, false
	}
	if v, loaded := s.base.LoadOrStore(name, ch); loaded {
		return v.(*categoryHandler), true
	}
	s.nCat.Add(1)
	return ch, true
}

// replay derives from h the handler a slog.Logger would have reached
// through the With and WithGroup calls that made sc.
func replay(h slog.Handler, sc *loggerjs.Scope) slog.Handler {
	var buf [8]*loggerjs.Scope
	for _, l := range sc.Links(buf[:0]) {
		if g := l.Group(); g != "" {
			h = h.WithGroup(g)
		} else if attrs := l.Attrs(); len(attrs) > 0 {
			h = h.WithAttrs(attrs)
		}
	}
	return h
}

// Flush calls HandlerOptions.Flush, if set.
func (s *HandlerSink) Flush(ctx context.Context) error {
	if s.opt.Flush != nil {
		return s.opt.Flush(ctx)
	}
	return nil
}

// Close makes later writes return loggerjs.ErrClosed, then calls
// HandlerOptions.Close, if set, once.
func (s *HandlerSink) Close(ctx context.Context) error {
	if s.closed.Swap(true) {
		return nil
	}
	if s.opt.Close != nil {
		return s.opt.Close(ctx)
	}
	return nil
}
