package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// runOn runs the command over stdin with a terminal or not and the
// environment variables in vars.
func runOn(t *testing.T, args []string, stdin string, terminal bool, vars map[string]string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &environment{
		stdin:      strings.NewReader(stdin),
		stdout:     &out,
		stderr:     &errOut,
		getenv:     func(k string) string { return vars[k] },
		now:        func() time.Time { return now },
		isTerminal: func(io.Writer) bool { return terminal },
	})
	return out.String(), errOut.String(), code
}

// TestBadLines checks that lines that are no record are shown as they
// are, in order among the records, and counted, and that none of them
// stops the run: prose, a stack trace, truncated JSON, invalid UTF-8,
// escape sequences (shown escaped), and a line longer than any record.
func TestBadLines(t *testing.T) {
	long := strings.Repeat("x", maxLine+10)  // cut when its newline is read
	longer := strings.Repeat("y", 2*maxLine) // cut before its newline is read
	input := strings.Join([]string{
		`{"level":"INFO","msg":"before"}`,
		`goroutine 7 [running]:`,
		"\tmain.main()",
		`{"level":"INFO","msg":`,
		"\xff\xfe not UTF-8",
		"\x1b[2J\x1b[31mred\x1b[0m",
		long,
		longer,
		`[1, 2, 3]`,
		`level=INFO msg=after`,
		`no newline at the end`,
	}, "\n")
	stdout, stderr, code := runOn(t, []string{"-time", "none"}, input, false, nil)
	want := strings.Join([]string{
		"INFO  before",
		"goroutine 7 [running]:",
		"\tmain.main()",
		`{"level":"INFO","msg":`,
		"\xff\xfe not UTF-8",
		`\x1b[2J\x1b[31mred\x1b[0m`,
		long[:maxLine],
		longer[:maxLine],
		`[1, 2, 3]`,
		"INFO  after",
		"no newline at the end",
	}, "\n") + "\n"
	if stdout != want {
		t.Errorf("output:\n%.2000q\nwant:\n%.2000q", stdout, want)
	}
	if want := "loggerjs: 11 lines read, 2 records, 2 shown, 9 bad\n"; stderr != want || code != 0 {
		t.Errorf("exit %d, stderr %q, want %q", code, stderr, want)
	}

	// Converting, the bad lines go to stderr and the output stays NDJSON.
	stdout, stderr, _ = runOn(t, []string{"-out", "json"}, input, false, nil)
	if want := "{\"level\":\"INFO\",\"msg\":\"before\"}\n{\"level\":\"INFO\",\"msg\":\"after\"}\n"; stdout != want {
		t.Errorf("json output %q, want %q", stdout, want)
	}
	if !strings.HasPrefix(stderr, "goroutine 7 [running]:\n\tmain.main()\n") || !strings.HasSuffix(stderr, "no newline at the end\nloggerjs: 11 lines read, 2 records, 2 shown, 9 bad\n") {
		t.Errorf("json stderr %.300q", stderr)
	}
}

// TestColor checks when the pretty output is coloured: on a terminal
// unless NO_COLOR is set or TERM is dumb, always with -color always,
// never with -color never or in another codec.
func TestColor(t *testing.T) {
	const input = `{"level":"WARN","msg":"careful","logger":"app"}` + "\n"
	tests := []struct {
		name     string
		args     []string
		terminal bool
		vars     map[string]string
		color    bool
	}{
		{"terminal", nil, true, nil, true},
		{"pipe", nil, false, nil, false},
		{"NO_COLOR", nil, true, map[string]string{"NO_COLOR": "1"}, false},
		{"empty NO_COLOR", nil, true, map[string]string{"NO_COLOR": ""}, true},
		{"TERM=dumb", nil, true, map[string]string{"TERM": "dumb"}, false},
		{"never", []string{"-color", "never"}, true, nil, false},
		{"always", []string{"-color", "always"}, false, map[string]string{"NO_COLOR": "1"}, true},
		{"json on a terminal", []string{"-out", "json"}, true, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, _ := runOn(t, append([]string{"-time", "none"}, tt.args...), input, tt.terminal, tt.vars)
			if got := strings.Contains(stdout, "\x1b["); got != tt.color {
				t.Errorf("coloured = %v, want %v: %q", got, tt.color, stdout)
			}
			if !strings.Contains(stdout, "careful") {
				t.Errorf("output %q", stdout)
			}
		})
	}
}
