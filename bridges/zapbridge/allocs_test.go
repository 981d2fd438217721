//go:build !race

package zapbridge_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/zapbridge"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestDisabledAllocs checks that a zap call the loggerjs level turns off
// allocates no more than the same call to zap with its own core turned
// off (zap's variadic fields escape, whatever the core), named or not.
func TestDisabledAllocs(t *testing.T) {
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"json": sinks.Writer(io.Discard, codecs.JSON(nil))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"json"}, Level: slog.LevelInfo}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(t.Context())
	calls := func(logger *zap.Logger) func() {
		db := logger.Named("db")
		return func() {
			logger.Debug("off")
			db.Debug("off", zap.String("k", "v"))
		}
	}
	native := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(nativeEncoderConfig()), zapcore.AddSync(io.Discard), zapcore.InfoLevel))
	want := testing.AllocsPerRun(100, calls(native))
	if n := testing.AllocsPerRun(100, calls(zapbridge.New(slog.New(h)))); n > want {
		t.Errorf("disabled calls allocate %v times, zap's own %v", n, want)
	}
}
