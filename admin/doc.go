// Package admin holds what operators attach to a running service: an
// http.Handler that lists and changes the levels of categories at run
// time and serves loggerjs's counters as JSON (NewHandler), and
// publishing those counters on expvar (PublishExpvar). It is a package of
// its own because net/http and expvar are large, and expvar registers
// /debug/vars on http.DefaultServeMux: a program that only logs should
// not pay for them.
//
//	func main() {
//		...
//		mux.Handle("/debug/loggerjs/", http.StripPrefix("/debug/loggerjs",
//			requireOperator(admin.NewHandler(nil)))) // behind your own authentication
//		admin.PublishExpvar() // loggerjs.Stats() as the expvar "loggerjs"
//	}
//
// Then, from a shell:
//
//	curl -s localhost:8080/debug/loggerjs/levels
//	curl -s -X PUT 'localhost:8080/debug/loggerjs/levels/app.db?level=debug'
//	curl -s -X PUT -d '{"level":"warn"}' localhost:8080/debug/loggerjs/levels/app.http
//	curl -s -X DELETE localhost:8080/debug/loggerjs/levels/app.db
//	curl -s localhost:8080/debug/loggerjs/stats
//
// The handler has no authentication of its own. Package loggerjs, which
// every program that logs imports, links neither net/http nor expvar.
package admin
