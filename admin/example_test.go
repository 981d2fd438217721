package admin_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/admin"
	"github.com/loggerjs/loggerjs/sinks"
)

// A standalone handler tree's levels, changed over HTTP. In a service,
// mount the handler behind the application's authentication:
//
//	mux.Handle("/debug/loggerjs/", http.StripPrefix("/debug/loggerjs", auth(admin.NewHandler(nil))))
func ExampleNewHandler() {
	tree, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"out": sinks.Memory()},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"out"}, Level: slog.LevelInfo},
		},
	})
	if err != nil {
		panic(err)
	}
	defer tree.Close(context.Background())
	h := admin.NewHandler(&admin.Options{Tree: tree})
	db := slog.New(tree).With(loggerjs.Category("app", "db"))

	for _, req := range []struct{ method, target string }{
		{"PUT", "/levels/app.db?level=debug"},
		{"PUT", "/levels/app.db?level=verbose"},
		{"DELETE", "/levels/app.db"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(req.method, req.target, nil))
		fmt.Print(rec.Code, " ", rec.Body)
		fmt.Println("app.db logs Debug:", db.Enabled(context.Background(), slog.LevelDebug))
	}
	// Output:
	// 200 {
	//   "category": "app.db",
	//   "level": "DEBUG",
	//   "source": "runtime",
	//   "from": "app.db",
	//   "configured": true
	// }
	// app.db logs Debug: true
	// 400 {"error":"unknown level \"verbose\": want trace, debug, info, warn, error, fatal or off, with an optional offset (info+2), an integer, or reset"}
	// app.db logs Debug: true
	// 200 {
	//   "category": "app.db",
	//   "level": "INFO",
	//   "source": "config",
	//   "from": "",
	//   "configured": false
	// }
	// app.db logs Debug: false
}
