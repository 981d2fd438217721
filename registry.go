package loggerjs

import (
	"context"
	"log/slog"
	"sync"
)

// registry is the process-wide handler tree behind Configure and GetLogger.
var registry = newEngine()

// loggers caches the loggers GetLogger hands out, by category.
var loggers sync.Map // categoryKey -> *slog.Logger

// Configure sets the configuration of the process-wide registry. It is for
// applications; libraries call GetLogger and leave configuration to them.
//
// A later Configure swaps the whole configuration atomically: loggers
// already handed out follow it, and sinks the new configuration no longer
// names are flushed and closed. A bad configuration is an error naming the
// field, and the configuration in force stays.
func Configure(cfg Config) error { return registry.configure(cfg) }

// GetLogger returns the logger of a category in the process-wide registry.
// Before Configure it logs nothing and its Enabled costs one compare (see
// Config.EarlyBuffer to keep those records); afterwards it routes through
// whatever the application configured. Loggers are cached: the same
// category gives the same logger.
func GetLogger(category ...string) *slog.Logger {
	key := categoryKey(category)
	if l, ok := loggers.Load(key); ok {
		return l.(*slog.Logger)
	}
	cat := append([]string(nil), category...)
	h := &Handler{eng: registry, category: cat, catName: joinCategory(cat), catKey: key}
	l, _ := loggers.LoadOrStore(key, slog.New(h))
	return l.(*slog.Logger)
}

// Flush flushes every sink of the registry within ctx's deadline. Call it
// on a crash path before the process exits.
func Flush(ctx context.Context) error { return registry.flush(ctx) }

// Shutdown flushes and closes every sink of the registry and leaves it
// unconfigured: loggers from GetLogger log nothing until the next
// Configure. It honours ctx's deadline and is safe to call more than once.
func Shutdown(ctx context.Context) error { return registry.shutdown(ctx) }
