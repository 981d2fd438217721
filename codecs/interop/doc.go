// Package interop tests loggerjs codecs against established third-party
// readers of their formats: go-logfmt reads what codecs.Logfmt writes,
// vmihailenco/msgpack what codecs.Msgpack writes, and the OpenTelemetry
// collector's OTLP/JSON unmarshaller (pdata's plogotlp) what
// codecs.OTLPJSON writes. It is a module of its
// own so that those libraries never enter the root module's go.mod; it has
// no API. Run its tests from this directory with go test ./...
package interop
