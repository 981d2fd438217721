// Package otel compares the cost of loggerjs's two OpenTelemetry paths
// (the plain OTLP/HTTP sink of package sinks/remote and the SDK bridge
// of module bridges/otelbridge) with otelslog over the SDK, and the
// bytes each puts on the wire per record. It is a module of its own so
// that the bench module does not depend on the OTLP exporters.
//
//	cd bench/otel && go test -run Wire -v . && go test -bench . -benchmem
package otel
