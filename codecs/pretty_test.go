package codecs_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

var testTime = time.Date(2026, 11, 21, 20, 15, 4, 123456789, time.UTC)

// newRecord returns a record at testTime with the given category and
// slog-style args.
func newRecord(l slog.Level, cat []string, msg string, args ...any) *loggerjs.Record {
	sr := slog.NewRecord(testTime, l, msg, 0)
	sr.Add(args...)
	r := loggerjs.NewRecord(sr)
	if cat != nil {
		r.SetCategory(cat...)
	}
	return r
}

func TestPrettyLines(t *testing.T) {
	joined := errors.Join(errors.New("config: missing DATABASE_URL"), errors.New(`config: bad PORT "x"`))
	wrapped := fmt.Errorf("query users: %w", errors.New("connection refused"))
	tests := []struct {
		name string
		r    *loggerjs.Record
		want string
	}{
		{"plain", newRecord(slog.LevelInfo, []string{"app", "http"}, "served", slog.Group("req", "method", "GET"), "status", 200),
			"20:15:04.123 INFO  app.http: served req.method=GET status=200\n"},
		{"no category, trace, quoting", newRecord(loggerjs.LevelTrace, nil, "hit", "key", "a b", "empty", "", "eq", "x=y"),
			`20:15:04.123 TRACE hit key="a b" empty="" eq="x=y"` + "\n"},
		{"level offset keeps width", newRecord(slog.LevelInfo+2, nil, "m"),
			"20:15:04.123 INFO+2 m\n"},
		{"control characters escaped", newRecord(slog.LevelWarn, nil, "a\x1b[31mb\nc", "k\x1b", "v\x1b"),
			`20:15:04.123 WARN  a\x1b[31mb\nc k_="v\u001b"` + "\n"},
		{"wrapped error chain", newRecord(slog.LevelError, []string{"db"}, "failed", "err", wrapped),
			"20:15:04.123 ERROR db: failed err=\"query users: connection refused\"\n" +
				"    err:\n" +
				"      query users [*fmt.wrapError]\n" +
				"      └─ connection refused [*errors.errorString]\n"},
		{"join tree", newRecord(loggerjs.LevelFatal, nil, "cannot start", "err", joined),
			"20:15:04.123 FATAL cannot start err=\"config: missing DATABASE_URL…\"\n" +
				"    err:\n" +
				"      2 errors [*errors.joinError]\n" +
				"      ├─ config: missing DATABASE_URL [*errors.errorString]\n" +
				"      └─ config: bad PORT \"x\" [*errors.errorString]\n"},
		{"multi-line string", newRecord(slog.LevelError, nil, "panic", "stack", "goroutine 1 [running]:\nmain.main()\n"),
			"20:15:04.123 ERROR panic stack=\"goroutine 1 [running]:…\"\n" +
				"    stack:\n" +
				"      goroutine 1 [running]:\n" +
				"      main.main()\n"},
	}
	c := codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorNever})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(c.Append(nil, tt.r)); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestPrettyColor(t *testing.T) {
	c := codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorAlways, TimeFormat: time.Kitchen})
	got := string(c.Append(nil, newRecord(slog.LevelError, []string{"db"}, "failed", "n", 1, "err", errors.New("boom"))))
	want := "\x1b[2m8:15PM\x1b[0m \x1b[1;31mERROR\x1b[0m \x1b[1;35mdb:\x1b[0m \x1b[1mfailed\x1b[0m \x1b[2mn=\x1b[0m1 \x1b[2merr=\x1b[0m\x1b[31mboom\x1b[0m\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if !c.Color() {
		t.Error("Color() = false with ColorAlways")
	}
}

func TestPrettyColorAuto(t *testing.T) {
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer devNull.Close()
	regular, err := os.Create(t.TempDir() + "/log")
	if err != nil {
		t.Fatal(err)
	}
	defer regular.Close()
	var sb strings.Builder

	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	for _, tt := range []struct {
		name string
		opts *codecs.PrettyOptions
		want bool
	}{
		{"nil options", nil, false},
		{"auto, no output", &codecs.PrettyOptions{}, false},
		{"auto, character device", &codecs.PrettyOptions{Output: devNull}, true},
		{"auto, regular file", &codecs.PrettyOptions{Output: regular}, false},
		{"auto, buffer", &codecs.PrettyOptions{Output: &sb}, false},
		{"auto, nil file", &codecs.PrettyOptions{Output: (*os.File)(nil)}, false},
		{"never on a device", &codecs.PrettyOptions{Output: devNull, Color: codecs.ColorNever}, false},
		{"always on a buffer", &codecs.PrettyOptions{Output: &sb, Color: codecs.ColorAlways}, true},
	} {
		if got := codecs.Pretty(tt.opts).Color(); got != tt.want {
			t.Errorf("%s: Color() = %v, want %v", tt.name, got, tt.want)
		}
	}
	t.Setenv("NO_COLOR", "1")
	if codecs.Pretty(&codecs.PrettyOptions{Output: devNull}).Color() {
		t.Error("NO_COLOR=1: colour on")
	}
	if !codecs.Pretty(&codecs.PrettyOptions{Output: devNull, Color: codecs.ColorAlways}).Color() {
		t.Error("NO_COLOR=1, ColorAlways: colour off")
	}
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "dumb")
	if codecs.Pretty(&codecs.PrettyOptions{Output: devNull}).Color() {
		t.Error("TERM=dumb: colour on")
	}
}

func TestPrettyScope(t *testing.T) {
	c := codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorNever})
	var sc *loggerjs.Scope
	sc = sc.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("req").WithAttrs([]slog.Attr{slog.String("id", "r1")})
	r := newRecord(slog.LevelInfo, nil, "m", "a", 1)
	r.Scope = sc
	r.AddRootAttrs(slog.String("trace_id", "abc"))
	want := "20:15:04.123 INFO  m trace_id=abc svc=api req.id=r1 req.a=1\n"
	for range 2 { // the second time from the scope's cache
		if got := string(c.Append(nil, r)); got != want {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	}
}

func TestPrettyOmitTime(t *testing.T) {
	c := codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorNever, OmitTime: true})
	if got, want := string(c.Append(nil, newRecord(slog.LevelWarn, []string{"db"}, "slow"))), "WARN  db: slow\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
