package loggerjs

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
)

// Levels beyond slog's four. Any integer level works everywhere; these two
// have names of their own in every codec.
const (
	// LevelTrace is for the finest detail, below slog.LevelDebug.
	LevelTrace slog.Level = -8
	// LevelFatal is for a record after which the process cannot go on.
	// Logging at LevelFatal does not exit the process.
	LevelFatal slog.Level = 12
	// LevelOff, set on a LoggerConfig, silences its category: no record
	// reaches a sink through a path that LevelOff gates.
	LevelOff slog.Level = math.MaxInt32
)

// LevelName returns the name codecs write for l: TRACE, DEBUG, INFO, WARN,
// ERROR and FATAL, with an offset from the nearest name below it for the
// levels between ("INFO+2", "FATAL+1", "TRACE-1"). Between DEBUG and ERROR+3
// it is the same as slog.Level.String.
func LevelName(l slog.Level) string {
	switch l {
	case LevelTrace:
		return "TRACE"
	case slog.LevelDebug:
		return "DEBUG"
	case slog.LevelInfo:
		return "INFO"
	case slog.LevelWarn:
		return "WARN"
	case slog.LevelError:
		return "ERROR"
	case LevelFatal:
		return "FATAL"
	case LevelOff:
		return "OFF"
	}
	switch {
	case l < slog.LevelDebug:
		return offsetName("TRACE", l-LevelTrace)
	case l >= LevelFatal:
		return offsetName("FATAL", l-LevelFatal)
	default:
		return l.String()
	}
}

func offsetName(base string, d slog.Level) string {
	if d > 0 {
		return base + "+" + strconv.Itoa(int(d))
	}
	return base + strconv.Itoa(int(d))
}

// AppendLevelName appends LevelName(l) to dst without allocating for the
// named levels.
func AppendLevelName(dst []byte, l slog.Level) []byte {
	switch l {
	case LevelTrace:
		return append(dst, "TRACE"...)
	case slog.LevelDebug:
		return append(dst, "DEBUG"...)
	case slog.LevelInfo:
		return append(dst, "INFO"...)
	case slog.LevelWarn:
		return append(dst, "WARN"...)
	case slog.LevelError:
		return append(dst, "ERROR"...)
	case LevelFatal:
		return append(dst, "FATAL"...)
	}
	return append(dst, LevelName(l)...)
}

// ParseLevel parses a level name as LevelName writes it, case-insensitively:
// "trace", "debug", "info", "warn", "error", "fatal", "off", any of them
// with an offset ("info+2", "ERROR-1"), or a plain integer ("-8", "12").
func ParseLevel(s string) (slog.Level, error) {
	name, offset := s, 0
	if n, err := strconv.Atoi(s); err == nil {
		return slog.Level(n), nil
	}
	if i := strings.IndexAny(s, "+-"); i > 0 {
		n, err := strconv.Atoi(s[i:])
		if err != nil {
			return 0, fmt.Errorf("loggerjs: level %q: bad offset", s)
		}
		name, offset = s[:i], n
	}
	var l slog.Level
	switch strings.ToUpper(name) {
	case "TRACE":
		l = LevelTrace
	case "DEBUG":
		l = slog.LevelDebug
	case "INFO":
		l = slog.LevelInfo
	case "WARN", "WARNING":
		l = slog.LevelWarn
	case "ERROR":
		l = slog.LevelError
	case "FATAL":
		l = LevelFatal
	case "OFF":
		if offset != 0 {
			return 0, fmt.Errorf("loggerjs: level %q: OFF takes no offset", s)
		}
		return LevelOff, nil
	default:
		return 0, fmt.Errorf("loggerjs: level %q: unknown name", s)
	}
	return l + slog.Level(offset), nil
}

// EnvLevel is the environment variable whose value overrides configured
// levels by category, in the shape of RUST_LOG: a comma-separated list of
// directives, each either a bare level (for the root) or category=level,
// with the category dotted:
//
//	LOGGERJS_LEVEL=info,app.db=debug,noisy.lib=off
//
// A directive sets the level of its category, adding a logger config for
// it when the configuration has none. Unlike a level set in the Config, a
// level set from the environment is the last word for its subtree: levels
// set on its ancestors no longer gate records logged below it, so
// "info,app.db=debug" lets Debug records of app.db reach the root's sinks.
// Malformed directives are reported on the meta logger and skipped.
const EnvLevel = "LOGGERJS_LEVEL"

// levelDirective is one parsed directive of EnvLevel.
type levelDirective struct {
	category []string
	level    slog.Level
}

// parseLevelSpec parses an EnvLevel value. It returns the directives it
// understood and one error joining every malformed directive.
func parseLevelSpec(spec string) ([]levelDirective, error) {
	var out []levelDirective
	var errs []error
	for part := range strings.SplitSeq(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		catText, levelText, hasCat := strings.Cut(part, "=")
		if !hasCat {
			catText, levelText = "", part
		}
		lvl, err := ParseLevel(strings.TrimSpace(levelText))
		if err != nil {
			errs = append(errs, fmt.Errorf("directive %q: %w", part, err))
			continue
		}
		var cat []string
		if catText = strings.TrimSpace(catText); catText != "" {
			cat = strings.Split(catText, ".")
			if slicesContainsEmpty(cat) {
				errs = append(errs, fmt.Errorf("directive %q: empty category name", part))
				continue
			}
		} else if hasCat {
			errs = append(errs, fmt.Errorf("directive %q: empty category", part))
			continue
		}
		out = append(out, levelDirective{category: cat, level: lvl})
	}
	return out, errors.Join(errs...)
}

// directiveText writes a directive back in EnvLevel's syntax.
func directiveText(cat []string, l slog.Level) string {
	if len(cat) == 0 {
		return LevelName(l)
	}
	return joinCategory(cat) + "=" + LevelName(l)
}

func slicesContainsEmpty(names []string) bool {
	for _, n := range names {
		if n == "" {
			return true
		}
	}
	return false
}
