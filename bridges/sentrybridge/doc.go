// Package sentrybridge turns loggerjs records into Sentry issues,
// breadcrumbs and logs through sentry-go. Error logs that carry an error
// become events, grouped into issues, with the error chain and its stack
// trace; the records before them become breadcrumbs on the hub of the
// request, so an issue shows what led to it:
//
//	sentrySink, err := sentrybridge.New(sentrybridge.Options{
//		ClientOptions: sentry.ClientOptions{Dsn: os.Getenv("SENTRY_DSN"), Release: version},
//		TagKeys:       []string{"tenant"},
//	})
//	if err != nil { ... }
//	cfg := loggerjs.Config{
//		Sinks:   map[string]loggerjs.Sink{"sentry": sentrySink},
//		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"sentry"}, Level: slog.LevelInfo}},
//	}
//
// sentry-go's own slog integration stopped creating issues from error
// logs (getsentry/sentry-go issue 1340); this sink does, and counts what
// sentry-go drops in its SinkStats, so loggerjs.Stats().Lost() includes
// it. The module is separate from loggerjs, so programs that do not use
// Sentry do not depend on sentry-go.
package sentrybridge
