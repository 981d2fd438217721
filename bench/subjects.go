package bench

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/middleware"
	"github.com/loggerjs/loggerjs/sinks"
	phuslu "github.com/phuslu/log"
	"github.com/rs/zerolog"
	slogmulti "github.com/samber/slog-multi"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"
)

// FieldNames are a logger's names for the time, level and message of a
// record.
type FieldNames struct{ Time, Level, Msg string }

// The field names of the loggers under test.
var (
	SlogFields    = FieldNames{Time: slog.TimeKey, Level: slog.LevelKey, Msg: slog.MessageKey}
	ZapFields     = FieldNames{Time: "ts", Level: "level", Msg: "msg"}
	ZerologFields = FieldNames{Time: zerolog.TimestampFieldName, Level: zerolog.LevelFieldName, Msg: zerolog.MessageFieldName}
)

// A Subject is one logger under test, writing to one destination. Each
// scenario function logs one record; a nil one means the logger does not
// take part in that scenario.
type Subject struct {
	// Name names the logger in benchmark names: loggerjs, slogJSON-LogAttrs, …
	Name string
	// Fields names its time, level and message fields.
	Fields FieldNames
	// JSON reports whether it writes JSON lines to its destination (the
	// floor and otelslog write nothing).
	JSON bool

	S1, S2, S3, S4, S5 func()
}

func init() {
	// zerolog is configured by package variables. These make it write
	// times and durations as slog.JSONHandler does (RFC 3339 with
	// nanoseconds, integer nanoseconds), like every other logger here.
	zerolog.TimeFieldFormat = time.RFC3339Nano
	zerolog.DurationFieldUnit = time.Nanosecond
	zerolog.DurationFieldInteger = true
}

// Subjects returns every JSON-writing logger under test over w: loggerjs
// and slog.JSONHandler, each called through LogAttrs and through Info
// with key-value pairs, loggerjs with redaction turned off (to show what
// the default redaction costs), zapslog, phuslu/log's slog handler, zap
// and zerolog. The slog handlers are called through *slog.Logger.
func Subjects(w io.Writer) ([]Subject, error) {
	lj, err := NewLoggerjs(w)
	if err != nil {
		return nil, err
	}
	ljLogger := slog.New(lj)
	bare, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:    map[string]loggerjs.Sink{"a": sinks.Writer(w, codecs.JSON(nil))},
		Loggers:  []loggerjs.LoggerConfig{{Sinks: []string{"a"}, Level: slog.LevelInfo}},
		Redactor: loggerjs.NoRedaction,
	})
	if err != nil {
		return nil, err
	}
	slogJSON := slog.New(slog.NewJSONHandler(w, nil))
	return []Subject{
		SlogSubject("loggerjs", ljLogger, SlogFields),
		SlogInfoSubject("loggerjs-Info", ljLogger, SlogFields),
		SlogSubject("loggerjs-NoRedaction", slog.New(bare), SlogFields),
		SlogSubject("slogJSON-LogAttrs", slogJSON, SlogFields),
		SlogInfoSubject("slogJSON-Info", slogJSON, SlogFields),
		SlogSubject("zapslog", slog.New(zapslog.NewHandler(NewZapCore(zapcore.AddSync(w)))), ZapFields),
		SlogSubject("phuslu-slog", slog.New(phuslu.SlogNewJSONHandler(w, nil)), SlogFields),
		ZapSubject("zap", zap.New(NewZapCore(zapcore.AddSync(w)))),
		ZerologSubject("zerolog", NewZerolog(w)),
	}, nil
}

// FloorSubject returns a *slog.Logger over a handler that does nothing:
// the least any slog handler can cost.
func FloorSubject() Subject {
	s := SlogSubject("floor", slog.New(nopHandler{}), SlogFields)
	s.JSON = false
	return s
}

// OTelSubject returns otelslog's handler over an OpenTelemetry
// LoggerProvider whose simple (synchronous) processor exports to exp.
// It takes no part in S1: otelslog leaves levels to the SDK's
// processors, and the simple processor passes every level.
func OTelSubject(exp sdklog.Exporter) Subject {
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(exp)))
	s := SlogSubject("otelslog", slog.New(otelslog.NewHandler("bench", otelslog.WithLoggerProvider(lp))), SlogFields)
	s.JSON = false
	s.S1 = nil
	return s
}

// DiscardExporter is an OpenTelemetry log exporter that drops every
// record.
type DiscardExporter struct{}

// Export drops records.
func (DiscardExporter) Export(context.Context, []sdklog.Record) error { return nil }

// Shutdown does nothing.
func (DiscardExporter) Shutdown(context.Context) error { return nil }

// ForceFlush does nothing.
func (DiscardExporter) ForceFlush(context.Context) error { return nil }

// FanoutSubjects returns the loggers of S6, each writing S3 records to
// both w1 and w2: loggerjs with two sinks sharing one JSON codec (and,
// for comparison, with a codec each), slog.NewMultiHandler and
// slog-multi's Fanout over two slog.JSONHandlers, zap's Tee over two
// cores, and zerolog's MultiLevelWriter. Only S3 is set.
func FanoutSubjects(w1, w2 io.Writer) ([]Subject, error) {
	codec := codecs.JSON(nil)
	shared, err := newLoggerjsSinks(sinks.Writer(w1, codec), sinks.Writer(w2, codec))
	if err != nil {
		return nil, err
	}
	// codecs.JSON(nil) may return one shared default codec; non-nil
	// options make a codec of their own.
	c1, c2 := codecs.JSON(&codecs.JSONOptions{}), codecs.JSON(&codecs.JSONOptions{})
	if c1 == c2 {
		return nil, errors.New("bench: codecs.JSON returned one codec for two calls; loggerjs-2codecs would share it")
	}
	separate, err := newLoggerjsSinks(sinks.Writer(w1, c1), sinks.Writer(w2, c2))
	if err != nil {
		return nil, err
	}
	only3 := func(s Subject) Subject { return Subject{Name: s.Name, Fields: s.Fields, JSON: s.JSON, S3: s.S3} }
	return []Subject{
		only3(SlogSubject("loggerjs", slog.New(shared), SlogFields)),
		only3(SlogSubject("loggerjs-2codecs", slog.New(separate), SlogFields)),
		only3(SlogSubject("slogMultiHandler", slog.New(slog.NewMultiHandler(slog.NewJSONHandler(w1, nil), slog.NewJSONHandler(w2, nil))), SlogFields)),
		only3(SlogSubject("slogmultiFanout", slog.New(slogmulti.Fanout(slog.NewJSONHandler(w1, nil), slog.NewJSONHandler(w2, nil))), SlogFields)),
		only3(ZapSubject("zapTee", zap.New(zapcore.NewTee(NewZapCore(zapcore.AddSync(w1)), NewZapCore(zapcore.AddSync(w2)))))),
		only3(ZerologSubject("zerologMulti", NewZerolog(zerolog.MultiLevelWriter(w1, w2)))),
	}, nil
}

// EnrichAttrs are the attrs S7's Enrich middleware adds to each record.
var EnrichAttrs = []slog.Attr{slog.String("service", "api"), slog.String("version", "1.4.2")}

// MiddlewareSubjects returns the loggers of S7, each writing S3 records
// to both w1 and w2 through Redact, Sample and Enrich: loggerjs with two
// sinks sharing one JSON codec, the middleware global, and Redact (its
// default keys and patterns) as the Redactor. The sampler runs its whole
// decision, a random draw included, on every record, but its source is
// bounded below the threshold so that it keeps every record: each one
// is encoded, and the benchmark measures the full cost. Only S3 is set.
func MiddlewareSubjects(w1, w2 io.Writer) ([]Subject, error) {
	redactor, err := middleware.Redact(nil)
	if err != nil {
		return nil, err
	}
	keepAll := func() uint64 { return rand.Uint64() >> 1 } // below 0.5 * 2^64
	sampler := middleware.Sample(0.5, &middleware.SampleOptions{Random: keepAll})
	codec := codecs.JSON(nil)
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"a": sinks.Writer(w1, codec),
			"b": sinks.Writer(w2, codec),
		},
		Middleware: []loggerjs.Middleware{sampler, middleware.Enrich(EnrichAttrs...)},
		Redactor:   redactor,
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"a", "b"}, Level: slog.LevelInfo}},
	})
	if err != nil {
		return nil, err
	}
	s := SlogSubject("loggerjs", slog.New(h), SlogFields)
	return []Subject{{Name: s.Name, Fields: s.Fields, JSON: s.JSON, S3: s.S3}}, nil
}

// NewLoggerjs returns a loggerjs handler tree whose root logger writes
// records at Info and above as JSON lines to w, through sinks.Writer and
// the JSON codec, with the default configuration otherwise (default
// redaction included).
func NewLoggerjs(w io.Writer) (*loggerjs.Handler, error) {
	return newLoggerjsSinks(sinks.Writer(w, codecs.JSON(nil)))
}

func newLoggerjsSinks(ss ...loggerjs.Sink) (*loggerjs.Handler, error) {
	cfg := loggerjs.Config{Sinks: map[string]loggerjs.Sink{}}
	root := loggerjs.LoggerConfig{Level: slog.LevelInfo}
	for i, s := range ss {
		name := string(rune('a' + i))
		cfg.Sinks[name] = s
		root.Sinks = append(root.Sinks, name)
	}
	cfg.Loggers = []loggerjs.LoggerConfig{root}
	return loggerjs.NewHandler(cfg)
}

// NewZapCore returns a zap JSON core at Info over ws, with zap's
// production encoder configuration except that times are RFC 3339 with
// nanoseconds and durations integer nanoseconds, as slog writes them.
func NewZapCore(ws zapcore.WriteSyncer) zapcore.Core {
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.RFC3339NanoTimeEncoder
	cfg.EncodeDuration = zapcore.NanosDurationEncoder
	return zapcore.NewCore(zapcore.NewJSONEncoder(cfg), ws, zapcore.InfoLevel)
}

// NewZerolog returns a zerolog logger at Info over w that stamps each
// record with its time.
func NewZerolog(w io.Writer) zerolog.Logger {
	return zerolog.New(w).Level(zerolog.InfoLevel).With().Timestamp().Logger()
}

// SlogSubject calls l through LogAttrs, the fastest way into a slog
// handler.
func SlogSubject(name string, l *slog.Logger, f FieldNames) Subject {
	bound := l.With(boundArgs()...)
	return Subject{
		Name: name, Fields: f, JSON: true,
		S1: func() { logAttrsTen(l, slog.LevelDebug) },
		S2: func() { l.LogAttrs(ctx, slog.LevelInfo, "msg") },
		S3: func() { logAttrsTen(l, slog.LevelInfo) },
		S4: func() { bound.LogAttrs(ctx, slog.LevelInfo, "msg") },
		S5: func() { logAttrsGroup(l) },
	}
}

// SlogInfoSubject calls l through Debug and Info with alternating keys
// and values, the way most slog code is written.
func SlogInfoSubject(name string, l *slog.Logger, f FieldNames) Subject {
	bound := l.With(boundArgs()...)
	return Subject{
		Name: name, Fields: f, JSON: true,
		S1: func() { infoTen(l, slog.LevelDebug) },
		S2: func() { l.Info("msg") },
		S3: func() { infoTen(l, slog.LevelInfo) },
		S4: func() { bound.Info("msg") },
		S5: func() { infoGroup(l) },
	}
}

// ZapSubject calls l natively, with typed fields.
func ZapSubject(name string, l *zap.Logger) Subject {
	bound := l.With(zapTen()...)
	return Subject{
		Name: name, Fields: ZapFields, JSON: true,
		S1: func() { zapLogTen(l, zapcore.DebugLevel) },
		S2: func() { l.Info("msg") },
		S3: func() { zapLogTen(l, zapcore.InfoLevel) },
		S4: func() { bound.Info("msg") },
		S5: func() { zapLogGroup(l) },
	}
}

// ZerologSubject calls l natively, with its chained events.
func ZerologSubject(name string, l zerolog.Logger) Subject {
	bound := zerologContextTen(l.With()).Logger()
	return Subject{
		Name: name, Fields: ZerologFields, JSON: true,
		S1: func() { zerologTen(l.Debug()).Msg("msg") },
		S2: func() { l.Info().Msg("msg") },
		S3: func() { zerologTen(l.Info()).Msg("msg") },
		S4: func() { bound.Info().Msg("msg") },
		S5: func() {
			zerologTen(l.Info()).Dict("req", zerolog.Dict().
				Str("method", "GET").
				Int("status", 200).
				Str("remote", "10.0.0.1:51234")).
				Msg("msg")
		},
	}
}

// nopHandler is enabled at Info and above and does nothing.
type nopHandler struct{}

func (nopHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }
func (nopHandler) Handle(context.Context, slog.Record) error    { return nil }
func (h nopHandler) WithAttrs([]slog.Attr) slog.Handler         { return h }
func (h nopHandler) WithGroup(string) slog.Handler              { return h }
