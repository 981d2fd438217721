package main

import (
	"encoding/json"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/loggerjs/loggerjs"
)

// The field names that carry a record's time, level, message and category
// in the JSON and logfmt of the loggers cmd/loggerjs reads: loggerjs and
// slog (time, level, msg, logger), zap (ts, level, msg, logger), zerolog
// (time, level, message), ECS (@timestamp, log.level, message,
// log.logger) and Google Cloud Logging (timestamp, severity, message).
// zap's development encoder config names them T, L, M and N; those are
// read only when no other name is present. The first field present wins.
var (
	timeKeys     = []string{"time", "ts", "timestamp", "@timestamp", "T"}
	levelKeys    = []string{"level", "lvl", "severity", "log.level", "L"}
	messageKeys  = []string{"msg", "message", "M"}
	categoryKeys = []string{"logger", "log.logger", "N"}
)

// buildRecord makes a record of the attrs of a JSON or logfmt line,
// taking its time, level, message and category from the fields that
// carry them; a field whose value does not parse as what its name says
// stays an attr.
func buildRecord(attrs []slog.Attr) *loggerjs.Record {
	taken := make([]bool, len(attrs))
	find := func(keys []string, parse func(slog.Value) bool) {
		for _, k := range keys {
			for i, a := range attrs {
				if !taken[i] && a.Key == k && parse(a.Value) {
					taken[i] = true
					return
				}
			}
		}
	}
	var (
		t        time.Time
		level    slog.Level
		msg      string
		category []string
	)
	find(timeKeys, func(v slog.Value) (ok bool) { t, ok = parseTime(v); return ok })
	find(levelKeys, func(v slog.Value) (ok bool) { level, ok = parseLevelValue(v); return ok })
	find(messageKeys, func(v slog.Value) bool {
		if v.Kind() != slog.KindString {
			return false
		}
		msg = v.String()
		return true
	})
	find(categoryKeys, func(v slog.Value) bool {
		if v.Kind() != slog.KindString {
			return false
		}
		names, err := loggerjs.ParseCategory(v.String())
		if err != nil {
			return false
		}
		category = names
		return true
	})
	r := loggerjs.NewRecord(slog.NewRecord(t, level, msg, 0))
	r.SetCategory(category...)
	for i, a := range attrs {
		if !taken[i] {
			r.AddAttrs(a)
		}
	}
	return r
}

// timeLayouts are the layouts of times in text, tried in order.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700", // zap's ISO8601 encoder
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST", // time.Time.String
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
}

// parseTime reads a time: text in one of timeLayouts (without a zone,
// local time), or a number of seconds, milliseconds, microseconds or
// nanoseconds since the Unix epoch, told apart by its size. Numbers
// before 1973 in seconds are no time.
func parseTime(v slog.Value) (time.Time, bool) {
	switch v.Kind() {
	case slog.KindString:
		s := v.String()
		for _, layout := range timeLayouts {
			if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
				return t, true
			}
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return epoch(f)
		}
	case slog.KindInt64:
		return epoch(float64(v.Int64()))
	case slog.KindUint64:
		return epoch(float64(v.Uint64()))
	case slog.KindFloat64:
		return epoch(v.Float64())
	case slog.KindTime:
		return v.Time(), true
	}
	return time.Time{}, false
}

func epoch(f float64) (time.Time, bool) {
	if math.IsNaN(f) || f < 1e8 {
		return time.Time{}, false
	}
	switch {
	case f < 1e11: // seconds, up to the year 5138
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3), true
	case f < 1e14:
		return time.UnixMilli(int64(f)), true
	case f < 1e17:
		return time.UnixMicro(int64(f)), true
	case f < math.MaxInt64:
		return time.Unix(0, int64(f)), true
	}
	return time.Time{}, false
}

// parseLevelValue reads a level: a name loggerjs.ParseLevel reads, one of
// the other loggers' names (zap's dpanic and panic, zerolog's panic,
// Google Cloud's severities), or a number: pino's 10 to 60, else slog's.
func parseLevelValue(v slog.Value) (slog.Level, bool) {
	switch v.Kind() {
	case slog.KindString:
		return parseLevelName(v.String())
	case slog.KindInt64:
		n := v.Int64()
		if n >= 10 && n <= 60 && n%10 == 0 {
			return [...]slog.Level{loggerjs.LevelTrace, slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, loggerjs.LevelFatal}[n/10-1], true
		}
		if n >= math.MinInt32 && n <= math.MaxInt32 {
			return slog.Level(n), true
		}
	}
	return 0, false
}

func parseLevelName(s string) (slog.Level, bool) {
	if l, err := loggerjs.ParseLevel(s); err == nil {
		return l, true
	}
	switch strings.ToLower(s) {
	case "default", "notice", "information":
		return slog.LevelInfo, true
	case "err":
		return slog.LevelError, true
	case "dpanic":
		return slog.LevelError + 1, true
	case "crit", "critical", "alert", "emergency", "panic":
		return loggerjs.LevelFatal, true
	}
	return 0, false
}

// jsonRecord makes a record of an NDJSON line's members.
func jsonRecord(obj []field) *loggerjs.Record {
	attrs := make([]slog.Attr, len(obj))
	for i, f := range obj {
		attrs[i] = attrOf(f)
	}
	return buildRecord(attrs)
}

// logfmtRecord makes a record of a logfmt line's pairs.
func logfmtRecord(pairs []pair) *loggerjs.Record {
	attrs := make([]slog.Attr, len(pairs))
	for i, p := range pairs {
		attrs[i] = slog.Attr{Key: p.key, Value: logfmtValue(p)}
	}
	return buildRecord(attrs)
}

// jsonNumber is a JSON number or a string holding one, as OTLP/JSON
// writes 64-bit integers.
type jsonNumber string

func (n *jsonNumber) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*n = jsonNumber(s)
		return nil
	}
	var num json.Number
	if err := json.Unmarshal(b, &num); err != nil {
		return err
	}
	*n = jsonNumber(num)
	return nil
}
