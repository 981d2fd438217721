package slogtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseJSON parses JSON lines (NDJSON), one record an object, as
// slog.JSONHandler and the loggerjs JSON codec write them. Blank lines are
// skipped; numbers are float64, as encoding/json gives them.
func ParseJSON(data []byte) ([]map[string]any, error) {
	var recs []map[string]any
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			return recs, fmt.Errorf("line %d: %v: %q", i+1, err, line)
		}
		recs = append(recs, m)
	}
	return recs, nil
}

// ParseLogfmt parses logfmt lines, one record a line, as slog.TextHandler
// and the loggerjs Logfmt codec write them: key=value pairs separated by
// spaces, values bare or double-quoted with Go's escapes. A dotted key is a
// path of groups (req.method=GET gives {"req": {"method": "GET"}}), so a
// key that holds a dot of its own cannot be told from a group. Values are
// strings: logfmt has no types. A key without "=" has the empty value.
func ParseLogfmt(data []byte) ([]map[string]any, error) {
	var recs []map[string]any
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		m, err := parseLogfmtLine(line)
		if err != nil {
			return recs, fmt.Errorf("line %d: %v: %q", i+1, err, line)
		}
		recs = append(recs, m)
	}
	return recs, nil
}

func parseLogfmtLine(line string) (map[string]any, error) {
	m := map[string]any{}
	for i := 0; i < len(line); {
		if line[i] == ' ' || line[i] == '\t' || line[i] == '\r' {
			i++
			continue
		}
		start := i
		for i < len(line) && line[i] != '=' && line[i] != ' ' {
			if line[i] == '"' {
				return nil, fmt.Errorf("a quote in a key at byte %d", i)
			}
			i++
		}
		key := line[start:i]
		if key == "" {
			return nil, fmt.Errorf("an empty key at byte %d", start)
		}
		var value string
		if i < len(line) && line[i] == '=' {
			i++
			if i < len(line) && line[i] == '"' {
				end := i + 1
				for ; end < len(line) && line[end] != '"'; end++ {
					if line[end] == '\\' {
						end++
					}
				}
				if end >= len(line) {
					return nil, fmt.Errorf("an unterminated quoted value at byte %d", i)
				}
				v, err := strconv.Unquote(line[i : end+1])
				if err != nil {
					return nil, fmt.Errorf("a malformed quoted value at byte %d: %v", i, err)
				}
				value, i = v, end+1
			} else {
				start := i
				for i < len(line) && line[i] != ' ' {
					i++
				}
				value = line[start:i]
			}
		}
		if err := setPath(m, strings.Split(key, "."), value); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// setPath sets the value at a path of nested groups in m.
func setPath(m map[string]any, path []string, v any) error {
	for i, k := range path[:len(path)-1] {
		switch next := m[k].(type) {
		case nil:
			g := map[string]any{}
			m[k] = g
			m = g
		case map[string]any:
			m = next
		default:
			return fmt.Errorf("key %q is both a value and a group", strings.Join(path[:i+1], "."))
		}
	}
	last := path[len(path)-1]
	if _, isGroup := m[last].(map[string]any); isGroup {
		return fmt.Errorf("key %q is both a group and a value", strings.Join(path, "."))
	}
	m[last] = v
	return nil
}

// ParseOTLPJSON parses OTLP/HTTP JSON ExportLogsServiceRequests, one or
// more, each on a line of its own or not, as the loggerjs OTLPJSON codec
// and OpenTelemetry exporters write them. Each LogRecord becomes a record:
// slog.TimeKey from timeUnixNano (a time.Time, absent when the time is 0),
// slog.LevelKey from severityText, slog.MessageKey from the body, "logger"
// from the instrumentation scope's name when it has one, "trace_id" and
// "span_id" from traceId and spanId, and the attributes, with kvlistValues
// as groups. intValues are int64, doubleValues float64, bytesValues []byte.
func ParseOTLPJSON(data []byte) ([]map[string]any, error) {
	var recs []map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		var req otlpRequest
		err := dec.Decode(&req)
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, fmt.Errorf("request %d: %v", len(recs)+1, err)
		}
		for _, rl := range req.ResourceLogs {
			for _, sl := range rl.ScopeLogs {
				for _, lr := range sl.LogRecords {
					m, err := lr.record(sl.Scope.Name)
					if err != nil {
						return recs, err
					}
					recs = append(recs, m)
				}
			}
		}
	}
}

type otlpRequest struct {
	ResourceLogs []struct {
		ScopeLogs []struct {
			Scope struct {
				Name string `json:"name"`
			} `json:"scope"`
			LogRecords []otlpLogRecord `json:"logRecords"`
		} `json:"scopeLogs"`
	} `json:"resourceLogs"`
}

type otlpLogRecord struct {
	TimeUnixNano string         `json:"timeUnixNano"`
	SeverityText string         `json:"severityText"`
	Body         *otlpAnyValue  `json:"body"`
	Attributes   []otlpKeyValue `json:"attributes"`
	TraceID      string         `json:"traceId"`
	SpanID       string         `json:"spanId"`
}

type otlpKeyValue struct {
	Key   string       `json:"key"`
	Value otlpAnyValue `json:"value"`
}

type otlpAnyValue struct {
	StringValue *string      `json:"stringValue"`
	BoolValue   *bool        `json:"boolValue"`
	IntValue    *json.Number `json:"intValue"`
	DoubleValue *json.Number `json:"doubleValue"`
	BytesValue  *string      `json:"bytesValue"`
	ArrayValue  *struct {
		Values []otlpAnyValue `json:"values"`
	} `json:"arrayValue"`
	KvlistValue *struct {
		Values []otlpKeyValue `json:"values"`
	} `json:"kvlistValue"`
}

// UnmarshalJSON takes doubleValue as protobuf's JSON mapping writes it: a
// number, or "NaN", "Infinity", "-Infinity" as strings, and intValue as a
// string or a number.
func (v *otlpAnyValue) UnmarshalJSON(b []byte) error {
	type plain otlpAnyValue
	var raw struct {
		plain
		IntValue    json.RawMessage `json:"intValue"`
		DoubleValue json.RawMessage `json:"doubleValue"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*v = otlpAnyValue(raw.plain)
	for _, f := range []struct {
		raw json.RawMessage
		dst **json.Number
	}{{raw.IntValue, &v.IntValue}, {raw.DoubleValue, &v.DoubleValue}} {
		if f.raw == nil {
			continue
		}
		var n json.Number
		text := strings.Trim(string(f.raw), `"`)
		switch text {
		case "NaN", "Infinity", "-Infinity":
			n = json.Number(text)
		default:
			if _, err := strconv.ParseFloat(text, 64); err != nil {
				return fmt.Errorf("a malformed number %s", f.raw)
			}
			n = json.Number(text)
		}
		*f.dst = &n
	}
	return nil
}

func (lr otlpLogRecord) record(scope string) (map[string]any, error) {
	m := map[string]any{}
	if lr.TimeUnixNano != "" && lr.TimeUnixNano != "0" {
		ns, err := strconv.ParseInt(lr.TimeUnixNano, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("a malformed timeUnixNano %q", lr.TimeUnixNano)
		}
		m[slog.TimeKey] = time.Unix(0, ns).UTC()
	}
	if lr.SeverityText != "" {
		m[slog.LevelKey] = lr.SeverityText
	}
	if lr.Body != nil {
		body, err := lr.Body.value()
		if err != nil {
			return nil, err
		}
		m[slog.MessageKey] = body
	}
	if scope != "" {
		m["logger"] = scope
	}
	if lr.TraceID != "" {
		m["trace_id"] = lr.TraceID
	}
	if lr.SpanID != "" {
		m["span_id"] = lr.SpanID
	}
	for _, kv := range lr.Attributes {
		v, err := kv.Value.value()
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %v", kv.Key, err)
		}
		m[kv.Key] = v
	}
	return m, nil
}

func (v otlpAnyValue) value() (any, error) {
	switch {
	case v.StringValue != nil:
		return *v.StringValue, nil
	case v.BoolValue != nil:
		return *v.BoolValue, nil
	case v.IntValue != nil:
		return v.IntValue.Int64()
	case v.DoubleValue != nil:
		switch *v.DoubleValue {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		return v.DoubleValue.Float64()
	case v.BytesValue != nil:
		return base64.StdEncoding.DecodeString(*v.BytesValue)
	case v.ArrayValue != nil:
		out := make([]any, 0, len(v.ArrayValue.Values))
		for _, e := range v.ArrayValue.Values {
			ev, err := e.value()
			if err != nil {
				return nil, err
			}
			out = append(out, ev)
		}
		return out, nil
	case v.KvlistValue != nil:
		out := make(map[string]any, len(v.KvlistValue.Values))
		for _, kv := range v.KvlistValue.Values {
			ev, err := kv.Value.value()
			if err != nil {
				return nil, err
			}
			out[kv.Key] = ev
		}
		return out, nil
	}
	return nil, nil
}
