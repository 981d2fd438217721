module github.com/loggerjs/loggerjs

go 1.25
