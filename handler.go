package loggerjs

import (
	"context"
	"log/slog"
	"slices"
	"sync/atomic"
)

// Handler is the slog.Handler of a loggerjs handler tree. It routes each
// record by its category to the configured sinks, through the configured
// middleware. Any of its methods may be called concurrently.
//
// Enabled costs an atomic load and a compare. Handle never returns an
// error and never panics: failures are counted in Stats and reported on
// the meta logger.
type Handler struct {
	eng      *engine
	category []string
	catName  string
	catKey   string
	scope    *Scope
	rt       atomic.Pointer[route] // cached route for the current snapshot
}

var _ slog.Handler = (*Handler)(nil)

// NewHandler returns the root handler of a standalone handler tree
// configured by cfg. A bad configuration is an error naming the field.
// Levels named in the LOGGERJS_LEVEL environment variable apply.
func NewHandler(cfg Config) (*Handler, error) {
	e := newEngine()
	if err := e.configure(cfg); err != nil {
		return nil, err
	}
	return &Handler{eng: e}, nil
}

// New returns a *slog.Logger over NewHandler(cfg). slog.SetDefault makes
// it the logger of existing slog and log code.
func New(cfg Config) (*slog.Logger, error) {
	h, err := NewHandler(cfg)
	if err != nil {
		return nil, err
	}
	return slog.New(h), nil
}

// route returns the route for h's category in the current configuration,
// or nil while the tree is unconfigured.
func (h *Handler) route() *route {
	snap := h.eng.snap.Load()
	if rt := h.rt.Load(); rt != nil && rt.snap == snap {
		return rt
	}
	return h.resolveRoute(snap)
}

// resolveRoute is route's slow path: the first use of h, or the first
// after a Configure.
func (h *Handler) resolveRoute(snap *snapshot) *route {
	if snap == nil {
		return nil
	}
	rt := snap.routeFor(h.category, h.catKey)
	h.rt.Store(rt)
	return rt
}

// Enabled reports whether a record at level would reach any sink.
// Middleware may still drop it in Handle.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	rt := h.route()
	if rt == nil {
		return h.eng.closed.Load() != nil && h.retiredEnabled(level)
	}
	if prefixesUsed.Load() {
		if p := prefixOf(ctx); p != nil {
			pc := p.of(h)
			rt = rt.snap.routeFor(pc.cat, pc.key)
		}
	}
	if !rt.dynamic {
		return level >= rt.min
	}
	if rt.early != nil && rt.early.full.Load() {
		// The default early buffer is full: the record would be dropped,
		// so count it here and spare the caller building it.
		h.eng.count(counterEarlyOverflow)
		return false
	}
	return level >= rt.minLevel()
}

// retiredEnabled reports whether the configuration Shutdown retired would
// have routed a record at level: such records still reach Handle, to be
// counted and written to the fallback.
func (h *Handler) retiredEnabled(level slog.Level) bool {
	closed := h.eng.closed.Load()
	if closed == nil {
		return false
	}
	rt := closed.routeFor(h.category, h.catKey)
	return rt.early == nil && level >= rt.minLevel()
}

// Handle routes r to the sinks of its category. It always returns nil.
func (h *Handler) Handle(ctx context.Context, sr slog.Record) error {
	return h.HandleFrom(ctx, "", sr)
}

// HandleFrom is Handle for a record that another logging library
// produced: source names it ("integration:zap"; see Record.Source), so
// that sinks and middleware can tell it apart (ExcludeSources) and loops
// through a bridge can be detected. Bridges call it; application code
// calls Handle, through slog.
func (h *Handler) HandleFrom(ctx context.Context, source string, sr slog.Record) error {
	rt := h.route()
	if rt == nil {
		h.eng.afterShutdown(h, sr)
		return nil
	}
	r := getRecord()
	r.Time, r.Level, r.PC, r.msg = sr.Time, sr.Level, sr.PC, sr.Message
	r.Category, r.catName, r.Scope, r.eng = h.category, h.catName, h.scope, h.eng
	r.Source = source
	var extra []string // category names carried by the record's own attrs
	sr.Attrs(func(a slog.Attr) bool {
		switch a.Value.Kind() {
		case slog.KindLogValuer:
			// One look at the value for both of loggerjs's own LogValuers
			// (asLazyMessage and asCategory would each ask its kind again).
			switch x := a.Value.Any().(type) {
			case lazyMessage:
				if r.msg == "" {
					r.lazy = x
				}
				return true
			case *categoryValue:
				extra = append(extra, x.names...)
				return true
			}
		case slog.KindAny:
			if r.Err == nil {
				if err, ok := a.Value.Any().(error); ok {
					r.Err = err
				}
			}
		}
		r.attrs = append(r.attrs, a)
		return true
	})
	if r.Err == nil {
		r.Err = h.scope.Err()
	}
	prefixed := false
	if ctx != nil {
		if c, _ := ctx.Value(contextAttrsKey{}).(*contextAttrs); c != nil {
			if c.hasAttrs() {
				r.root = c.appendTo(r.root)
			}
			if c.prefix != nil {
				pc := c.prefix.of(h)
				rt = rt.snap.routeFor(pc.cat, pc.key)
				r.Category, r.catName, prefixed = pc.cat, pc.name, true
			}
		}
	}
	if ps := rt.snap.providers; ps != nil && ctx != nil {
		h.eng.provide(ctx, ps, r)
	}
	if prefixed && extra == nil && r.Level < rt.minLevel() {
		r.free()
		return nil
	}
	if extra != nil {
		cat := append(slices.Clip(r.Category), extra...)
		rt = rt.snap.routeFor(cat, categoryKey(cat))
		r.Category, r.catName = cat, rt.catName
		if r.Level < rt.minLevel() {
			r.free()
			return nil
		}
	}
	if sl := rt.snap.stackLevel; sl != nil {
		addStack(r, sl, sr.PC)
	}
	r.Seq = h.eng.seq.Add(1)
	h.eng.dispatch(ctx, rt, r, nil)
	r.free()
	return nil
}

// WithAttrs returns a handler whose records carry attrs. Category attrs
// among them extend the handler's category instead.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	var extra []string
	rest := attrs
	if slices.ContainsFunc(attrs, isCategoryAttr) {
		rest = make([]slog.Attr, 0, len(attrs))
		for _, a := range attrs {
			if names, ok := asCategory(a); ok {
				extra = append(extra, names...)
			} else {
				rest = append(rest, a)
			}
		}
	}
	h2 := h.derive()
	if len(extra) > 0 {
		h2.category = append(slices.Clip(h.category), extra...)
		h2.catName = joinCategory(h2.category)
		h2.catKey = categoryKey(h2.category)
	}
	h2.scope = h.scope.WithAttrs(rest)
	return h2
}

func isCategoryAttr(a slog.Attr) bool {
	_, ok := asCategory(a)
	return ok
}

// WithGroup returns a handler that puts the attrs of its records, and
// attrs bound later, in the group name. An empty name returns h.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := h.derive()
	h2.scope = h.scope.WithGroup(name)
	return h2
}

func (h *Handler) derive() *Handler {
	return &Handler{eng: h.eng, category: h.category, catName: h.catName, catKey: h.catKey, scope: h.scope}
}

// Category returns the handler's category, outermost name first.
func (h *Handler) Category() []string { return slices.Clone(h.category) }

// Configure replaces the configuration of h's whole handler tree, as the
// package-level Configure does for the registry: handlers already made
// follow it, and sinks it no longer names are flushed and closed. On error
// the running configuration stays.
func (h *Handler) Configure(cfg Config) error { return h.eng.configure(cfg) }

// Flush flushes every sink of h's handler tree, within ctx's deadline.
func (h *Handler) Flush(ctx context.Context) error { return h.eng.flush(ctx) }

// Close flushes and closes every sink of h's handler tree; its loggers log
// nothing afterwards. It is safe to call more than once.
func (h *Handler) Close(ctx context.Context) error { return h.eng.shutdown(ctx) }

// Stats returns the counters of h's handler tree. After Close it still
// reports the sinks of the configuration Close retired.
func (h *Handler) Stats() MetaStats {
	return h.eng.stats()
}
