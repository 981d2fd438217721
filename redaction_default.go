package loggerjs

import "github.com/loggerjs/loggerjs/internal/redact"

func init() { defaultRedactor = redact.Default() }
