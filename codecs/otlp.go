package codecs

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/loggerjs/loggerjs"
)

// OTLPJSONOptions configure the OTLP/JSON codec. A nil *OTLPJSONOptions
// means the defaults.
type OTLPJSONOptions struct {
	// Resource holds the attributes of the resource that produces the
	// logs, such as slog.String("service.name", "checkout").
	Resource []slog.Attr
	// ScopeVersion is the version written on every instrumentation scope
	// (one per category), such as the version of the program. Default
	// none.
	ScopeVersion string
}

// TraceFlagsKey is the key of the root attr that carries a record's W3C
// trace flags (bit 0 is "sampled"), as an integer or as the two hex
// digits of a traceparent ("01"). The OTLP codec writes it as the
// LogRecord's flags, beside traceId and spanId.
const TraceFlagsKey = loggerjs.TraceFlagsKey

// OTLPJSONCodec writes records in the OTLP/HTTP JSON encoding of an
// ExportLogsServiceRequest, the body an OpenTelemetry collector accepts at
// /v1/logs with Content-Type application/json, so logs can be shipped over
// plain HTTP without the OpenTelemetry SDK.
//
// Append writes one request holding one record, on one line, framed as
// {"resourceLogs":[…]} and a newline so that the ResourceLogs of several
// such requests can be joined into one request; AppendBatch writes one
// request holding many, grouped into one ScopeLogs per category. The category is the instrumentation scope's name. A record
// maps to a LogRecord: timeUnixNano and observedTimeUnixNano from its time,
// severityNumber (TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21,
// with the levels between in between, clamped to 1..24) and severityText
// (loggerjs.LevelName), the message as a string body, traceId and spanId
// from the trace_id and span_id attrs (root attrs first) when they are
// valid W3C ids, and the attrs as attributes: groups as kvlistValue,
// integers as intValue strings, floats as doubleValue ("NaN", "Infinity"
// and "-Infinity" as protobuf's JSON mapping writes them), durations in
// nanoseconds, times as RFC 3339 strings, []byte as bytesValue, and other
// KindAny values as what encoding/json makes of them. The record's error
// adds exception.message, exception.type and exception.stacktrace per the
// OpenTelemetry semantic conventions.
//
// A value that cannot be encoded is written as an "!ERROR:" or "!PANIC:"
// stringValue and counted as a codec fallback. It is safe for concurrent
// use.
type OTLPJSONCodec struct {
	resource []byte // {"attributes":[...]}
	version  []byte // the scope version as a JSON string, or nil
}

var _ loggerjs.Codec = (*OTLPJSONCodec)(nil)

// OTLPJSON returns an OTLP/JSON codec.
func OTLPJSON(opts *OTLPJSONOptions) *OTLPJSONCodec {
	c := &OTLPJSONCodec{}
	s := otlpState{buf: []byte(`{"attributes":[`)}
	if opts != nil {
		for _, a := range opts.Resource {
			s.attr(a)
		}
	}
	c.resource = append(s.buf, "]}"...)
	if opts != nil && opts.ScopeVersion != "" {
		c.version, _ = appendJSONString(nil, opts.ScopeVersion)
	}
	return c
}

// ContentType returns "application/json".
func (c *OTLPJSONCodec) ContentType() string { return "application/json" }

// Append appends an ExportLogsServiceRequest holding r, and a newline.
func (c *OTLPJSONCodec) Append(dst []byte, r *loggerjs.Record) []byte {
	dst = append(dst, `{"resourceLogs":[{"resource":`...)
	dst = append(dst, c.resource...)
	dst = append(dst, `,"scopeLogs":[`...)
	dst = c.appendScopeOpen(dst, r)
	dst = c.appendLogRecord(dst, r)
	return append(dst, "]}]}]}\n"...)
}

// AppendBatch appends one ExportLogsServiceRequest holding records, with
// one ScopeLogs for each category in the order categories first appear,
// and a newline.
func (c *OTLPJSONCodec) AppendBatch(dst []byte, records []*loggerjs.Record) []byte {
	dst = append(dst, `{"resourceLogs":[{"resource":`...)
	dst = append(dst, c.resource...)
	dst = append(dst, `,"scopeLogs":[`...)
	done := make([]bool, len(records))
	firstScope := true
	for i, r := range records {
		if done[i] {
			continue
		}
		if !firstScope {
			dst = append(dst, ',')
		}
		firstScope = false
		dst = c.appendScopeOpen(dst, r)
		name := r.CategoryName()
		first := true
		for j := i; j < len(records); j++ {
			if done[j] || records[j].CategoryName() != name {
				continue
			}
			done[j] = true
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = c.appendLogRecord(dst, records[j])
		}
		dst = append(dst, "]}"...)
	}
	return append(dst, "]}]}\n"...)
}

func (c *OTLPJSONCodec) appendScopeOpen(dst []byte, r *loggerjs.Record) []byte {
	dst, bad := c.appendScopeName(dst, r.CategoryName())
	if bad {
		r.CodecFallback()
	}
	return dst
}

// appendScopeName opens a ScopeLogs for the scope name, up to its first
// LogRecord, and reports whether name was not valid UTF-8.
func (c *OTLPJSONCodec) appendScopeName(dst []byte, name string) (_ []byte, bad bool) {
	dst = append(dst, `{"scope":{`...)
	if name != "" {
		dst = append(dst, `"name":`...)
		dst, bad = appendJSONString(dst, name)
	}
	if c.version != nil {
		if name != "" {
			dst = append(dst, ',')
		}
		dst = append(dst, `"version":`...)
		dst = append(dst, c.version...)
	}
	return append(dst, `},"logRecords":[`...), bad
}

// AppendLogRecord appends r as one OTLP LogRecord, the JSON object that
// AppendRequest frames. A shipper that encodes each record as it is
// logged, and sends them later in batches, keeps these.
func (c *OTLPJSONCodec) AppendLogRecord(dst []byte, r *loggerjs.Record) []byte {
	return c.appendLogRecord(dst, r)
}

// AppendRequest appends one ExportLogsServiceRequest, and a newline,
// holding n log records that AppendLogRecord encoded: record(i) returns
// the i'th and scope(i) its instrumentation scope's name (the category).
// The request has one ResourceLogs, with the codec's resource, and one
// ScopeLogs per scope name, in the order the names first appear.
func (c *OTLPJSONCodec) AppendRequest(dst []byte, n int, scope func(i int) string, record func(i int) []byte) []byte {
	dst = append(dst, `{"resourceLogs":[{"resource":`...)
	dst = append(dst, c.resource...)
	dst = append(dst, `,"scopeLogs":[`...)
	done := make([]bool, n)
	for i := range n {
		if done[i] {
			continue
		}
		if dst[len(dst)-1] != '[' {
			dst = append(dst, ',')
		}
		name := scope(i)
		dst, _ = c.appendScopeName(dst, name)
		first := true
		for j := i; j < n; j++ {
			if done[j] || scope(j) != name {
				continue
			}
			done[j] = true
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = append(dst, record(j)...)
		}
		dst = append(dst, "]}"...)
	}
	return append(dst, "]}]}\n"...)
}

// otlpSeverity returns the OTLP severity number of a level.
func otlpSeverity(l slog.Level) int {
	n := int64(l) + 9
	return int(min(max(n, 1), 24))
}

func (c *OTLPJSONCodec) appendLogRecord(dst []byte, r *loggerjs.Record) []byte {
	s := otlpState{r: r, buf: append(dst, '{')}
	if sec := r.Time.Unix(); !r.Time.IsZero() && (sec < 0 || sec >= math.MaxInt64/int64(time.Second)) {
		// fixed64 nanoseconds since 1970 cannot hold it.
		r.CodecFallback()
	} else if !r.Time.IsZero() {
		var arr [24]byte
		ns := strconv.AppendInt(arr[:0], r.Time.UnixNano(), 10)
		s.buf = append(s.buf, `"timeUnixNano":"`...)
		s.buf = append(s.buf, ns...)
		s.buf = append(s.buf, `","observedTimeUnixNano":"`...)
		s.buf = append(s.buf, ns...)
		s.buf = append(s.buf, `",`...)
	}
	s.buf = append(s.buf, `"severityNumber":`...)
	s.buf = strconv.AppendInt(s.buf, int64(otlpSeverity(r.Level)), 10)
	s.buf = append(s.buf, `,"severityText":"`...)
	s.buf = loggerjs.AppendLevelName(s.buf, r.Level)
	s.buf = append(s.buf, `","body":{"stringValue":`...)
	s.str(r.Message())
	s.buf = append(s.buf, `},"attributes":[`...)

	traceID, spanID := traceContext(r)
	validTrace, validSpan := isHexID(traceID, 32), isHexID(spanID, 16)
	flags, validFlags := -1, false
	var stack string
	r.RootAttrs(func(a slog.Attr) bool {
		if (a.Key == TraceIDKey && validTrace && a.Value.String() == traceID) ||
			(a.Key == SpanIDKey && validSpan && a.Value.String() == spanID) {
			return true
		}
		if a.Key == TraceFlagsKey && validTrace && flags < 0 {
			if flags, validFlags = traceFlags(a.Value); validFlags {
				return true
			}
		}
		if a.Key == loggerjs.StackKey && r.Err != nil && stack == "" && a.Value.Kind() == slog.KindString {
			stack = a.Value.String() // written as exception.stacktrace
			return true
		}
		s.attr(a)
		return true
	})
	sc := c.scope(r.Scope)
	if len(sc.pre) > 0 {
		if s.sep {
			s.buf = append(s.buf, ',')
		}
		s.buf = append(s.buf, sc.pre...)
		s.sep = !otlpOpenEnd(sc.pre)
	}
	open := sc.nOpen
	if r.NumAttrs() > 0 {
		pos, sep := len(s.buf), s.sep
		for _, g := range sc.groups[sc.nOpen:] {
			s.openGroup(g)
		}
		empty := true
		r.Attrs(func(a slog.Attr) bool {
			if s.attr(a) {
				empty = false
			}
			return true
		})
		if empty {
			s.buf, s.sep = s.buf[:pos], sep
		} else {
			open = len(sc.groups)
		}
	}
	for range open {
		s.closeGroup()
	}
	if r.Err != nil {
		msg, ok := safeErrorText(r.Err)
		if !ok {
			r.CodecFallback()
		}
		s.attr(slog.String("exception.message", r.RedactText(msg)))
		s.attr(slog.String("exception.type", fmt.Sprintf("%T", r.Err)))
		if stack == "" && ok {
			stack = errorStack(r.Err, msg)
		}
		if stack != "" {
			s.attr(slog.String("exception.stacktrace", r.RedactText(stack)))
		}
	}
	s.buf = append(s.buf, ']')
	if validTrace {
		s.buf = append(s.buf, `,"traceId":"`...)
		s.buf = append(s.buf, traceID...)
		s.buf = append(s.buf, '"')
	}
	if validSpan {
		s.buf = append(s.buf, `,"spanId":"`...)
		s.buf = append(s.buf, spanID...)
		s.buf = append(s.buf, '"')
	}
	if validFlags {
		s.buf = append(s.buf, `,"flags":`...)
		s.buf = strconv.AppendInt(s.buf, int64(flags), 10)
	}
	return append(s.buf, '}')
}

// traceFlags reads the value of a TraceFlagsKey attr: an integer from 0
// to 255, or two hex digits.
func traceFlags(v slog.Value) (int, bool) {
	switch v.Kind() {
	case slog.KindInt64:
		if i := v.Int64(); i >= 0 && i <= 255 {
			return int(i), true
		}
	case slog.KindUint64:
		if u := v.Uint64(); u <= 255 {
			return int(u), true
		}
	case slog.KindString:
		if s := v.String(); len(s) == 2 {
			if u, err := strconv.ParseUint(s, 16, 8); err == nil {
				return int(u), true
			}
		}
	}
	return 0, false
}

// isHexID reports whether id is a valid W3C trace (n = 32) or span
// (n = 16) id: n lower-case hex digits, not all zero.
func isHexID(id string, n int) bool {
	if len(id) != n {
		return false
	}
	nonZero := false
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case '1' <= c && c <= '9', 'a' <= c && c <= 'f':
			nonZero = true
		case c == '0':
		default:
			return false
		}
	}
	return nonZero
}

// otlpGroupOpen and otlpGroupClose surround the attributes of a group.
const (
	otlpGroupOpen  = `,"value":{"kvlistValue":{"values":[`
	otlpGroupClose = "]}}}"
)

func otlpOpenEnd(b []byte) bool { return bytes.HasSuffix(b, []byte(otlpGroupOpen)) }

// otlpScope is the encoded form of a bound scope.
type otlpScope struct {
	pre    []byte
	nOpen  int
	groups []string
}

var emptyOTLPScope = &otlpScope{}

func (c *OTLPJSONCodec) scope(sc *loggerjs.Scope) *otlpScope {
	return cachedScope(c, sc, emptyOTLPScope, c.buildScope)
}

func (c *OTLPJSONCodec) buildScope(sc *loggerjs.Scope) any {
	parent := c.scope(sc.Parent())
	if sc.Group() != "" {
		return &otlpScope{pre: parent.pre, nOpen: parent.nOpen, groups: sc.Groups()}
	}
	s := otlpState{buf: bytes.Clone(parent.pre)}
	s.sep = len(s.buf) > 0 && !otlpOpenEnd(s.buf)
	for _, g := range sc.Groups()[parent.nOpen:] {
		s.openGroup(g)
	}
	wrote := false
	for _, a := range sc.Attrs() {
		if s.attr(a) {
			wrote = true
		}
	}
	if !wrote {
		return &otlpScope{pre: parent.pre, nOpen: parent.nOpen, groups: sc.Groups()}
	}
	return &otlpScope{pre: s.buf, nOpen: len(sc.Groups()), groups: sc.Groups()}
}

// otlpState is the state of one record's attributes.
type otlpState struct {
	r   *loggerjs.Record // nil while a scope is encoded
	buf []byte
	sep bool // a comma goes before the next KeyValue
	bounds
}

func (s *otlpState) str(v string) {
	var bad bool
	if s.buf, bad = appendJSONString(s.buf, v); bad {
		s.r.CodecFallback()
	}
}

func (s *otlpState) keyOpen(k string) {
	if s.sep {
		s.buf = append(s.buf, ',')
	}
	s.buf = append(s.buf, `{"key":`...)
	s.str(k)
	s.sep = true
}

func (s *otlpState) openGroup(name string) {
	s.keyOpen(name)
	s.buf = append(s.buf, otlpGroupOpen...)
	s.sep = false
}

func (s *otlpState) closeGroup() {
	s.buf = append(s.buf, otlpGroupClose...)
	s.sep = true
}

// attr appends one KeyValue and reports whether it wrote anything.
func (s *otlpState) attr(a slog.Attr) bool {
	if ok, first := s.next(); !ok {
		if first {
			s.keyOpen(a.Key)
			s.buf = append(s.buf, `,"value":`...)
			s.marker(markerTooMany)
			s.buf = append(s.buf, '}')
		}
		return first
	}
	a.Value = resolveValue(s.r, a.Value)
	if a.Key == "" && a.Value.Kind() == slog.KindAny && a.Value.Any() == nil {
		return false
	}
	if a.Value.Kind() != slog.KindGroup {
		s.keyOpen(a.Key)
		s.buf = append(s.buf, `,"value":`...)
		s.value(a.Value)
		s.buf = append(s.buf, '}')
		return true
	}
	attrs := a.Value.Group()
	if len(attrs) == 0 {
		return false
	}
	if s.depth >= maxDepth {
		s.keyOpen(a.Key)
		s.buf = append(s.buf, `,"value":`...)
		s.marker(markerTooDeep)
		s.buf = append(s.buf, '}')
		return true
	}
	pos, sep := len(s.buf), s.sep
	if a.Key != "" {
		s.openGroup(a.Key)
	}
	wrote := false
	s.depth++
	for _, ga := range attrs {
		if s.attr(ga) {
			wrote = true
		}
	}
	s.depth--
	if !wrote {
		s.buf, s.sep = s.buf[:pos], sep
		return false
	}
	if a.Key != "" {
		s.closeGroup()
	}
	return true
}

// value appends an AnyValue.
func (s *otlpState) value(v slog.Value) {
	switch v.Kind() {
	case slog.KindString:
		s.buf = append(s.buf, `{"stringValue":`...)
		s.str(v.String())
		s.buf = append(s.buf, '}')
	case slog.KindInt64:
		s.buf = appendOTLPInt(s.buf, v.Int64())
	case slog.KindUint64:
		if u := v.Uint64(); u <= math.MaxInt64 {
			s.buf = appendOTLPInt(s.buf, int64(u))
		} else {
			s.buf = append(s.buf, `{"stringValue":"`...)
			s.buf = strconv.AppendUint(s.buf, u, 10)
			s.buf = append(s.buf, `"}`...)
		}
	case slog.KindFloat64:
		s.buf = appendOTLPDouble(s.buf, v.Float64())
	case slog.KindBool:
		s.buf = append(s.buf, `{"boolValue":`...)
		s.buf = strconv.AppendBool(s.buf, v.Bool())
		s.buf = append(s.buf, '}')
	case slog.KindDuration:
		s.buf = appendOTLPInt(s.buf, int64(v.Duration()))
	case slog.KindTime:
		s.buf = append(s.buf, `{"stringValue":"`...)
		t := v.Time()
		if buf, ok := appendTimeRFC3339Nano(s.buf, t); ok {
			s.buf = buf
		} else {
			s.buf = t.AppendFormat(s.buf, time.RFC3339Nano)
		}
		s.buf = append(s.buf, `"}`...)
	case slog.KindAny:
		s.any(v.Any())
	default:
		s.buf = append(s.buf, `{"stringValue":`...)
		s.str(v.String())
		s.buf = append(s.buf, '}')
	}
}

func appendOTLPInt(dst []byte, i int64) []byte {
	dst = append(dst, `{"intValue":"`...)
	dst = strconv.AppendInt(dst, i, 10)
	return append(dst, `"}`...)
}

func appendOTLPDouble(dst []byte, f float64) []byte {
	dst = append(dst, `{"doubleValue":`...)
	switch {
	case math.IsNaN(f):
		dst = append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		dst = append(dst, `"Infinity"`...)
	case math.IsInf(f, -1):
		dst = append(dst, `"-Infinity"`...)
	default:
		dst = appendJSONFloat(dst, f)
	}
	return append(dst, '}')
}

func (s *otlpState) marker(text string) {
	s.r.CodecFallback()
	s.buf = append(s.buf, `{"stringValue":`...)
	s.str(text)
	s.buf = append(s.buf, '}')
}

func (s *otlpState) any(x any) {
	switch x := x.(type) {
	case nil:
		s.buf = append(s.buf, "{}"...)
		return
	case []byte:
		s.buf = append(s.buf, `{"bytesValue":"`...)
		s.buf = base64.StdEncoding.AppendEncode(s.buf, x)
		s.buf = append(s.buf, `"}`...)
		return
	case slog.Level:
		s.buf = append(s.buf, `{"stringValue":"`...)
		s.buf = loggerjs.AppendLevelName(s.buf, x)
		s.buf = append(s.buf, `"}`...)
		return
	}
	text, raw, failed := renderAny(s.r, x, &s.bounds)
	switch {
	case failed:
		s.marker(text)
	case raw == nil:
		s.buf = append(s.buf, `{"stringValue":`...)
		s.str(text)
		s.buf = append(s.buf, '}')
	default:
		pos := len(s.buf)
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var err error
		if s.buf, err = appendJSONAsAnyValue(s.buf, dec, maxDepth-s.depth); err != nil {
			s.buf = s.buf[:pos]
			if errors.Is(err, errTooDeep) {
				s.marker(markerTooDeep)
			} else {
				s.marker("!ERROR:" + err.Error())
			}
		}
	}
}

// appendJSONAsAnyValue converts one JSON value to an OTLP AnyValue:
// objects to kvlistValue, arrays to arrayValue, integers to intValue,
// other numbers to doubleValue, null to the empty AnyValue. Arrays and
// objects nested deeper than depthLeft are errTooDeep.
func appendJSONAsAnyValue(dst []byte, dec *json.Decoder, depthLeft int) ([]byte, error) {
	tok, err := dec.Token()
	if err != nil {
		return dst, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if depthLeft <= 0 {
			return dst, errTooDeep
		}
		switch t {
		case '{':
			dst = append(dst, `{"kvlistValue":{"values":[`...)
			for first := true; dec.More(); first = false {
				k, err := dec.Token()
				if err != nil {
					return dst, err
				}
				if !first {
					dst = append(dst, ',')
				}
				dst = append(dst, `{"key":`...)
				dst, _ = appendJSONString(dst, k.(string))
				dst = append(dst, `,"value":`...)
				if dst, err = appendJSONAsAnyValue(dst, dec, depthLeft-1); err != nil {
					return dst, err
				}
				dst = append(dst, '}')
			}
			dst = append(dst, "]}}"...)
		case '[':
			dst = append(dst, `{"arrayValue":{"values":[`...)
			for first := true; dec.More(); first = false {
				if !first {
					dst = append(dst, ',')
				}
				if dst, err = appendJSONAsAnyValue(dst, dec, depthLeft-1); err != nil {
					return dst, err
				}
			}
			dst = append(dst, "]}}"...)
		}
		_, err = dec.Token()
		return dst, err
	case string:
		dst = append(dst, `{"stringValue":`...)
		dst, _ = appendJSONString(dst, t)
		dst = append(dst, '}')
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return appendOTLPInt(dst, i), nil
		}
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return dst, err
		}
		dst = appendOTLPDouble(dst, f)
	case bool:
		dst = append(dst, `{"boolValue":`...)
		dst = strconv.AppendBool(dst, t)
		dst = append(dst, '}')
	case nil:
		dst = append(dst, "{}"...)
	}
	return dst, nil
}
