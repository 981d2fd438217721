//go:build linux

package sinks

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/loggerjs/loggerjs/codecs"
)

// openPTY opens a pseudo-terminal pair: what Console sees when a person
// runs the program in a terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		t.Skipf("unlockpt: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		t.Skipf("ptsname: %v", e)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open pts: %v", err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

func TestConsolePrettyOnTerminalJSONElsewhere(t *testing.T) {
	master, slave := openPTY(t)
	s := Console(&ConsoleOptions{Output: slave, Pretty: &codecs.PrettyOptions{Color: codecs.ColorNever}})
	if _, ok := s.Codec().(*codecs.PrettyCodec); !ok {
		t.Fatalf("terminal got codec %T", s.Codec())
	}
	if err := s.Write(context.Background(), rec(7)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, err := master.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(buf[:n]); !strings.Contains(got, "INFO") || !strings.Contains(got, "m7") || strings.HasPrefix(got, "{") {
		t.Fatalf("terminal output %q", got)
	}
	closeNow(t, s)

	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s = Console(&ConsoleOptions{Output: f})
	s.Write(context.Background(), rec(8))
	closeNow(t, s)
	if lines := linesOf(t, f.Name()); len(lines) != 1 || msgOf(lines[0]) != "m8" {
		t.Fatalf("file output %v", lines)
	}
	if _, ok := Console(&ConsoleOptions{Output: f, Format: ConsolePretty}).Codec().(*codecs.PrettyCodec); !ok {
		t.Fatal("ConsolePretty ignored")
	}
	if _, ok := Console(&ConsoleOptions{Output: slave, Format: ConsoleJSON}).Codec().(*codecs.JSONCodec); !ok {
		t.Fatal("ConsoleJSON ignored")
	}
}
