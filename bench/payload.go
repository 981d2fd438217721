package bench

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The values every scenario logs. Each logger is given them through its
// own API, so the records it writes carry the same fields.
var (
	// ErrPayload is the error attr of S3.
	ErrPayload = errors.New("connection reset by peer")
	// PayloadTime is the time attr of S3. Its key is "created", so that it
	// does not collide with any logger's own time field.
	PayloadTime = time.Date(2026, 11, 21, 12, 0, 0, 123456789, time.UTC)
	// PayloadUser is the object of S3, a slog.LogValuer.
	PayloadUser = User{ID: 7, Name: "ada"}
)

const payloadDuration = 1500 * time.Millisecond

var ctx = context.Background()

// User is the object attr of S3: a slog.LogValuer, a zap ObjectMarshaler
// and a zerolog LogObjectMarshaler, each writing {"id":7,"name":"ada"}.
type User struct {
	ID   int
	Name string
}

// LogValue implements slog.LogValuer.
func (u User) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("id", u.ID), slog.String("name", u.Name))
}

// MarshalLogObject implements zapcore.ObjectMarshaler.
func (u User) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddInt("id", u.ID)
	enc.AddString("name", u.Name)
	return nil
}

// MarshalZerologObject implements zerolog.LogObjectMarshaler.
func (u User) MarshalZerologObject(e *zerolog.Event) {
	e.Int("id", u.ID).Str("name", u.Name)
}

// The payload through each API, written out at the call site as a user
// would write it.

func logAttrsTen(l *slog.Logger, level slog.Level) {
	l.LogAttrs(ctx, level, "msg",
		slog.Int("int", 42),
		slog.Int64("int64", 1<<40),
		slog.Float64("float", 3.14159),
		slog.String("string", "hello world"),
		slog.Bool("bool", true),
		slog.Time("created", PayloadTime),
		slog.Any("error", ErrPayload),
		slog.Duration("duration", payloadDuration),
		slog.Any("user", PayloadUser),
		slog.String("path", "/api/v1/items"),
	)
}

func logAttrsGroup(l *slog.Logger) {
	l.LogAttrs(ctx, slog.LevelInfo, "msg",
		slog.Int("int", 42),
		slog.Int64("int64", 1<<40),
		slog.Float64("float", 3.14159),
		slog.String("string", "hello world"),
		slog.Bool("bool", true),
		slog.Time("created", PayloadTime),
		slog.Any("error", ErrPayload),
		slog.Duration("duration", payloadDuration),
		slog.Any("user", PayloadUser),
		slog.String("path", "/api/v1/items"),
		slog.GroupAttrs("req",
			slog.String("method", "GET"),
			slog.Int("status", 200),
			slog.String("remote", "10.0.0.1:51234"),
		),
	)
}

func infoTen(l *slog.Logger, level slog.Level) {
	l.Log(ctx, level, "msg",
		"int", 42,
		"int64", int64(1<<40),
		"float", 3.14159,
		"string", "hello world",
		"bool", true,
		"created", PayloadTime,
		"error", ErrPayload,
		"duration", payloadDuration,
		"user", PayloadUser,
		"path", "/api/v1/items",
	)
}

func infoGroup(l *slog.Logger) {
	l.Info("msg",
		"int", 42,
		"int64", int64(1<<40),
		"float", 3.14159,
		"string", "hello world",
		"bool", true,
		"created", PayloadTime,
		"error", ErrPayload,
		"duration", payloadDuration,
		"user", PayloadUser,
		"path", "/api/v1/items",
		slog.Group("req",
			"method", "GET",
			"status", 200,
			"remote", "10.0.0.1:51234",
		),
	)
}

// boundArgs are the ten attrs of S3 as With arguments.
func boundArgs() []any {
	return []any{
		slog.Int("int", 42),
		slog.Int64("int64", 1<<40),
		slog.Float64("float", 3.14159),
		slog.String("string", "hello world"),
		slog.Bool("bool", true),
		slog.Time("created", PayloadTime),
		slog.Any("error", ErrPayload),
		slog.Duration("duration", payloadDuration),
		slog.Any("user", PayloadUser),
		slog.String("path", "/api/v1/items"),
	}
}

func zapTen() []zap.Field {
	return []zap.Field{
		zap.Int("int", 42),
		zap.Int64("int64", 1<<40),
		zap.Float64("float", 3.14159),
		zap.String("string", "hello world"),
		zap.Bool("bool", true),
		zap.Time("created", PayloadTime),
		zap.Error(ErrPayload),
		zap.Duration("duration", payloadDuration),
		zap.Object("user", PayloadUser),
		zap.String("path", "/api/v1/items"),
	}
}

func zapLogTen(l *zap.Logger, level zapcore.Level) {
	l.Log(level, "msg",
		zap.Int("int", 42),
		zap.Int64("int64", 1<<40),
		zap.Float64("float", 3.14159),
		zap.String("string", "hello world"),
		zap.Bool("bool", true),
		zap.Time("created", PayloadTime),
		zap.Error(ErrPayload),
		zap.Duration("duration", payloadDuration),
		zap.Object("user", PayloadUser),
		zap.String("path", "/api/v1/items"),
	)
}

func zapLogGroup(l *zap.Logger) {
	l.Info("msg",
		zap.Int("int", 42),
		zap.Int64("int64", 1<<40),
		zap.Float64("float", 3.14159),
		zap.String("string", "hello world"),
		zap.Bool("bool", true),
		zap.Time("created", PayloadTime),
		zap.Error(ErrPayload),
		zap.Duration("duration", payloadDuration),
		zap.Object("user", PayloadUser),
		zap.String("path", "/api/v1/items"),
		zap.Dict("req",
			zap.String("method", "GET"),
			zap.Int("status", 200),
			zap.String("remote", "10.0.0.1:51234"),
		),
	)
}

func zerologTen(e *zerolog.Event) *zerolog.Event {
	return e.Int("int", 42).
		Int64("int64", 1<<40).
		Float64("float", 3.14159).
		Str("string", "hello world").
		Bool("bool", true).
		Time("created", PayloadTime).
		Err(ErrPayload).
		Dur("duration", payloadDuration).
		Object("user", PayloadUser).
		Str("path", "/api/v1/items")
}

func zerologContextTen(c zerolog.Context) zerolog.Context {
	return c.Int("int", 42).
		Int64("int64", 1<<40).
		Float64("float", 3.14159).
		Str("string", "hello world").
		Bool("bool", true).
		Time("created", PayloadTime).
		Err(ErrPayload).
		Dur("duration", payloadDuration).
		Object("user", PayloadUser).
		Str("path", "/api/v1/items")
}
