package codecs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"testing/slogtest"
	"time"
	"unicode/utf8"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// logfmtPair is one key=value of a parsed logfmt line.
type logfmtPair struct{ key, value string }

// parseLogfmt parses one logfmt line strictly: keys are runs of printable
// bytes without '=' or '"'; values are bare (no space, '=' or '"') or
// quoted with only the escapes \" \\ \n \r \t and \uXXXX, which every
// common logfmt parser reads.
func parseLogfmt(line string) ([]logfmtPair, error) {
	var out []logfmtPair
	i := 0
	for i < len(line) {
		if line[i] == ' ' {
			i++
			continue
		}
		start := i
		for i < len(line) && line[i] > ' ' && line[i] != '=' && line[i] != '"' && line[i] != 0x7f {
			i++
		}
		key := line[start:i]
		if key == "" || !utf8.ValidString(key) {
			return nil, fmt.Errorf("bad key at %d in %q", start, line)
		}
		if i >= len(line) || line[i] != '=' {
			return nil, fmt.Errorf("no '=' after key %q", key)
		}
		i++
		if i < len(line) && line[i] == '"' {
			j := i + 1
			var sb strings.Builder
			for {
				if j >= len(line) {
					return nil, fmt.Errorf("unterminated quote for %q", key)
				}
				c := line[j]
				if c == '"' {
					j++
					break
				}
				if c < 0x20 || c == 0x7f {
					return nil, fmt.Errorf("raw control byte in value of %q", key)
				}
				if c != '\\' {
					sb.WriteByte(c)
					j++
					continue
				}
				if j+1 >= len(line) {
					return nil, fmt.Errorf("dangling backslash")
				}
				switch e := line[j+1]; e {
				case '"', '\\':
					sb.WriteByte(e)
				case 'n':
					sb.WriteByte('\n')
				case 'r':
					sb.WriteByte('\r')
				case 't':
					sb.WriteByte('\t')
				case 'u':
					if j+6 > len(line) {
						return nil, fmt.Errorf("short \\u escape")
					}
					n, err := strconv.ParseUint(line[j+2:j+6], 16, 16)
					if err != nil {
						return nil, err
					}
					r := rune(n)
					if r >= 0xD800 && r < 0xDC00 && j+12 <= len(line) && line[j+6:j+8] == `\u` {
						if lo, err := strconv.ParseUint(line[j+8:j+12], 16, 16); err == nil && lo >= 0xDC00 && lo < 0xE000 {
							r = 0x10000 + (r-0xD800)<<10 + (rune(lo) - 0xDC00)
							j += 6
						}
					}
					sb.WriteRune(r)
					j += 4
				default:
					return nil, fmt.Errorf("escape \\%c not read by logfmt parsers", e)
				}
				j += 2
			}
			if j < len(line) && line[j] != ' ' {
				return nil, fmt.Errorf("junk after quoted value of %q", key)
			}
			out = append(out, logfmtPair{key, sb.String()})
			// strconv.Unquote must agree.
			if u, err := strconv.Unquote(line[i:j]); err != nil || u != sb.String() {
				return nil, fmt.Errorf("strconv.Unquote disagrees on %s: %q %v", line[i:j], u, err)
			}
			i = j
			continue
		}
		start = i
		for i < len(line) && line[i] != ' ' {
			if line[i] < ' ' || line[i] == '"' || line[i] == '=' || line[i] == 0x7f {
				return nil, fmt.Errorf("bad byte %q in bare value of %q", line[i], key)
			}
			i++
		}
		if i == start {
			return nil, fmt.Errorf("empty bare value for %q", key)
		}
		if !utf8.ValidString(line[start:i]) {
			return nil, fmt.Errorf("invalid UTF-8 in value of %q", key)
		}
		out = append(out, logfmtPair{key, line[start:i]})
	}
	return out, nil
}

// logfmtMap parses a logfmt line into a map with dotted keys split into
// nested maps, as testing/slogtest expects.
func logfmtMap(line string) (map[string]any, error) {
	pairs, err := parseLogfmt(line)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	for _, p := range pairs {
		parts := strings.Split(p.key, ".")
		cur := m
		for _, g := range parts[:len(parts)-1] {
			sub, ok := cur[g].(map[string]any)
			if !ok {
				sub = map[string]any{}
				cur[g] = sub
			}
			cur = sub
		}
		cur[parts[len(parts)-1]] = p.value
	}
	return m, nil
}

func TestLogfmtMatchesSlogText(t *testing.T) {
	type tc struct {
		name string
		args []any
		msg  string
	}
	for _, c := range []tc{
		{"kinds", []any{"s", "plain", "q", "a b", "e", "", "i", -3, "u", uint64(7), "f", 1.5, "nan", math_NaN(), "b", true,
			"d", 1500 * time.Millisecond, "t", testTime, "bytes", []byte("x y"), "err", errors.New("boom here")}, "hello world"},
		{"groups", []any{slog.Group("g", "a", 1, slog.Group("h", "b", 2)), slog.Group("", "inline", 3), slog.Group("empty")}, "m"},
		{"quoting", []any{"eq", "a=b", "quote", `say "hi"`, "nl", "a\nb", "tab", "\t", "uni", "héllo"}, "msg=\"x\""},
		{"any", []any{"m", map[string]int{"a": 1}, "s", []int{1, 2}, "p", struct{ A int }{3}, "nil", nil}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var want bytes.Buffer
			h := slog.NewTextHandler(&want, &slog.HandlerOptions{Level: loggerjs.LevelTrace})
			sr := slog.NewRecord(testTime, slog.LevelWarn, c.msg, 0)
			sr.Add(c.args...)
			if err := h.Handle(context.Background(), sr); err != nil {
				t.Fatal(err)
			}
			got := codecs.Logfmt(nil).Append(nil, loggerjs.NewRecord(sr))
			if string(got) != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got, want.String())
			}
			if _, err := parseLogfmt(strings.TrimSuffix(string(got), "\n")); err != nil {
				t.Errorf("does not parse: %v", err)
			}
		})
	}
}

func math_NaN() float64 { var z float64; return z / z }

func TestLogfmtScopeAndCategory(t *testing.T) {
	var sc *loggerjs.Scope
	sc = sc.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("req").WithAttrs([]slog.Attr{slog.String("id", "r 1")}).WithGroup("inner")
	r := newRecord(loggerjs.LevelTrace, []string{"app", "http"}, "served", "status", 200, slog.Group("g", "x", 1))
	r.Scope = sc
	r.AddRootAttrs(slog.String("trace_id", "abc"))
	want := `time=2026-11-21T20:15:04.123Z level=TRACE msg=served logger=app.http trace_id=abc svc=api req.id="r 1" req.inner.status=200 req.inner.g.x=1` + "\n"
	c := codecs.Logfmt(nil)
	for range 2 {
		if got := string(c.Append(nil, r)); got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}

func TestLogfmtBadKeys(t *testing.T) {
	r := newRecord(slog.LevelInfo, nil, "m", "a b", 1, "k=v", 2, `q"`, 3, "", 4, "bad\xff", 5)
	got := string(codecs.Logfmt(nil).Append(nil, r))
	want := "time=2026-11-21T20:15:04.123Z level=INFO msg=m a_b=1 k_v=2 q_=3 _=4 bad_=5\n"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestLogfmtSlogtest(t *testing.T) {
	var buf bytes.Buffer
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		buf.Reset()
		return newCodecHandler(t, &buf, codecs.Logfmt(nil))
	}, func(t *testing.T) map[string]any {
		m, err := logfmtMap(strings.TrimSuffix(buf.String(), "\n"))
		if err != nil {
			t.Fatalf("%v: %s", err, buf.String())
		}
		return m
	})
}

// newCodecHandler returns a loggerjs handler that writes records encoded
// by codec to w, at every level from Info.
func newCodecHandler(t testing.TB, w *bytes.Buffer, codec loggerjs.Codec) slog.Handler {
	t.Helper()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"out": sinks.Writer(w, codec)},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}, Level: slog.LevelInfo}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestLogfmtEscapesForEveryParser(t *testing.T) {
	// slog.TextHandler writes \x01 and invalid UTF-8 as \x escapes, which
	// JSON-derived logfmt parsers reject; the codec writes \u escapes and
	// U+FFFD instead, counting the invalid UTF-8.
	before := loggerjs.Stats().CodecFallbacks
	r := newRecord(slog.LevelInfo, nil, "m", "ctl", "\x01", "del", "\x7f", "bad", "a\xffb", "astral", "\U0001F600", "nbsp", "\u00a0", "ls", "\u2028")
	got := string(codecs.Logfmt(nil).Append(nil, r))
	want := `time=2026-11-21T20:15:04.123Z level=INFO msg=m ctl="\u0001" del="\u007f" bad="a\ufffdb" astral=😀 nbsp=" " ls="\u2028"` + "\n"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := parseLogfmt(strings.TrimSuffix(got, "\n")); err != nil {
		t.Error(err)
	}
	if d := loggerjs.Stats().CodecFallbacks - before; d != 1 {
		t.Errorf("CodecFallbacks grew by %d, want 1", d)
	}
}

func TestLogfmtReplaceAttrMatchesSlogText(t *testing.T) {
	replace := func(groups []string, a slog.Attr) slog.Attr {
		switch {
		case a.Key == slog.TimeKey && len(groups) == 0:
			return slog.Attr{}
		case a.Key == "secret":
			return slog.String(a.Key, "***")
		case a.Key == "drop":
			return slog.Attr{}
		case len(groups) > 0:
			return slog.String(strings.Join(groups, "/")+":"+a.Key, a.Value.String())
		}
		return a
	}
	run := func(h slog.Handler) {
		l := slog.New(h).With("secret", "pw", "drop", 1).WithGroup("req").With("id", 7)
		l.Info("served", "status", 200, slog.Group("g", "x", 1, "drop", 2), "secret", "again")
		l.WithGroup("empty").Warn("none")
	}
	var want, got bytes.Buffer
	run(slog.NewTextHandler(&want, &slog.HandlerOptions{ReplaceAttr: replace}))
	run(newCodecHandler(t, &got, codecs.Logfmt(&codecs.LogfmtOptions{ReplaceAttr: replace})))
	if got.String() != want.String() {
		t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
	}
}

func TestLogfmtReplaceAttrPanics(t *testing.T) {
	before := loggerjs.Stats().CodecFallbacks
	c := codecs.Logfmt(&codecs.LogfmtOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == "k" {
			panic("replace exploded")
		}
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})
	got := string(c.Append(nil, newRecord(slog.LevelInfo, nil, "m", "k", 1)))
	if want := "level=INFO msg=m k=\"!PANIC: ReplaceAttr: replace exploded\"\n"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if loggerjs.Stats().CodecFallbacks-before != 1 {
		t.Error("panic not counted")
	}
}
