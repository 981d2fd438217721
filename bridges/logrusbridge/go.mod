module github.com/loggerjs/loggerjs/bridges/logrusbridge

go 1.25.0

replace github.com/loggerjs/loggerjs => ../..

require (
	github.com/loggerjs/loggerjs v0.0.0-00010101000000-000000000000
	github.com/sirupsen/logrus v1.9.3
)

require golang.org/x/sys v0.0.0-20220715151400-c0bba94af5f8 // indirect
