module github.com/loggerjs/loggerjs/bench

go 1.26.0

replace github.com/loggerjs/loggerjs => ../

require (
	github.com/loggerjs/loggerjs v0.0.0-00010101000000-000000000000
	github.com/phuslu/log v1.0.121
	github.com/rs/zerolog v1.35.1
	github.com/samber/slog-multi v1.8.0
	github.com/samber/slog-zap/v2 v2.7.0
	github.com/samber/slog-zerolog/v2 v2.9.2
	go.opentelemetry.io/contrib/bridges/otelslog v0.21.0
	go.opentelemetry.io/otel v1.47.0
	go.opentelemetry.io/otel/log v1.47.0
	go.opentelemetry.io/otel/sdk/log v1.47.0
	go.uber.org/zap v1.28.0
	go.uber.org/zap/exp v0.3.0
)

require (
	github.com/aclements/go-moremath v0.0.0-20210112150236-f10218a38794 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/go-logr/logr v1.4.4 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/loggerjs/loggerjs/bridges/logrusbridge v0.0.0-00010101000000-000000000000
	github.com/loggerjs/loggerjs/bridges/zapbridge v0.0.0-00010101000000-000000000000
	github.com/loggerjs/loggerjs/bridges/zerologbridge v0.0.0-00010101000000-000000000000
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	github.com/samber/lo v1.53.0 // indirect
	github.com/samber/slog-common v0.21.0 // indirect
	github.com/sirupsen/logrus v1.9.3
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.opentelemetry.io/otel/metric v1.47.0 // indirect
	go.opentelemetry.io/otel/sdk v1.47.0 // indirect
	go.opentelemetry.io/otel/trace v1.47.0 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	golang.org/x/perf v0.0.0-20260908200009-22c9c6c9d4da // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/text v0.42.0 // indirect
)

tool golang.org/x/perf/cmd/benchstat

replace github.com/loggerjs/loggerjs/bridges/zapbridge => ../bridges/zapbridge

replace github.com/loggerjs/loggerjs/bridges/zerologbridge => ../bridges/zerologbridge

replace github.com/loggerjs/loggerjs/bridges/logrusbridge => ../bridges/logrusbridge
