package sinks

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
)

// These tests drive real parts through a real handler tree and check
// that every record logged is delivered or counted in Lost, exactly, and
// that Flush and Close say when they lost records.

// newTree returns a handler tree that routes category "app" to sink and
// the meta logger to a Memory sink, and a logger for "app".
func newTree(t *testing.T, sink loggerjs.Sink) (*loggerjs.Handler, *slog.Logger, *MemorySink) {
	t.Helper()
	meta := Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{"sink": sink, "meta": meta},
		Loggers: []loggerjs.LoggerConfig{
			{Category: []string{"app"}, Sinks: []string{"sink"}},
			{Category: loggerjs.MetaCategory, Sinks: []string{"meta"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, slog.New(h).With(loggerjs.Category("app")), meta
}

// metaAttr returns the value of the first attr named key in the meta
// records, and whether there was one.
func metaAttr(meta *MemorySink, key string) (string, bool) {
	for _, r := range meta.Records() {
		var v string
		found := false
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == key {
				v, found = a.Value.String(), true
				return false
			}
			return true
		})
		if found {
			return v, true
		}
	}
	return "", false
}

// TestFileUnlinkedUnderPathCheckEvery: the file is removed under a File
// whose path checks are spaced out; the records written into it since
// the last check are lost, and Flush or Close counts them and says so.
// The subtests write through, so that every record is written before the
// removal, except Buffered, which has the default buffer.
func TestFileUnlinkedUnderPathCheckEvery(t *testing.T) {
	t.Run("Close", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "app.log")
		file := mustFile(t, path, &FileOptions{PathCheckEvery: time.Hour, WriteThrough: true, Clock: newFakeClock()})
		h, l, _ := newTree(t, file)
		for i := range 4 {
			l.Info("before", "i", i) // the first write checks the path
		}
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			l.Info("after", "i", i) // into the unlinked file, unchecked
		}
		wantLoss(t, h.Close(context.Background()), "dropped_unlinked", 7)
		if lost := h.Stats().Lost(); lost != 7 {
			t.Fatalf("Lost() = %d, want 7", lost)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("Close made an empty file again: %v", err)
		}
	})
	t.Run("Flush", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "app.log")
		file := mustFile(t, path, &FileOptions{PathCheckEvery: time.Hour, WriteThrough: true, Clock: newFakeClock()})
		h, l, meta := newTree(t, file)
		for i := range 4 {
			l.Info("before", "i", i)
		}
		os.Remove(path)
		wantLoss(t, h.Flush(context.Background()), "dropped_unlinked", 4)
		if reason, _ := metaAttr(meta, "reason"); reason != "dropped_unlinked" {
			t.Fatalf("the loss was not reported on the meta logger: reason %q", reason)
		}
		for i := range 2 {
			l.Info("after", "i", i) // into the file Flush opened
		}
		if err := h.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		lines := linesOf(t, path)
		lost := h.Stats().Lost()
		if len(lines) != 2 || lost != 4 || int64(len(lines))+int64(lost) != 6 {
			t.Fatalf("%d lines, Lost() = %d", len(lines), lost)
		}
	})
	t.Run("Buffered", func(t *testing.T) {
		// Written records are lost with the file; buffered ones go to a
		// new file at the path.
		path := filepath.Join(t.TempDir(), "app.log")
		file := mustFile(t, path, &FileOptions{PathCheckEvery: time.Hour, BufferSize: 64 << 10, Clock: newFakeClock()})
		h, l, _ := newTree(t, file)
		for i := range 10 {
			l.Info("written", "i", i)
		}
		if err := h.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			l.Info("buffered", "i", i)
		}
		os.Remove(path)
		wantLoss(t, h.Close(context.Background()), "dropped_unlinked", 10)
		lines := linesOf(t, path)
		lost := h.Stats().Lost()
		if len(lines) != 5 || lost != 10 || msgOf(lines[0]) != "buffered" {
			t.Fatalf("lines %v, Lost() = %d", lines, lost)
		}
	})
	t.Run("Reopen", func(t *testing.T) {
		// Reopen (SIGHUP) after a removal counts what went into the
		// removed file.
		path := filepath.Join(t.TempDir(), "app.log")
		file := mustFile(t, path, &FileOptions{PathCheckEvery: time.Hour, WriteThrough: true, Clock: newFakeClock()})
		h, l, _ := newTree(t, file)
		for i := range 3 {
			l.Info("before", "i", i)
		}
		os.Remove(path)
		if err := file.Reopen(); err != nil {
			t.Fatal(err)
		}
		l.Info("after")
		if err := h.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		lines := linesOf(t, path)
		if lost := h.Stats().Lost(); len(lines) != 1 || lost != 3 {
			t.Fatalf("%d lines, Lost() = %d", len(lines), lost)
		}
	})
	t.Run("Rotate", func(t *testing.T) {
		// A size rotation that finds the file gone counts what went into
		// it and starts a new file.
		path := filepath.Join(t.TempDir(), "app.log")
		file := mustFile(t, path, &FileOptions{PathCheckEvery: time.Hour, MaxSize: 1 << 10, WriteThrough: true, Clock: newFakeClock()})
		h, l, _ := newTree(t, file)
		l.Info("before")
		os.Remove(path)
		l.Info("big", "pad", strings.Repeat("x", 1<<10)) // rotation due: the file is not there
		if err := h.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		lines := linesOf(t, path)
		if lost := h.Stats().Lost(); len(lines) != 1 || lost != 1 || msgOf(lines[0]) != "big" {
			t.Fatalf("lines %d, Lost() = %d", len(lines), lost)
		}
	})
}
