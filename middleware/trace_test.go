package middleware_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/middleware"
)

type spanKey struct{}

func TestTraceCustomExtractorAndExistingIDs(t *testing.T) {
	extract := func(ctx context.Context) (string, string) {
		s, _ := ctx.Value(spanKey{}).(string)
		return "t-" + s, s
	}
	logger, mem := pipeline(t, middleware.Trace(extract))
	ctx := context.WithValue(context.Background(), spanKey{}, "s1")
	logger.WithGroup("g").InfoContext(ctx, "a")
	// A root trace_id already there (a context attr) is kept.
	logger.InfoContext(loggerjs.WithContextAttrs(ctx, slog.String(middleware.TraceIDKey, "given")), "b")
	logger.Info("c") // the extractor gives "t-" and no span id
	recs := mem.Records()
	if got := rootAttrs(recs[0]); len(got) != 2 || got[0].Value.String() != "t-s1" || got[1].Value.String() != "s1" {
		t.Errorf("a: root attrs %v", got)
	}
	if got := rootAttrs(recs[1]); len(got) != 1 || got[0].Value.String() != "given" {
		t.Errorf("b: root attrs %v", got)
	}
	if got := rootAttrs(recs[2]); len(got) != 1 || got[0].Key != middleware.TraceIDKey {
		t.Errorf("c: root attrs %v (an empty span id adds no span_id)", got)
	}
}

func TestTraceDefaultWithoutTraceparent(t *testing.T) {
	logger, mem := pipeline(t, middleware.Trace(nil))
	logger.Info("no trace")
	if n := mem.Records()[0].NumRootAttrs(); n != 0 {
		t.Errorf("%d root attrs added without a traceparent", n)
	}
}
