package slogtest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// refHandler is a small correct handler written for the tests of the
// suite: it builds each record as a map and writes it as a JSON line. With
// aliasing set it has the commonest handler bug: WithAttrs and WithGroup
// append to the parent's slice, so siblings share its spare capacity.
type refHandler struct {
	mu       *sync.Mutex
	w        io.Writer
	level    slog.Level
	scope    []scopeLink
	aliasing bool
	// keepSlice makes WithAttrs keep the caller's slice and resolve its
	// values only in Handle.
	keepSlice bool
}

// scopeLink is one WithGroup (group set) or WithAttrs (attrs set) call.
type scopeLink struct {
	group string
	attrs []slog.Attr
}

func newRefHandler(w io.Writer) *refHandler {
	return &refHandler{mu: new(sync.Mutex), w: w}
}

func (h *refHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *refHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	if h.keepSlice {
		return h.with(scopeLink{attrs: attrs})
	}
	resolved := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		resolved[i] = resolve(a)
	}
	return h.with(scopeLink{attrs: resolved})
}

func (h *refHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return h.with(scopeLink{group: name})
}

func (h *refHandler) with(l scopeLink) *refHandler {
	h2 := *h
	if h.aliasing {
		h2.scope = append(h.scope, l)
	} else {
		h2.scope = append(slices.Clip(h.scope), l)
	}
	return &h2
}

func (h *refHandler) Handle(_ context.Context, r slog.Record) error {
	inner := map[string]any{}
	r.Attrs(func(a slog.Attr) bool {
		addAttr(inner, resolve(a))
		return true
	})
	for i := len(h.scope) - 1; i >= 0; i-- {
		l := h.scope[i]
		if l.group == "" {
			for _, a := range l.attrs {
				addAttr(inner, resolve(a))
			}
			continue
		}
		if len(inner) > 0 {
			inner = map[string]any{l.group: inner}
		}
	}
	m := inner
	if !r.Time.IsZero() {
		m[slog.TimeKey] = r.Time.Format(time.RFC3339Nano)
	}
	m[slog.LevelKey] = r.Level.String()
	m[slog.MessageKey] = r.Message
	line, err := json.Marshal(m)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err = h.w.Write(append(line, '\n'))
	return err
}

func resolve(a slog.Attr) slog.Attr {
	a.Value = a.Value.Resolve()
	if a.Value.Kind() == slog.KindGroup {
		g := a.Value.Group()
		rs := make([]slog.Attr, len(g))
		for i, ga := range g {
			rs[i] = resolve(ga)
		}
		a.Value = slog.GroupValue(rs...)
	}
	return a
}

// addAttr adds a resolved attr to m, leaving out empty attrs and groups.
func addAttr(m map[string]any, a slog.Attr) {
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() != slog.KindGroup {
		m[a.Key] = jsonValue(a.Value)
		return
	}
	if a.Key == "" {
		for _, ga := range a.Value.Group() {
			addAttr(m, ga)
		}
		return
	}
	g := map[string]any{}
	for _, ga := range a.Value.Group() {
		addAttr(g, ga)
	}
	if len(g) > 0 {
		m[a.Key] = g
	}
}

func jsonValue(v slog.Value) any {
	switch v.Kind() {
	case slog.KindTime:
		return v.Time().Format(time.RFC3339Nano)
	case slog.KindDuration:
		return v.Duration().String()
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return x.Error()
		case nil:
			return nil
		default:
			if _, err := json.Marshal(x); err != nil {
				return fmt.Sprint(x)
			}
			return x
		}
	}
	return v.Any()
}

// embeddingHandler tags each record it handles, but embeds slog.Handler
// and does not implement WithAttrs and WithGroup: loggers made with With
// lose the tag (dd-trace-go#2838).
type embeddingHandler struct {
	slog.Handler
}

func (h embeddingHandler) Handle(ctx context.Context, r slog.Record) error {
	r = r.Clone()
	r.AddAttrs(slog.String("wrapped", "yes"))
	return h.Handler.Handle(ctx, r)
}

// queueHandler holds records until Flush, then hands them on, as an
// asynchronous handler's worker would. Attrs bound while no group is open
// it keeps itself and adds to each record in Flush. With clone unset it
// keeps the slog.Record it was given instead of a Clone, so adding them
// writes into the array the caller's record shares.
type queueHandler struct {
	next  slog.Handler
	bound []slog.Attr
	clone bool
	q     *queue
}

type queue struct {
	mu      sync.Mutex
	pending []queued
}

type queued struct {
	h *queueHandler
	r slog.Record
}

func newQueueHandler(next slog.Handler, clone bool) *queueHandler {
	return &queueHandler{next: next, clone: clone, q: &queue{}}
}

func (h *queueHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *queueHandler) Handle(_ context.Context, r slog.Record) error {
	if h.clone {
		r = r.Clone()
	}
	h.q.mu.Lock()
	defer h.q.mu.Unlock()
	h.q.pending = append(h.q.pending, queued{h, r})
	return nil
}

func (h *queueHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	h2 := *h
	h2.bound = append(slices.Clip(h.bound), attrs...)
	return &h2
}

func (h *queueHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.next = h.next.WithAttrs(h.bound).WithGroup(name)
	h2.bound = nil
	return &h2
}

// Flush hands every held record on.
func (h *queueHandler) Flush() error {
	h.q.mu.Lock()
	pending := h.q.pending
	h.q.pending = nil
	h.q.mu.Unlock()
	for _, p := range pending {
		p.r.AddAttrs(p.h.bound...)
		if err := p.h.next.Handle(context.Background(), p.r); err != nil {
			return err
		}
	}
	return nil
}
