package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/admin"
	"github.com/loggerjs/loggerjs/sinks"
)

// newTree returns a standalone handler tree whose root logs Info and up
// to a memory sink, app at Warn, and app.http at Debug.
func newTree(t *testing.T) (*loggerjs.Handler, *sinks.MemorySink) {
	t.Helper()
	t.Setenv(loggerjs.EnvLevel, "")
	mem := sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"mem": mem},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"mem"}, Level: slog.LevelInfo},
			{Category: []string{"app"}, Level: slog.LevelWarn},
			{Category: []string{"app", "http"}, Level: slog.LevelDebug},
			{Category: loggerjs.MetaCategory, Sinks: []string{}, ParentSinks: loggerjs.Override},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close(context.Background()) })
	return h, mem
}

// do serves one request and returns the status and body.
func do(t *testing.T, h http.Handler, method, target, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func levels(t *testing.T, h http.Handler) []admin.Level {
	t.Helper()
	code, body := do(t, h, "GET", "/levels", "")
	if code != http.StatusOK {
		t.Fatalf("GET /levels: %d %s", code, body)
	}
	var out []admin.Level
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("GET /levels: %v: %s", err, body)
	}
	return out
}

// TestHandlerBadRequests checks every request the handler answers 400,
// each with a message that names what is wrong, and that none of them
// changes a level.
func TestHandlerBadRequests(t *testing.T) {
	tree, _ := newTree(t)
	h := admin.NewHandler(&admin.Options{Tree: tree})
	before := levels(t, h)
	tests := []struct {
		name, method, target, body, want string
	}{
		{"unknown level in query", "PUT", "/levels/app.db?level=verbose", "", `unknown level \"verbose\"`},
		{"unknown level in body", "PUT", "/levels/app.db", `{"level":"loud"}`, `unknown level \"loud\"`},
		{"bad offset", "PUT", "/levels/app.db?level=info%2Bx", "", `unknown level \"info+x\"`},
		{"offset on off", "PUT", "/levels/app?level=off%2B1", "", `unknown level \"off+1\"`},
		{"reset with offset", "PUT", "/levels/app?level=reset-1", "", `unknown level \"reset-1\"`},
		{"level number too big for a name", "PUT", "/levels/app", `{"level":1.5}`, `unknown level \"1.5\"`},
		{"level of the wrong type", "PUT", "/levels/app", `{"level":true}`, "level must be a string or an integer"},
		{"empty level in body", "PUT", "/levels/app", `{"level":""}`, "empty level"},
		{"empty level in query", "PUT", "/levels/app?level=", "", `give \"level\" once, not empty`},
		{"level twice in query", "PUT", "/levels/app?level=debug&level=info", "", `give \"level\" once`},
		{"missing level", "PUT", "/levels/app", "", "missing level"},
		{"body without level", "PUT", "/levels/app", `{}`, "missing level"},
		{"query and body disagree", "PUT", "/levels/app?level=debug", `{"level":"info"}`, "differs from"},
		{"path and body disagree", "PUT", "/levels/app", `{"category":"lib","level":"info"}`, `category \"lib\" differs from \"app\"`},
		{"malformed JSON", "PUT", "/levels/app", `{"level":`, "want a JSON object"},
		{"not an object", "PUT", "/levels/app", `"debug"`, "want a JSON object"},
		{"unknown field", "PUT", "/levels/app", `{"lvl":"debug"}`, `unknown field \"lvl\"`},
		{"data after the object", "PUT", "/levels/app", `{"level":"debug"} {}`, "data after the JSON object"},
		{"body too large", "PUT", "/levels/app", `{"level":"debug","category":"app","x":"` + strings.Repeat("x", 5000) + `"}`, "larger than 4096 bytes"},
		{"empty segment in path", "PUT", "/levels/app..db?level=debug", "", `malformed category \"app..db\": empty segment`},
		{"leading dot in path", "PUT", "/levels/.app?level=debug", "", `malformed category \".app\"`},
		{"trailing dot in path", "PUT", "/levels/app.?level=debug", "", `malformed category \"app.\"`},
		{"control character in path", "PUT", "/levels/app%0Adb?level=debug", "", `control character at byte 3`},
		{"invalid UTF-8 in path", "PUT", "/levels/app%FFdb?level=debug", "", "invalid UTF-8"},
		{"malformed category in body", "PUT", "/levels", `{"category":"a..b","level":"debug"}`, `malformed category \"a..b\"`},
		{"GET malformed category", "GET", "/levels/app..db", "", `malformed category \"app..db\"`},
		{"DELETE malformed category", "DELETE", "/levels/..app", "", `malformed category \"..app\"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := do(t, h, tt.method, tt.target, tt.body)
			if code != http.StatusBadRequest {
				t.Fatalf("%s %s: %d %s, want 400", tt.method, tt.target, code, body)
			}
			var e struct{ Error string }
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" {
				t.Fatalf("body is not {\"error\":…}: %s", body)
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("error %s does not say %s", body, tt.want)
			}
		})
	}
	if after := levels(t, h); !reflect.DeepEqual(before, after) {
		t.Errorf("a bad request changed the levels:\nbefore %+v\nafter  %+v", before, after)
	}
}

// TestHandlerPutGetDelete drives the level endpoints over a real server:
// PUT by query, by body, by number and on the root; GET one and all;
// DELETE and PUT "reset"; and that a logger of the tree obeys each change.
func TestHandlerPutGetDelete(t *testing.T) {
	tree, mem := newTree(t)
	srv := httptest.NewServer(http.StripPrefix("/debug/loggerjs", admin.NewHandler(&admin.Options{Tree: tree})))
	defer srv.Close()
	call := func(method, path, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+"/debug/loggerjs"+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusMethodNotAllowed && ct != "application/json" {
			t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
		return resp.StatusCode, string(b)
	}
	one := func(method, path, body string) admin.Level {
		t.Helper()
		code, b := call(method, path, body)
		if code != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, path, code, b)
		}
		var l admin.Level
		if err := json.Unmarshal([]byte(b), &l); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
		return l
	}
	db := slog.New(tree).With(loggerjs.Category("app", "db"))
	db.Warn("seen") // app.db is now a category logged to

	want := []admin.Level{
		{Category: "", Level: "INFO", Source: "config", From: "", Configured: true},
		{Category: "app", Level: "WARN", Source: "config", From: "app", Configured: true},
		{Category: "app.db", Level: "WARN", Source: "config", From: "app"},
		// app's Warn gates app.http's records on their way to the root's sink.
		{Category: "app.http", Level: "WARN", Source: "config", From: "app.http", Configured: true},
		// No sink reaches the meta category.
		{Category: "loggerjs.meta", Level: "OFF", Source: "config", From: "", Configured: true},
	}
	if got := levels(t, admin.NewHandler(&admin.Options{Tree: tree})); !reflect.DeepEqual(got, want) {
		t.Fatalf("GET /levels:\n got %+v\nwant %+v", got, want)
	}
	if got := one("GET", "/levels/app.db", ""); got != want[2] {
		t.Errorf("GET /levels/app.db: %+v", got)
	}
	if code, b := call("GET", "/levels/nope", ""); code != http.StatusNotFound || !strings.Contains(b, "neither configured nor logged to") {
		t.Errorf("GET of an unseen category: %d %s", code, b)
	}

	ctx := context.Background()
	steps := []struct {
		name, method, path, body string
		want                     admin.Level
		enabled                  slog.Level // the lowest level app.db logs
	}{
		{"PUT by query", "PUT", "/levels/app.db?level=debug", "", admin.Level{Category: "app.db", Level: "DEBUG", Source: "runtime", From: "app.db", Configured: true}, slog.LevelDebug},
		{"PUT by body", "PUT", "/levels/app.db", `{"level":"ERROR"}`, admin.Level{Category: "app.db", Level: "ERROR", Source: "runtime", From: "app.db", Configured: true}, slog.LevelError},
		{"PUT a number", "PUT", "/levels/app.db", `{"level":-8}`, admin.Level{Category: "app.db", Level: "TRACE", Source: "runtime", From: "app.db", Configured: true}, loggerjs.LevelTrace},
		{"PUT an offset", "PUT", "/levels/app.db?level=info%2B2", "", admin.Level{Category: "app.db", Level: "INFO+2", Source: "runtime", From: "app.db", Configured: true}, slog.LevelInfo + 2},
		{"PUT reset", "PUT", "/levels/app.db?level=reset", "", want[2], slog.LevelWarn},
		{"PUT off", "PUT", "/levels", `{"category":"app.db","level":"off"}`, admin.Level{Category: "app.db", Level: "OFF", Source: "runtime", From: "app.db", Configured: true}, loggerjs.LevelOff},
		{"DELETE", "DELETE", "/levels/app.db", "", want[2], slog.LevelWarn},
		{"DELETE again", "DELETE", "/levels/app.db", "", want[2], slog.LevelWarn},
		{"PUT on app", "PUT", "/levels/app", `{"category":"app","level":"debug"}`, admin.Level{Category: "app", Level: "DEBUG", Source: "runtime", From: "app", Configured: true}, slog.LevelDebug},
		{"PUT reset on app", "PUT", "/levels/app", `{"level":"reset"}`, want[1], slog.LevelWarn},
		{"PUT on the root", "PUT", "/levels?level=error", "", admin.Level{Category: "", Level: "ERROR", Source: "runtime", From: "", Configured: true}, slog.LevelError},
		{"DELETE on the root", "DELETE", "/levels", "", want[0], slog.LevelWarn},
	}
	for _, s := range steps {
		if got := one(s.method, s.path, s.body); got != s.want {
			t.Errorf("%s: %s %s answered %+v, want %+v", s.name, s.method, s.path, got, s.want)
		}
		for _, l := range []slog.Level{loggerjs.LevelTrace, slog.LevelDebug, slog.LevelInfo, slog.LevelInfo + 2, slog.LevelWarn, slog.LevelError, loggerjs.LevelFatal} {
			if got := db.Enabled(ctx, l); got != (l >= s.enabled) {
				t.Errorf("%s: app.db Enabled(%v) = %v", s.name, l, got)
			}
		}
	}
	if got := levels(t, admin.NewHandler(&admin.Options{Tree: tree})); !reflect.DeepEqual(got, want) {
		t.Errorf("after the resets:\n got %+v\nwant %+v", got, want)
	}

	if code, _ := call("POST", "/levels/app", ""); code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", code)
	}
	// Stats of the tree: one record delivered to mem so far.
	code, b := call("GET", "/stats", "")
	var st map[string]any
	if err := json.Unmarshal([]byte(b), &st); code != http.StatusOK || err != nil {
		t.Fatalf("GET /stats: %d %v %s", code, err, b)
	}
	if _, ok := st["SinkErrors"]; !ok {
		t.Errorf("GET /stats lacks SinkErrors: %s", b)
	}
	if mem.Len() != 1 {
		t.Errorf("mem holds %d records, want 1", mem.Len())
	}
}

// TestHandlerRegistry checks that a nil *Options serves the process-wide
// registry.
func TestHandlerRegistry(t *testing.T) {
	t.Setenv(loggerjs.EnvLevel, "")
	mem := sinks.Memory()
	if err := loggerjs.Configure(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"mem": mem},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"mem"}, Level: slog.LevelInfo},
			{Category: loggerjs.MetaCategory, Sinks: []string{}, ParentSinks: loggerjs.Override},
		},
	}); err != nil {
		t.Fatal(err)
	}
	defer loggerjs.Shutdown(context.Background())
	h := admin.NewHandler(nil)
	lib := loggerjs.GetLogger("lib", "parser")
	lib.Debug("hidden")
	if code, body := do(t, h, "PUT", "/levels/lib?level=debug", ""); code != http.StatusOK {
		t.Fatalf("PUT: %d %s", code, body)
	}
	lib.Debug("shown")
	if got := mem.Messages(); !reflect.DeepEqual(got, []string{"shown"}) {
		t.Errorf("records after PUT: %q", got)
	}
	var found bool
	for _, l := range levels(t, h) {
		if l.Category == "lib.parser" {
			found = l == admin.Level{Category: "lib.parser", Level: "DEBUG", Source: "runtime", From: "lib"}
		}
	}
	if !found {
		t.Errorf("lib.parser not listed as DEBUG from lib: %+v", levels(t, h))
	}
	if code, body := do(t, h, "DELETE", "/levels/lib", ""); code != http.StatusOK {
		t.Fatalf("DELETE: %d %s", code, body)
	}
	lib.Debug("hidden again")
	if got := mem.Messages(); len(got) != 1 {
		t.Errorf("records after DELETE: %q", got)
	}
	code, body := do(t, h, "GET", "/stats", "")
	var st loggerjs.MetaStats
	if err := json.Unmarshal([]byte(body), &st); code != http.StatusOK || err != nil {
		t.Fatalf("GET /stats: %d %v %s", code, err, body)
	}
}

// TestHandlerConcurrent changes, resets and lists levels while eight
// goroutines log through the tree (run it with -race). Info records are
// never gated by the changes and all arrive; Debug records arrive only
// while app.db is at Debug, so at most all of them.
func TestHandlerConcurrent(t *testing.T) {
	tree, mem := newTree(t)
	if err := tree.SetLevel("app", slog.LevelInfo); err != nil {
		t.Fatal(err)
	}
	h := admin.NewHandler(&admin.Options{Tree: tree})
	const loggers, perLogger = 8, 500
	var wg sync.WaitGroup
	stop := make(chan struct{})
	ls := make([]*slog.Logger, loggers)
	for g := range loggers {
		ls[g] = slog.New(tree).With(loggerjs.Category("app", "db", fmt.Sprint("g", g)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := ls[g]
			for i := range perLogger {
				l.Info("info", "i", i)
				l.Debug("debug", "i", i)
			}
		}()
	}
	var admins sync.WaitGroup
	admins.Add(2)
	go func() {
		defer admins.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			var code int
			var body string
			switch i % 3 {
			case 0:
				code, body = do(t, h, "PUT", "/levels/app.db?level=debug", "")
			case 1:
				code, body = do(t, h, "PUT", "/levels/app.db", `{"level":"info"}`)
			default:
				code, body = do(t, h, "DELETE", "/levels/app.db", "")
			}
			if code != http.StatusOK {
				t.Errorf("change %d: %d %s", i, code, body)
				return
			}
		}
	}()
	go func() {
		defer admins.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if code, body := do(t, h, "GET", "/levels", ""); code != http.StatusOK {
				t.Errorf("GET /levels: %d %s", code, body)
				return
			}
			if code, body := do(t, h, "GET", "/stats", ""); code != http.StatusOK {
				t.Errorf("GET /stats: %d %s", code, body)
				return
			}
		}
	}()
	wg.Wait()
	close(stop)
	admins.Wait()

	var infos, debugs int
	for _, m := range mem.Messages() {
		switch m {
		case "info":
			infos++
		case "debug":
			debugs++
		case "last":
		default:
			t.Errorf("unexpected record %q", m)
		}
	}
	if infos != loggers*perLogger || debugs > loggers*perLogger {
		t.Errorf("%d info and %d debug records, want %d and at most %d", infos, debugs, loggers*perLogger, loggers*perLogger)
	}
	// A change of level forgets the categories seen before it; log
	// once more so that every goroutine's category is seen.
	for _, l := range ls {
		l.Warn("last")
	}
	seen := 0
	for _, l := range levels(t, h) {
		if strings.HasPrefix(l.Category, "app.db.g") {
			seen++
		}
	}
	if seen != loggers {
		t.Errorf("%d of the %d logging categories listed", seen, loggers)
	}
}
