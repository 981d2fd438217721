package loggerjs

import (
	"context"
	"log"
	"log/slog"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"
)

// SourceStdLog is the Record.Source of records that come from the
// standard log package through RedirectStdLog, RedirectLogger or
// StdLogWriter.
const SourceStdLog = "integration:stdlog"

// StdLogOptions configure the redirection of the standard log package.
// A nil *StdLogOptions means the defaults.
type StdLogOptions struct {
	// Logger receives the records; nil means the registry's logger of
	// Category. A logger that is not over a loggerjs Handler receives them
	// through its slog.Handler, without Source.
	Logger *slog.Logger
	// Category extends the logger's category; nil means "stdlog" for the
	// registry's logger and nothing for Logger. A dot separates segments.
	Category []string
	// Level is the level of lines that carry none; zero means
	// slog.LevelInfo.
	Level slog.Level
	// ParseLevel reads a level from the start of each line, as "[WARN] …",
	// "ERROR: …", "level=warn …" or "warning: …" (any level name
	// ParseLevel accepts, in any case), and strips it from the message.
	ParseLevel bool
}

// RedirectStdLog sends what the standard log package's default logger
// prints (log.Printf, log.Println, and log.Fatal's message before it
// exits) into loggerjs, one record per line, and returns a function that
// puts the log package back as it was. The log package's date, time and
// file flags are turned off while it is redirected: the record has its
// own time, and its source is the caller of log.Printf, found on the
// stack.
//
//	restore := loggerjs.RedirectStdLog(&loggerjs.StdLogOptions{ParseLevel: true})
//	defer restore()
//	log.Print("[WARN] disk almost full") // a WARN record of category stdlog
//
// The log package holds its logger's lock while it writes, so a sink that
// printed through the same logger from inside the write would deadlock.
// The bridge therefore hands each record to a goroutine of its own and
// waits for it to be delivered, up to StdLogWait: in the ordinary case a
// log.Printf returns once its record has reached the sinks, as a slog
// call does; a sink that logs through the redirected logger stalls that
// one call by at most StdLogWait, and the record it would make inside the
// bridge is dropped and counted as BridgeDrops, which cuts the loop.
func RedirectStdLog(opts *StdLogOptions) (restore func()) {
	return redirect(log.Default(), opts)
}

// RedirectLogger is RedirectStdLog for any *log.Logger, such as the
// ErrorLog of an http.Server.
func RedirectLogger(l *log.Logger, opts *StdLogOptions) (restore func()) {
	return redirect(l, opts)
}

func redirect(l *log.Logger, opts *StdLogOptions) func() {
	out, flags, prefix := l.Writer(), l.Flags(), l.Prefix()
	w := NewStdLogWriter(opts)
	l.SetOutput(w)
	l.SetFlags(0)
	l.SetPrefix("")
	var once sync.Once
	return func() {
		once.Do(func() {
			w.Close() // first: what its goroutine still does goes through it
			l.SetOutput(out)
			l.SetFlags(flags)
			l.SetPrefix(prefix)
		})
	}
}

// StdLogWait bounds how long a write to a StdLogWriter waits for its
// records to reach the sinks.
const StdLogWait = 250 * time.Millisecond

// stdLogQueue bounds the records a StdLogWriter holds for its goroutine;
// past it, records are dropped and counted as BridgeDrops.
const stdLogQueue = 1024

// StdLogWriter is an io.Writer that turns each line written to it into a
// record, as RedirectStdLog does, for log.New(w, "", 0) and for libraries
// that take a writer for their diagnostics. It delivers through a
// goroutine of its own (see RedirectStdLog), which Close stops. It is safe
// for concurrent use.
type StdLogWriter struct {
	handler slog.Handler
	own     *Handler // handler, when it is ours
	level   slog.Level
	parse   bool

	mu     sync.Mutex
	queue  chan *stdLogItem
	closed bool
	done   chan struct{}
}

type stdLogItem struct {
	r         slog.Record
	delivered chan struct{}
}

// NewStdLogWriter returns a StdLogWriter configured by opts.
func NewStdLogWriter(opts *StdLogOptions) *StdLogWriter {
	w := &StdLogWriter{level: slog.LevelInfo}
	var o StdLogOptions
	if opts != nil {
		o = *opts
	}
	if o.Level != 0 {
		w.level = o.Level
	}
	w.parse = o.ParseLevel
	if o.Logger == nil {
		cat := o.Category
		if cat == nil {
			cat = []string{"stdlog"}
		}
		w.handler = GetLogger(cat...).Handler()
	} else {
		w.handler = o.Logger.Handler()
		if len(o.Category) > 0 {
			w.handler = Child(o.Logger, o.Category...).Handler()
		}
	}
	w.own, _ = w.handler.(*Handler)
	return w
}

// maxBridgeFrames bounds the stack a bridge looks at for its caller and
// for re-entry.
const maxBridgeFrames = 128

// Write makes one record of each line of p and waits, up to StdLogWait,
// for them to reach the sinks. It never fails.
func (w *StdLogWriter) Write(p []byte) (int, error) {
	var buf [maxBridgeFrames]uintptr
	pcs := buf[:runtime.Callers(2, buf[:])] // the callers of Write
	if reentered(pcs, stdLogDeliverEntry) {
		// A sink, on the bridge's own goroutine, printed through the
		// redirected logger: cut the loop here.
		countBridgeDrop(w.own)
		return len(p), nil
	}
	pc := callerOutside(pcs, "log.")
	var items []*stdLogItem
	text := strings.TrimSuffix(string(p), "\n")
	for line := range strings.SplitSeq(text, "\n") {
		if it := w.item(line, pc); it != nil {
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		return len(p), nil
	}
	timer := time.NewTimer(StdLogWait)
	defer timer.Stop()
	for _, it := range items {
		select {
		case <-it.delivered:
		case <-timer.C:
			return len(p), nil
		}
	}
	return len(p), nil
}

// item queues one line as a record, or returns nil when nothing takes it.
func (w *StdLogWriter) item(msg string, pc uintptr) *stdLogItem {
	level := w.level
	if w.parse {
		if l, rest, ok := cutLevelPrefix(msg); ok {
			level, msg = l, rest
		}
	}
	if !w.handler.Enabled(context.Background(), level) {
		return nil
	}
	it := &stdLogItem{r: slog.NewRecord(time.Now(), level, msg, pc), delivered: make(chan struct{})}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		w.deliver(it) // after Close: deliver in the caller, as a plain writer would
		return nil
	}
	if w.queue == nil {
		w.queue = make(chan *stdLogItem, stdLogQueue)
		w.done = make(chan struct{})
		go w.run(w.queue, w.done)
	}
	select {
	case w.queue <- it:
		return it
	default:
		countBridgeDrop(w.own)
		return nil
	}
}

// run delivers queued records until the queue is closed.
func (w *StdLogWriter) run(queue chan *stdLogItem, done chan struct{}) {
	defer close(done)
	for it := range queue {
		w.deliver(it)
	}
}

// deliver hands one record to the handler.
func (w *StdLogWriter) deliver(it *stdLogItem) {
	defer close(it.delivered)
	if w.own != nil {
		_ = w.own.HandleFrom(context.Background(), SourceStdLog, it.r)
		return
	}
	_ = w.handler.Handle(context.Background(), it.r)
}

// Close delivers the records still queued and stops the writer's
// goroutine. Lines written after Close are delivered on the writer's
// caller. It is safe to call more than once.
func (w *StdLogWriter) Close() error {
	w.mu.Lock()
	q, done := w.queue, w.done
	already := w.closed
	w.closed = true
	w.mu.Unlock()
	if already || q == nil {
		return nil
	}
	close(q)
	<-done
	return nil
}

// stdLogDeliverEntry is the entry of StdLogWriter.deliver, for spotting
// the bridge's goroutine on a stack. It is set in init: deliver refers
// to it through Write.
var stdLogDeliverEntry uintptr

func init() { stdLogDeliverEntry = funcEntry((*StdLogWriter).deliver) }

func funcEntry(f any) uintptr {
	return runtime.FuncForPC(reflectPC(f)).Entry()
}

// reentered reports whether a frame of pcs is in the function at entry:
// the bridge is being called from inside itself, on this goroutine.
func reentered(pcs []uintptr, entry uintptr) bool {
	for _, pc := range pcs {
		if f := runtime.FuncForPC(pc - 1); f != nil && f.Entry() == entry {
			return true
		}
	}
	return false
}

// callerOutside returns the first program counter of pcs outside the
// package whose functions start with prefix (and outside fmt), or 0.
func callerOutside(pcs []uintptr, prefix string) uintptr {
	frames := runtime.CallersFrames(pcs)
	for i := 0; ; i++ {
		f, more := frames.Next()
		if f.Function != "" && !strings.HasPrefix(f.Function, prefix) && !strings.HasPrefix(f.Function, "fmt.") {
			return f.PC + 1 // a return address, as slog's own PCs are
		}
		if !more {
			return 0
		}
	}
}

// CountBridgeDrop counts a record that a bridge from another logging
// library dropped (MetaStats.BridgeDrops): one that a sink logged through
// that library from inside the bridge, which cuts the loop, or one the
// bridge had no room for. Bridges call it; it is safe for concurrent use.
func (h *Handler) CountBridgeDrop() { countBridgeDrop(h) }

// countBridgeDrop counts a record a bridge dropped: one a sink made
// from inside the bridge, or one its queue had no room for.
func countBridgeDrop(h *Handler) {
	if h != nil {
		h.eng.count(counterBridgeDrop)
		return
	}
	processCounters[counterBridgeDrop].Add(1)
}

// cutLevelPrefix reads a level at the start of a log line.
func cutLevelPrefix(s string) (slog.Level, string, bool) {
	t := strings.TrimLeft(s, " ")
	var word, rest string
	switch {
	case strings.HasPrefix(t, "["):
		end := strings.IndexByte(t, ']')
		if end < 0 {
			return 0, s, false
		}
		word, rest = t[1:end], t[end+1:]
	case len(t) > 6 && strings.EqualFold(t[:6], "level="):
		end := strings.IndexAny(t, " \t")
		if end < 0 {
			end = len(t)
		}
		word, rest = strings.Trim(t[6:end], `"`), t[end:]
	default:
		end := strings.IndexByte(t, ':')
		if end <= 0 || end > 8 {
			return 0, s, false
		}
		word, rest = t[:end], t[end+1:]
	}
	l, ok := levelWords[strings.ToLower(word)]
	if !ok {
		return 0, s, false
	}
	return l, strings.TrimLeft(rest, " \t"), true
}

// levelWords are the level names a log line may start with.
var levelWords = map[string]slog.Level{
	"trace": LevelTrace, "debug": slog.LevelDebug, "info": slog.LevelInfo, "notice": slog.LevelInfo,
	"warn": slog.LevelWarn, "warning": slog.LevelWarn, "error": slog.LevelError, "err": slog.LevelError,
	"fatal": LevelFatal, "crit": LevelFatal, "critical": LevelFatal, "panic": LevelFatal,
}

func reflectPC(f any) uintptr { return reflect.ValueOf(f).Pointer() }

// ExcludeSources returns middleware that drops the records whose Source is
// one of sources, for a sink that must not see what a bridge brings in
// (a sink that writes through zap must not receive zap's own records):
//
//	loggerjs.WithMiddleware(sink, loggerjs.ExcludeSources(loggerjs.SourceStdLog))
//
// The records it drops are counted as filtered.
func ExcludeSources(sources ...string) Middleware {
	return &sourceFilter{sources: append([]string(nil), sources...)}
}

type sourceFilter struct{ sources []string }

// Process drops records from the excluded sources.
func (f *sourceFilter) Process(_ context.Context, r *Record) bool {
	for _, s := range f.sources {
		if r.Source == s {
			return false
		}
	}
	return true
}
