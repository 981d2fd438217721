package contextx

import (
	"context"
	"log/slog"

	"github.com/loggerjs/loggerjs"
)

// With returns a context that carries attrs in addition to those ctx
// carries. A loggerjs handler adds them to every record logged with the
// context, at the top level of the record, outside the logger's groups.
// It is loggerjs.WithContextAttrs.
func With(ctx context.Context, attrs ...slog.Attr) context.Context {
	return loggerjs.WithContextAttrs(ctx, attrs...)
}

// Attrs returns the attrs ctx carries, outermost first.
func Attrs(ctx context.Context) []slog.Attr { return loggerjs.ContextAttrs(ctx) }
