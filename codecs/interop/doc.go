// Package interop tests loggerjs codecs against established third-party
// readers of their formats: go-logfmt reads what codecs.Logfmt writes and
// vmihailenco/msgpack what codecs.Msgpack writes. It is a module of its
// own so that those libraries never enter the root module's go.mod; it has
// no API. Run its tests from this directory with go test ./...
package interop
