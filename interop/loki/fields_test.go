package loki

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
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

// kindCase is one attr kind: the attr logged under key "v", and the JSON
// text of "v" in the line that must arrive.
type kindCase struct {
	name string
	attr slog.Attr
	want string
}

var kindCases = []kindCase{
	{"int", slog.Int("v", 42), "42"},
	{"int64", slog.Int64("v", math.MinInt64), "-9223372036854775808"},
	{"uint64 max", slog.Uint64("v", math.MaxUint64), "18446744073709551615"},
	{"float", slog.Float64("v", 2.5), "2.5"},
	{"bool", slog.Bool("v", true), "true"},
	{"string", slog.String("v", `héllo "q"`+"\n\t<&>"), `"héllo \"q\"\n\t<&>"`},
	{"time in a zone", slog.Time("v", zonedTime), `"2026-03-04T05:06:07.00000089+05:30"`},
	{"duration", slog.Duration("v", 1500*time.Millisecond), "1500000000"},
	{"error with a chain", slog.Any("v", errChain), `"query users: dial tcp: EOF"`},
	{"group", slog.Group("v", "a", 1, slog.Group("h", "b", "c")), `{"a":1,"h":{"b":"c"}}`},
	{"LogValuer", slog.Any("v", lazy{}), `{"kind":"lazy"}`},
	{"[]string", slog.Any("v", []string{"x", "y"}), `["x","y"]`},
	{"map", slog.Any("v", map[string]int{"k": 1, "j": 2}), `{"j":2,"k":1}`},
	{"[]byte", slog.Any("v", []byte{0, 1, 2, 255}), `"AAEC/w=="`},
	{"nil", slog.Any("v", nil), "null"},
}

// levelCases are the levels loggerjs names, each logged once.
var levelCases = []slog.Level{
	loggerjs.LevelTrace, slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, loggerjs.LevelFatal,
}

// sent is one record logged: its message (unique), level name, time, and
// the attrs its line must carry besides time, level, msg and logger, as
// JSON text.
type sent struct {
	msg   string
	level string
	time  time.Time // zero: the record had none
	attrs map[string]string
}

// logAll logs the test records through a handler whose logger writes
// both to sink and, with the same JSON codec, to local, so that local
// holds each line as the Loki preset encoded it. Every record has a time
// of its own with distinct nanoseconds, but one, which has none.
func logAll(t *testing.T, sink loggerjs.Sink, local io.Writer) []sent {
	t.Helper()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"loki": sink, "local": sinks.Writer(local, codecs.JSON(nil))},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"loki", "local"}, Level: loggerjs.LevelTrace}},
	})
	if err != nil {
		t.Fatal(err)
	}
	handler := slog.New(h).With(loggerjs.Category("interop", "loki")).Handler()
	var out []sent
	log := func(level slog.Level, msg string, tm time.Time, want map[string]string, attrs ...slog.Attr) {
		r := slog.NewRecord(tm, level, msg, 0)
		r.AddAttrs(attrs...)
		if err := handler.Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		out = append(out, sent{msg, loggerjs.LevelName(level), tm, want})
	}
	next := func() time.Time { return logTime.Add(time.Duration(len(out)) * 1001) } // +1µs+1ns each
	for _, kc := range kindCases {
		log(slog.LevelInfo, "kind "+kc.name, next(), map[string]string{"v": kc.want}, kc.attr)
	}
	for _, l := range levelCases {
		log(l, "level "+loggerjs.LevelName(l), next(), nil)
	}
	log(slog.LevelWarn, "login", next(), map[string]string{"user": `"ada"`, "password": `"[REDACTED]"`, "db": `{"password":"[REDACTED]"}`},
		slog.String("user", "ada"), slog.String("password", "hunter2"), slog.Group("db", slog.String("password", "s3cret")))
	log(slog.LevelInfo, "no time", time.Time{}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if lost := h.Stats().Lost(); lost != 0 {
		t.Fatalf("%d records lost: %+v", lost, h.Stats())
	}
	return out
}

// linesByMsg indexes the JSON lines in b by their "msg".
func linesByMsg(t *testing.T, b []byte) map[string]string {
	t.Helper()
	m := map[string]string{}
	for line := range strings.Lines(string(b)) {
		var rec struct{ Msg string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("the JSON codec wrote %q: %v", line, err)
		}
		m[rec.Msg] = strings.TrimSuffix(line, "\n")
	}
	return m
}

// TestLokiPresetAgainstVictoriaLogs ships one record per attr kind, one
// per level, one with secrets and one without a time through remote.Loki
// to VictoriaLogs's Loki push API, reads every entry back through its
// query API, and checks each field: the tenant, the stream labels, the
// line byte for byte and decoded attr by attr, and the timestamp to the
// nanosecond.
func TestLokiPresetAgainstVictoriaLogs(t *testing.T) {
	srv := startServer(t)
	sink, err := remote.Loki(srv.PushURL(), &remote.LokiOptions{
		Labels:   map[string]string{"service_name": "checkout", "env": "test"},
		TenantID: "42",
	})
	if err != nil {
		t.Fatal(err)
	}
	var local bytes.Buffer
	before := time.Now()
	recs := logAll(t, sink, &local)
	after := time.Now()
	lines := linesByMsg(t, local.Bytes())
	if st := sink.SinkStats(); st["shipped"] != int64(len(recs)) {
		t.Fatalf("sink stats %v, want %d shipped", st, len(recs))
	}

	entries, body := srv.waitEntries("*", 42, len(recs))
	if len(entries) != len(recs) {
		t.Fatalf("VictoriaLogs holds %d entries, want %d", len(entries), len(recs))
	}
	for _, secret := range []string{"hunter2", "s3cret"} {
		if bytes.Contains(body, []byte(secret)) {
			t.Errorf("the secret %q reached VictoriaLogs", secret)
		}
	}
	if others, _ := srv.query("*", 0); len(others) != 0 {
		t.Errorf("the default tenant holds %d entries; TenantID 42 should have put them all under AccountID 42", len(others))
	}

	byMsg := map[string]entry{}
	streams := map[string]bool{}
	for _, e := range entries {
		line, _ := e.get("_msg")
		var rec struct{ Msg string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("a stored line is not JSON: %v\n%q", err, line)
		}
		if _, dup := byMsg[rec.Msg]; dup {
			t.Fatalf("record %q stored twice", rec.Msg)
		}
		byMsg[rec.Msg] = e
		id, _ := e.get("_stream_id")
		streams[id] = true
	}
	if len(streams) != len(levelCases) {
		t.Errorf("%d streams, want one per level (%d)", len(streams), len(levelCases))
	}

	for _, r := range recs {
		e, ok := byMsg[r.msg]
		if !ok {
			t.Errorf("%q: not stored", r.msg)
			continue
		}
		checkEntry(t, r, e, lines[r.msg], before, after)
	}
}

// checkEntry asserts, field by field, that e is what r must become.
func checkEntry(t *testing.T, r sent, e entry, wantLine string, before, after time.Time) {
	t.Helper()
	var keys []string
	for _, f := range e {
		keys = append(keys, f.Key)
	}
	slices.Sort(keys)
	if want := []string{"_msg", "_stream", "_stream_id", "_time", "env", "level", "service_name"}; !slices.Equal(keys, want) {
		t.Errorf("%q: fields %q, want %q", r.msg, keys, want)
	}

	// Stream labels.
	wantStream := fmt.Sprintf(`{env="test",level=%q,service_name="checkout"}`, r.level)
	if got, _ := e.get("_stream"); got != wantStream {
		t.Errorf("%q: stream %s, want %s", r.msg, got, wantStream)
	}
	for k, want := range map[string]string{"env": "test", "level": r.level, "service_name": "checkout"} {
		if got, _ := e.get(k); got != want {
			t.Errorf("%q: label %s=%q, want %q", r.msg, k, got, want)
		}
	}

	// Timestamp: nanoseconds are kept; a record without a time gets the
	// time it was shipped.
	gotTime, _ := e.get("_time")
	ts, err := time.Parse(time.RFC3339Nano, gotTime)
	switch {
	case err != nil:
		t.Errorf("%q: _time %q: %v", r.msg, gotTime, err)
	case r.time.IsZero():
		if ts.Before(before) || ts.After(after) {
			t.Errorf("%q: _time %s, want the time it was shipped, between %s and %s", r.msg, ts, before, after)
		}
	case !ts.Equal(r.time):
		t.Errorf("%q: _time %s, want %s", r.msg, ts.Format(time.RFC3339Nano), r.time.Format(time.RFC3339Nano))
	}

	// The line: byte for byte what the preset's codec wrote, then field
	// by field.
	line, _ := e.get("_msg")
	if line != wantLine {
		t.Errorf("%q: line\n%s\nwant\n%s", r.msg, line, wantLine)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &fields); err != nil {
		t.Errorf("%q: line %q: %v", r.msg, line, err)
		return
	}
	want := map[string]string{
		"level":  fmt.Sprintf("%q", r.level),
		"msg":    fmt.Sprintf("%q", r.msg),
		"logger": `"interop.loki"`,
	}
	if !r.time.IsZero() {
		want["time"] = fmt.Sprintf("%q", r.time.Format(time.RFC3339Nano))
	}
	for k, v := range r.attrs {
		want[k] = v
	}
	for k, v := range want {
		if got, ok := fields[k]; !ok {
			t.Errorf("%q: line has no %q: %s", r.msg, k, line)
		} else if string(got) != v {
			t.Errorf("%q: %s arrived as %s, want %s", r.msg, k, got, v)
		}
	}
	if len(fields) != len(want) {
		t.Errorf("%q: line has %d fields, want %d: %s", r.msg, len(fields), len(want), line)
	}
}
