package middleware

import (
	"context"
	"log/slog"
	"slices"

	"github.com/loggerjs/loggerjs"
)

// Enrich returns middleware that adds attrs to every record, at the top
// level of the record (outside the logger's groups), after any root attrs
// the record already has:
//
//	middleware.Enrich(slog.String("service", "api"), slog.String("version", version))
func Enrich(attrs ...slog.Attr) loggerjs.Middleware {
	attrs = slices.Clone(attrs)
	return loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		r.AddRootAttrs(attrs...)
		return true
	})
}

// EnrichFunc returns middleware that adds the attrs f returns for the
// record's context, at the top level of the record. f runs on the logging
// goroutine for every record: it must be quick and safe for concurrent
// use, and must not log.
func EnrichFunc(f func(ctx context.Context) []slog.Attr) loggerjs.Middleware {
	return loggerjs.MiddlewareFunc(func(ctx context.Context, r *loggerjs.Record) bool {
		if attrs := f(ctx); len(attrs) > 0 {
			r.AddRootAttrs(attrs...)
		}
		return true
	})
}

// Keys of the attrs that Tags and Type add.
const (
	TagsKey = "tags"
	TypeKey = "type"
)

// Tags returns middleware that tags every record: a root attr "tags"
// holding a []string, merged with the tags a record already carries
// (without repeats). Sinks can route on them with HasTag.
func Tags(tags ...string) loggerjs.Middleware {
	tags = slices.Compact(slices.Clone(tags))
	value := slog.AnyValue(tags)
	return loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		for i := range r.NumRootAttrs() {
			a := r.RootAttr(i)
			if a.Key != TagsKey {
				continue
			}
			old, _ := a.Value.Any().([]string)
			merged := slices.Clone(old)
			for _, t := range tags {
				if !slices.Contains(merged, t) {
					merged = append(merged, t)
				}
			}
			r.SetRootAttr(i, slog.Any(TagsKey, merged))
			return true
		}
		r.AddRootAttrs(slog.Attr{Key: TagsKey, Value: value})
		return true
	})
}

// Type returns middleware that gives every record a root attr "type"
// naming its kind of event ("audit", "access"), unless it has one.
func Type(name string) loggerjs.Middleware {
	attr := slog.String(TypeKey, name)
	return loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		for i := range r.NumRootAttrs() {
			if r.RootAttr(i).Key == TypeKey {
				return true
			}
		}
		r.AddRootAttrs(attr)
		return true
	})
}

// HasTag reports whether r carries tag in its root "tags" attr.
func HasTag(r *loggerjs.Record, tag string) bool {
	for i := range r.NumRootAttrs() {
		if a := r.RootAttr(i); a.Key == TagsKey && a.Value.Kind() == slog.KindAny {
			if tags, ok := a.Value.Any().([]string); ok && slices.Contains(tags, tag) {
				return true
			}
		}
	}
	return false
}
