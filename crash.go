package loggerjs

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"time"
)

// CrashFlushTimeout bounds how long Recover, Fatal and ShutdownOnSignal
// wait for the sinks to flush and close.
const CrashFlushTimeout = 5 * time.Second

// Recover, deferred at the top of main and of every goroutine a program
// starts, turns a panic into a record before the process dies:
//
//	func main() {
//		defer loggerjs.Recover()
//		...
//	}
//
// It logs a LevelFatal record with the panic value and the stack of the
// panicking goroutine (attrs "panic" and "stack") through the registry's
// root logger, shuts the registry down within CrashFlushTimeout so that
// every sink has flushed and closed, and panics again with the same
// value, so that the process exits as Go would have made it: exit status
// 2 and the runtime's traceback on stderr. Without a panic it does
// nothing.
func Recover() {
	p := recover()
	if p == nil {
		return
	}
	logCrash(registry, p, debug.Stack())
	panic(p)
}

// RecoverHandler is Recover for a standalone handler tree: the record
// goes through h, and h is closed.
func RecoverHandler(h *Handler) {
	p := recover()
	if p == nil {
		return
	}
	logCrash(h.eng, p, debug.Stack())
	panic(p)
}

// logCrash logs the panic through e's root and shuts e down.
func logCrash(e *engine, p any, stack []byte) {
	h := &Handler{eng: e}
	var pcs [1]uintptr
	runtime.Callers(3, pcs[:])
	r := slog.NewRecord(time.Now(), LevelFatal, "panic: "+panicText(p), pcs[0])
	r.AddAttrs(slog.String("panic", panicText(p)), slog.String(StackKey, string(stack)))
	if err, ok := p.(error); ok {
		r.AddAttrs(slog.Any("error", err))
	}
	_ = h.Handle(context.Background(), r)
	ctx, cancel := context.WithTimeout(context.Background(), CrashFlushTimeout)
	defer cancel()
	_ = e.shutdown(ctx)
}

// Fatal logs msg and args at LevelFatal through logger (the registry's
// root logger when nil), shuts down the handler tree behind it within
// CrashFlushTimeout, so that every sink has flushed and closed, and exits
// the process with status 1, as zap's Logger.Fatal and log.Fatal do.
func Fatal(logger *slog.Logger, msg string, args ...any) {
	e := registry
	if logger == nil {
		logger = slog.New(&Handler{eng: registry})
	} else if h, ok := logger.Handler().(*Handler); ok {
		e = h.eng
	}
	var pcs [1]uintptr
	runtime.Callers(2, pcs[:])
	r := slog.NewRecord(time.Now(), LevelFatal, msg, pcs[0])
	r.Add(args...)
	if logger.Enabled(context.Background(), LevelFatal) {
		_ = logger.Handler().Handle(context.Background(), r)
	}
	ctx, cancel := context.WithTimeout(context.Background(), CrashFlushTimeout)
	defer cancel()
	_ = e.shutdown(ctx)
	if e != registry {
		_ = registry.flush(ctx)
	}
	exit(1)
}

// exit is os.Exit; tests replace it.
var exit = os.Exit

// ShutdownOnSignal shuts the registry down within timeout when the
// process receives SIGINT or SIGTERM (or the signals given), then lets the
// signal take its usual course: the handler is removed and the signal
// raised again, so the process ends as it would have without loggerjs.
// The function it returns stops listening. It is opt-in: a program with
// its own signal handling calls Shutdown from there instead.
func ShutdownOnSignal(timeout time.Duration, sigs ...os.Signal) (stop func()) {
	if len(sigs) == 0 {
		sigs = []os.Signal{os.Interrupt, syscall.SIGTERM}
	}
	c := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(c, sigs...)
	go func() {
		select {
		case sig := <-c:
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			_ = Shutdown(ctx)
			cancel()
			signal.Reset(sig)
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				_ = p.Signal(sig)
			}
		case <-done:
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(c)
			close(done)
		})
	}
}
