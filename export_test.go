package loggerjs

import "context"

// ResetRegistry shuts the process-wide registry down and puts it back in
// the state a process starts in: buffering into the default early buffer,
// nothing retired.
func ResetRegistry() {
	_ = registry.shutdown(context.Background())
	fresh := newRegistry()
	registry.mu.Lock()
	defer registry.mu.Unlock()
	snap := fresh.snap.Load()
	snap.eng = registry
	snap.meta = snap.resolve(MetaCategory)
	registry.snap.Store(snap)
	registry.closed.Store(nil)
}
