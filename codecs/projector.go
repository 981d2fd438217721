package codecs

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/loggerjs/loggerjs"
)

// ProjectorCodec writes each record as one JSON object per line, in a
// layout a function chooses: a wire schema such as Elastic Common Schema
// or Google Cloud Logging's, without writing a codec from scratch. The
// function is given the record and an Encoder, and writes fields; the
// Encoder quotes, escapes and never fails, and RecordAttrs writes the
// record's attrs as the JSON codec does, with the bound scope encoded once
// per scope.
//
// A panic in the function is recovered: the objects it left open are
// closed, a "!PANIC" field is added, the fallback is counted, and the line
// stays valid JSON. ECS and GoogleCloud are projections built on it. It is
// safe for concurrent use if the function is.
type ProjectorCodec struct {
	project     func(*loggerjs.Record, *Encoder)
	json        *JSONCodec
	contentType string
}

var _ loggerjs.Codec = (*ProjectorCodec)(nil)

// Projector returns a codec that writes the fields project writes.
func Projector(project func(r *loggerjs.Record, e *Encoder)) *ProjectorCodec {
	return &ProjectorCodec{project: project, json: JSON(nil), contentType: "application/x-ndjson"}
}

// ContentType returns "application/x-ndjson".
func (c *ProjectorCodec) ContentType() string { return c.contentType }

// Append appends the fields project writes for r as one JSON object and a
// newline.
func (c *ProjectorCodec) Append(dst []byte, r *loggerjs.Record) []byte {
	e := encoderPool.Get().(*Encoder)
	*e = Encoder{s: jsonState{c: c.json, r: r, buf: append(dst, '{')}, codec: c}
	c.run(r, e)
	for ; e.open > 0; e.open-- {
		e.s.closeGroup()
	}
	dst = append(e.s.buf, '}', '\n')
	*e = Encoder{}
	encoderPool.Put(e)
	return dst
}

// encoderPool holds Encoders: one handed to a function escapes, so each
// would otherwise cost an allocation per record.
var encoderPool = sync.Pool{New: func() any { return new(Encoder) }}

func (c *ProjectorCodec) run(r *loggerjs.Record, e *Encoder) {
	defer func() {
		if p := recover(); p != nil {
			for ; e.open > 0; e.open-- {
				e.s.closeGroup()
			}
			r.CodecFallback()
			e.String("!PANIC", "Projector: "+fmt.Sprint(p))
		}
	}()
	c.project(r, e)
}

// An Encoder writes the fields of one JSON object for a ProjectorCodec.
// Its methods write a key and a value each; they never fail: a value that
// cannot be encoded is written as an "!ERROR:" or "!PANIC:" string and
// counted. An Encoder is valid only during the call it was given to.
type Encoder struct {
	s     jsonState
	codec *ProjectorCodec
	open  int // objects opened by Open and not closed
}

// String writes key: v.
func (e *Encoder) String(key, v string) {
	e.s.key(key)
	e.s.str(v)
}

// Int writes key: v.
func (e *Encoder) Int(key string, v int64) { e.Value(key, slog.Int64Value(v)) }

// Float writes key: v; NaN and infinities are written as error markers.
func (e *Encoder) Float(key string, v float64) { e.Value(key, slog.Float64Value(v)) }

// Bool writes key: v.
func (e *Encoder) Bool(key string, v bool) { e.Value(key, slog.BoolValue(v)) }

// Time writes key: t in RFC 3339 with nanoseconds.
func (e *Encoder) Time(key string, t time.Time) { e.Value(key, slog.TimeValue(t)) }

// Value writes key: v as the JSON codec writes values: a group as an
// object, a LogValuer resolved, errors as their message. An empty group
// writes nothing.
func (e *Encoder) Value(key string, v slog.Value) { e.s.attr(slog.Attr{Key: key, Value: v}) }

// Attr writes one attr, as Value.
func (e *Encoder) Attr(a slog.Attr) { e.s.attr(a) }

// Open writes key: { and makes the fields written until the matching
// Close the fields of that object.
func (e *Encoder) Open(key string) {
	e.s.openGroup(key)
	e.open++
}

// Close ends the object the last Open began. Objects left open when the
// projection returns are closed for it.
func (e *Encoder) Close() {
	if e.open > 0 {
		e.open--
		e.s.closeGroup()
	}
}

// RecordAttrs writes the attrs of r as the JSON codec does: its root attrs
// (except those whose keys are in omitRoot), then its bound scope and its
// own attrs inside the scope's groups.
func (e *Encoder) RecordAttrs(r *loggerjs.Record, omitRoot ...string) {
	s := &e.s
	r.RootAttrs(func(a slog.Attr) bool {
		for _, k := range omitRoot {
			if a.Key == k {
				return true
			}
		}
		s.attr(a)
		return true
	})
	sc := e.codec.json.scope(r.Scope)
	if len(sc.pre) > 0 {
		if s.sep {
			s.buf = append(s.buf, ',')
		}
		s.buf = append(s.buf, sc.pre...)
		s.sep = sc.pre[len(sc.pre)-1] != '{'
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
}

// Record attrs with these keys carry the W3C trace context; the ECS, Google
// Cloud and OTLP codecs move them to their schema's own fields.
// They are loggerjs.TraceIDKey and loggerjs.SpanIDKey.
const (
	TraceIDKey = loggerjs.TraceIDKey
	SpanIDKey  = loggerjs.SpanIDKey
)

// traceContext returns the trace and span ids of r: the string values of
// its root attrs (or else its own attrs) keyed TraceIDKey and SpanIDKey.
func traceContext(r *loggerjs.Record) (traceID, spanID string) {
	find := func(a slog.Attr) bool {
		if a.Value.Kind() != slog.KindString {
			return true
		}
		switch a.Key {
		case TraceIDKey:
			if traceID == "" {
				traceID = a.Value.String()
			}
		case SpanIDKey:
			if spanID == "" {
				spanID = a.Value.String()
			}
		}
		return true
	}
	r.RootAttrs(find)
	r.Attrs(find)
	return traceID, spanID
}

// ECSOptions configure the ECS codec. A nil *ECSOptions means the
// defaults.
type ECSOptions struct {
	// ServiceName, when set, is written as service.name.
	ServiceName string
	// AddSource writes log.origin.file.name, log.origin.file.line and
	// log.origin.function.
	AddSource bool
}

// ecsVersion is the ECS version the ECS codec writes.
const ecsVersion = "8.11.0"

// ECS returns a projector for Elastic Common Schema logging: @timestamp,
// log.level (lower case), message, ecs.version, log.logger for the
// category, trace.id and span.id from the trace_id and span_id attrs,
// error.message, error.type and error.stack_trace for the record's error,
// then the record's attrs.
func ECS(opts *ECSOptions) *ProjectorCodec {
	var o ECSOptions
	if opts != nil {
		o = *opts
	}
	return Projector(func(r *loggerjs.Record, e *Encoder) {
		if !r.Time.IsZero() {
			e.Time("@timestamp", r.Time.Round(0))
		}
		e.String("log.level", lowerLevel(r.Level))
		e.String("message", r.Message())
		e.String("ecs.version", ecsVersion)
		if name := r.CategoryName(); name != "" {
			e.String("log.logger", name)
		}
		if o.ServiceName != "" {
			e.String("service.name", o.ServiceName)
		}
		if o.AddSource && r.PC != 0 {
			if src := sourceOf(r.PC); src.File != "" {
				e.String("log.origin.file.name", src.File)
				e.Int("log.origin.file.line", int64(src.Line))
				e.String("log.origin.function", src.Function)
			}
		}
		traceID, spanID := traceContext(r)
		if traceID != "" {
			e.String("trace.id", traceID)
		}
		if spanID != "" {
			e.String("span.id", spanID)
		}
		if r.Err != nil {
			writeErrorFields(e, r, r.Err, "error.message", "error.type", "error.stack_trace")
		}
		e.RecordAttrs(r, TraceIDKey, SpanIDKey)
	})
}

// writeErrorFields writes an error's message, type and stack (if it prints
// one with %+v) under the given keys.
func writeErrorFields(e *Encoder, r *loggerjs.Record, err error, msgKey, typeKey, stackKey string) {
	msg, ok := safeErrorText(err)
	if !ok {
		r.CodecFallback()
	}
	e.String(msgKey, r.RedactText(msg))
	e.String(typeKey, fmt.Sprintf("%T", err))
	if ok {
		if stack := errorStack(err, msg); stack != "" {
			e.String(stackKey, r.RedactText(stack))
		}
	}
}

// lowerLevel returns the level's name in lower case ("info", "warn+1").
func lowerLevel(l slog.Level) string {
	switch l {
	case loggerjs.LevelTrace:
		return "trace"
	case slog.LevelDebug:
		return "debug"
	case slog.LevelInfo:
		return "info"
	case slog.LevelWarn:
		return "warn"
	case slog.LevelError:
		return "error"
	case loggerjs.LevelFatal:
		return "fatal"
	}
	var arr [16]byte
	b := loggerjs.AppendLevelName(arr[:0], l)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// GoogleCloudOptions configure the Google Cloud Logging codec. A nil
// *GoogleCloudOptions means the defaults.
type GoogleCloudOptions struct {
	// ProjectID, when set, turns a trace id into the resource name Cloud
	// Logging links to Cloud Trace: projects/<ProjectID>/traces/<id>.
	ProjectID string
	// AddSource writes logging.googleapis.com/sourceLocation.
	AddSource bool
	// ReportErrors marks records at ERROR and above that carry an error
	// for Error Reporting: "@type" is set to the ReportedErrorEvent type,
	// and the error's stack, when it prints one with %+v, is written as
	// "stack_trace".
	ReportErrors bool
}

// reportedErrorEvent is the @type that makes Error Reporting take a log
// entry as an error event.
const reportedErrorEvent = "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent"

// GoogleCloud returns a projector for Google Cloud Logging's structured
// logs (what its agents read from stdout): severity, message, time,
// logging.googleapis.com/labels with the category as "logger",
// logging.googleapis.com/trace and spanId from the trace_id and span_id
// attrs, sourceLocation, then the
// record's attrs. Severities: below INFO is DEBUG, INFO and INFO+1 INFO,
// up to WARN NOTICE, then WARNING, ERROR, CRITICAL from FATAL, ALERT from
// FATAL+4 and EMERGENCY from FATAL+8.
func GoogleCloud(opts *GoogleCloudOptions) *ProjectorCodec {
	var o GoogleCloudOptions
	if opts != nil {
		o = *opts
	}
	return Projector(func(r *loggerjs.Record, e *Encoder) {
		if o.ReportErrors && r.Err != nil && r.Level >= slog.LevelError {
			e.String("@type", reportedErrorEvent)
			if msg, ok := safeErrorText(r.Err); ok {
				if stack := errorStack(r.Err, msg); stack != "" {
					e.String("stack_trace", r.RedactText(msg+"\n"+stack))
				}
			}
		}
		e.String("severity", googleSeverity(r.Level))
		e.String("message", r.Message())
		if !r.Time.IsZero() {
			e.Time("time", r.Time.Round(0))
		}
		if name := r.CategoryName(); name != "" {
			e.Open("logging.googleapis.com/labels")
			e.String("logger", name)
			e.Close()
		}
		traceID, spanID := traceContext(r)
		if traceID != "" {
			if o.ProjectID != "" {
				traceID = "projects/" + o.ProjectID + "/traces/" + traceID
			}
			e.String("logging.googleapis.com/trace", traceID)
		}
		if spanID != "" {
			e.String("logging.googleapis.com/spanId", spanID)
		}
		if o.AddSource && r.PC != 0 {
			if src := sourceOf(r.PC); src.File != "" {
				e.Open("logging.googleapis.com/sourceLocation")
				e.String("file", src.File)
				e.String("line", fmt.Sprint(src.Line))
				e.String("function", src.Function)
				e.Close()
			}
		}
		e.RecordAttrs(r, TraceIDKey, SpanIDKey)
	})
}

// googleSeverity maps a level to a Cloud Logging LogSeverity name.
func googleSeverity(l slog.Level) string {
	switch {
	case l < slog.LevelInfo:
		return "DEBUG"
	case l < slog.LevelInfo+2:
		return "INFO"
	case l < slog.LevelWarn:
		return "NOTICE"
	case l < slog.LevelError:
		return "WARNING"
	case l < loggerjs.LevelFatal:
		return "ERROR"
	case l < loggerjs.LevelFatal+4:
		return "CRITICAL"
	case l < loggerjs.LevelFatal+8:
		return "ALERT"
	}
	return "EMERGENCY"
}
