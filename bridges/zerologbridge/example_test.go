package zerologbridge_test

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/zerologbridge"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/rs/zerolog"
)

// zerolog events, decoded into loggerjs records: the category comes from
// the logger field, durations named in DurationKeys are durations again.
func ExampleNewWriter() {
	noTime := &codecs.JSONOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"stdout": sinks.Writer(os.Stdout, codecs.JSON(noTime))},
		Loggers: []loggerjs.LoggerConfig{{Category: []string{"app"}, Sinks: []string{"stdout"}}},
	})
	if err != nil {
		panic(err)
	}
	defer h.Close(context.Background())

	w := zerologbridge.NewWriter(loggerjs.Child(slog.New(h), "app"), &zerologbridge.Options{DurationKeys: []string{"took"}})
	logger := zerolog.New(w)
	db := logger.With().Str("logger", "db").Logger()
	db.Info().Str("table", "orders").Dur("took", 1500*time.Microsecond).Int("rows", 3).Msg("query")
	logger.Warn().Dict("req", zerolog.Dict().Str("id", "7f3a").Float64("ratio", 0.5)).Msg("slow")
	// Output:
	// {"level":"INFO","msg":"query","logger":"app.db","table":"orders","took":1500000,"rows":3}
	// {"level":"WARN","msg":"slow","logger":"app","req":{"id":"7f3a","ratio":0.5}}
}
