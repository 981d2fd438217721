module github.com/loggerjs/loggerjs/bridges/sentrybridge

go 1.25.0

replace github.com/loggerjs/loggerjs => ../..

require (
	github.com/getsentry/sentry-go v0.50.0
	github.com/loggerjs/loggerjs v0.0.0-00010101000000-000000000000
	go.uber.org/goleak v1.3.0
)

require (
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)
