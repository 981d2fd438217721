package loggerjs

import (
	"log/slog"
	"slices"
	"sync/atomic"
)

// Scope is the bound part of a record: the attrs and groups added with
// Logger.With and Logger.WithGroup, as a chain from the innermost call out.
// A Scope is immutable and shared by every record logged through the same
// logger, so a codec may derive something from it once (its encoded form,
// say) and keep it with Cache. The nil *Scope is the empty scope.
type Scope struct {
	parent *Scope
	group  string      // set on a WithGroup link
	attrs  []slog.Attr // set on a WithAttrs link
	groups []string    // every group open at this link, outermost first
	err    error       // the first error-valued attr bound, outermost first
	cache  atomic.Pointer[scopeCacheEntry]
}

type scopeCacheEntry struct {
	key   any
	value any
	next  *scopeCacheEntry
}

// WithAttrs returns a scope that adds attrs, inside the groups open at s.
// Attrs that are empty groups are left out; if nothing is left, it returns s.
func (s *Scope) WithAttrs(attrs []slog.Attr) *Scope {
	kept := make([]slog.Attr, 0, len(attrs))
	for _, a := range attrs {
		if a.Value.Kind() == slog.KindGroup && len(a.Value.Group()) == 0 {
			continue
		}
		kept = append(kept, a)
	}
	if len(kept) == 0 {
		return s
	}
	n := &Scope{parent: s, attrs: kept, groups: s.Groups(), err: s.Err()}
	if n.err == nil {
		n.err = firstError(kept)
	}
	return n
}

// WithGroup returns a scope in which later attrs, bound or logged, are
// inside the group name. An empty name returns s.
func (s *Scope) WithGroup(name string) *Scope {
	if name == "" {
		return s
	}
	return &Scope{parent: s, group: name, groups: append(slices.Clip(s.Groups()), name), err: s.Err()}
}

// Parent returns the scope that s extends, or nil.
func (s *Scope) Parent() *Scope {
	if s == nil {
		return nil
	}
	return s.parent
}

// Group returns the group that this link opens, or "" for a link of attrs.
func (s *Scope) Group() string {
	if s == nil {
		return ""
	}
	return s.group
}

// Attrs returns the attrs that this link binds, or nil for a group link.
// The caller must not modify the slice.
func (s *Scope) Attrs() []slog.Attr {
	if s == nil {
		return nil
	}
	return s.attrs
}

// Groups returns every group open at s, outermost first. The caller must
// not modify the slice.
func (s *Scope) Groups() []string {
	if s == nil {
		return nil
	}
	return s.groups
}

// Err returns the first error-valued attr bound in s, outermost first.
func (s *Scope) Err() error {
	if s == nil {
		return nil
	}
	return s.err
}

// Links returns the links of s from the outermost to s itself, appended
// to dst.
func (s *Scope) Links(dst []*Scope) []*Scope {
	start := len(dst)
	for l := s; l != nil; l = l.parent {
		dst = append(dst, l)
	}
	slices.Reverse(dst[start:])
	return dst
}

// Cache returns the value cached in s under key, calling build to make it
// the first time. Codecs use it to encode a scope once rather than once per
// record; key is usually the codec itself. build may run more than once
// when goroutines race on the first use; one result is kept. On the nil
// scope Cache calls build every time.
func (s *Scope) Cache(key any, build func(*Scope) any) any {
	if s == nil {
		return build(nil)
	}
	head := s.cache.Load()
	for e := head; e != nil; e = e.next {
		if e.key == key {
			return e.value
		}
	}
	v := build(s)
	for {
		e := &scopeCacheEntry{key: key, value: v, next: head}
		if s.cache.CompareAndSwap(head, e) {
			return v
		}
		head = s.cache.Load()
		for e := head; e != nil; e = e.next {
			if e.key == key {
				return e.value
			}
		}
	}
}

func firstError(attrs []slog.Attr) error {
	for _, a := range attrs {
		if a.Value.Kind() == slog.KindAny {
			if err, ok := a.Value.Any().(error); ok {
				return err
			}
		}
	}
	return nil
}
