package main

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestRootBudget is binsize -check: it builds the slog hello world and
// the same program importing the root and calling GetLogger, and fails
// when the root adds more than rootBudget bytes to the stripped binary.
// Every program that logs through loggerjs pays for what the root links.
func TestRootBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	got := map[string]sizes{}
	for _, p := range programs {
		if p.name != "slog" && p.name != "root" {
			continue
		}
		s, err := build(work, root, p)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		got[p.name] = s
	}
	d := got["root"].stripped - got["slog"].stripped
	if d > rootBudget {
		t.Errorf("the root adds %d bytes (%d KB) to the stripped slog hello world, more than %d KB: see PERFORMANCE.md, Binary size, for where they go", d, d>>10, rootBudget>>10)
	}
	t.Logf("the root adds %d KB stripped (%d KB unstripped) to the slog hello world", d>>10, (got["root"].full-got["slog"].full)>>10)
}
