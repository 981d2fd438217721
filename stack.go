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
// whose error carries a stack that Config.ErrorStack finds, and for the
// record Recover logs. Codecs write it as an attr, or in their format's
// own field (OTLP's exception.stacktrace, ECS's error.stack_trace, Google
// Cloud's stack_trace).
const StackKey = "stack"

// stackTraces is what Config.StackTraceLevel and Config.ErrorStack ask
// for.
type stackTraces struct {
	level      slog.Leveler
	errorStack func(error) []uintptr // nil: the stacks errors carry are not looked for
}

// addStack attaches a stack to r as st says, unless r carries one
// already.
func addStack(r *Record, st *stackTraces, pc uintptr) {
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
	if r.Err != nil && st.errorStack != nil {
		pcs := errorStack(st.errorStack, r.Err)
		if s := formatFrames(pcs[:min(len(pcs), maxStackFrames)], false); s != "" {
			r.root = append(r.root, slog.String(StackKey, s))
			return
		}
	}
	if r.Level >= st.level.Level() {
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

// errorStack returns what find returns for err, or nil if it panics.
func errorStack(find func(error) []uintptr, err error) (pcs []uintptr) {
	defer func() {
		if recover() != nil {
			pcs = nil
		}
	}()
	return find(err)
}

// StackTraceMethod is a Config.ErrorStack for errors that carry their
// stack as github.com/pkg/errors and its kin do: a StackTrace method that
// returns a slice of a uintptr type, each element a program counter plus
// one (pkg/errors' Frame). It returns the stack of the outermost error in
// err's chain that has one, or nil.
//
// It finds and calls the method through reflect, which adds about 80 KB
// to a program; that is why Config does not use it unless asked, and a
// program that does not name it does not pay for it.
func StackTraceMethod(err error) []uintptr {
	for depth := 0; err != nil && depth < 32; depth++ {
		if pcs := stackTraceMethod(err); len(pcs) > 0 {
			return pcs
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return nil
		}
		err = u.Unwrap()
	}
	return nil
}

func stackTraceMethod(err error) (pcs []uintptr) {
	defer func() {
		if recover() != nil {
			pcs = nil
		}
	}()
	m := reflect.ValueOf(err).MethodByName("StackTrace")
	if !m.IsValid() || m.Type().NumIn() != 0 || m.Type().NumOut() != 1 {
		return nil
	}
	t := m.Type().Out(0)
	if t.Kind() != reflect.Slice || t.Elem().Kind() != reflect.Uintptr {
		return nil
	}
	v := m.Call(nil)[0]
	pcs = make([]uintptr, min(v.Len(), maxStackFrames))
	for i := range pcs {
		pcs[i] = uintptr(v.Index(i).Uint()) - 1 // pkg/errors' Frame is pc+1
	}
	return pcs
}
