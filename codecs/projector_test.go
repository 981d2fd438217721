package codecs_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

func TestProjector(t *testing.T) {
	c := codecs.Projector(func(r *loggerjs.Record, e *codecs.Encoder) {
		e.String("m", r.Message())
		e.Int("lvl", int64(r.Level))
		e.Float("bad", 1/zero())
		e.Bool("ok", true)
		e.Time("at", r.Time)
		e.Open("attrs")
		e.RecordAttrs(r)
		e.Close()
		e.Open("left open")
		e.Value("g", slog.GroupValue(slog.Int("a", 1)))
	})
	var sc *loggerjs.Scope
	sc = sc.WithGroup("req").WithAttrs([]slog.Attr{slog.String("id", "r1")}).WithGroup("inner")
	r := newRecord(slog.LevelInfo, nil, "hi", "k", "v")
	r.Scope = sc
	r.AddRootAttrs(slog.String("rid", "x"))
	got := string(c.Append(nil, r))
	want := `{"m":"hi","lvl":0,"bad":"!ERROR:json: unsupported value: +Inf","ok":true,"at":"2026-11-21T20:15:04.123456789Z","attrs":{"rid":"x","req":{"id":"r1","inner":{"k":"v"}}},"left open":{"g":{"a":1}}}` + "\n"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func zero() float64 { return 0 }

func TestProjectorPanic(t *testing.T) {
	c := codecs.Projector(func(r *loggerjs.Record, e *codecs.Encoder) {
		e.String("a", "1")
		e.Open("o")
		e.String("b", "2")
		panic("projection exploded")
	})
	before := loggerjs.Stats().CodecFallbacks
	got := string(c.Append(nil, newRecord(slog.LevelInfo, nil, "m")))
	want := `{"a":"1","o":{"b":"2"},"!PANIC":"Projector: projection exploded"}` + "\n"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if loggerjs.Stats().CodecFallbacks-before != 1 {
		t.Error("panic not counted")
	}
}

func TestECS(t *testing.T) {
	r := newRecord(slog.LevelWarn, []string{"app", "db"}, "slow", "err", errors.New("timeout"), "ms", 1500)
	r.AddRootAttrs(slog.String("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"), slog.String("span_id", "00f067aa0ba902b7"), slog.String("request_id", "q1"))
	got := string(codecs.ECS(&codecs.ECSOptions{ServiceName: "api"}).Append(nil, r))
	want := `{"@timestamp":"2026-11-21T20:15:04.123456789Z","log.level":"warn","message":"slow","ecs.version":"8.11.0","log.logger":"app.db","service.name":"api","trace.id":"4bf92f3577b34da6a3ce929d0e0e4736","span.id":"00f067aa0ba902b7","error.message":"timeout","error.type":"*errors.errorString","request_id":"q1","err":"timeout","ms":1500}` + "\n"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestGoogleCloud(t *testing.T) {
	for _, tc := range []struct {
		level slog.Level
		want  string
	}{
		{loggerjs.LevelTrace, "DEBUG"}, {slog.LevelDebug, "DEBUG"}, {slog.LevelInfo, "INFO"}, {slog.LevelInfo + 2, "NOTICE"},
		{slog.LevelWarn, "WARNING"}, {slog.LevelError, "ERROR"}, {loggerjs.LevelFatal, "CRITICAL"},
		{loggerjs.LevelFatal + 4, "ALERT"}, {loggerjs.LevelFatal + 8, "EMERGENCY"},
	} {
		var m map[string]any
		if err := json.Unmarshal(codecs.GoogleCloud(nil).Append(nil, newRecord(tc.level, nil, "m")), &m); err != nil {
			t.Fatal(err)
		}
		if m["severity"] != tc.want {
			t.Errorf("level %v: severity %v, want %s", tc.level, m["severity"], tc.want)
		}
	}
	r := newRecord(slog.LevelError, []string{"app"}, "failed", "n", 1)
	r.AddRootAttrs(slog.String("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"), slog.String("span_id", "00f067aa0ba902b7"))
	got := string(codecs.GoogleCloud(&codecs.GoogleCloudOptions{ProjectID: "my-proj"}).Append(nil, r))
	want := `{"severity":"ERROR","message":"failed","time":"2026-11-21T20:15:04.123456789Z","logging.googleapis.com/labels":{"logger":"app"},"logging.googleapis.com/trace":"projects/my-proj/traces/4bf92f3577b34da6a3ce929d0e0e4736","logging.googleapis.com/spanId":"00f067aa0ba902b7","n":1}` + "\n"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestProjectorSlogtest runs testing/slogtest over the ECS and Google
// Cloud projections, mapping their field names back to slog's.
func TestProjectorSlogtest(t *testing.T) {
	for _, tc := range []struct {
		name              string
		codec             loggerjs.Codec
		time, level, msg  string
		constant, dropped []string
	}{
		{"ECS", codecs.ECS(nil), "@timestamp", "log.level", "message", []string{"ecs.version"}, nil},
		{"GoogleCloud", codecs.GoogleCloud(nil), "time", "severity", "message", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			slogtest.Run(t, func(t *testing.T) slog.Handler {
				buf.Reset()
				return newCodecHandler(t, &buf, tc.codec)
			}, func(t *testing.T) map[string]any {
				var m map[string]any
				if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
					t.Fatalf("%v: %s", err, buf.Bytes())
				}
				for _, k := range tc.constant {
					delete(m, k)
				}
				rename := func(from, to string) {
					if v, ok := m[from]; ok {
						delete(m, from)
						m[to] = v
					}
				}
				rename(tc.time, slog.TimeKey)
				if s, ok := m[slog.TimeKey].(string); ok {
					if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
						m[slog.TimeKey] = tm
					}
				}
				rename(tc.level, slog.LevelKey)
				rename(tc.msg, slog.MessageKey)
				return m
			})
		})
	}
}

func TestGoogleCloudReportErrors(t *testing.T) {
	c := codecs.GoogleCloud(&codecs.GoogleCloudOptions{ReportErrors: true})
	for _, tc := range []struct {
		name string
		r    *loggerjs.Record
		want string
	}{
		{"error with stack", newRecord(slog.LevelError, nil, "failed", "err", &stackTraced{"boom"}),
			`{"@type":"type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent","stack_trace":"boom\nmain.handler\n\t/src/main.go:42","severity":"ERROR","message":"failed","time":"2026-11-21T20:15:04.123456789Z","err":"boom"}`},
		{"error without stack", newRecord(loggerjs.LevelFatal, nil, "failed", "err", errors.New("boom")),
			`{"@type":"type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent","severity":"CRITICAL","message":"failed","time":"2026-11-21T20:15:04.123456789Z","err":"boom"}`},
		{"warning with error", newRecord(slog.LevelWarn, nil, "retrying", "err", errors.New("boom")),
			`{"severity":"WARNING","message":"retrying","time":"2026-11-21T20:15:04.123456789Z","err":"boom"}`},
		{"error without error", newRecord(slog.LevelError, nil, "failed"),
			`{"severity":"ERROR","message":"failed","time":"2026-11-21T20:15:04.123456789Z"}`},
	} {
		if got := strings.TrimSuffix(string(c.Append(nil, tc.r)), "\n"); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
