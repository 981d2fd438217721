package loggerjs

import (
	"context"
	"log/slog"
)

type contextAttrsKey struct{}

// contextAttrs is a link in the chain of attrs carried by a context.
type contextAttrs struct {
	parent *contextAttrs
	attrs  []slog.Attr
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
	return context.WithValue(ctx, contextAttrsKey{}, &contextAttrs{parent: parent, attrs: append([]slog.Attr(nil), attrs...)})
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
