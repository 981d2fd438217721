package slogtest

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// lookup returns the value at path in a record: keys of nested groups,
// outermost first.
func lookup(m map[string]any, path ...string) (any, bool) {
	for i, k := range path {
		v, ok := m[k]
		if !ok {
			return nil, false
		}
		if i == len(path)-1 {
			return v, true
		}
		if m, ok = v.(map[string]any); !ok {
			return nil, false
		}
	}
	return m, true
}

// sameValue reports whether got, a value as a parser read it, stands for
// want: equal text for scalars ("3" and 3 match, as do 3 and 3.0), the same
// keys with matching values for maps, matching elements for slices.
func sameValue(got, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok || !sameValue(gv, wv) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !sameValue(g[i], w[i]) {
				return false
			}
		}
		return true
	}
	gt, gok := scalarText(got)
	wt, wok := scalarText(want)
	if !gok || !wok {
		return false
	}
	if gt == wt {
		return true
	}
	gf, gerr := strconv.ParseFloat(gt, 64)
	wf, werr := strconv.ParseFloat(wt, 64)
	return gerr == nil && werr == nil && gf == wf
}

// scalarText returns the text of a scalar value.
func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", false
	case string:
		return v, true
	case []byte:
		return string(v), true
	case bool:
		return strconv.FormatBool(v), true
	case json.Number:
		return v.String(), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32), true
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(v), true
	case time.Duration:
		return strconv.FormatInt(int64(v), 10), true
	case slog.Level:
		return v.String(), true
	case fmt.Stringer:
		return v.String(), true
	}
	return "", false
}

// sameRecord reports whether two records are the same but for their times,
// and describes the first difference.
func sameRecord(got, want map[string]any) (bool, string) {
	g := maps.Clone(got)
	w := maps.Clone(want)
	delete(g, slog.TimeKey)
	delete(w, slog.TimeKey)
	for _, k := range sortedKeys(w, g) {
		gv, gok := g[k]
		wv, wok := w[k]
		switch {
		case !gok:
			return false, fmt.Sprintf("%q is missing (want %v)", k, wv)
		case !wok:
			return false, fmt.Sprintf("%q is extra (%v)", k, gv)
		case !sameValue(gv, wv):
			return false, fmt.Sprintf("%q is %v, want %v", k, gv, wv)
		}
	}
	return true, ""
}

func sortedKeys(ms ...map[string]any) []string {
	var keys []string
	for _, m := range ms {
		for k := range m {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// byMessage returns the records whose message is msg.
func byMessage(recs []map[string]any, msg string) []map[string]any {
	var out []map[string]any
	for _, r := range recs {
		if m, ok := r[slog.MessageKey]; ok && sameValue(m, msg) {
			out = append(out, r)
		}
	}
	return out
}

// show formats records for a failure message, one a line.
func show(recs []map[string]any) string {
	if len(recs) == 0 {
		return "(no records)"
	}
	var b strings.Builder
	for i, r := range recs {
		if i == 20 {
			fmt.Fprintf(&b, "\n\t… and %d more", len(recs)-i)
			break
		}
		fmt.Fprintf(&b, "\n\t%v", r)
	}
	return b.String()
}

// path formats a path of keys for a message.
func pathString(path []string) string {
	return strings.Join(path, ".")
}
