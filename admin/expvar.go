package admin

import (
	"expvar"
	"sync"

	"github.com/loggerjs/loggerjs"
)

// ExpvarName is the name PublishExpvar publishes loggerjs.Stats under.
const ExpvarName = "loggerjs"

var publishOnce sync.Once

// PublishExpvar publishes loggerjs.Stats() on expvar as ExpvarName, read
// afresh on every request to /debug/vars. Calling it again does nothing.
// If another package already published a variable under that name,
// PublishExpvar leaves it and returns false.
func PublishExpvar() bool {
	ok := true
	publishOnce.Do(func() {
		if expvar.Get(ExpvarName) != nil {
			ok = false
			return
		}
		expvar.Publish(ExpvarName, expvar.Func(func() any { return loggerjs.Stats() }))
	})
	if !ok {
		return false
	}
	_, ours := expvar.Get(ExpvarName).(expvar.Func)
	return ours
}
