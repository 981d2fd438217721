package middleware

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/loggerjs/loggerjs"
)

// SlogMiddleware runs a middleware of the slog ecosystem, a
// func(slog.Handler) slog.Handler such as slog-multi's Pipe stages,
// slog-formatter or slog-sampling, inside a loggerjs pipeline. Made by
// FromSlog; safe for concurrent use.
type SlogMiddleware struct {
	head    slog.Handler // the middleware over a capturing handler
	dropped atomic.Uint64
	late    atomic.Uint64
}

var _ loggerjs.Middleware = (*SlogMiddleware)(nil)

// FromSlog returns middleware that passes each record through mw. What
// mw hands on to the handler it wraps becomes the record (its level,
// time, message and attrs, and the attrs and groups bound with With,
// which mw sees through WithAttrs and WithGroup); a record mw does not
// hand on is dropped and counted. Root attrs (context attrs, trace ids)
// are not shown to mw and stay as they are. mw must hand records on
// synchronously, with the context it was given or one derived from it:
// a record handed on after its Handle returned is ignored and counted in
// Late, and one handed on with an unrelated context counts as dropped.
// mw must not be nil.
func FromSlog(mw func(slog.Handler) slog.Handler) *SlogMiddleware {
	return &SlogMiddleware{head: mw(&captureHandler{})}
}

type captureKey struct{}

// captureSlot receives the record that the slog middleware hands on.
type captureSlot struct {
	mu     sync.Mutex
	late   *atomic.Uint64
	done   bool // Process has returned
	called bool
	rec    slog.Record
	via    *captureHandler
}

// captureHandler is the end of the slog middleware chain: it hands what
// reaches it back to Process through the context. Its WithAttrs and
// WithGroup links record the scope as the middleware passed it on.
type captureHandler struct {
	parent *captureHandler
	group  string
	attrs  []slog.Attr
	depth  int

	scope atomic.Pointer[scopeMemo] // the loggerjs scope this chain stands for
}

type scopeMemo struct {
	from, to *loggerjs.Scope
}

func (h *captureHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *captureHandler) Handle(ctx context.Context, r slog.Record) error {
	slot, _ := ctx.Value(captureKey{}).(*captureSlot)
	if slot == nil {
		return nil
	}
	slot.mu.Lock()
	defer slot.mu.Unlock()
	if slot.done {
		slot.late.Add(1)
		return nil
	}
	if slot.called {
		return nil // a fan-out: the first record handed on wins
	}
	slot.called, slot.rec, slot.via = true, r.Clone(), h
	return nil
}

func (h *captureHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	return &captureHandler{parent: h, attrs: slices.Clone(attrs), depth: h.depth + 1}
}

func (h *captureHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &captureHandler{parent: h, group: name, depth: h.depth + 1}
}

// toScope returns the loggerjs scope for the chain ending at h: orig
// itself when the chain binds the same attrs and groups, else a new one.
func (h *captureHandler) toScope(orig *loggerjs.Scope) *loggerjs.Scope {
	if m := h.scope.Load(); m != nil && m.from == orig {
		return m.to
	}
	var chain []*captureHandler
	for c := h; c != nil && c.depth > 0; c = c.parent {
		chain = append(chain, c)
	}
	slices.Reverse(chain)
	links := orig.Links(nil)
	same := len(links) == len(chain)
	for i := 0; same && i < len(chain); i++ {
		same = links[i].Group() == chain[i].group && slices.EqualFunc(links[i].Attrs(), chain[i].attrs, slog.Attr.Equal)
	}
	to := orig
	if !same {
		to = nil
		for _, c := range chain {
			if c.group != "" {
				to = to.WithGroup(c.group)
			} else {
				to = to.WithAttrs(c.attrs)
			}
		}
	}
	h.scope.Store(&scopeMemo{from: orig, to: to})
	return to
}

// slogScopeKey keys, in a scope's cache, the slog middleware with that
// scope replayed onto it.
type slogScopeKey struct{ m *SlogMiddleware }

func (m *SlogMiddleware) handlerFor(sc *loggerjs.Scope) slog.Handler {
	if sc == nil {
		return m.head
	}
	return sc.Cache(slogScopeKey{m}, func(sc *loggerjs.Scope) any {
		return replay(m.head, sc)
	}).(slog.Handler)
}

// replay returns h with the attrs and groups of sc bound, outermost first.
func replay(h slog.Handler, sc *loggerjs.Scope) slog.Handler {
	for _, l := range sc.Links(nil) {
		if g := l.Group(); g != "" {
			h = h.WithGroup(g)
		} else {
			h = h.WithAttrs(l.Attrs())
		}
	}
	return h
}

// Process passes r through the slog middleware.
func (m *SlogMiddleware) Process(ctx context.Context, r *loggerjs.Record) bool {
	if ctx == nil {
		ctx = context.Background()
	}
	h := m.handlerFor(r.Scope)
	slot := &captureSlot{late: &m.late}
	cctx := context.WithValue(ctx, captureKey{}, slot)
	sr := slog.NewRecord(r.Time, r.Level, r.Message(), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		sr.AddAttrs(a)
		return true
	})
	if h.Enabled(cctx, r.Level) {
		_ = h.Handle(cctx, sr) // the record's fate is what reached the end
	}
	slot.mu.Lock()
	slot.done = true
	called, out, via := slot.called, slot.rec, slot.via
	slot.mu.Unlock()
	if !called {
		m.dropped.Add(1)
		return false
	}
	r.Time, r.Level, r.PC = out.Time, out.Level, out.PC
	if out.Message != r.Message() {
		r.SetMessage(out.Message)
	}
	for i := r.NumAttrs() - 1; i >= 0; i-- {
		r.RemoveAttr(i)
	}
	out.Attrs(func(a slog.Attr) bool {
		r.AddAttrs(a)
		return true
	})
	r.Scope = via.toScope(r.Scope)
	return true
}

// Dropped returns the number of records the slog middleware did not hand
// on.
func (m *SlogMiddleware) Dropped() uint64 { return m.dropped.Load() }

// Late returns the number of records the slog middleware handed on after
// its Handle had returned; they were ignored.
func (m *SlogMiddleware) Late() uint64 { return m.late.Load() }

// Wrap returns a slog.Handler that runs mw on each record, then hands it
// to next: loggerjs middleware (Redact through loggerjs.Redaction, Sample,
// Trace…) in front of a plain slog.Handler. Root attrs that middleware
// adds go before the record's attrs, at the top level when the handler
// has no groups open, and bound before next's groups otherwise.
//
// A panic in a middleware is recovered and the record goes on without
// it, except in a redaction stage, which fails closed: when a middleware
// that reports FailsClosed() == true (see FailClosed) panics, the record
// is dropped, never handed to next half-redacted, and counted in the
// RedactorPanics of the handler, a *WrapHandler.
func Wrap(next slog.Handler, mw ...loggerjs.Middleware) slog.Handler {
	return &WrapHandler{root: &wrapRoot{next: next, mw: slices.Clone(mw)}}
}

// FailClosed is the interface of a middleware whose panic must drop the
// record rather than let it go on without the middleware: a redaction
// stage, such as the middleware loggerjs.Redaction returns. Wrap and
// ToSlog drop and count a record when such a middleware panics.
type FailClosed interface {
	loggerjs.Middleware
	FailsClosed() bool
}

// failsClosed reports whether a panic in m must drop the record; a
// FailsClosed that panics counts as true.
func failsClosed(m loggerjs.Middleware) (closed bool) {
	f, ok := m.(FailClosed)
	if !ok {
		return false
	}
	defer func() {
		if recover() != nil {
			closed = true
		}
	}()
	return f.FailsClosed()
}

// ToSlog returns mw as a func(slog.Handler) slog.Handler, the shape of
// slog-multi's Pipe stages: ToSlog(mw...)(next) is Wrap(next, mw...).
func ToSlog(mw ...loggerjs.Middleware) func(slog.Handler) slog.Handler {
	return func(next slog.Handler) slog.Handler { return Wrap(next, mw...) }
}

type wrapRoot struct {
	next           slog.Handler
	mw             []loggerjs.Middleware
	panics         atomic.Uint64
	redactorPanics atomic.Uint64
}

// A WrapHandler runs loggerjs middleware in front of a slog.Handler; Wrap
// and ToSlog make them. It is safe for concurrent use.
type WrapHandler struct {
	root  *wrapRoot
	scope *loggerjs.Scope
}

var _ slog.Handler = (*WrapHandler)(nil)

// RedactorPanics returns the number of records dropped because a
// fail-closed middleware (a redaction stage) panicked, counted over the
// handler Wrap returned and every handler derived from it with WithAttrs
// and WithGroup.
func (h *WrapHandler) RedactorPanics() uint64 { return h.root.redactorPanics.Load() }

// Enabled reports whether next is enabled at level.
func (h *WrapHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.root.next.Enabled(ctx, level)
}

// WithAttrs returns a handler whose records carry attrs, bound as a
// loggerjs scope that middleware sees.
func (h *WrapHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	sc := h.scope.WithAttrs(attrs)
	if sc == h.scope {
		return h
	}
	return &WrapHandler{root: h.root, scope: sc}
}

// WithGroup returns a handler whose record attrs go in the group name.
func (h *WrapHandler) WithGroup(name string) slog.Handler {
	sc := h.scope.WithGroup(name)
	if sc == h.scope {
		return h
	}
	return &WrapHandler{root: h.root, scope: sc}
}

// wrapScopeKey keys, in a scope's cache, next with that scope replayed.
type wrapScopeKey struct{ root *wrapRoot }

// Handle runs the middleware on r and hands what they keep to next.
func (h *WrapHandler) Handle(ctx context.Context, sr slog.Record) error {
	r := loggerjs.NewRecord(sr)
	r.Scope = h.scope
	if r.Err == nil {
		r.Err = h.scope.Err()
	}
	for _, m := range h.root.mw {
		if !h.root.process(ctx, m, r) {
			return nil
		}
	}
	next := h.root.next
	out := slog.NewRecord(r.Time, r.Level, r.Message(), r.PC)
	if r.NumRootAttrs() > 0 && len(r.Scope.Groups()) > 0 {
		var root []slog.Attr
		r.RootAttrs(func(a slog.Attr) bool {
			root = append(root, a)
			return true
		})
		next = replay(next.WithAttrs(root), r.Scope)
	} else {
		r.RootAttrs(func(a slog.Attr) bool {
			out.AddAttrs(a)
			return true
		})
		if r.Scope != nil {
			next = r.Scope.Cache(wrapScopeKey{h.root}, func(sc *loggerjs.Scope) any {
				return replay(h.root.next, sc)
			}).(slog.Handler)
		}
	}
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(a)
		return true
	})
	return next.Handle(ctx, out)
}

func (w *wrapRoot) process(ctx context.Context, m loggerjs.Middleware, r *loggerjs.Record) (keep bool) {
	defer func() {
		if recover() != nil {
			if failsClosed(m) {
				w.redactorPanics.Add(1)
				keep = false
				return
			}
			w.panics.Add(1)
			keep = true
		}
	}()
	return m.Process(ctx, r)
}
