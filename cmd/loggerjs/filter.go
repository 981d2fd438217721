package main

import (
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/loggerjs/loggerjs"
)

// filter says which records are shown: all of its conditions must hold.
// The zero filter shows every record.
type filter struct {
	level      *slog.Level
	categories [][]string // any of them is a prefix of the record's
	since      time.Time  // records at or after it
	until      time.Time  // records before it
	attrs      []attrMatch
	msg        *regexp.Regexp
}

// attrMatch is one -attr condition: the attr at path (dotted through
// groups) exists and, when hasValue, its value prints as value.
type attrMatch struct {
	path     string
	value    string
	hasValue bool
}

func parseAttrMatch(s string) (attrMatch, error) {
	key, value, ok := strings.Cut(s, "=")
	if key == "" {
		return attrMatch{}, fmt.Errorf("-attr %q: want key=value or key", s)
	}
	return attrMatch{path: key, value: value, hasValue: ok}, nil
}

func (f *filter) match(r *loggerjs.Record) bool {
	if f.level != nil && r.Level < *f.level {
		return false
	}
	if len(f.categories) > 0 && !slices.ContainsFunc(f.categories, func(prefix []string) bool {
		return len(r.Category) >= len(prefix) && slices.Equal(r.Category[:len(prefix)], prefix)
	}) {
		return false
	}
	if !f.since.IsZero() && (r.Time.IsZero() || r.Time.Before(f.since)) {
		return false
	}
	if !f.until.IsZero() && (r.Time.IsZero() || !r.Time.Before(f.until)) {
		return false
	}
	for _, m := range f.attrs {
		if !m.in(r) {
			return false
		}
	}
	if f.msg != nil && !f.msg.MatchString(r.Message()) {
		return false
	}
	return true
}

// in reports whether r has an attr that m matches: a bound attr, one of
// the record's own (inside the groups its scope opens) or a root attr.
// Groups nest: "user.id" names the attr id in the group user, or an attr
// whose key is "user.id" itself.
func (m attrMatch) in(r *loggerjs.Record) bool {
	found := false
	var prefix []string
	for _, link := range r.Scope.Links(nil) {
		if g := link.Group(); g != "" {
			prefix = append(prefix, g)
			continue
		}
		for _, a := range link.Attrs() {
			if m.visit(prefix, a, 0) {
				return true
			}
		}
	}
	r.Attrs(func(a slog.Attr) bool {
		found = m.visit(prefix, a, 0)
		return !found
	})
	if found {
		return true
	}
	r.RootAttrs(func(a slog.Attr) bool {
		found = m.visit(nil, a, 0)
		return !found
	})
	return found
}

func (m attrMatch) visit(prefix []string, a slog.Attr, depth int) bool {
	if depth > maxDepth {
		return false
	}
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		if a.Key != "" {
			prefix = append(slices.Clip(prefix), a.Key)
		}
		for _, c := range v.Group() {
			if m.visit(prefix, c, depth+1) {
				return true
			}
		}
		return false
	}
	if !m.pathIs(prefix, a.Key) {
		return false
	}
	return !m.hasValue || v.String() == m.value
}

// pathIs reports whether the groups of prefix and key, dotted, are m.path.
func (m attrMatch) pathIs(prefix []string, key string) bool {
	rest := m.path
	for _, g := range prefix {
		var ok bool
		if rest, ok = strings.CutPrefix(rest, g); !ok {
			return false
		}
		if rest, ok = strings.CutPrefix(rest, "."); !ok {
			return false
		}
	}
	return rest == key
}

// timeFlagLayouts are the layouts -since and -until take, besides
// durations.
var timeFlagLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseTimeFlag reads -since or -until: a time in one of
// timeFlagLayouts (local time without a zone) or a duration before now
// ("15m").
func parseTimeFlag(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range timeFlagLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: want a time (2006-01-02T15:04:05Z07:00, 2006-01-02 15:04, 2006-01-02) or a duration before now (15m)", s)
}
