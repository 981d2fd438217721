package loggerjs

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
)

type contextAttrsKey struct{}

// contextAttrs is a link in the chain of what a context carries for
// loggerjs: attrs, and the category prefix in force at that link.
type contextAttrs struct {
	parent *contextAttrs
	attrs  []slog.Attr
	prefix *categoryPrefix
}

// WithContextAttrs returns a context that carries attrs in addition to any
// ctx already carries. A loggerjs handler adds them to every record logged
// with that context (through InfoContext, LogAttrs and the like), at the
// top level of the record, outside the logger's groups:
//
//	ctx = loggerjs.WithContextAttrs(ctx, slog.String("request_id", id))
//	logger.InfoContext(ctx, "served")  // ... "request_id":"…"
//
// Package contextx builds request scopes on it.
func WithContextAttrs(ctx context.Context, attrs ...slog.Attr) context.Context {
	if len(attrs) == 0 {
		return ctx
	}
	parent, _ := ctx.Value(contextAttrsKey{}).(*contextAttrs)
	var prefix *categoryPrefix
	if parent != nil {
		prefix = parent.prefix
	}
	return context.WithValue(ctx, contextAttrsKey{}, &contextAttrs{parent: parent, attrs: append([]slog.Attr(nil), attrs...), prefix: prefix})
}

// WithCategoryPrefix returns a context under which every record logged by
// a loggerjs handler belongs to the category names + its own: a record of
// "http.client" logged with that context is routed, gated and written as
// "sdk.payments.http.client". Prefixes nest, outermost first. It is how an
// SDK keeps the records of the libraries it calls under its own category,
// as LogTape's withCategoryPrefix does:
//
//	ctx = loggerjs.WithCategoryPrefix(ctx, "sdk", "payments")
//	client.Do(ctx, req) // its records are sdk.payments.<their category>
//
// Enabled sees the prefix too, since slog passes it the same context. A
// dot in a name separates segments.
func WithCategoryPrefix(ctx context.Context, names ...string) context.Context {
	names = splitCategory(names)
	if len(names) == 0 {
		return ctx
	}
	parent, _ := ctx.Value(contextAttrsKey{}).(*contextAttrs)
	if parent != nil && parent.prefix != nil {
		names = append(slices.Clip(parent.prefix.names), names...)
	}
	prefixesUsed.Store(true)
	return context.WithValue(ctx, contextAttrsKey{}, &contextAttrs{parent: parent, prefix: &categoryPrefix{names: names}})
}

// CategoryPrefix returns the category prefix ctx carries, or nil.
func CategoryPrefix(ctx context.Context) []string {
	if p := prefixOf(ctx); p != nil {
		return slices.Clone(p.names)
	}
	return nil
}

// prefixesUsed is set once any context carries a category prefix; until
// then Enabled does not look for one.
var prefixesUsed atomic.Bool

func prefixOf(ctx context.Context) *categoryPrefix {
	if ctx == nil {
		return nil
	}
	if c, _ := ctx.Value(contextAttrsKey{}).(*contextAttrs); c != nil {
		return c.prefix
	}
	return nil
}

// categoryPrefix is a prefix carried by a context, with the categories it
// made of handlers' own, cached so that a prefixed record allocates no
// new category.
type categoryPrefix struct {
	names []string
	cats  sync.Map // a handler's category key -> *prefixedCategory
}

type prefixedCategory struct {
	cat  []string
	key  string
	name string
}

// of returns the category of h under p.
func (p *categoryPrefix) of(h *Handler) *prefixedCategory {
	if v, ok := p.cats.Load(h.catKey); ok {
		return v.(*prefixedCategory)
	}
	cat := append(slices.Clip(p.names), h.category...)
	pc := &prefixedCategory{cat: cat, key: categoryKey(cat), name: joinCategory(cat)}
	v, _ := p.cats.LoadOrStore(h.catKey, pc)
	return v.(*prefixedCategory)
}

// ContextAttrs returns the attrs ctx carries, outermost first.
func ContextAttrs(ctx context.Context) []slog.Attr {
	if ctx == nil {
		return nil
	}
	c, _ := ctx.Value(contextAttrsKey{}).(*contextAttrs)
	return c.appendTo(nil)
}

func (c *contextAttrs) appendTo(dst []slog.Attr) []slog.Attr {
	if c == nil {
		return dst
	}
	return append(c.parent.appendTo(dst), c.attrs...)
}

// hasAttrs reports whether the chain carries any attr.
func (c *contextAttrs) hasAttrs() bool {
	for ; c != nil; c = c.parent {
		if len(c.attrs) > 0 {
			return true
		}
	}
	return false
}
