package sinks

import "time"

// A Clock tells the time and makes timers for the sinks that wait:
// MaxWait in Batch, retry backoff, the circuit breaker's cool-down,
// Block's deadline and File's time-based rotation. A nil Clock in an
// options struct means the system clock. Tests inject a clock they
// advance by hand, so no test sleeps.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer that sends on its channel once d has
	// passed.
	NewTimer(d time.Duration) Timer
}

// A Timer is a one-shot timer made by a Clock.
type Timer interface {
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it did.
	Stop() bool
}

// systemClock is the Clock of the time package.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) NewTimer(d time.Duration) Timer { return sysTimer{time.NewTimer(d)} }

type sysTimer struct{ t *time.Timer }

func (t sysTimer) C() <-chan time.Time { return t.t.C }
func (t sysTimer) Stop() bool          { return t.t.Stop() }

func clockOr(c Clock) Clock {
	if c == nil {
		return systemClock{}
	}
	return c
}
