// Package interop tests loggerjs codecs against established third-party
// readers of their formats. It is a module of its own so that those
// libraries never enter the root module's go.mod; it has no API.
package interop
