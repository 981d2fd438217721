package loggerjs_test

import (
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
)

// guardA and guardB stand for two bridges, each with its deliver and
// handle functions.
var guardA, guardB loggerjs.ReentryGuard

//go:noinline
func deliverA(d loggerjs.Delivery, inner func()) {
	defer d.End()
	handleA(inner)
}

//go:noinline
func handleA(inner func()) {
	guardA.Mark()
	inner()
}

//go:noinline
func deliverB(d loggerjs.Delivery, inner func()) {
	defer d.End()
	handleB(inner)
}

//go:noinline
func handleB(inner func()) {
	guardB.Mark()
	inner()
}

// throughA is a bridge call of A: inner runs inside the delivery, if
// Begin lets it in. It reports whether it did.
func throughA(inner func()) bool {
	d, ok := guardA.Begin()
	if ok {
		deliverA(d, inner)
	}
	return ok
}

func throughB(inner func()) bool {
	d, ok := guardB.Begin()
	if ok {
		deliverB(d, inner)
	}
	return ok
}

// deep calls f n frames further down the stack.
//
//go:noinline
func deep(n int, f func()) {
	if n == 0 {
		f()
		return
	}
	deep(n-1, f)
}

// marked reports whether the calling goroutine carries the guard's mark,
// leaving it as it was.
func marked() bool {
	old := debug.SetPanicOnFault(false)
	debug.SetPanicOnFault(old)
	return old
}

// TestReentryGuard checks that Begin refuses a delivery started from
// inside a delivery on the same goroutine, however deep below it, and
// allows one on another goroutine meanwhile; and that the goroutine is
// unmarked once the delivery is over.
func TestReentryGuard(t *testing.T) {
	var inner, deepInner, other, sawMark bool
	if !throughA(func() {
		sawMark = marked()
		inner = throughA(func() {})
		deep(300, func() { deepInner = throughA(func() {}) })
		done := make(chan bool)
		go func() { done <- throughA(func() {}) }()
		other = <-done
	}) {
		t.Fatal("the first delivery was refused")
	}
	if !sawMark {
		t.Error("the goroutine was not marked during the delivery")
	}
	if inner {
		t.Error("a delivery from inside a delivery was allowed")
	}
	if deepInner {
		t.Error("a delivery 300 frames below a delivery was allowed")
	}
	if !other {
		t.Error("a delivery on another goroutine was refused")
	}
	if marked() {
		t.Error("the goroutine is still marked after the delivery")
	}
	if !throughA(func() {}) {
		t.Error("a delivery after the first ended was refused")
	}
}

// TestReentryGuardTwoBridges checks that one bridge's delivery may run
// inside another's, that neither lets itself in below the other, and
// that each End leaves the goroutine as its Begin found it.
func TestReentryGuardTwoBridges(t *testing.T) {
	var b, aInB, bInB, markedAfterB bool
	throughA(func() {
		b = throughB(func() {
			aInB = throughA(func() {})
			bInB = throughB(func() {})
		})
		markedAfterB = marked()
	})
	if !b {
		t.Error("B's delivery inside A's was refused")
	}
	if aInB || bInB {
		t.Errorf("inside B inside A: A allowed %v, B allowed %v; want both refused", aInB, bInB)
	}
	if !markedAfterB {
		t.Error("B's End unmarked the goroutine inside A's delivery")
	}
	if marked() {
		t.Error("the goroutine is still marked after both deliveries")
	}
}

// TestReentryGuardProgramSetting checks a goroutine on which the program
// set debug.SetPanicOnFault itself: deliveries go through and loops are
// cut as on any other, and the program's setting stays.
func TestReentryGuardProgramSetting(t *testing.T) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	var inner bool
	if !throughA(func() { inner = throughA(func() {}) }) {
		t.Fatal("a delivery on a goroutine with panic-on-fault set was refused")
	}
	if inner {
		t.Error("a delivery from inside a delivery was allowed")
	}
	if !marked() {
		t.Error("End cleared the program's own setting")
	}
}

// TestReentryGuardConcurrent runs deliveries of both guards, nested at
// random, on many goroutines at once: every nested call of a guard
// already on the goroutine's stack is refused, every other call allowed,
// and every goroutine ends unmarked.
func TestReentryGuardConcurrent(t *testing.T) {
	const goroutines, rounds = 8, 300
	var wg sync.WaitGroup
	errs := make(chan string, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for range rounds {
				if msg := nest(rng, 0, false, false); msg != "" {
					errs <- msg
					return
				}
				if marked() {
					errs <- "a goroutine is marked between deliveries"
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}

// nest makes a random chain of bridge calls, each inside the last, at
// random depths, and checks each answer against inA and inB: whether the
// chain so far holds a delivery of A or of B. It returns what went wrong.
func nest(rng *rand.Rand, level int, inA, inB bool) string {
	if level == 4 {
		return ""
	}
	var msg string
	useA := rng.IntN(2) == 0
	deep(rng.IntN(40), func() {
		var ok bool
		if useA {
			ok = throughA(func() { msg = nest(rng, level+1, true, inB) })
		} else {
			ok = throughB(func() { msg = nest(rng, level+1, inA, true) })
		}
		switch {
		case useA && ok == inA, !useA && ok == inB:
			msg = "Begin's answer does not match the deliveries on the stack"
		case !ok:
			msg = nest(rng, level+1, inA, inB)
		}
	})
	return msg
}

// TestReentryGuardPanic checks that a delivery that panics unmarks the
// goroutine on its way out, so the next delivery goes through.
func TestReentryGuardPanic(t *testing.T) {
	func() {
		defer func() { _ = recover() }()
		throughA(func() { panic("sink broke") })
	}()
	if marked() {
		t.Error("the goroutine is still marked after a delivery panicked")
	}
	if !throughA(func() {}) {
		t.Error("a delivery after one that panicked was refused")
	}
}
