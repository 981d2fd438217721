// Package admin holds what operators attach to a running service:
// publishing loggerjs's counters on expvar. It is a package of its own
// because expvar links net/http into the program and registers
// /debug/vars on http.DefaultServeMux, which a program that only logs
// should not pay for.
//
//	func main() {
//		admin.PublishExpvar() // loggerjs.Stats() as the expvar "loggerjs"
//		...
//	}
package admin
