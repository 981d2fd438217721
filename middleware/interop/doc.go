// Package interop holds only tests: they run middleware of the slog
// ecosystem (samber/slog-multi v1.8.0 and samber/slog-formatter v1.2.0,
// pinned in go.mod) inside a loggerjs pipeline, and loggerjs middleware
// inside slog-multi's. It is a module of its own so that the root go.mod
// stays free of them.
package interop
