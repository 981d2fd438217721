//go:build unix

package sinks

import (
	"os"
	"os/signal"
	"syscall"
)

// linkCount returns the number of names an open file has; 0 means it was
// removed.
func linkCount(fi os.FileInfo) (uint64, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Nlink), true
}

// notifyHangup relays SIGHUP to c.
func notifyHangup(c chan<- os.Signal) { signal.Notify(c, syscall.SIGHUP) }
