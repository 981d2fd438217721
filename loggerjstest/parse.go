package loggerjstest

import (
	"fmt"
	"log/slog"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/slogtest"
)

// ParserFor returns the parser that reads what codec c writes into the
// records package slogtest compares: slogtest.ParseJSON for the JSON codec,
// slogtest.ParseLogfmt for Logfmt, slogtest.ParseOTLPJSON for OTLPJSON,
// ParseStructured and ParseMsgpack for those codecs. It returns nil for
// codecs whose output has no such parser: Pretty, which is for people, and
// projectors (ECS, GoogleCloud), whose schemas rename the builtin keys.
func ParserFor(c loggerjs.Codec) func(data []byte) ([]map[string]any, error) {
	switch c.(type) {
	case *codecs.JSONCodec:
		return slogtest.ParseJSON
	case *codecs.LogfmtCodec:
		return slogtest.ParseLogfmt
	case *codecs.OTLPJSONCodec:
		return slogtest.ParseOTLPJSON
	case *codecs.StructuredCodec:
		return ParseStructured
	case *codecs.MsgpackCodec:
		return ParseMsgpack
	}
	return nil
}

// ParseStructured decodes the lines the Structured codec wrote and returns
// each record as RecordMap gives it.
func ParseStructured(data []byte) ([]map[string]any, error) {
	recs, err := codecs.Structured().Decode(data)
	return recordMaps(recs), err
}

// ParseMsgpack decodes what the Msgpack codec wrote and returns each record
// as RecordMap gives it.
func ParseMsgpack(data []byte) ([]map[string]any, error) {
	recs, err := codecs.Msgpack().Decode(data)
	return recordMaps(recs), err
}

func recordMaps(recs []*loggerjs.Record) []map[string]any {
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = RecordMap(r)
	}
	return out
}

// RecordMap returns r as a map in the shape package slogtest compares, the
// shape encoding/json gives the JSON codec's output: slog.TimeKey (a
// time.Time, absent for the zero time), slog.LevelKey (loggerjs.LevelName),
// slog.MessageKey, loggerjs.CategoryKey when r has a category, the root
// attrs, then the bound scope and r's attrs inside the scope's groups, each
// group a nested map[string]any. Groups with nothing in them are left out.
// Values are resolved; errors (a codecs.DecodedError too) become their
// message, decoded structs (codecs.Object) maps of their fields, levels
// their names, and other values stay as they are.
func RecordMap(r *loggerjs.Record) map[string]any {
	m := map[string]any{}
	addAttrs(m, recordAttrs(r))
	if !r.Time.IsZero() {
		m[slog.TimeKey] = r.Time
	}
	m[slog.LevelKey] = loggerjs.LevelName(r.Level)
	m[slog.MessageKey] = r.Message()
	if name := r.CategoryName(); name != "" {
		m[loggerjs.CategoryKey] = name
	}
	return m
}

// recordAttrs returns the attrs of r as they are written: root attrs, then
// bound attrs and r's own inside the scope's groups, resolved, with empty
// groups left out.
func recordAttrs(r *loggerjs.Record) []slog.Attr {
	var inner []slog.Attr
	r.Attrs(func(a slog.Attr) bool {
		inner = appendResolved(inner, a)
		return true
	})
	links := r.Scope.Links(nil)
	for i := len(links) - 1; i >= 0; i-- {
		l := links[i]
		if g := l.Group(); g != "" {
			if len(inner) > 0 {
				inner = []slog.Attr{{Key: g, Value: slog.GroupValue(inner...)}}
			}
			continue
		}
		var bound []slog.Attr
		for _, a := range l.Attrs() {
			bound = appendResolved(bound, a)
		}
		inner = append(bound, inner...)
	}
	var root []slog.Attr
	r.RootAttrs(func(a slog.Attr) bool {
		root = appendResolved(root, a)
		return true
	})
	return append(root, inner...)
}

// appendResolved appends a to dst with its value resolved, at every depth,
// unless it is empty or an empty group.
func appendResolved(dst []slog.Attr, a slog.Attr) []slog.Attr {
	a.Value = a.Value.Resolve()
	if a.Value.Kind() != slog.KindGroup {
		if a.Key == "" && a.Value.Any() == nil {
			return dst
		}
		return append(dst, a)
	}
	var in []slog.Attr
	for _, ga := range a.Value.Group() {
		in = appendResolved(in, ga)
	}
	if len(in) == 0 {
		return dst
	}
	if a.Key == "" {
		return append(dst, in...)
	}
	return append(dst, slog.Attr{Key: a.Key, Value: slog.GroupValue(in...)})
}

func addAttrs(m map[string]any, attrs []slog.Attr) {
	for _, a := range attrs {
		if a.Value.Kind() == slog.KindGroup {
			g, ok := m[a.Key].(map[string]any)
			if !ok {
				g = map[string]any{}
				m[a.Key] = g
			}
			addAttrs(g, a.Value.Group())
			continue
		}
		m[a.Key] = plain(a.Value)
	}
}

// plain returns what a value reads as in a record map.
func plain(v slog.Value) any {
	switch v.Kind() {
	case slog.KindAny:
		return plainAny(v.Any())
	case slog.KindGroup:
		m := map[string]any{}
		addAttrs(m, v.Group())
		return m
	}
	return v.Any()
}

func plainAny(x any) any {
	switch x := x.(type) {
	case *codecs.DecodedError:
		return x.Msg
	case error:
		return x.Error()
	case slog.Level:
		return loggerjs.LevelName(x)
	case *codecs.Object:
		m := make(map[string]any, len(x.Fields))
		for _, f := range x.Fields {
			m[f.Name] = plainAny(f.Value)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainAny(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plainAny(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = plainAny(e)
		}
		return out
	case slog.Value:
		return plain(x)
	}
	return x
}
