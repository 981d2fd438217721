package zapbridge

import (
	"go.uber.org/zap/zapcore"

	"github.com/loggerjs/loggerjs"
)

// guard spots a sink that logs through zap while the bridge is
// installed: the bridge calling itself on the same goroutine (see
// loggerjs.ReentryGuard). Every record goes in through deliver, which
// calls handle from one call site; handle calls guard.Mark first.
var guard loggerjs.ReentryGuard

// deliver hands one entry in, and ends d, the delivery
// Begin let through, when it is done, even if it panics. It must stay
// a frame of its own.
//
//go:noinline
func deliver(d loggerjs.Delivery, c *Core, ent zapcore.Entry, fields []zapcore.Field) {
	defer d.End()
	handle(c, ent, fields)
}
