module github.com/loggerjs/loggerjs/codecs/interop

go 1.25

replace github.com/loggerjs/loggerjs => ../..

require (
	github.com/go-logfmt/logfmt v0.6.1
	github.com/loggerjs/loggerjs v0.0.0-00010101000000-000000000000
	github.com/vmihailenco/msgpack/v5 v5.4.1
)

require github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
