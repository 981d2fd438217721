// Package interop holds only tests: they run middleware of the slog
// ecosystem (samber/slog-multi) inside a loggerjs pipeline, and loggerjs
// middleware inside slog-multi's, with pinned versions. It is a module of
// its own so that the root go.mod stays free of them.
package interop
