//go:build !race

package redact

import (
	"errors"
	"log/slog"
	"testing"
)

// TestDefaultAllocatesNothingWhenNothingMatches checks that the default
// Redactor, which runs on every record, allocates nothing for attrs and
// messages with nothing to hide: scalars, an error, a group, a struct.
func TestAllocsDefaultNothingMatches(t *testing.T) {
	rd := Default()
	errPlain := errors.New("connection refused")
	type point struct{ X, Y int }
	attrs := append(ordinaryAttrs[:len(ordinaryAttrs):len(ordinaryAttrs)],
		slog.Any("err", errPlain),
		slog.Group("http", slog.String("method", "GET"), slog.Int("status", 200)),
		slog.Any("p", point{1, 2}),
	)
	attrs = append(attrs, compositeAttrs...)
	for _, a := range attrs {
		rd.RedactAttr(nil, a) // warm the type cache
		a := a
		if n := testing.AllocsPerRun(100, func() {
			if _, ok := rd.RedactAttr([]string{"g"}, a); ok {
				t.Fatalf("%s changed", a)
			}
		}); n != 0 {
			t.Errorf("%s: %v allocations, want 0", a.Key, n)
		}
	}
	if n := testing.AllocsPerRun(100, func() { rd.RedactMessage("served GET /x in 3ms at 12:00:01") }); n != 0 {
		t.Errorf("RedactMessage: %v allocations, want 0", n)
	}
}
