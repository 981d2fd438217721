//go:build !race

package codecs_test

import (
	"log/slog"
	"testing"

	"github.com/loggerjs/loggerjs"
)

// TestZeroAllocs checks that every codec allocates nothing per record of
// ordinary attrs, groups included, in steady state (the buffer reused, the
// scope already cached). JSON and logfmt are held to it by the issue that
// introduced them; the rest are measured to stay there.
func TestZeroAllocs(t *testing.T) {
	grouped := newRecord(slog.LevelInfo, []string{"app"}, "m", slog.Group("req", "method", "GET", slog.Group("h", "x", 1)), "k", 2)
	var sc *loggerjs.Scope
	grouped.Scope = sc.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("outer").WithAttrs([]slog.Attr{slog.Group("b", "c", 1)})
	buf := make([]byte, 0, 4096)
	for _, r := range []*loggerjs.Record{benchRecord(), grouped} {
		for _, bc := range benchCodecs() {
			append := func() { buf = bc.codec.Append(buf[:0], r) }
			append()
			if n := testing.AllocsPerRun(100, append); n != 0 {
				t.Errorf("%s, %q: %v allocs per record, want 0", bc.name, r.Message(), n)
			}
		}
	}
}
