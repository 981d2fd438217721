//go:build !unix

package sinks

import "os"

// linkCount is unknown here.
func linkCount(os.FileInfo) (uint64, bool) { return 0, false }

// notifyHangup does nothing: there is no SIGHUP here (Windows never
// delivers one; js/wasm and wasip1 have no signals).
func notifyHangup(chan<- os.Signal) {}
