package zerologbridge

import (
	"github.com/rs/zerolog"

	"github.com/loggerjs/loggerjs"
)

// guard spots a sink that logs through zerolog while the bridge is
// installed: the bridge calling itself on the same goroutine (see
// loggerjs.ReentryGuard). Every record goes in through deliver, which
// calls handle from one call site; handle calls guard.Mark first.
var guard loggerjs.ReentryGuard

// deliver hands one event in, and ends d, the delivery
// Begin let through, when it is done, even if it panics. It must stay
// a frame of its own.
//
//go:noinline
func deliver(d loggerjs.Delivery, w *Writer, level zerolog.Level, known bool, p []byte) {
	defer d.End()
	handle(w, level, known, p)
}
