package interop

import (
	"bytes"
	"errors"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/go-logfmt/logfmt"
	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// TestLogfmtReadByGoLogfmt checks that go-logfmt's decoder reads every
// pair the logfmt codec writes, with the values the codec meant: quoting,
// escapes, control characters, invalid UTF-8 (as U+FFFD), dotted groups.
func TestLogfmtReadByGoLogfmt(t *testing.T) {
	var sc *loggerjs.Scope
	sc = sc.WithAttrs([]slog.Attr{slog.String("svc", "api")}).WithGroup("req")
	r := record(slog.LevelWarn, []string{"app", "db"}, `say "hi" = bye`,
		"plain", "text", "space", "a b", "empty", "", "eq", "a=b", "quote", `"`, "backslash", `a\b`,
		"nl", "line1\nline2", "tab", "\t", "ctl", "\x01\x7f", "c1", "\u0085", "ls", "\u2028", "astral", "\U0001F600",
		"unassigned", "\U000E0080", "bad", "a\xffb", "nan", math.NaN(), "d", 1500*time.Millisecond,
		"err", errors.New("boom: it failed"), slog.Group("g", "k", 1),
		"a key", "v", "k=ey", "w",
	)
	r.Scope = sc
	line := codecs.Logfmt(nil).Append(nil, r)

	dec := logfmt.NewDecoder(bytes.NewReader(line))
	got := map[string]string{}
	var order []string
	for dec.ScanRecord() {
		for dec.ScanKeyval() {
			got[string(dec.Key())] = string(dec.Value())
			order = append(order, string(dec.Key()))
		}
	}
	if err := dec.Err(); err != nil {
		t.Fatalf("go-logfmt: %v\n%s", err, line)
	}
	want := map[string]string{
		"time": "2026-11-21T20:15:04.123Z", "level": "WARN", "msg": `say "hi" = bye`, "logger": "app.db", "svc": "api",
		"req.plain": "text", "req.space": "a b", "req.empty": "", "req.eq": "a=b", "req.quote": `"`, "req.backslash": `a\b`,
		"req.nl": "line1\nline2", "req.tab": "\t", "req.ctl": "\x01\x7f", "req.c1": "\u0085", "req.ls": "\u2028",
		"req.astral": "\U0001F600", "req.unassigned": "\U000E0080", "req.bad": "a\uFFFDb", "req.nan": "NaN", "req.d": "1.5s",
		"req.err": "boom: it failed", "req.g.k": "1", "req.a_key": "v", "req.k_ey": "w",
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %q (present %v), want %q", k, g, ok, v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("go-logfmt read %d keys %v, want %d", len(got), order, len(want))
	}
}

// FuzzLogfmtReadByGoLogfmt checks that go-logfmt reads back any key and
// string value the codec writes, keys as the codec sanitizes them.
func FuzzLogfmtReadByGoLogfmt(f *testing.F) {
	f.Add("k", "v", "msg")
	f.Add("a b", "line\nbreak \"q\" \\", "\x1b[31m")
	f.Add("", "\xff\xfe", "")
	c := codecs.Logfmt(nil)
	f.Fuzz(func(t *testing.T, key, value, msg string) {
		r := record(slog.LevelInfo, nil, msg, "v", value, key, value)
		line := c.Append(nil, r)
		dec := logfmt.NewDecoder(bytes.NewReader(line))
		got := map[string]string{}
		n := 0
		for dec.ScanRecord() {
			n++
			for dec.ScanKeyval() {
				if _, ok := got[string(dec.Key())]; !ok {
					got[string(dec.Key())] = string(dec.Value())
				}
			}
		}
		if err := dec.Err(); err != nil || n != 1 {
			t.Fatalf("go-logfmt: %v, %d records\n%q", err, n, line)
		}
		want := string([]rune(value)) // invalid UTF-8 as U+FFFD, byte by byte
		if got["v"] != want || got["msg"] != string([]rune(msg)) {
			t.Fatalf("v = %q, msg = %q; want %q, %q\n%q", got["v"], got["msg"], want, msg, line)
		}
	})
}
