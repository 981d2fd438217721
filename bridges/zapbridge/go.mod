module github.com/loggerjs/loggerjs/bridges/zapbridge

go 1.25.0

replace github.com/loggerjs/loggerjs => ../..

require (
	github.com/loggerjs/loggerjs v0.0.0-00010101000000-000000000000
	go.uber.org/zap v1.28.0
)

require go.uber.org/multierr v1.10.0 // indirect
