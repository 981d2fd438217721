package loggerjs

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
)

// SetLevel sets the level of a category of the process-wide registry at
// run time; see Handler.SetLevel.
func SetLevel(category string, level slog.Level) error { return registry.setLevel(category, level) }

// ResetLevel undoes SetLevel for a category of the process-wide registry;
// see Handler.ResetLevel.
func ResetLevel(category string) error { return registry.resetLevel(category) }

// Levels lists the categories of the process-wide registry with their
// effective levels; see Handler.Levels.
func Levels() []CategoryLevel { return registry.levels() }

// SetLevel sets the level of a category of h's handler tree at run time:
// category is dotted ("app.db"; "" for the root) and level gates it as
// LoggerConfig.Level would, as the last word for its subtree. The change
// is atomic and running loggers see it at once.
//
// Precedence, highest first: a level set with SetLevel, then a directive
// of LOGGERJS_LEVEL (EnvLevel), then LoggerConfig.Level. A runtime level
// survives later calls to Configure until ResetLevel removes it. An
// empty segment in category is an error.
func (h *Handler) SetLevel(category string, level slog.Level) error {
	return h.eng.setLevel(category, level)
}

// ResetLevel removes the level SetLevel set for a category, so that the
// environment's or the configuration's applies again. Resetting a
// category that has no runtime level does nothing.
func (h *Handler) ResetLevel(category string) error { return h.eng.resetLevel(category) }

// Levels lists the categories of h's handler tree, configured ones and
// those logged to so far, with their effective levels.
func (h *Handler) Levels() []CategoryLevel { return h.eng.levels() }

// CategoryLevel is one category's level as Levels reports it.
type CategoryLevel struct {
	// Category is the dotted category; "" is the root.
	Category string
	// Level is the lowest level that reaches any sink from the category,
	// or LevelOff when none does.
	Level slog.Level
	// Source says what sets the gate nearest the category: "runtime"
	// (SetLevel), "env" (EnvLevel), "config" (LoggerConfig.Level), or ""
	// when no level is set on its path.
	Source string
	// From is the dotted category whose setting Source names: the
	// category itself, or the ancestor it inherits from.
	From string
	// Configured reports whether the configuration (a LoggerConfig, an
	// EnvLevel directive or SetLevel) names the category itself.
	Configured bool
}

// ParseCategory splits a dotted category into its names; "" is the root.
// An empty segment ("app..db", ".app") is an error.
func ParseCategory(dotted string) ([]string, error) {
	if dotted == "" {
		return nil, nil
	}
	names := strings.Split(dotted, ".")
	if slicesContainsEmpty(names) {
		return nil, fmt.Errorf("loggerjs: category %q: empty segment", dotted)
	}
	return names, nil
}

func (e *engine) setLevel(category string, level slog.Level) error {
	cat, err := ParseCategory(category)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	key := categoryKey(cat)
	e.runtime = slices.DeleteFunc(e.runtime, func(d levelDirective) bool { return categoryKey(d.category) == key })
	e.runtime = append(e.runtime, levelDirective{category: cat, level: level})
	return e.recompile()
}

func (e *engine) resetLevel(category string) error {
	cat, err := ParseCategory(category)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	key := categoryKey(cat)
	n := len(e.runtime)
	e.runtime = slices.DeleteFunc(e.runtime, func(d levelDirective) bool { return categoryKey(d.category) == key })
	if len(e.runtime) == n {
		return nil
	}
	return e.recompile()
}

// recompile swaps in the configuration in force with the runtime levels
// applied. The sinks and middleware stay the same values, so nothing is
// closed. While the tree buffers or is shut down, the levels wait for the
// next configure. e.mu is held.
func (e *engine) recompile() error {
	old := e.snap.Load()
	if old == nil || old.early != nil {
		return nil
	}
	snap, err := e.compile(e.cfg, e.env)
	if err != nil {
		return err // cannot happen: the same Config compiled before
	}
	for _, entry := range snap.sinks {
		if mr, ok := entry.sink.(MetaReporting); ok {
			mr.SetMetaReporter(entry.name, sinkReporter{e: e, entry: entry})
		}
	}
	e.snap.Store(snap)
	return nil
}

func (e *engine) levels() []CategoryLevel {
	snap := e.snap.Load()
	if snap == nil || snap.early != nil {
		return nil
	}
	cats := map[string][]string{"": nil}
	var walk func(n *node, path []string)
	walk = func(n *node, path []string) {
		if n.configured {
			cats[categoryKey(path)] = slices.Clone(path)
		}
		for name, c := range n.children {
			walk(c, append(slices.Clip(path), name))
		}
	}
	walk(snap.root, nil)
	e.seen.Range(func(k, v any) bool {
		cats[k.(string)] = v.([]string)
		return true
	})
	out := make([]CategoryLevel, 0, len(cats))
	for _, key := range slices.Sorted(maps.Keys(cats)) {
		cat := cats[key]
		rt := snap.routeFor(cat, key)
		cl := CategoryLevel{Category: joinCategory(cat), Level: min(rt.minLevel(), LevelOff)}
		n := snap.root
		var path []*node
		path = append(path, n)
		for _, name := range cat {
			if n = n.children[name]; n == nil {
				break
			}
			path = append(path, n)
		}
		cl.Configured = len(path) == len(cat)+1 && path[len(path)-1].configured
		for i := len(path) - 1; i >= 0; i-- {
			p := path[i]
			if !p.configured || p.level == nil {
				continue
			}
			switch {
			case p.fromRuntime:
				cl.Source = "runtime"
			case p.fromEnv:
				cl.Source = "env"
			default:
				cl.Source = "config"
			}
			cl.From = joinCategory(cat[:i])
			break
		}
		out = append(out, cl)
	}
	return out
}
