// Command filebench writes S3 records (ten attrs of mixed kinds) to a
// real file through each logger's file path and reports, per logger,
// records/s and MB/s of the logging loop and, timed apart, the final
// flush and fsync.
//
// The loggers take turns: each round runs every logger once, the order
// rotated by one each round, and the medians over the rounds are
// printed as a Markdown table.
//
//	go run ./cmd/filebench -n 1000000 -rounds 5
//
// The loggers:
//
//	loggerjs           sinks.File with its defaults (JSON codec, a 256 KiB buffer written
//	                   with one write(2), and one path check, when full, FlushEvery 1s)
//	loggerjs-buffered  sinks.File with BufferSize -buf, as zap's BufferedWriteSyncer writes
//	loggerjs-async     sinks.Async (Block policy, so it drops nothing) over sinks.File with
//	                   BufferSize -buf: the logging goroutine encodes and copies into
//	                   Async's buffer, Async's goroutine hands it to the File
//	loggerjs-through   sinks.File with WriteThrough: one write(2) and one stat(2) (the
//	                   path check) per record, as lumberjack writes
//	loggerjs-check1s   sinks.File with WriteThrough, checking the path once a second
//	                   (PathCheckEvery)
//	loggerjs-bufio     sinks.Writer with the JSON codec over a bufio.Writer over the *os.File
//	slogJSON           slog.NewJSONHandler over a bufio.Writer, called through LogAttrs
//	zap                a JSON core over zapcore.BufferedWriteSyncer
//	zerolog            zerolog over a bufio.Writer
//
// Every buffer is -buf bytes (256 KiB by default, zap's default). The
// flush+fsync column times each logger's flush: Handler.Flush for the
// File sinks, which writes the buffer (after Async's queue, for
// loggerjs-async) and fsyncs. After each run the file's lines are
// counted: a logger that lost a record fails the benchmark instead of
// looking fast.
//
// The target lines compare loggerjs with zap three times: File's
// defaults (at least 0.8× zap), and loggerjs-buffered (the like-for-like
// configuration: a user-space buffer of the same size as zap's) and
// loggerjs-async (at least 1.3× zap).
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bench"
	"github.com/loggerjs/loggerjs/sinks"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// A fileLogger opens a logger writing to the file at path and returns
// its S3 call, the function that flushes its buffer and fsyncs the file,
// and the one that closes it.
type fileLogger struct {
	name string
	open func(path string, bufSize int) (log func(), finish, close func() error, err error)
}

// loggers are the loggers timed. loggerjs, the File sink with its
// defaults, loggerjs-buffered, the File sink buffered like zap's
// BufferedWriteSyncer, and loggerjs-async are the ones the targets are
// for; the other loggerjs variants are for comparison.
var loggers = []fileLogger{
	{"loggerjs", func(path string, _ int) (func(), func() error, func() error, error) {
		return openFileSink(path, nil, false)
	}},
	{"loggerjs-buffered", func(path string, size int) (func(), func() error, func() error, error) {
		return openFileSink(path, &sinks.FileOptions{BufferSize: size}, false)
	}},
	{"loggerjs-async", func(path string, size int) (func(), func() error, func() error, error) {
		return openFileSink(path, &sinks.FileOptions{BufferSize: size}, true)
	}},
	{"loggerjs-through", func(path string, _ int) (func(), func() error, func() error, error) {
		return openFileSink(path, &sinks.FileOptions{WriteThrough: true}, false)
	}},
	{"loggerjs-check1s", func(path string, _ int) (func(), func() error, func() error, error) {
		return openFileSink(path, &sinks.FileOptions{WriteThrough: true, PathCheckEvery: time.Second}, false)
	}},
	{"loggerjs-bufio", func(path string, size int) (func(), func() error, func() error, error) {
		f, err := create(path)
		if err != nil {
			return nil, nil, nil, err
		}
		bw := bufio.NewWriterSize(f, size)
		h, err := bench.NewLoggerjs(bw)
		if err != nil {
			f.Close()
			return nil, nil, nil, err
		}
		s := bench.SlogSubject("loggerjs-bufio", slog.New(h), bench.SlogFields)
		return s.S3, func() error {
			// The Writer sink's Flush flushes the bufio.Writer; it cannot
			// reach the file's Sync through it.
			return errors.Join(h.Flush(context.Background()), f.Sync())
		}, f.Close, nil
	}},
	{"slogJSON", func(path string, size int) (func(), func() error, func() error, error) {
		f, err := create(path)
		if err != nil {
			return nil, nil, nil, err
		}
		bw := bufio.NewWriterSize(f, size)
		s := bench.SlogSubject("slogJSON", slog.New(slog.NewJSONHandler(bw, nil)), bench.SlogFields)
		return s.S3, func() error { return errors.Join(bw.Flush(), f.Sync()) }, f.Close, nil
	}},
	{"zap", func(path string, size int) (func(), func() error, func() error, error) {
		f, err := create(path)
		if err != nil {
			return nil, nil, nil, err
		}
		ws := &zapcore.BufferedWriteSyncer{WS: zapcore.AddSync(f), Size: size}
		l := zap.New(bench.NewZapCore(ws))
		s := bench.ZapSubject("zap", l)
		// Sync flushes the buffer and fsyncs the file; Stop ends the
		// flushing goroutine.
		return s.S3, l.Sync, func() error { return errors.Join(ws.Stop(), f.Close()) }, nil
	}},
	{"zerolog", func(path string, size int) (func(), func() error, func() error, error) {
		f, err := create(path)
		if err != nil {
			return nil, nil, nil, err
		}
		bw := bufio.NewWriterSize(f, size)
		s := bench.ZerologSubject("zerolog", bench.NewZerolog(bw))
		return s.S3, func() error { return errors.Join(bw.Flush(), f.Sync()) }, f.Close, nil
	}},
}

// openFileSink opens loggerjs over a File sink, behind Async if async.
// Async blocks the logging goroutine while its queue is full rather than
// drop (a lost record would fail the run anyway).
func openFileSink(path string, opts *sinks.FileOptions, async bool) (func(), func() error, func() error, error) {
	file, err := sinks.File(path, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	var sink loggerjs.Sink = file
	if async {
		sink = sinks.Async(file, &sinks.AsyncOptions{Policy: sinks.Block, BlockTimeout: time.Minute})
	}
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"file": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"file"}, Level: slog.LevelInfo}},
	})
	if err != nil {
		sink.Close(context.Background())
		return nil, nil, nil, err
	}
	s := bench.SlogSubject("loggerjs", slog.New(h), bench.SlogFields)
	ctx := context.Background()
	// The File sink's Flush writes its buffer, if it has one, and fsyncs;
	// Close syncs again and closes.
	return s.S3, func() error { return h.Flush(ctx) }, func() error { return h.Close(ctx) }, nil
}

func create(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND, 0o644)
}

// A result is one logger's run.
type result struct {
	loop, finish time.Duration
	bytes        int64
}

func main() {
	n := flag.Int("n", 1_000_000, "records per logger per round")
	rounds := flag.Int("rounds", 5, "rounds; each runs every logger once")
	bufSize := flag.Int("buf", 256<<10, "buffer size in bytes")
	dir := flag.String("dir", "", "directory for the files (default: a new temporary directory, removed at the end)")
	only := flag.String("loggers", "", "comma-separated loggers to run (default: all)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *only != "" {
		names := strings.Split(*only, ",")
		loggers = slices.DeleteFunc(loggers, func(lg fileLogger) bool { return !slices.Contains(names, lg.name) })
		if len(loggers) == 0 {
			fmt.Fprintln(os.Stderr, "filebench: -loggers names none of the loggers")
			os.Exit(2)
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "filebench:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "filebench:", err)
			os.Exit(1)
		}
	}
	err := run(*n, *rounds, *bufSize, *dir)
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "filebench:", err)
		os.Exit(1)
	}
}

func run(n, rounds, bufSize int, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "filebench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	results := make(map[string][]result)
	for r := range rounds {
		for i := range loggers {
			lg := loggers[(i+r)%len(loggers)]
			res, err := runOne(lg, filepath.Join(dir, lg.name+".log"), n, bufSize)
			if err != nil {
				return fmt.Errorf("%s: %w", lg.name, err)
			}
			fmt.Fprintf(os.Stderr, "round %d %-16s loop %v, flush+fsync %v, %d bytes\n", r+1, lg.name, res.loop.Round(time.Millisecond), res.finish.Round(time.Millisecond), res.bytes)
			results[lg.name] = append(results[lg.name], res)
		}
	}
	report(n, rounds, bufSize, results)
	return nil
}

func runOne(lg fileLogger, path string, n, bufSize int) (result, error) {
	defer os.Remove(path)
	log, finish, closeLogger, err := lg.open(path, bufSize)
	if err != nil {
		return result{}, err
	}
	runtime.GC()
	start := time.Now()
	for range n {
		log()
	}
	looped := time.Now()
	if err := finish(); err != nil {
		closeLogger()
		return result{}, err
	}
	done := time.Now()
	if err := closeLogger(); err != nil {
		return result{}, err
	}
	size, lines, err := countLines(path)
	if err != nil {
		return result{}, err
	}
	if lines != n {
		return result{}, fmt.Errorf("wrote %d lines, want %d", lines, n)
	}
	return result{loop: looped.Sub(start), finish: done.Sub(looped), bytes: size}, nil
}

// countLines returns the size of the file at path and the number of
// newlines in it, so that a logger that loses records is caught rather
// than timed.
func countLines(path string) (size int64, lines int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for {
		n, err := f.Read(buf)
		size += int64(n)
		lines += bytes.Count(buf[:n], []byte{'\n'})
		if err == io.EOF {
			return size, lines, nil
		}
		if err != nil {
			return 0, 0, err
		}
	}
}

func report(n, rounds, bufSize int, results map[string][]result) {
	fmt.Printf("File benchmark: %d S3 records per logger per round, median of %d interleaved rounds.\n\n", n, rounds)
	fmt.Println("| logger | records/s | MB/s | bytes/record | flush+fsync | records/s incl. flush+fsync | × zap records/s |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
	rate := func(name string) float64 {
		return float64(n) / median(results[name], func(r result) float64 { return r.loop.Seconds() })
	}
	zapRate := rate("zap") // NaN when zap did not run
	for _, lg := range loggers {
		rs := results[lg.name]
		loop := median(rs, func(r result) float64 { return r.loop.Seconds() })
		fin := median(rs, func(r result) float64 { return r.finish.Seconds() })
		total := median(rs, func(r result) float64 { return (r.loop + r.finish).Seconds() })
		size := median(rs, func(r result) float64 { return float64(r.bytes) })
		fmt.Printf("| %s | %.0f | %.1f | %.0f | %s | %.0f | %.2f |\n",
			lg.name, float64(n)/loop, size/loop/1e6, size/float64(n),
			time.Duration(fin*float64(time.Second)).Round(time.Millisecond),
			float64(n)/total, float64(n)/loop/zapRate)
	}
	first := true
	for _, t := range []struct {
		name, what string
		target     float64
	}{
		{"loggerjs", "File's defaults: a 256 KiB buffer", 0.8},
		{"loggerjs-buffered", fmt.Sprintf("BufferSize %d KiB, as zap's buffer: like for like", bufSize>>10), 1.3},
		{"loggerjs-async", fmt.Sprintf("Async over File with BufferSize %d KiB", bufSize>>10), 1.3},
	} {
		ratio := rate(t.name) / zapRate
		if math.IsNaN(ratio) {
			continue // this logger or zap did not run
		}
		if first {
			fmt.Println()
			first = false
		}
		verdict := "meets"
		if ratio < t.target {
			verdict = "misses"
		}
		fmt.Printf("Target: %s (%s) at least %.1f× zap's BufferedWriteSyncer records/s: %.2f× (%s).\n", t.name, t.what, t.target, ratio, verdict)
	}
}

func median(rs []result, f func(result) float64) float64 {
	if len(rs) == 0 {
		return math.NaN()
	}
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
