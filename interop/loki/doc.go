// Package loki holds the end-to-end tests that ship records through
// loggerjs's Loki preset (remote.Loki) to a real implementation of Grafana
// Loki's push API, VictoriaLogs, built from the Go module proxy by
// victorialogs.sh, and read back what it stored through its query API:
// the stream labels, each line and its timestamp. The tests skip, saying
// how to build it, when the VictoriaLogs binary is absent, and fail
// instead when LOGGERJS_INTEROP_REQUIRED=1. The module is separate, as
// interop/otelcol is, so that "go test ./..." in loggerjs's own module
// does not run tests that need a server built outside the repository.
package loki
