module github.com/loggerjs/loggerjs/examples/migrate

go 1.25.0

replace (
	github.com/loggerjs/loggerjs => ../..
	github.com/loggerjs/loggerjs/bridges/logrusbridge => ../../bridges/logrusbridge
	github.com/loggerjs/loggerjs/bridges/zapbridge => ../../bridges/zapbridge
	github.com/loggerjs/loggerjs/bridges/zerologbridge => ../../bridges/zerologbridge
)

require (
	github.com/loggerjs/loggerjs v0.0.0-00010101000000-000000000000
	github.com/loggerjs/loggerjs/bridges/logrusbridge v0.0.0-00010101000000-000000000000
	github.com/loggerjs/loggerjs/bridges/zapbridge v0.0.0-00010101000000-000000000000
	github.com/loggerjs/loggerjs/bridges/zerologbridge v0.0.0-00010101000000-000000000000
	github.com/rs/zerolog v1.35.1
	github.com/sirupsen/logrus v1.9.3
	go.uber.org/zap v1.28.0
)

require (
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	go.uber.org/multierr v1.10.0 // indirect
	golang.org/x/sys v0.29.0 // indirect
)
