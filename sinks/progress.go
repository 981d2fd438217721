package sinks

import "time"

// awaitProgress is the wait loop of the queued sinks' Flush and Close:
// it calls left, which reads under the sink's lock how much is left and
// the channel closed at the next progress, until nothing is left, and
// returns 0; or until stop is closed or timeout fires (either may be
// nil), and returns what is left then.
func awaitProgress(stop <-chan struct{}, timeout <-chan time.Time, left func() (int64, <-chan struct{})) int64 {
	for {
		n, wait := left()
		if n <= 0 {
			return 0
		}
		select {
		case <-wait:
		case <-stop:
			return n
		case <-timeout:
			return n
		}
	}
}
