package codecs_test

import (
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

type countValuer struct{ n *int }

func (c countValuer) LogValue() slog.Value { *c.n++; return slog.StringValue("counted") }

// TestCodecsEncodeScopeOnce checks that every codec encodes a logger's
// bound attrs once, however many records it writes.
func TestCodecsEncodeScopeOnce(t *testing.T) {
	for _, col := range codecColumns {
		t.Run(col, func(t *testing.T) {
			n := 0
			var sc *loggerjs.Scope
			sc = sc.WithAttrs([]slog.Attr{slog.Any("bound", countValuer{&n})})
			c := tableCodecs()[col]
			for range 3 {
				r := newRecord(slog.LevelInfo, nil, "m", "k", 1)
				r.Scope = sc
				out := string(c.Append(nil, r))
				if !strings.Contains(out, "counted") {
					t.Fatalf("bound attr missing: %q", out)
				}
			}
			if n != 1 {
				t.Errorf("LogValue called %d times for 3 records, want 1", n)
			}
		})
	}
}

// TestCodecsConcurrent appends records sharing one scope from many
// goroutines (run it with -race) and checks each output is what one
// goroutine alone writes.
func TestCodecsConcurrent(t *testing.T) {
	for col, c := range tableCodecs() {
		t.Run(col, func(t *testing.T) {
			var sc *loggerjs.Scope
			sc = sc.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("req")
			mk := func(i int) *loggerjs.Record {
				r := newRecord(slog.LevelInfo, []string{"app"}, "m", "i", i, slog.Group("g", "x", "y"))
				r.Scope = sc
				return r
			}
			var want [8]string
			for i := range want {
				want[i] = string(c.Append(nil, mk(i)))
			}
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var buf []byte
					for range 50 {
						buf = c.Append(buf[:0], mk(g))
						if string(buf) != want[g] {
							t.Errorf("goroutine %d: %q, want %q", g, buf, want[g])
							return
						}
					}
				}()
			}
			wg.Wait()
		})
	}
}

type stackTraced struct{ msg string }

func (e *stackTraced) Error() string { return e.msg }
func (e *stackTraced) Format(f fmt.State, verb rune) {
	fmt.Fprint(f, e.msg)
	if verb == 'v' && f.Flag('+') {
		fmt.Fprint(f, "\nmain.handler\n\t/src/main.go:42")
	}
}

func TestPrettyStackAndSource(t *testing.T) {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	r := newRecord(slog.LevelError, nil, "failed", "err", &stackTraced{"boom"})
	r.PC = pcs[0]
	got := string(codecs.Pretty(&codecs.PrettyOptions{Color: codecs.ColorNever, AddSource: true}).Append(nil, r))
	_, _, line, _ := runtime.Caller(0)
	want := fmt.Sprintf("20:15:04.123 ERROR codecs_common_test.go:%d failed err=boom\n", line-4) +
		"    err:\n" +
		"      boom [*codecs_test.stackTraced]\n" +
		"      stack:\n" +
		"        main.handler\n" +
		"            /src/main.go:42\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestSourceOptions(t *testing.T) {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	_, file, line, _ := runtime.Caller(0)
	line--
	r := newRecord(slog.LevelInfo, nil, "m")
	r.PC = pcs[0]
	for _, tc := range []struct {
		name  string
		codec loggerjs.Codec
		want  string
	}{
		{"logfmt", codecs.Logfmt(&codecs.LogfmtOptions{AddSource: true}), fmt.Sprintf(" source=%s:%d msg=m", file, line)},
		{"logfmt short", codecs.Logfmt(&codecs.LogfmtOptions{AddSource: true, ShortSource: true}), fmt.Sprintf(" source=codecs_common_test.go:%d msg=m", line)},
		{"ECS", codecs.ECS(&codecs.ECSOptions{AddSource: true}), fmt.Sprintf(`"log.origin.file.name":%q,"log.origin.file.line":%d,"log.origin.function":"github.com/loggerjs/loggerjs/codecs_test.TestSourceOptions"`, file, line)},
		{"GoogleCloud", codecs.GoogleCloud(&codecs.GoogleCloudOptions{AddSource: true}), fmt.Sprintf(`"logging.googleapis.com/sourceLocation":{"file":%q,"line":"%d","function":"github.com/loggerjs/loggerjs/codecs_test.TestSourceOptions"}`, file, line)},
	} {
		if got := string(tc.codec.Append(nil, r)); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %s\nwant it to contain %s", tc.name, got, tc.want)
		}
	}
}
