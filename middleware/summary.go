package middleware

import (
	"context"
	"log/slog"
)

// summaryKey marks the context of a summary record that a middleware of
// this package logs, so that RateLimit and Dedupe let it through.
type summaryKey struct{}

func isSummary(ctx context.Context) bool {
	return ctx != nil && ctx.Value(summaryKey{}) != nil
}

// pendingSummary is a summary record to log once the lock is released.
type pendingSummary struct {
	level slog.Level
	msg   string
	attrs []slog.Attr
}

// emitSummaries logs each summary through logger, with a context that
// marks it so that it is not itself limited.
func emitSummaries(ctx context.Context, logger *slog.Logger, ps []pendingSummary) {
	if logger == nil || len(ps) == 0 {
		return
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx = context.WithValue(ctx, summaryKey{}, true)
	for _, p := range ps {
		logger.LogAttrs(ctx, p.level, p.msg, p.attrs...)
	}
}
