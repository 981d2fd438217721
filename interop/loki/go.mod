module github.com/loggerjs/loggerjs/interop/loki

go 1.26.0

replace github.com/loggerjs/loggerjs => ../..

require github.com/loggerjs/loggerjs v0.0.0-00010101000000-000000000000
