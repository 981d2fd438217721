package zerologbridge

import (
	"runtime"
	"sync/atomic"

	"github.com/rs/zerolog"
)

// A sink that logs through zerolog while the bridge is installed makes the
// bridge call itself on the same goroutine. The bridge spots that from
// the stack: every record goes in through deliver, which calls handle
// from one call site, so a frame whose return address is that site's
// means the goroutine is already inside the bridge. Walking the stack
// costs, so it is done only while some record is in flight anywhere in
// the process (inflight > 0), which a program logging from one goroutine
// at a time never pays for.

// inflight counts the records being delivered, process-wide.
var inflight atomic.Int64

// deliverReturn is the return address of deliver's call to handle, set
// on the first delivery.
var deliverReturn atomic.Uintptr

// maxFrames bounds the stack reentered looks at.
const maxFrames = 128

// deliver hands one event in, and takes it out of inflight when it is
// done, even if it panics. It must stay a frame of its own.
//
//go:noinline
func deliver(w *Writer, level zerolog.Level, known bool, p []byte) {
	defer inflight.Add(-1)
	handle(w, level, known, p)
}

// markDeliver records the return address of handle's caller, deliver.
// handle calls it first.
//
//go:noinline
func markDeliver() {
	if deliverReturn.Load() != 0 {
		return
	}
	var pcs [1]uintptr
	// 0 is runtime.Callers, 1 markDeliver, 2 handle, 3 deliver.
	if runtime.Callers(3, pcs[:]) == 1 {
		deliverReturn.Store(pcs[0])
	}
}

// reentered reports whether the calling goroutine is inside deliver.
func reentered() bool {
	ret := deliverReturn.Load()
	if ret == 0 {
		return false
	}
	var pcs [maxFrames]uintptr
	n := runtime.Callers(2, pcs[:])
	for _, pc := range pcs[:n] {
		if pc == ret {
			return true
		}
	}
	return false
}
