module github.com/loggerjs/loggerjs/middleware/interop

go 1.25

replace github.com/loggerjs/loggerjs => ../..

require (
	github.com/loggerjs/loggerjs v0.0.0-00010101000000-000000000000
	github.com/samber/slog-formatter v1.2.0
	github.com/samber/slog-multi v1.8.0
)

require (
	github.com/samber/lo v1.53.0 // indirect
	github.com/samber/slog-common v0.21.0 // indirect
	golang.org/x/text v0.22.0 // indirect
)
