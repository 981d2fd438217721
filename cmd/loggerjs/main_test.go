package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// update rewrites the golden files, and the inputs made with the codecs.
var update = flag.Bool("update", false, "rewrite testdata: the inputs written by the codecs and every golden output")

func TestMain(m *testing.M) {
	flag.Parse()
	// Local time an hour east of UTC, whatever the machine's zone.
	time.Local = time.FixedZone("CET", 3600)
	os.Exit(m.Run())
}

// now is the clock of every test: shortly after the last sample record.
var now = time.Date(2025, 12, 1, 9, 31, 0, 0, time.UTC)

// base is the time of the first sample record.
var base = time.Date(2025, 12, 1, 9, 30, 0, 0, time.UTC)

// sampleRecords are the records the codec-written inputs hold: every
// level, nested categories, groups, a bound scope, an error, user.id in
// a group and flat.
func sampleRecords() []*loggerjs.Record {
	rec := func(sec int, level slog.Level, cat, msg string, attrs ...slog.Attr) *loggerjs.Record {
		r := loggerjs.NewRecord(slog.NewRecord(base.Add(time.Duration(sec)*time.Second), level, msg, 0))
		if cat != "" {
			r.SetCategory(cat)
		}
		r.AddAttrs(attrs...)
		return r
	}
	served := rec(2, slog.LevelInfo, "app.http", "request served",
		slog.Int("status", 200), slog.Duration("took", 12*time.Millisecond))
	// Bound with logger.With("req_id", "7f3a").WithGroup("req"): the
	// record's own attrs are inside the group.
	served.Scope = served.Scope.WithAttrs([]slog.Attr{slog.String("req_id", "7f3a")}).WithGroup("req")
	return []*loggerjs.Record{
		rec(0, slog.LevelInfo, "app", "server started", slog.String("addr", ":8080"), slog.String("env", "production")),
		rec(1, slog.LevelDebug, "app.db", "pool ready", slog.Int("open", 8), slog.Int("idle", 3)),
		served,
		rec(3, slog.LevelWarn, "app.http", "slow request",
			slog.Group("user", slog.Int("id", 42), slog.String("name", "ada")), slog.String("path", "/api/report")),
		rec(4, slog.LevelError, "app.db", "query failed",
			slog.Any("err", fmt.Errorf("query users: %w", errors.New("connection refused"))), slog.Int("attempt", 3)),
		rec(5, loggerjs.LevelTrace, "lib.parser", "token", slog.String("kind", "ident"), slog.Float64("ratio", 0.5)),
		rec(6, loggerjs.LevelFatal, "app", "out of memory", slog.Bool("exiting", true)),
		rec(7, slog.LevelInfo, "", "root record", slog.Int("user.id", 42)),
	}
}

// writeInputs writes the inputs that the codecs and slog's handlers make.
func writeInputs(t *testing.T) {
	in := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join("testdata", "in", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	each := func(c loggerjs.Codec) []byte {
		var out []byte
		for _, r := range sampleRecords() {
			out = c.Append(out, r)
		}
		return out
	}
	in("loggerjs.ndjson", each(codecs.JSON(nil)))
	in("logfmt.log", each(codecs.Logfmt(nil)))
	in("structured.jsonl", each(codecs.Structured()))
	// MessagePack: records one by one, then the same as one batch.
	mp := each(codecs.Msgpack())
	in("msgpack.bin", codecs.Msgpack().AppendBatch(mp, sampleRecords()))
	// OTLP/JSON: one request per record, then one for all of them.
	otlp := each(codecs.OTLPJSON(nil))
	in("otlp.jsonl", codecs.OTLPJSON(nil).AppendBatch(otlp, sampleRecords()))

	corrupt := slices.Clone(mp[:len(mp)/2])
	corrupt = append(corrupt, "\x00\x01garbage\xc1"...)
	corrupt = append(corrupt, mp[len(mp)/2:]...)
	in("msgpack-corrupt.bin", corrupt[:len(corrupt)-5]) // the last record cut short

	// What zap's production JSON encoder writes, and its development
	// encoder config (single-letter keys, ISO8601 times) with JSON.
	in("zap.ndjson", []byte(`{"level":"info","ts":1764581400.000125,"logger":"app","caller":"cmd/server/main.go:31","msg":"server started","addr":":8080"}
{"level":"debug","ts":1764581401,"logger":"app.db","caller":"db/pool.go:42","msg":"pool ready","open":8,"idle":3}
{"level":"dpanic","ts":1764581402.5,"logger":"app.http","caller":"http/server.go:51","msg":"impossible state","user":{"id":42}}
{"level":"error","ts":1764581404,"logger":"app.db","caller":"db/query.go:88","msg":"query failed","error":"query users: connection refused","attempt":3,"stacktrace":"main.query\n\t/src/db/query.go:88\nmain.main\n\t/src/main.go:20"}
{"level":"fatal","ts":1764581406,"msg":"out of memory"}
`))
	in("zap-development.ndjson", []byte(`{"L":"INFO","T":"2025-12-01T10:30:00.000+0100","N":"app","C":"cmd/server/main.go:31","M":"server started","addr":":8080"}
{"L":"WARN","T":"2025-12-01T09:30:03.000Z","N":"app.http","C":"http/server.go:77","M":"slow request","user":{"id":42},"S":"main.handler\n\t/src/http/server.go:77"}
`))
	// What zerolog writes by default (RFC 3339 times, "message"), and with
	// zerolog.TimeFieldFormat = zerolog.TimeFormatUnixMs.
	in("zerolog.ndjson", []byte(`{"level":"info","addr":":8080","time":"2025-12-01T09:30:00Z","message":"server started"}
{"level":"trace","kind":"ident","time":"2025-12-01T09:30:05Z","message":"token"}
{"level":"warn","user":{"id":42,"name":"ada"},"time":1764581403000,"message":"slow request"}
{"level":"error","error":"query users: connection refused","attempt":3,"caller":"/src/db/query.go:88","time":"2025-12-01T09:30:04Z","message":"query failed"}
{"level":"panic","time":"2025-12-01T09:30:06Z","message":"out of memory"}
`))
	// Elastic Common Schema, Google Cloud Logging and pino field names.
	in("ecs-gcp-pino.ndjson", []byte(`{"@timestamp":"2025-12-01T09:30:00.000Z","log.level":"info","message":"server started","ecs.version":"1.6.0","log.logger":"app","addr":":8080"}
{"timestamp":"2025-12-01T09:30:03Z","severity":"WARNING","message":"slow request","logging.googleapis.com/labels":{"user.id":"42"}}
{"timestamp":"2025-12-01T09:30:04Z","severity":"CRITICAL","message":"disk full"}
{"level":30,"time":1764581401000,"pid":7,"hostname":"web-1","msg":"pool ready"}
{"level":50,"time":1764581404000,"pid":7,"hostname":"web-1","msg":"query failed"}
`))
	// Every text format in one file, with lines that are no record.
	recs := sampleRecords()
	mixed := []string{
		`{"time":"2025-12-01T09:30:00Z","level":"INFO","msg":"server started","logger":"app","addr":":8080","env":"production"}`,
		`time=2025-12-01T09:30:01.000Z level=DEBUG msg="pool ready" logger=app.db open=8 idle=3`,
		string(codecs.Structured().Append(nil, recs[2])),
		`{"level":"warn","user":{"id":42,"name":"ada"},"path":"/api/report","time":"2025-12-01T09:30:03Z","message":"slow request","logger":"app.http"}`,
		`panic: runtime error: index out of range [3] with length 3`,
		``,
		`goroutine 1 [running]:`,
		`{"level":"error","ts":1764581404,"logger":"app.db","caller":"db/query.go:88","msg":"query failed","error":"query users: connection refused","attempt":3}`,
		`{"time":"2025-12-01T09:30:04.5Z","level":"ERROR","msg":"truncated`,
		string(codecs.OTLPJSON(nil).Append(nil, recs[5])),
		string(codecs.OTLPJSON(nil).Append(nil, recs[6])),
		`level=INFO msg="root record" user.id=42 time=2025-12-01T09:30:07Z`,
		`a line = with an equals sign`,
		"time=2025-12-01T09:30:08Z level=WARN msg=\"crlf line\"\r",
	}
	var mb []byte
	for _, l := range mixed {
		mb = append(mb, strings.TrimSuffix(l, "\n")...)
		mb = append(mb, '\n')
	}
	in("mixed.log", mb)

	for _, h := range []struct {
		name string
		new  func(io.Writer) slog.Handler
	}{
		{"slog.ndjson", func(w io.Writer) slog.Handler {
			return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: loggerjs.LevelTrace})
		}},
		{"slog-text.log", func(w io.Writer) slog.Handler {
			return slog.NewTextHandler(w, &slog.HandlerOptions{Level: loggerjs.LevelTrace})
		}},
	} {
		var buf bytes.Buffer
		sh := h.new(&buf)
		for _, r := range sampleRecords() {
			sr := r.SlogRecord()
			hh := sh
			if len(r.Category) > 0 {
				hh = hh.WithAttrs([]slog.Attr{slog.String("logger", r.CategoryName())})
			}
			if r.Scope != nil {
				hh = hh.WithAttrs(r.Scope.Parent().Attrs()).WithGroup(r.Scope.Group())
			}
			if err := hh.Handle(context.Background(), sr); err != nil {
				t.Fatal(err)
			}
		}
		in(h.name, buf.Bytes())
	}
}

// golden runs the command and compares its output, then a line
// "-- stderr --" and its standard error, with testdata/golden/name.
func golden(t *testing.T, name string, args []string, stdin string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &environment{
		stdin:      strings.NewReader(stdin),
		stdout:     &stdout,
		stderr:     &stderr,
		getenv:     func(string) string { return "" },
		now:        func() time.Time { return now },
		isTerminal: func(io.Writer) bool { return false },
	})
	got := append(stdout.Bytes(), fmt.Sprintf("-- stderr --\n%s-- exit %d --\n", stderr.Bytes(), code)...)
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("loggerjs %s:\n--- got\n%s\n--- want\n%s", strings.Join(args, " "), got, want)
	}
}

func in(name string) string { return filepath.Join("testdata", "in", name) }

// TestInputFormats reads every input format, detected and named, into the
// pretty output.
func TestInputFormats(t *testing.T) {
	if *update {
		writeInputs(t)
	}
	pretty := []string{"-color", "never", "-utc"}
	tests := []struct {
		name string
		args []string
	}{
		{"loggerjs", []string{in("loggerjs.ndjson")}},
		{"slog-json", []string{in("slog.ndjson")}},
		{"slog-text", []string{in("slog-text.log")}},
		{"zap", []string{in("zap.ndjson")}},
		{"zap-development", []string{in("zap-development.ndjson")}},
		{"zerolog", []string{in("zerolog.ndjson")}},
		{"ecs-gcp-pino", []string{in("ecs-gcp-pino.ndjson")}},
		{"logfmt", []string{in("logfmt.log")}},
		{"structured", []string{in("structured.jsonl")}},
		{"msgpack", []string{in("msgpack.bin")}},
		{"otlp", []string{in("otlp.jsonl")}},
		{"mixed", []string{in("mixed.log")}},
		{"named-json", []string{"-in", "json", in("mixed.log")}},
		{"named-logfmt", []string{"-in", "logfmt", in("mixed.log")}},
		{"named-structured", []string{"-in", "structured", in("structured.jsonl")}},
		{"named-otlp", []string{"-in", "otlp", in("otlp.jsonl")}},
		{"named-msgpack", []string{"-in", "msgpack", in("msgpack.bin")}},
		{"named-msgpack-on-text", []string{"-in", "msgpack", in("zerolog.ndjson")}},
		{"msgpack-corrupt", []string{in("msgpack-corrupt.bin")}},
		{"several-files", []string{in("zap.ndjson"), in("zerolog.ndjson")}},
		{"missing-file", []string{in("zap.ndjson"), in("no-such-file"), in("zerolog.ndjson")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, "in-"+tt.name, append(pretty[:len(pretty):len(pretty)], tt.args...), "")
		})
	}
	t.Run("stdin", func(t *testing.T) {
		data, err := os.ReadFile(in("mixed.log"))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "in-mixed", append(pretty[:len(pretty):len(pretty)], "-"), string(data))
		golden(t, "in-mixed", pretty, string(data))
	})
}

// TestFilters checks every filter, alone and together, over the mixed
// input.
func TestFilters(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"level-warn", []string{"-level", "warn"}},
		{"level-offset", []string{"-level", "info+1"}},
		{"level-trace", []string{"-level", "TRACE"}},
		{"category", []string{"-category", "app.http"}},
		{"categories", []string{"-category", "app.db", "-category", "lib"}},
		{"category-root-prefix", []string{"-category", "app"}},
		{"since-time", []string{"-since", "2025-12-01T09:30:03Z"}},
		{"until-time", []string{"-until", "2025-12-01 09:30:02", "-utc"}},
		{"since-until", []string{"-since", "2025-12-01T09:30:01Z", "-until", "2025-12-01T09:30:04Z"}},
		{"since-duration", []string{"-since", "56s"}},
		{"attr-group", []string{"-attr", "user.id=42"}},
		{"attr-scope", []string{"-attr", "req_id=7f3a"}},
		{"attr-in-scope-group", []string{"-attr", "req.status=200"}},
		{"attr-presence", []string{"-attr", "attempt"}},
		{"attrs-all", []string{"-attr", "user.id=42", "-attr", "path=/api/report"}},
		{"attr-bool", []string{"-attr", "exiting=true"}},
		{"msg", []string{"-msg", "^(query|pool)"}},
		{"msg-case", []string{"-msg", "(?i)SERVER"}},
		{"flags-after-file", []string{in("mixed.log"), "-level", "error", "--", in("zap.ndjson")}},
		{"combined", []string{"-level", "info", "-category", "app", "-since", "2025-12-01T09:30:01Z", "-msg", "request"}},
		{"none-match", []string{"-level", "fatal", "-category", "lib"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-color", "never", "-utc"}, tt.args...)
			if tt.name != "flags-after-file" {
				args = append(args, in("mixed.log"))
			}
			golden(t, "filter-"+tt.name, args, "")
		})
	}
}

// TestOutputFormats converts the mixed input into every codec; bad lines
// go to standard error so the output stays valid.
func TestOutputFormats(t *testing.T) {
	for _, out := range []string{"json", "logfmt", "structured", "msgpack", "otlp", "ecs", "gcp"} {
		t.Run(out, func(t *testing.T) {
			golden(t, "out-"+out, []string{"-out", out, in("mixed.log")}, "")
		})
	}
	t.Run("pretty-color", func(t *testing.T) {
		golden(t, "out-pretty-color", []string{"-color", "always", "-utc", in("loggerjs.ndjson")}, "")
	})
	t.Run("pretty-no-time", func(t *testing.T) {
		golden(t, "out-pretty-no-time", []string{"-time", "none", in("loggerjs.ndjson")}, "")
	})
	t.Run("pretty-time-layout", func(t *testing.T) {
		golden(t, "out-pretty-time-layout", []string{"-utc", "-time", time.RFC3339, in("loggerjs.ndjson")}, "")
	})
}

// TestUsageErrors checks that bad flags exit 2 with a message.
func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"level", []string{"-level", "loud"}},
		{"category", []string{"-category", "app..db"}},
		{"attr", []string{"-attr", "=42"}},
		{"since", []string{"-since", "yesterday"}},
		{"until", []string{"-until", "12/01/2025"}},
		{"msg", []string{"-msg", "(unclosed"}},
		{"in", []string{"-in", "yaml"}},
		{"out", []string{"-out", "xml"}},
		{"color", []string{"-color", "sometimes"}},
		{"follow-stdin", []string{"-f"}},
		{"follow-two", []string{"-f", "a.log", "b.log"}},
		{"unknown-flag", []string{"-x"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, "usage-"+tt.name, tt.args, "")
		})
	}
}
