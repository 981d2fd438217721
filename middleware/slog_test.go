package middleware_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/middleware"
)

// dropper is a slog middleware that drops records below Warn and hands
// the others on; late hands every record on again after Handle returned.
type dropper struct {
	next slog.Handler
	late *[]func()
}

func (d dropper) Enabled(ctx context.Context, l slog.Level) bool { return d.next.Enabled(ctx, l) }
func (d dropper) Handle(ctx context.Context, r slog.Record) error {
	if d.late != nil {
		*d.late = append(*d.late, func() { d.next.Handle(ctx, r) })
	}
	if r.Level < slog.LevelWarn {
		return nil
	}
	return d.next.Handle(ctx, r)
}
func (d dropper) WithAttrs(as []slog.Attr) slog.Handler {
	return dropper{d.next.WithAttrs(as), d.late}
}
func (d dropper) WithGroup(g string) slog.Handler { return dropper{d.next.WithGroup(g), d.late} }

func TestFromSlogDropsAndCounts(t *testing.T) {
	var late []func()
	m := middleware.FromSlog(func(h slog.Handler) slog.Handler { return dropper{h, &late} })
	logger, mem := pipeline(t, m)
	logger.Info("dropped")
	logger.Warn("kept")
	if got := mem.Messages(); !equalStrings(got, []string{"kept"}) || m.Dropped() != 1 {
		t.Errorf("messages %q, dropped %d", got, m.Dropped())
	}
	for _, f := range late {
		f()
	}
	if m.Late() != 2 || mem.Len() != 1 {
		t.Errorf("late %d, sink %d; want 2, 1", m.Late(), mem.Len())
	}
}

func TestWrapRootAttrsStayAtTheTop(t *testing.T) {
	var buf bytes.Buffer
	h := middleware.Wrap(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: noTime}),
		middleware.Enrich(slog.String("service", "api")))
	l := slog.New(h).With("a", 1).WithGroup("g")
	l.Info("m", "b", 2)
	slog.New(h).Info("m", "c", 3)
	want := "level=INFO msg=m service=api a=1 g.b=2\nlevel=INFO msg=m service=api c=3\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestWrapRecoversPanickingMiddleware(t *testing.T) {
	var buf bytes.Buffer
	boom := loggerjs.MiddlewareFunc(func(context.Context, *loggerjs.Record) bool { panic("boom") })
	slog.New(middleware.Wrap(slog.NewTextHandler(&buf, nil), boom)).Info("still logged")
	if !strings.Contains(buf.String(), "still logged") {
		t.Errorf("record lost: %q", buf.String())
	}
}
