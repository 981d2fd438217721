package main

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"
)

// pair is one key=value of a logfmt line; bare reports a key without
// '=' and value, quoted a value that was quoted.
type pair struct {
	key, value   string
	bare, quoted bool
}

// parseLogfmt splits a logfmt line (slog.TextHandler's layout, or
// go-logfmt's) into pairs. A quoted value is unquoted as Go or JSON
// quote it. An unterminated quote or a key with a quote or '=' in it is
// an error.
func parseLogfmt(line string) ([]pair, error) {
	var out []pair
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			return out, nil
		}
		start := i
		for i < len(line) && line[i] != '=' && line[i] != ' ' && line[i] != '\t' {
			if line[i] == '"' {
				return nil, errors.New("quote in a key")
			}
			i++
		}
		key := line[start:i]
		if i == len(line) || line[i] != '=' {
			out = append(out, pair{key: key, bare: true})
			continue
		}
		if key == "" {
			return nil, errors.New("empty key")
		}
		i++ // '='
		if i < len(line) && line[i] == '"' {
			end := i + 1
			for end < len(line) && line[end] != '"' {
				if line[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(line) {
				return nil, errors.New("unterminated quoted value")
			}
			raw := line[i : end+1]
			v, err := strconv.Unquote(raw)
			if err != nil {
				if json.Unmarshal([]byte(raw), &v) != nil {
					return nil, errors.New("malformed quoted value")
				}
			}
			out = append(out, pair{key: key, value: v, quoted: true})
			i = end + 1
			if i < len(line) && line[i] != ' ' && line[i] != '\t' {
				return nil, errors.New("no space after a quoted value")
			}
			continue
		}
		start = i
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		out = append(out, pair{key: key, value: line[start:i]})
	}
}

// logfmtValue types an unquoted value: integers, floats and booleans
// become numbers and booleans, the rest stays a string.
func logfmtValue(p pair) slog.Value {
	if p.bare {
		return slog.BoolValue(true)
	}
	if p.quoted || p.value == "" {
		return slog.StringValue(p.value)
	}
	switch p.value {
	case "true":
		return slog.BoolValue(true)
	case "false":
		return slog.BoolValue(false)
	}
	if c := p.value[0]; c == '-' || c == '+' || (c >= '0' && c <= '9') {
		if n, err := strconv.ParseInt(p.value, 10, 64); err == nil {
			return slog.Int64Value(n)
		}
		if f, err := strconv.ParseFloat(p.value, 64); err == nil && !strings.ContainsAny(p.value, "xXpP_") {
			return slog.Float64Value(f)
		}
	}
	return slog.StringValue(p.value)
}

// looksLikeLogfmt reports whether pairs read as a log record rather than
// prose that happens to hold an '=': every token is a pair or a
// well-formed bare key, and one of them is a time, level or message.
func looksLikeLogfmt(pairs []pair) bool {
	known := false
	for _, p := range pairs {
		if p.bare && !utf8.ValidString(p.key) {
			return false
		}
		if p.bare {
			for _, r := range p.key {
				if !(r == '_' || r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
					return false
				}
			}
			continue
		}
		switch p.key {
		case "time", "ts", "t", "timestamp", "level", "lvl", "msg", "message":
			known = true
		}
	}
	return known
}
