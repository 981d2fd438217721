package middleware

import (
	"context"
	"log/slog"

	"github.com/loggerjs/loggerjs"
)

// LevelFilter drops the records below a level. The handler counts what it
// drops as filtered, under "*middleware.LevelFilter" (or the name given
// with loggerjs.Named).
type LevelFilter struct {
	level slog.Leveler
}

var _ loggerjs.Middleware = (*LevelFilter)(nil)

// MinLevel returns middleware that keeps the records at or above level
// and drops the rest, as LogTape's level filters do. Per sink, with
// loggerjs.WithMiddleware, it gives one sink a higher level than the
// others on its route; in a LoggerConfig's Middleware it gates a
// category. level is read on every record, so a *slog.LevelVar changes it
// at run time; nil means slog.LevelInfo, as in slog.HandlerOptions.
//
// A LoggerConfig's Level is cheaper where it serves: it also makes
// Enabled false, so a disabled call costs nothing. MinLevel cannot, since
// the records it drops may still reach other sinks.
func MinLevel(level slog.Leveler) *LevelFilter {
	if level == nil {
		level = slog.LevelInfo
	}
	return &LevelFilter{level: level}
}

// Process keeps r when its level is at or above the filter's.
func (f *LevelFilter) Process(_ context.Context, r *loggerjs.Record) bool {
	return r.Level >= f.level.Level()
}
