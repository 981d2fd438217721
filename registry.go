package loggerjs

import (
	"context"
	"log/slog"
	"sync"
)

// registry is the process-wide handler tree behind Configure and GetLogger.
var registry = newRegistry()

// DefaultEarlyBuffer is how many records the process-wide registry keeps
// from before the first Configure: what libraries log from their init
// functions and while the application reads its settings. The first
// DefaultEarlyBuffer records are kept and replayed, in order, into the
// first configuration that names sinks, through its levels and routes;
// later ones are dropped and counted as EarlyBufferOverflow.
const DefaultEarlyBuffer = 1024

func newRegistry() *engine {
	e := newEngine()
	snap, err := e.compile(Config{EarlyBuffer: DefaultEarlyBuffer}, nil)
	if err != nil {
		panic("loggerjs: the default early buffer: " + err.Error())
	}
	snap.early.keepFirst = true
	e.snap.Store(snap)
	return e
}

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
// Before the first Configure its records are kept in the registry's early
// buffer (see DefaultEarlyBuffer) and replayed into the first
// configuration that names sinks; afterwards it routes through whatever
// the application configured. Loggers are cached: the same
// category gives the same logger.
func GetLogger(category ...string) *slog.Logger {
	key := categoryKey(category)
	if l, ok := loggers.Load(key); ok {
		return l.(*slog.Logger)
	}
	cat := splitCategory(category)
	if k := categoryKey(cat); k != key {
		// A dotted name: cache under both spellings, one logger.
		l := GetLogger(cat...)
		actual, _ := loggers.LoadOrStore(key, l)
		return actual.(*slog.Logger)
	}
	h := &Handler{eng: registry, category: cat, catName: joinCategory(cat), catKey: key}
	l, _ := loggers.LoadOrStore(key, slog.New(h))
	return l.(*slog.Logger)
}

// Flush flushes every sink of the registry within ctx's deadline. Call it
// on a crash path before the process exits.
func Flush(ctx context.Context) error { return registry.flush(ctx) }

// Shutdown flushes and closes every sink of the registry and leaves it
// unconfigured until the next Configure. Records logged after it that the
// retired configuration would have routed are not dropped silently: they
// are counted in Stats as AfterShutdown and written to stderr, redacted
// and rate-limited, so that the error a deferred Shutdown is followed by
// still shows. It honours ctx's deadline, is safe to call more than once,
// and returns an error when a sink failed to close or records were lost
// while it ran.
func Shutdown(ctx context.Context) error { return registry.shutdown(ctx) }
