package loggerjs_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// stableJSON is a JSON codec without the time, for examples.
var stableJSON = codecs.JSON(&codecs.JSONOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}})

func ExampleNew() {
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"stdout": sinks.Writer(os.Stdout, stableJSON)},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"stdout"}, Level: slog.LevelInfo},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	logger.Debug("hidden")
	logger.Info("hello", "user", "ada")
	// Output:
	// {"level":"INFO","msg":"hello","user":"ada"}
}

func ExampleNew_badConfiguration() {
	_, err := loggerjs.New(loggerjs.Config{
		Loggers: []loggerjs.LoggerConfig{{Category: []string{"app"}, Sinks: []string{"missing"}}},
	})
	fmt.Println(err)
	// Output:
	// loggerjs: Config.Loggers[0] (category "app"): unknown sink "missing"
}

func ExampleConfigure() {
	// A library gets its logger at init time, before any configuration;
	// what it logs then is kept and replayed into the first Configure.
	lib := loggerjs.GetLogger("mylib", "parser")
	lib.Info("before Configure: below mylib's level once configured")

	// The application configures the registry.
	err := loggerjs.Configure(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"stdout": sinks.Writer(os.Stdout, stableJSON)},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"mylib"}, Sinks: []string{"stdout"}, Level: slog.LevelWarn},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer loggerjs.Shutdown(context.Background())
	lib.Info("below mylib's level")
	lib.Warn("input truncated", "bytes", 4096)
	// Output:
	// {"level":"WARN","msg":"input truncated","logger":"mylib.parser","bytes":4096}
}

func ExampleCategory() {
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"app": sinks.Writer(os.Stdout, stableJSON)},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app"}, Sinks: []string{"app"}},
		},
	})
	app := logger.With(loggerjs.Category("app"))
	app.Info("started")
	app.With(loggerjs.Category("db")).Info("connected", "pool", 8)
	loggerjs.Child(app, "http", "server").Info("listening")
	// Output:
	// {"level":"INFO","msg":"started","logger":"app"}
	// {"level":"INFO","msg":"connected","logger":"app.db","pool":8}
	// {"level":"INFO","msg":"listening","logger":"app.http.server"}
}

func ExampleLoggerConfig_override() {
	audit := sinks.Memory()
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"stdout": sinks.Writer(os.Stdout, stableJSON), "audit": audit},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"stdout"}},
			// Audit records go to the audit sink only.
			{Category: []string{"audit"}, Sinks: []string{"audit"}, ParentSinks: loggerjs.Override},
		},
	})
	logger.Info("to stdout")
	loggerjs.Child(logger, "audit").Info("to audit")
	fmt.Println("audit sink:", audit.Messages())
	// Output:
	// {"level":"INFO","msg":"to stdout"}
	// audit sink: [to audit]
}

func ExampleLazyMessage() {
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"stdout": sinks.Writer(os.Stdout, stableJSON)},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"stdout"}, Level: slog.LevelInfo}},
	})
	expensive := func() string { fmt.Println("(computed)"); return "state dump" }
	logger.Debug("", loggerjs.LazyMessage(expensive)) // disabled: never computed
	logger.Info("", loggerjs.LazyMessage(expensive))
	// Output:
	// (computed)
	// {"level":"INFO","msg":"state dump"}
}

func ExampleWithMiddleware() {
	// Only the stdout sink sees the env attr; the memory sink sees the
	// record as logged.
	addEnv := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		r.AddAttrs(slog.String("env", "prod"))
		return true
	})
	mem := sinks.Memory()
	logger, _ := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"stdout": loggerjs.WithMiddleware(sinks.Writer(os.Stdout, stableJSON), addEnv),
			"memory": mem,
		},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"stdout", "memory"}}},
	})
	logger.Info("deployed")
	fmt.Println("memory attrs:", mem.Records()[0].NumAttrs())
	// Output:
	// {"level":"INFO","msg":"deployed","env":"prod"}
	// memory attrs: 0
}

func ExampleHandler_Stats() {
	h, _ := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"closed": sinks.Memory()},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"closed"}}},
	})
	_ = h.Close(context.Background())
	_ = h.Configure(loggerjs.Config{ // a configuration naming a closed sink
		Sinks:   map[string]loggerjs.Sink{"closed": closedSink()},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"closed"}}},
	})
	slog.New(h).Info("lost") // also reported on stderr, the meta fallback
	st := h.Stats()
	fmt.Println("write after close:", st.WriteAfterClose, "lost:", st.Lost())
	// Output:
	// write after close: 1 lost: 1
}

func closedSink() loggerjs.Sink {
	m := sinks.Memory()
	_ = m.Close(context.Background())
	return m
}
