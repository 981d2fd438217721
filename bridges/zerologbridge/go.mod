module github.com/loggerjs/loggerjs/bridges/zerologbridge

go 1.25.0

replace github.com/loggerjs/loggerjs => ../..

require (
	github.com/loggerjs/loggerjs v0.0.0-00010101000000-000000000000
	github.com/rs/zerolog v1.35.1
)

require (
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	golang.org/x/sys v0.29.0 // indirect
)
