// Package otelcol holds the end-to-end tests that ship records to a real
// OpenTelemetry Collector, built with the Collector Builder by
// collector.sh, and read back what it received from its file exporter.
// The tests skip, saying how to build it, when the collector binary is
// absent. The module is separate so that loggerjs does not depend on
// the OpenTelemetry exporters it uses.
package otelcol
