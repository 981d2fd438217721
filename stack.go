package loggerjs

import (
	"log/slog"
	"reflect"
	"runtime"
	"strconv"
	"strings"
)

// StackKey is the key of the root attr that carries a record's stack
// trace: for records at or above Config.StackTraceLevel, for records
// whose error carries a stack, and for the record Recover logs. Codecs
// write it as an attr, or in their format's own field (OTLP's
// exception.stacktrace, ECS's error.stack_trace, Google Cloud's
// stack_trace).
const StackKey = "stack"

// addStack attaches a stack to r as Config.StackTraceLevel says, unless r
// carries one already.
func addStack(r *Record, level slog.Leveler, pc uintptr) {
	for _, a := range r.root {
		if a.Key == StackKey {
			return
		}
	}
	for _, a := range r.attrs {
		if a.Key == StackKey {
			return
		}
	}
	if r.Err != nil {
		if s := errorStack(r.Err); s != "" {
			r.root = append(r.root, slog.String(StackKey, s))
			return
		}
	}
	if r.Level >= level.Level() {
		r.root = append(r.root, slog.String(StackKey, captureStack(pc)))
	}
}

// maxStackFrames bounds the frames a captured stack keeps.
const maxStackFrames = 64

// captureStack returns the stack of the calling goroutine from the frame
// whose program counter is pc (the logging call site) down, one frame per
// two lines as zap writes them: the function, then a tab and file:line.
// When pc is not on the stack, frames inside log/slog and loggerjs are
// left out instead.
func captureStack(pc uintptr) string {
	var buf [maxStackFrames + 16]uintptr
	n := runtime.Callers(2, buf[:])
	pcs := buf[:n]
	start := -1
	for i, p := range pcs {
		if p == pc {
			start = i
			break
		}
	}
	if start >= 0 {
		pcs = pcs[start:]
	}
	pcs = pcs[:min(len(pcs), maxStackFrames)]
	return formatFrames(pcs, start < 0)
}

func formatFrames(pcs []uintptr, skipOwn bool) string {
	var b strings.Builder
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function != "" && !(skipOwn && isOwnFrame(f.Function)) {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(f.Function)
			b.WriteString("\n\t")
			b.WriteString(f.File)
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(f.Line))
		}
		if !more {
			break
		}
	}
	return b.String()
}

func isOwnFrame(fn string) bool {
	return strings.HasPrefix(fn, "log/slog.") || strings.HasPrefix(fn, "github.com/loggerjs/loggerjs.") ||
		strings.HasPrefix(fn, "runtime.")
}

// errorStack returns the stack an error in err's chain carries, in the
// shape of github.com/pkg/errors and its kin (a StackTrace method that
// returns a slice of program counters plus one), or "".
func errorStack(err error) string {
	for depth := 0; err != nil && depth < 32; depth++ {
		if s := methodStack(err); s != "" {
			return s
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return ""
		}
		err = u.Unwrap()
	}
	return ""
}

func methodStack(err error) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	m := reflect.ValueOf(err).MethodByName("StackTrace")
	if !m.IsValid() || m.Type().NumIn() != 0 || m.Type().NumOut() != 1 {
		return ""
	}
	t := m.Type().Out(0)
	if t.Kind() != reflect.Slice || t.Elem().Kind() != reflect.Uintptr {
		return ""
	}
	v := m.Call(nil)[0]
	n := min(v.Len(), maxStackFrames)
	pcs := make([]uintptr, n)
	for i := range n {
		pcs[i] = uintptr(v.Index(i).Uint()) - 1 // pkg/errors' Frame is pc+1
	}
	return formatFrames(pcs, false)
}
