package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer that the command writes while the test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// take returns what was written since the last take.
func (b *lockedBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}

// TestFollowRotation follows a file while it grows, is renamed away and
// replaced (as logrotate and sinks.File rotate), is removed and comes
// back, and is truncated. The test drives each poll itself, so nothing
// depends on timing.
func TestFollowRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	write := func(name, s string) {
		t.Helper()
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(sec int, msg string) string {
		return `{"time":"2025-12-01T09:30:` + string(rune('0'+sec/10)) + string(rune('0'+sec%10)) + `Z","level":"INFO","msg":"` + msg + `"}` + "\n"
	}
	write(path, rec(0, "one")+rec(1, "two"))

	var stdout, stderr lockedBuffer
	tick := make(chan time.Time)
	polled := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"-f", "-color", "never", "-utc", "-time", "05", path}, &environment{
			stdin:      strings.NewReader(""),
			stdout:     &stdout,
			stderr:     &stderr,
			getenv:     func(string) string { return "" },
			now:        func() time.Time { return now },
			isTerminal: func(io.Writer) bool { return false },
			tick:       tick,
			afterPoll:  func() { polled <- struct{}{} },
		})
	}()
	<-polled // the first poll reads what the file holds
	poll := func() {
		t.Helper()
		tick <- time.Time{}
		<-polled
	}
	steps := []struct {
		name       string
		do         func()
		out, warns string
	}{
		{"start", func() {}, "00 INFO  one\n01 INFO  two\n", ""},
		{"nothing new", func() {}, "", ""},
		{"append", func() { write(path, rec(2, "three")) }, "02 INFO  three\n", ""},
		{"partial line waits", func() { write(path, `{"time":"2025-12-01T09:30:03Z","level":"WARN",`) }, "", ""},
		{"partial line completed", func() { write(path, `"msg":"four"}`+"\n") }, "03 WARN  four\n", ""},
		{"rotate by rename", func() {
			write(path, rec(4, "last in old"))
			if err := os.Rename(path, path+".1"); err != nil {
				t.Fatal(err)
			}
			write(path, rec(5, "first in new"))
		}, "04 INFO  last in old\n05 INFO  first in new\n", "replaced; following the new file"},
		{"the new file grows", func() { write(path, rec(6, "six")) }, "06 INFO  six\n", ""},
		{"the old file is not read", func() { write(path+".1", rec(7, "late in old")) }, "", ""},
		{"removed", func() {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, "", "no such file; waiting for it"},
		{"still absent", func() {}, "", ""},
		{"created again", func() { write(path, rec(8, "eight")+"not json\n") }, "08 INFO  eight\nnot json\n", "appeared; following it"},
		{"truncated", func() {
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
			write(path, rec(9, "nine"))
		}, "09 INFO  nine\n", "truncated; reading from its start"},
		{"last line without newline", func() { write(path, `level=ERROR msg=unterminated`) }, "", ""},
	}
	for i, s := range steps {
		s.do()
		if i > 0 {
			poll()
		}
		if got := stdout.take(); got != s.out {
			t.Errorf("%s: output %q, want %q", s.name, got, s.out)
		}
		if got := stderr.take(); !strings.Contains(got, s.warns) || (s.warns == "" && got != "") {
			t.Errorf("%s: stderr %q, want %q", s.name, got, s.warns)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
	if got, want := stdout.take(), "ERROR unterminated\n"; got != want {
		t.Errorf("at the end: output %q, want %q", got, want)
	}
	if got, want := stderr.take(), "loggerjs: 11 lines read, 10 records, 10 shown, 1 bad\n"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}
