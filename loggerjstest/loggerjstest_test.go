package loggerjstest_test

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/loggerjstest"
)

// fakeTB records what the helpers tell a test. The embedded testing.TB
// supplies the methods a fake does not need.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	logs     []string
	errs     []string
	cleanups []func()
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Log(args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, fmt.Sprint(args...))
}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	panic("Fatalf")
}

func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) runCleanups() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestNewLogger(t *testing.T) {
	ft := &fakeTB{TB: t}
	logger := loggerjstest.NewLogger(ft, nil)
	db := loggerjs.Child(logger, "app", "db")
	db.Debug("pool ready", "open", 8)
	db.Log(t.Context(), loggerjs.LevelTrace, "below the default level")
	db.Error("query failed", "password", "hunter2")
	if len(ft.errs) != 0 {
		t.Errorf("without FailOn the test failed: %q", ft.errs)
	}
	if len(ft.logs) != 2 {
		t.Fatalf("%d lines logged, want 2: %q", len(ft.logs), ft.logs)
	}
	for i, want := range []string{"DEBUG app.db: pool ready open=8", "ERROR app.db: query failed"} {
		if !strings.Contains(ft.logs[i], want) || strings.Contains(ft.logs[i], "\n") {
			t.Errorf("line %d is %q, want it to hold %q on one line", i, ft.logs[i], want)
		}
	}
	if strings.Contains(ft.logs[1], "hunter2") {
		t.Errorf("a secret reached the test log: %q", ft.logs[1])
	}
	ft.runCleanups()
}

func TestNewLoggerFailOn(t *testing.T) {
	ft := &fakeTB{TB: t}
	logger := loggerjstest.NewLogger(ft, &loggerjstest.Options{Level: slog.LevelInfo, FailOn: slog.LevelWarn})
	logger.Info("fine")
	logger.Warn("suspicious")
	logger.Error("broken")
	if len(ft.logs) != 1 || !strings.Contains(ft.logs[0], "fine") {
		t.Errorf("logs %q, want the Info record only", ft.logs)
	}
	if len(ft.errs) != 2 || !strings.Contains(ft.errs[0], "WARN") || !strings.Contains(ft.errs[0], "suspicious") ||
		!strings.Contains(ft.errs[1], "broken") || !strings.Contains(ft.errs[1], "FailOn is WARN") {
		t.Errorf("errors %q, want one for each record at WARN and above", ft.errs)
	}
	ft.runCleanups()
}

// TestNewLoggerAfterTest: once the test has ended, records no longer go
// to it (testing panics on a Log after the test), and are counted.
func TestNewLoggerAfterTest(t *testing.T) {
	ft := &fakeTB{TB: t}
	logger := loggerjstest.NewLogger(ft, nil)
	ft.runCleanups()
	before := loggerjs.Stats().AfterShutdown
	logger.Info("late")
	if len(ft.logs) != 0 || len(ft.errs) != 0 {
		t.Errorf("a record logged after the test reached it: %q %q", ft.logs, ft.errs)
	}
	if after := loggerjs.Stats().AfterShutdown; after != before+1 {
		t.Errorf("AfterShutdown went from %d to %d, want one more", before, after)
	}
}

func TestRecorderFilters(t *testing.T) {
	logger, rec := loggerjstest.Observe(nil)
	app := loggerjs.Child(logger, "app")
	app.Info("started", "port", 8080)
	loggerjs.Child(app, "db").With("pool", "main").WithGroup("q").Warn("slow query", "took_ms", 1500, "table", "orders")
	loggerjs.Child(logger, "application").Error("other category", "n", uint64(3))
	logger.Debug("root record", slog.Group("g", slog.Group("h", slog.String("k", "v"))))

	count := func(fs ...loggerjstest.Filter) int { return len(rec.Filter(fs...)) }
	for _, c := range []struct {
		name    string
		filters []loggerjstest.Filter
		want    int
	}{
		{"none", nil, 4},
		{"Level", []loggerjstest.Filter{loggerjstest.Level(slog.LevelWarn)}, 1},
		{"AtLeast", []loggerjstest.Filter{loggerjstest.AtLeast(slog.LevelWarn)}, 2},
		{"CategoryPrefix app", []loggerjstest.Filter{loggerjstest.CategoryPrefix("app")}, 2},
		{"CategoryPrefix app.db", []loggerjstest.Filter{loggerjstest.CategoryPrefix("app.db")}, 1},
		{"CategoryPrefix app, db", []loggerjstest.Filter{loggerjstest.CategoryPrefix("app", "db")}, 1},
		{"CategoryPrefix root", []loggerjstest.Filter{loggerjstest.CategoryPrefix()}, 4},
		{"Message", []loggerjstest.Filter{loggerjstest.Message("slow query")}, 1},
		{"Message exact", []loggerjstest.Filter{loggerjstest.Message("slow")}, 0},
		{"MessageContains", []loggerjstest.Filter{loggerjstest.MessageContains("r")}, 4},
		{"HasAttr bound", []loggerjstest.Filter{loggerjstest.HasAttr("pool")}, 1},
		{"HasAttr in group", []loggerjstest.Filter{loggerjstest.HasAttr("q.table")}, 1},
		{"HasAttr not at top", []loggerjstest.Filter{loggerjstest.HasAttr("table")}, 0},
		{"HasAttr nested", []loggerjstest.Filter{loggerjstest.HasAttr("g.h.k")}, 1},
		{"AttrEqual int", []loggerjstest.Filter{loggerjstest.AttrEqual("port", 8080)}, 1},
		{"AttrEqual other int", []loggerjstest.Filter{loggerjstest.AttrEqual("port", 8081)}, 0},
		{"AttrEqual uint as int", []loggerjstest.Filter{loggerjstest.AttrEqual("n", 3)}, 1},
		{"AttrEqual in group", []loggerjstest.Filter{loggerjstest.AttrEqual("q.took_ms", int64(1500))}, 1},
		{"AttrEqual kind differs", []loggerjstest.Filter{loggerjstest.AttrEqual("port", "8080")}, 0},
		{"AttrEqual group", []loggerjstest.Filter{loggerjstest.AttrEqual("g", slog.GroupValue(slog.Group("h", slog.String("k", "v"))))}, 1},
		{"all must match", []loggerjstest.Filter{loggerjstest.CategoryPrefix("app"), loggerjstest.AtLeast(slog.LevelError)}, 0},
		{"Match", []loggerjstest.Filter{loggerjstest.Match("two names", func(e loggerjstest.Entry) bool { return len(e.Category) == 2 })}, 1},
	} {
		if got := count(c.filters...); got != c.want {
			t.Errorf("%s (%v): %d records, want %d", c.name, c.filters, got, c.want)
		}
	}
	e := rec.Filter(loggerjstest.Message("slow query"))[0]
	if got := e.Map(); fmt.Sprint(got["q"]) != "map[table:orders took_ms:1500]" || got["pool"] != "main" || got["logger"] != "app.db" {
		t.Errorf("Map() = %v", got)
	}
	if rec.Len() != 4 || len(rec.TakeAll()) != 4 || rec.Len() != 0 || len(rec.All()) != 0 {
		t.Errorf("TakeAll did not take every record once")
	}
}

func TestRecorderAssertions(t *testing.T) {
	logger, rec := loggerjstest.Observe(slog.LevelInfo)
	logger.Info("one", "k", 1)
	logger.Info("two", "k", 2)

	ft := &fakeTB{TB: t}
	if e := rec.AssertLogged(ft, loggerjstest.AttrEqual("k", 2)); e.Message != "two" || len(ft.errs) != 0 {
		t.Errorf("AssertLogged = %v, errors %q", e, ft.errs)
	}
	rec.AssertNotLogged(ft, loggerjstest.Message("three"))
	rec.AssertCount(ft, 2, loggerjstest.HasAttr("k"))
	if len(ft.errs) != 0 {
		t.Fatalf("assertions that hold failed: %q", ft.errs)
	}

	rec.AssertLogged(ft, loggerjstest.Message("three"), loggerjstest.AtLeast(slog.LevelWarn))
	rec.AssertNotLogged(ft, loggerjstest.Message("one"))
	rec.AssertCount(ft, 1, loggerjstest.HasAttr("k"))
	if len(ft.errs) != 3 {
		t.Fatalf("%d assertions failed, want 3: %q", len(ft.errs), ft.errs)
	}
	for _, want := range []string{`message "three", level >= WARN`, "INFO  one k=1", "INFO  two k=2"} {
		if !strings.Contains(ft.errs[0], want) {
			t.Errorf("the failure %q does not name %q", ft.errs[0], want)
		}
	}
	if !strings.Contains(ft.errs[1], `1 records matched message "one", want none`) {
		t.Errorf("AssertNotLogged said %q", ft.errs[1])
	}
	if !strings.Contains(ft.errs[2], "2 records matched") {
		t.Errorf("AssertCount said %q", ft.errs[2])
	}
}

// TestRecorderKeepsClones: a record kept is the record as written, resolved
// then, whatever happens to its values later.
func TestRecorderKeepsClones(t *testing.T) {
	logger, rec := loggerjstest.Observe(nil)
	v := &flipValuer{s: "before"}
	logger.Info("m", "v", v)
	v.s = "after"
	if got, _ := rec.All()[0].Attr("v"); got.String() != "before" {
		t.Errorf("v = %v, want the value when the record was written", got)
	}
}

type flipValuer struct{ s string }

func (f *flipValuer) LogValue() slog.Value { return slog.StringValue(f.s) }

// TestRecorderConcurrent is for the race detector.
func TestRecorderConcurrent(t *testing.T) {
	logger, rec := loggerjstest.Observe(nil)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			l := logger.With("g", g)
			for i := range 100 {
				l.Info("m", "i", i)
				if i%10 == 0 {
					rec.Filter(loggerjstest.AttrEqual("g", g))
					rec.Len()
				}
			}
		})
	}
	wg.Wait()
	for g := range 4 {
		if n := len(rec.Filter(loggerjstest.AttrEqual("g", g))); n != 100 {
			t.Errorf("goroutine %d: %d records, want 100", g, n)
		}
	}
}
