package otelcol

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/otelbridge"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/loggerjs/loggerjs/sinks/remote"
)

type lazy struct{}

func (lazy) LogValue() slog.Value { return slog.GroupValue(slog.String("kind", "lazy")) }

var (
	zone      = time.FixedZone("IST", 5*3600+1800)
	zonedTime = time.Date(2026, 3, 4, 5, 6, 7, 890, zone)
	errChain  = fmt.Errorf("query users: %w", fmt.Errorf("dial tcp: %w", io.EOF))
	logTime   = time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.UTC)
)

// kindCase is one attr kind: the attr logged under key "v", and how the
// two OpenTelemetry paths (plain OTLP/HTTP and the SDK bridge) write it.
type kindCase struct {
	name string
	attr slog.Attr
	want string // typed.String() of the received value
}

var kindCases = []kindCase{
	{"int", slog.Int("v", 42), "42"},
	{"int64", slog.Int64("v", math.MinInt64), "-9223372036854775808"},
	{"uint64 max", slog.Uint64("v", math.MaxUint64), `"18446744073709551615"`},
	{"float", slog.Float64("v", 2.5), "double:2.5"},
	{"bool", slog.Bool("v", true), "true"},
	{"string", slog.String("v", `héllo "q"`+"\n"), `"héllo \"q\"\n"`},
	{"time in a zone", slog.Time("v", zonedTime), `"2026-03-04T05:06:07.00000089+05:30"`},
	{"duration", slog.Duration("v", 1500*time.Millisecond), "1500000000"},
	{"error with a chain", slog.Any("v", errChain), `"query users: dial tcp: EOF"`},
	{"group", slog.Group("v", "a", 1, slog.Group("h", "b", "c")), `{a:1,h:{b:"c"}}`},
	{"LogValuer", slog.Any("v", lazy{}), `{kind:"lazy"}`},
	{"[]string", slog.Any("v", []string{"x", "y"}), `["x","y"]`},
	{"map", slog.Any("v", map[string]int{"k": 1, "j": 2}), "{j:2,k:1}"},
	{"[]byte", slog.Any("v", []byte{0, 1, 2, 255}), "b64:AAEC/w=="},
	{"nil", slog.Any("v", nil), "{}"},
}

// levelCases are the levels logged, with their severity number and text.
var levelCases = []struct {
	level slog.Level
	num   int
	text  string
}{
	{loggerjs.LevelTrace, 1, "TRACE"},
	{slog.LevelDebug, 5, "DEBUG"},
	{slog.LevelInfo, 9, "INFO"},
	{slog.LevelWarn, 13, "WARN"},
	{slog.LevelError, 17, "ERROR"},
	{loggerjs.LevelFatal, 21, "FATAL"},
}

var (
	spanTraceID, _ = trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	spanSpanID, _  = trace.SpanIDFromHex("00f067aa0ba902b7")
	spanCtx        = trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: spanTraceID, SpanID: spanSpanID, TraceFlags: trace.FlagsSampled}))
)

// logAll logs the test records through sink: one per attr kind, one per
// level, one with an error, one inside a span with bound attrs and a
// group. It returns how many it logged.
func logAll(t *testing.T, sink loggerjs.Sink) int {
	t.Helper()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:      map[string]loggerjs.Sink{"out": sink},
		Loggers:    []loggerjs.LoggerConfig{{Sinks: []string{"out"}, Level: loggerjs.LevelTrace}},
		Middleware: []loggerjs.Middleware{otelbridge.Trace()},
	})
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(h).With(loggerjs.Category("interop", "fields"))
	ctx := context.Background()
	log := func(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
		r := slog.NewRecord(logTime, level, msg, 0)
		r.AddAttrs(attrs...)
		l.Handler().Handle(ctx, r)
	}
	n := 0
	for _, kc := range kindCases {
		log(ctx, slog.LevelInfo, "kind "+kc.name, kc.attr)
		n++
	}
	for _, lc := range levelCases {
		log(ctx, lc.level, "level "+lc.text)
		n++
	}
	log(ctx, slog.LevelError, "failed", slog.Any("err", errChain))
	n++
	bound := slog.New(h).With(loggerjs.Category("interop", "fields")).With("bound", "b").WithGroup("req")
	r := slog.NewRecord(logTime, slog.LevelInfo, "traced", 0)
	r.AddAttrs(slog.Int("id", 7))
	bound.Handler().Handle(spanCtx, r)
	n++
	ctxClose, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.Close(ctxClose); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if lost := h.Stats().Lost(); lost != 0 {
		t.Fatalf("%d records lost: %+v", lost, h.Stats())
	}
	return n
}

// byBody indexes records by their body text.
func byBody(t *testing.T, recs []logRecord) map[string]logRecord {
	m := map[string]logRecord{}
	for _, r := range recs {
		b := r.rawLogRecord.Body.typed()
		if b.Kind != "string" {
			t.Fatalf("body %s is not a string", b)
		}
		m[b.Value.(string)] = r
	}
	return m
}

// checkOTelRecords asserts, field by field, what both OpenTelemetry
// paths must deliver.
func checkOTelRecords(t *testing.T, path string, recs map[string]logRecord, service string) {
	t.Helper()
	wantTime := fmt.Sprint(logTime.UnixNano())
	for _, kc := range kindCases {
		r, ok := recs["kind "+kc.name]
		if !ok {
			t.Errorf("%s: record for %s not received", path, kc.name)
			continue
		}
		if got := r.Attrs["v"].String(); got != kc.want {
			t.Errorf("%s: %s arrived as %s, want %s", path, kc.name, got, kc.want)
		}
		if r.Scope != "interop.fields" || r.ScopeVersion != "1.0.0" || r.Resource["service.name"] != `"`+service+`"` {
			t.Errorf("%s: %s: scope %q %q, resource %v", path, kc.name, r.Scope, r.ScopeVersion, r.Resource)
		}
		if r.TimeUnixNano != wantTime || r.SeverityNumber != 9 || r.SeverityText != "INFO" || r.TraceID != "" {
			t.Errorf("%s: %s: time %s severity %d %q trace %q", path, kc.name, r.TimeUnixNano, r.SeverityNumber, r.SeverityText, r.TraceID)
		}
		wantAttrs := 1
		if kc.name == "error with a chain" { // the record's error slot
			wantAttrs = 3
			if r.Attrs["exception.message"].String() != kc.want || r.Attrs["exception.type"].String() != `"*fmt.wrapError"` {
				t.Errorf("%s: %s: attributes %v", path, kc.name, r.Attrs)
			}
		}
		if len(r.Attrs) != wantAttrs {
			t.Errorf("%s: %s: attributes %v, want %d", path, kc.name, r.Attrs, wantAttrs)
		}
	}
	for _, lc := range levelCases {
		r, ok := recs["level "+lc.text]
		if !ok {
			t.Errorf("%s: record at %s not received", path, lc.text)
			continue
		}
		if r.SeverityNumber != lc.num || r.SeverityText != lc.text {
			t.Errorf("%s: level %s arrived as %d %q", path, lc.text, r.SeverityNumber, r.SeverityText)
		}
	}
	if r, ok := recs["failed"]; !ok {
		t.Errorf("%s: the error record not received", path)
	} else if r.Attrs["exception.message"].String() != `"query users: dial tcp: EOF"` ||
		r.Attrs["exception.type"].String() != `"*fmt.wrapError"` || r.Attrs["err"].String() != `"query users: dial tcp: EOF"` ||
		r.SeverityNumber != 17 {
		t.Errorf("%s: error record %+v", path, r.Attrs)
	}
	if r, ok := recs["traced"]; !ok {
		t.Errorf("%s: the traced record not received", path)
	} else {
		if r.TraceID != spanTraceID.String() || r.SpanID != spanSpanID.String() || r.Flags != 1 {
			t.Errorf("%s: trace %q span %q flags %d", path, r.TraceID, r.SpanID, r.Flags)
		}
		if r.Attrs["bound"].String() != `"b"` || r.Attrs["req"].String() != "{id:7}" || len(r.Attrs) != 2 {
			t.Errorf("%s: traced record attributes %v", path, r.Attrs)
		}
	}
}

// sdkSink returns the SDK bridge over the OTLP/HTTP exporter to col.
func sdkSink(t *testing.T, col *collector, service string, retry otlploghttp.RetryConfig, opts ...otlploghttp.Option) *otelbridge.Sink {
	t.Helper()
	opts = append([]otlploghttp.Option{otlploghttp.WithEndpointURL(col.URL() + "/v1/logs"), otlploghttp.WithRetry(retry)}, opts...)
	exp, err := otlploghttp.New(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	s, err := otelbridge.New(otelbridge.Options{
		Exporter:     exp,
		Resource:     resource.NewSchemaless(attribute.String("service.name", service)),
		ScopeVersion: "1.0.0",
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOTelPathsAgainstCollector ships the same records over the plain
// OTLP/HTTP sink and through the SDK bridge to a real collector, checks
// every field of each path, and compares the two paths record by record.
func TestOTelPathsAgainstCollector(t *testing.T) {
	col := startCollector(t)
	plain, err := remote.OTLP(col.URL(), &remote.OTLPOptions{
		Resource: []slog.Attr{slog.String("service.name", "plain")}, ScopeVersion: "1.0.0", NoEnv: true})
	if err != nil {
		t.Fatal(err)
	}
	n := logAll(t, plain)
	sdk := sdkSink(t, col, "sdk", otlploghttp.RetryConfig{Enabled: false})
	logAll(t, sdk)
	all := col.waitRecords(2 * n)
	var plainRecs, sdkRecs []logRecord
	for _, r := range all {
		switch r.Resource["service.name"] {
		case `"plain"`:
			plainRecs = append(plainRecs, r)
		case `"sdk"`:
			sdkRecs = append(sdkRecs, r)
		default:
			t.Fatalf("a record of resource %v", r.Resource)
		}
	}
	if len(plainRecs) != n || len(sdkRecs) != n {
		t.Fatalf("plain %d, sdk %d records; want %d each", len(plainRecs), len(sdkRecs), n)
	}
	// One request per batch, one ResourceLogs per request on the plain path.
	for _, req := range col.requests() {
		if len(req.ResourceLogs) != 1 {
			t.Errorf("a request with %d ResourceLogs", len(req.ResourceLogs))
		}
	}
	p, s := byBody(t, plainRecs), byBody(t, sdkRecs)
	checkOTelRecords(t, "plain OTLP/HTTP", p, "plain")
	checkOTelRecords(t, "SDK bridge", s, "sdk")
	for body, pr := range p {
		sr := s[body]
		if d := diffRecords(pr, sr); d != "" {
			t.Errorf("record %q differs between the paths: %s", body, d)
		}
	}
}

// diffRecords compares two records in every field but the observed time
// and the resource.
func diffRecords(a, b logRecord) string {
	var d []string
	f := func(name string, x, y any) {
		if fmt.Sprint(x) != fmt.Sprint(y) {
			d = append(d, fmt.Sprintf("%s: %v vs %v", name, x, y))
		}
	}
	f("scope", a.Scope+"@"+a.ScopeVersion, b.Scope+"@"+b.ScopeVersion)
	f("time", a.TimeUnixNano, b.TimeUnixNano)
	f("severity", a.SeverityNumber, b.SeverityNumber)
	f("severityText", a.SeverityText, b.SeverityText)
	f("body", a.Body(), b.Body())
	f("trace", a.TraceID+"/"+a.SpanID, b.TraceID+"/"+b.SpanID)
	f("flags", a.Flags, b.Flags)
	f("attributes", renderAttrs(a.Attrs), renderAttrs(b.Attrs))
	return strings.Join(d, "; ")
}

func renderAttrs(m map[string]typed) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+"="+v.String())
	}
	sortStrings(parts)
	return strings.Join(parts, " ")
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// otelslogKinds is how otelslog (behind sinks.Handler) writes each kind:
// its own mapping, which differs from the codec's where noted.
var otelslogKinds = map[string]string{
	"int":                "42",
	"int64":              "-9223372036854775808",
	"uint64 max":         "double:1.8446744073709552e+19", // as a float: digits lost
	"float":              "double:2.5",
	"bool":               "true",
	"string":             `"héllo \"q\"\n"`,
	"time in a zone":     "1772580967000000890", // Unix nanoseconds: the zone is lost
	"duration":           "1500000000",
	"error with a chain": "", // not an attribute: exception.message and exception.type
	"group":              `{a:1,h:{b:"c"}}`,
	"LogValuer":          `{kind:"lazy"}`,
	"[]string":           `["x","y"]`,
	"map":                `{j:2,k:1}`,
	"[]byte":             "b64:AAEC/w==",
	"nil":                "{}",
}

// TestSlogHandlerOverOtelslog: the slog.Handler adapter over otelslog
// and the SDK, to a real collector: the category as the "logger"
// attribute, bound attrs and groups replayed, the span from the context,
// every kind as otelslog writes it.
func TestSlogHandlerOverOtelslog(t *testing.T) {
	col := startCollector(t)
	exp, err := otlploghttp.New(context.Background(), otlploghttp.WithEndpointURL(col.URL()+"/v1/logs"))
	if err != nil {
		t.Fatal(err)
	}
	provider := sdklog.NewLoggerProvider(
		sdklog.WithProcessor(sdklog.NewBatchProcessor(exp)),
		sdklog.WithResource(resource.NewSchemaless(attribute.String("service.name", "otelslog"))))
	h := otelslog.NewHandler("loggerjs", otelslog.WithLoggerProvider(provider), otelslog.WithVersion("1.0.0"))
	sink := sinks.Handler(h, &sinks.HandlerOptions{Flush: provider.ForceFlush, Close: provider.Shutdown})
	n := logAll(t, sink)
	recs := byBody(t, col.waitRecords(n))
	for _, kc := range kindCases {
		r, ok := recs["kind "+kc.name]
		if !ok {
			t.Errorf("record for %s not received", kc.name)
			continue
		}
		if want := otelslogKinds[kc.name]; want == "" {
			if _, ok := r.Attrs["v"]; ok || r.Attrs["exception.message"].String() != `"query users: dial tcp: EOF"` ||
				r.Attrs["exception.type"].String() != `"*errors.errorString"` { // the SDK names the innermost error's type
				t.Errorf("%s: attributes %v", kc.name, r.Attrs)
			}
		} else if got := r.Attrs["v"].String(); got != want {
			t.Errorf("%s arrived as %s, want %s", kc.name, got, want)
		}
		if r.Attrs["logger"].String() != `"interop.fields"` || r.Scope != "loggerjs" || r.SeverityNumber != 9 ||
			r.TimeUnixNano != fmt.Sprint(logTime.UnixNano()) {
			t.Errorf("%s: logger %s scope %q severity %d time %s", kc.name, r.Attrs["logger"], r.Scope, r.SeverityNumber, r.TimeUnixNano)
		}
	}
	for _, lc := range levelCases {
		r := recs["level "+lc.text]
		if r.SeverityNumber != lc.num {
			t.Errorf("level %s arrived as %d %q", lc.text, r.SeverityNumber, r.SeverityText)
		}
	}
	r := recs["traced"]
	if r.TraceID != spanTraceID.String() || r.SpanID != spanSpanID.String() || r.Flags != 1 {
		t.Errorf("traced: trace %q span %q flags %d", r.TraceID, r.SpanID, r.Flags)
	}
	if r.Attrs["bound"].String() != `"b"` || r.Attrs["req"].String() != "{id:7}" {
		t.Errorf("traced: attributes %v", r.Attrs)
	}
}
