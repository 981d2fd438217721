package loggerjs

import (
	"runtime"
	"runtime/debug"
	"sync/atomic"
)

// A ReentryGuard lets a bridge from another logging library notice that
// it is being called from inside its own delivery, on the same
// goroutine: a sink that logs through the bridged library while the
// bridge is installed. The bridge then drops the inner record (and
// counts it with Handler.CountBridgeDrop), which cuts the loop.
//
// A bridge hands every record in through one function of its own, say
// deliver, which calls the function that builds and handles the record
// from a single call site; that function calls Mark first. Around each
// delivery the bridge calls Begin and the Delivery's End:
//
//	var guard loggerjs.ReentryGuard
//
//	func (b *Bridge) Write(...) {
//		d, ok := guard.Begin()
//		if !ok {
//			b.own.CountBridgeDrop() // a record made inside the bridge
//			return
//		}
//		deliver(d, b, ...) // defers d.End()
//	}
//
// Begin marks the calling goroutine for the length of the delivery with
// debug.SetPanicOnFault(true), the one goroutine-local setting the
// runtime lets a program both set and read, and End puts back the
// setting Begin found. A goroutine that Begin finds unmarked is inside
// no delivery, so the usual Begin and End cost two runtime calls, walk
// no stack and write no memory that other goroutines share, however
// many goroutines log at once. Only on a goroutine already marked (inside
// a delivery of this or another bridge, or in a program that set the
// setting itself) does Begin walk the stack for the guard's delivering
// function. While a goroutine is marked, a fault at an address the
// runtime did not expect (a memory-mapped file truncated under a sink,
// say) panics instead of crashing the program, and the handler counts
// it as a sink panic.
//
// The zero ReentryGuard is ready to use; it is safe for concurrent use.
type ReentryGuard struct {
	ret atomic.Uintptr // the return address of deliver's call, once known
}

// A Delivery is one delivery that ReentryGuard.Begin let through. Its
// End must be called once, on the same goroutine, when the delivery is
// over, even if it panics.
type Delivery struct {
	marked bool // Begin marked the goroutine; End unmarks it
}

// Begin starts a delivery on the calling goroutine. It reports false,
// and starts nothing, when the goroutine is already inside a delivery of
// g.
func (g *ReentryGuard) Begin() (Delivery, bool) {
	if !debug.SetPanicOnFault(true) {
		return Delivery{marked: true}, true
	}
	if g.reentered() {
		return Delivery{}, false
	}
	return Delivery{}, true
}

// End ends a delivery that Begin started, and puts back the goroutine's
// setting as Begin found it.
func (d Delivery) End() {
	if d.marked {
		debug.SetPanicOnFault(false)
	}
}

// Mark records where a delivery sits on the stack: the return address
// in the caller of Mark's caller. The function that builds the record
// calls it first.
//
//go:noinline
func (g *ReentryGuard) Mark() {
	if g.ret.Load() != 0 {
		return
	}
	var pcs [1]uintptr
	// 0 is runtime.Callers, 1 Mark, 2 its caller, 3 the delivering function.
	if runtime.Callers(3, pcs[:]) == 1 {
		g.ret.Store(pcs[0])
	}
}

// reentered reports whether the calling goroutine is inside a delivery
// of g: whether the return address Mark recorded is on its stack.
func (g *ReentryGuard) reentered() bool {
	ret := g.ret.Load()
	if ret == 0 {
		return false
	}
	var pcs [maxBridgeFrames]uintptr
	skip := 3 // runtime.Callers, reentered, Begin
	for {
		n := runtime.Callers(skip, pcs[:])
		for _, pc := range pcs[:n] {
			if pc == ret {
				return true
			}
		}
		if n < len(pcs) {
			return false
		}
		skip += n
	}
}
