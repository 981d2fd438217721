package loggerjs

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
)

// Config is a whole logging configuration: named sinks, the loggers that
// route categories to them, and the middleware every record passes. The
// zero Config is valid and routes nothing.
type Config struct {
	// Sinks names every sink the loggers may refer to.
	Sinks map[string]Sink
	// Middleware runs on every record, in order, before any logger
	// config's middleware.
	Middleware []Middleware
	// Loggers configures categories; see LoggerConfig for the rules.
	Loggers []LoggerConfig
	// Redactor hides secrets in every record after all middleware, before
	// any sink, and in the meta records written to stderr. Nil means the
	// default: values under the keys authorization, cookie, set-cookie,
	// password, passwd, token, secret, apiKey, api_key, *_key, *_token,
	// *_secret and *_password (case-insensitively, '-' and '_' alike) are
	// hidden wherever they occur, as are URL credentials and key=value
	// pairs under those keys inside text. middleware.Redact builds one with
	// more keys, dotted paths, value patterns or an HMAC pseudonymiser.
	// NoRedaction turns redaction off.
	Redactor Redactor
	// EarlyBuffer, when positive on a configuration that names no sinks,
	// makes it a buffering configuration: records of every category and
	// level are kept, up to EarlyBuffer of them (the oldest dropped and
	// counted), and replayed in order into the next configuration that
	// names sinks. Use it to keep what libraries log before the
	// application has read its settings:
	//
	//	func init() { loggerjs.Configure(loggerjs.Config{EarlyBuffer: 1024}) }
	//
	// On a configuration that names sinks it has no effect.
	EarlyBuffer int
	// StackTraceLevel, when set, attaches the stack of the logging call to
	// every record at or above it, as the root attr StackKey ("stack"), as
	// zap's AddStacktrace does. Only those records pay for the capture.
	// Nil attaches none.
	StackTraceLevel slog.Leveler
	// ErrorStack, with StackTraceLevel set, finds the stack that a
	// record's error carries: records whose error carries one get that
	// stack instead of the call's, whatever their level. It returns
	// program counters as runtime.Callers does, or nil; one that panics
	// finds none. StackTraceMethod finds the stacks of github.com/pkg/errors
	// and its kin. Nil looks for none.
	ErrorStack func(err error) []uintptr
	// ContextProviders add ambient attrs to every record from the context
	// it is logged with, at the top level of the record, after the attrs
	// the context carries (WithContextAttrs), in order; each adds its own,
	// none replaces another's. A provider runs on the logging goroutine for
	// every record that reaches Handle, so it must be cheap and safe for
	// concurrent use; one that panics is recovered and counted as a
	// middleware panic.
	ContextProviders []func(ctx context.Context) []slog.Attr
}

// LoggerConfig configures one category.
//
// A record of category C goes to the sinks of every configured logger A
// whose category is a prefix of C (the root, with an empty category, is a
// prefix of every category), when the record's level is at or above every
// Level set on the path from C up to A, and no Override stands between C
// and A. A sink reached through several loggers gets the record once.
// The Middleware of every config on the path from the root down to C runs,
// root first, after the Config's global middleware.
type LoggerConfig struct {
	// Category is the category configured, outermost name first; empty
	// for the root. A dot in a name separates segments, so {"app.db"} and
	// {"app", "db"} configure the same category. Each category may be configured once.
	Category []string
	// Level gates the sinks of this logger and of its ancestors for
	// records of this category and below. A nil Level sets no gate: every
	// level passes. A *slog.LevelVar changes the gate at run time;
	// LevelOff silences the category.
	//
	// A directive in the LOGGERJS_LEVEL environment variable (EnvLevel)
	// that names this category wins over Level, and changes made to a
	// *slog.LevelVar here have no effect while it does; Configure says so
	// with a warning on the meta logger naming the category and the
	// directive.
	Level slog.Leveler
	// Sinks names the sinks of this logger, from Config.Sinks.
	Sinks []string
	// ParentSinks says whether records also reach the sinks of ancestor
	// loggers (Inherit, the default) or only this logger's and its
	// descendants' (Override).
	ParentSinks ParentSinks
	// Middleware runs on the records of this category and below.
	Middleware []Middleware
}

// ParentSinks says whether a logger's records also reach its ancestors'
// sinks.
type ParentSinks int

const (
	// Inherit sends records to the ancestors' sinks too. It is the default.
	Inherit ParentSinks = iota
	// Override cuts the ancestors' sinks off: records of the category and
	// below reach only the sinks configured at it or beneath it.
	Override
)

func (p ParentSinks) String() string {
	switch p {
	case Inherit:
		return "Inherit"
	case Override:
		return "Override"
	}
	return fmt.Sprintf("ParentSinks(%d)", int(p))
}

// categoryLabel is how errors name a category.
func categoryLabel(cat []string) string {
	if len(cat) == 0 {
		return "(root)"
	}
	return fmt.Sprintf("%q", strings.Join(cat, "."))
}

// compile validates cfg and builds the immutable snapshot the hot path
// reads. Nothing is changed when it returns an error.
func (e *engine) compile(cfg Config, env []levelDirective) (*snapshot, error) {
	s := &snapshot{eng: e, byName: make(map[string]*sinkEntry, len(cfg.Sinks)), root: &node{}}
	if cfg.EarlyBuffer < 0 {
		return nil, fmt.Errorf("loggerjs: Config.EarlyBuffer: %d is negative", cfg.EarlyBuffer)
	}
	names := make([]string, 0, len(cfg.Sinks))
	for name := range cfg.Sinks {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		sink := cfg.Sinks[name]
		if name == "" {
			return nil, fmt.Errorf("loggerjs: Config.Sinks: empty sink name")
		}
		if sink == nil || isNilPointer(sink) {
			return nil, fmt.Errorf("loggerjs: Config.Sinks[%q]: nil sink", name)
		}
		if !reflect.TypeOf(sink).Comparable() {
			return nil, fmt.Errorf("loggerjs: Config.Sinks[%q]: sink type %T is not comparable; pass a pointer", name, sink)
		}
		entry := &sinkEntry{name: name, configured: sink, sink: sink}
		if ms, ok := sink.(*middlewareSink); ok {
			entry.sink = ms.Sink
			if ms.Sink == nil || isNilPointer(ms.Sink) {
				return nil, fmt.Errorf("loggerjs: Config.Sinks[%q]: nil sink inside WithMiddleware", name)
			}
			if i := slices.IndexFunc(ms.mw, isNilMiddleware); i >= 0 {
				return nil, fmt.Errorf("loggerjs: Config.Sinks[%q]: WithMiddleware: middleware %d is nil", name, i)
			}
		}
		entry.stats = e.sinkCounters(sink)
		if ms, ok := sink.(*middlewareSink); ok {
			entry.mw = e.stages(ms.mw)
		}
		s.sinks = append(s.sinks, entry)
		s.byName[name] = entry
	}
	if i := slices.IndexFunc(cfg.Middleware, isNilMiddleware); i >= 0 {
		return nil, fmt.Errorf("loggerjs: Config.Middleware[%d]: nil middleware", i)
	}
	s.global = e.stages(cfg.Middleware)
	for i, p := range cfg.ContextProviders {
		if p == nil {
			return nil, fmt.Errorf("loggerjs: Config.ContextProviders[%d]: nil provider", i)
		}
	}
	s.providers = slices.Clone(cfg.ContextProviders)
	if cfg.StackTraceLevel != nil && isNilPointer(cfg.StackTraceLevel) {
		return nil, fmt.Errorf("loggerjs: Config.StackTraceLevel: nil %T", cfg.StackTraceLevel)
	}
	if cfg.StackTraceLevel != nil {
		s.stackLevel = &stackTraces{level: cfg.StackTraceLevel, errorStack: cfg.ErrorStack}
	}
	switch rd := cfg.Redactor; {
	case rd == nil:
		s.redactor = defaultRedactor
	case isNilPointer(rd):
		return nil, fmt.Errorf("loggerjs: Config.Redactor: nil %T", rd)
	case !reflect.TypeOf(rd).Comparable():
		return nil, fmt.Errorf("loggerjs: Config.Redactor: type %T is not comparable; pass a pointer", rd)
	case rd == NoRedaction:
	default:
		s.redactor = rd
	}

	seen := map[string]int{}
	for i, lc := range cfg.Loggers {
		field := fmt.Sprintf("Config.Loggers[%d] (category %s)", i, categoryLabel(lc.Category))
		if slicesContainsEmpty(lc.Category) {
			return nil, fmt.Errorf("loggerjs: %s: empty name in category", field)
		}
		cat := splitCategory(lc.Category)
		if strings.Count(joinCategory(lc.Category), ".") != max(len(cat)-1, 0) {
			return nil, fmt.Errorf("loggerjs: %s: empty segment in a dotted name", field)
		}
		key := categoryKey(cat)
		if j, dup := seen[key]; dup {
			return nil, fmt.Errorf("loggerjs: %s: category already configured by Config.Loggers[%d]", field, j)
		}
		seen[key] = i
		if lc.ParentSinks != Inherit && lc.ParentSinks != Override {
			return nil, fmt.Errorf("loggerjs: %s: ParentSinks: unknown value %d", field, int(lc.ParentSinks))
		}
		if lc.Level != nil && isNilPointer(lc.Level) {
			return nil, fmt.Errorf("loggerjs: %s: Level: nil %T", field, lc.Level)
		}
		if j := slices.IndexFunc(lc.Middleware, isNilMiddleware); j >= 0 {
			return nil, fmt.Errorf("loggerjs: %s: Middleware[%d]: nil middleware", field, j)
		}
		n := s.root.descend(cat)
		n.configured = true
		n.level = lc.Level
		n.override = lc.ParentSinks == Override
		n.mw = e.stages(lc.Middleware)
		for _, name := range lc.Sinks {
			entry, ok := s.byName[name]
			if !ok {
				return nil, fmt.Errorf("loggerjs: %s: unknown sink %q", field, name)
			}
			if !slices.Contains(n.sinks, entry) {
				n.sinks = append(n.sinks, entry)
			}
		}
	}
	for _, d := range env {
		n := s.root.descend(d.category)
		if n.configured && n.level != nil && !n.fromEnv {
			s.pinned = append(s.pinned, pinnedLevel{category: d.category, env: d.level, configured: n.level})
		}
		n.configured = true
		n.level = d.level
		n.fromEnv = true
	}
	for _, d := range e.runtime {
		n := s.root.descend(d.category)
		n.configured = true
		n.level = d.level
		n.fromEnv = true
		n.fromRuntime = true
	}
	if len(s.sinks) == 0 && cfg.EarlyBuffer > 0 {
		s.early = newEarlyRing(cfg.EarlyBuffer)
	}
	s.meta = s.resolve(MetaCategory)
	for n, i := s.root, 0; i < len(MetaCategory); i++ {
		if n = n.children[MetaCategory[i]]; n == nil {
			break
		}
		s.metaConfigured = s.metaConfigured || n.configured
	}
	return s, nil
}

func isNilMiddleware(m Middleware) bool { return m == nil || isNilPointer(m) }

// isNilPointer reports whether v holds a nil pointer, map, slice or func.
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Interface, reflect.Chan:
		return rv.IsNil()
	}
	return false
}

// categoryKey is a map key for a category; names may contain dots, so
// they are joined with a byte no name holds in practice.
func categoryKey(cat []string) string { return strings.Join(cat, "\x00") }
