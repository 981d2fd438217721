// Command instr counts the instructions each logger of the bench module
// spends per record, in every scenario over io.Discard and for every
// codec, with valgrind's callgrind, and prints them as Markdown tables.
// Instruction counts do not move with the load of a shared machine, so
// they show differences that timings there cannot.
//
// It builds the bench module's test binary once (without cgo), lists the
// sub-benchmarks of BenchmarkS1…S7 (out=discard only) and
// BenchmarkCodecs, and runs each under callgrind twice, for -n1 and -n2
// records, with GOGC=off and asynchronous preemption off. The difference
// of the two counts over the difference of the two lengths is the count
// per record: setup, the benchmark harness and the process's start and
// exit cancel. The runs go -j at a time.
//
// Run it from the bench module (`make bench-instr` at the repository
// root does):
//
//	go run ./cmd/instr
//	go run ./cmd/instr -filter 'S3/.*/logger=loggerjs$' -count 3
//	go run ./cmd/instr -bench '^BenchmarkBreakdown$'
//
// With -count above 1 every benchmark is measured that many times; the
// tables give the median, and a further table the spread of each.
//
// With the defaults (runs of 2,000 and 12,000 records, two at a time)
// the 71 benchmarks take about 9 minutes on 2 busy cores, most of it
// valgrind's start-up of each of the 142 runs; a count repeats within
// about half a percent. Longer runs (-n2) narrow that further.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// benchPackage is the package whose benchmarks are measured.
const benchPackage = "github.com/loggerjs/loggerjs/bench"

func main() {
	n1 := flag.Int("n1", 2000, "records in the shorter run of each benchmark")
	n2 := flag.Int("n2", 12000, "records in the longer run of each benchmark")
	jobs := flag.Int("j", 2, "callgrind runs at once")
	count := flag.Int("count", 1, "measurements of each benchmark; the tables give the median")
	benchRE := flag.String("bench", `^Benchmark(S[1-7]|Codecs)$`, "top-level benchmarks to list, as for go test -bench")
	filter := flag.String("filter", "", "measure only benchmarks whose full name matches this regexp")
	out := flag.String("o", "", "also write the Markdown to this file")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: instr [flags]\n\nRun it in the bench module. Flags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 || *n1 < 1 || *n2 <= *n1 || *jobs < 1 || *count < 1 {
		flag.Usage()
		os.Exit(2)
	}
	var keep *regexp.Regexp
	if *filter != "" {
		re, err := regexp.Compile(*filter)
		if err != nil {
			fail(fmt.Errorf("-filter: %v", err))
		}
		keep = re
	}
	if _, err := exec.LookPath("valgrind"); err != nil {
		fail(errors.New("valgrind not found in PATH"))
	}

	start := time.Now()
	dir, err := os.MkdirTemp("", "instr")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bench.test")
	logf("building %s without cgo", benchPackage)
	build := exec.Command("go", "test", "-c", "-o", bin, benchPackage)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fail(fmt.Errorf("go test -c: %v", err))
	}

	list, err := exec.Command(bin, "-test.run", "^$", "-test.bench", *benchRE,
		"-test.benchtime", "1x", "-test.cpu", "1").Output()
	if err != nil {
		fail(fmt.Errorf("listing benchmarks: %v\n%s", err, list))
	}
	var names []string
	for _, name := range benchNames(list) {
		if measured(name) && (keep == nil || keep.MatchString(name)) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		fail(errors.New("no benchmark matches -bench and -filter"))
	}

	m := measurer{bin: bin, n1: *n1, n2: *n2}
	logf("%d benchmarks × %d measurements × 2 runs under callgrind (%d and %d records), %d at a time",
		len(names), *count, *n1, *n2, *jobs)
	counts, err := m.measureAll(names, *count, *jobs)
	if err != nil {
		fail(err)
	}
	samples := map[string][]float64{}
	for _, name := range names {
		for i := range *count {
			c := counts[runKey{name, i}]
			samples[name] = append(samples[name], perRecord(c[0], c[1], *n1, *n2))
		}
	}

	var md bytes.Buffer
	writeReport(&md, report{
		Header:  header(*n1, *n2, *count),
		Names:   names,
		Samples: samples,
	})
	os.Stdout.Write(md.Bytes())
	if *out != "" {
		if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
			fail(err)
		}
		if err := os.WriteFile(*out, md.Bytes(), 0o644); err != nil {
			fail(err)
		}
	}
	logf("done in %s", time.Since(start).Round(time.Second))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "instr:", err)
	os.Exit(1)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "instr: "+format+"\n", args...)
}

// measured reports whether a listed benchmark is one to measure: the
// benchmarks over a reset bytes.Buffer are left out, since the buffer's
// Reset is not the logger's work and io.Discard already shows the
// differences between loggers.
func measured(name string) bool {
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, "out=") && part != "out=discard" {
			return false
		}
	}
	return true
}

// header describes the measurement: commit, toolchain, valgrind, the two
// run lengths.
func header(n1, n2, count int) string {
	commit := "unknown commit"
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		commit = "`" + strings.TrimSpace(string(out)) + "`"
		if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
			commit += " with uncommitted changes"
		}
	}
	goVersion := "go"
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil {
		goVersion = strings.TrimSpace(string(out))
	}
	vg := "valgrind"
	if out, err := exec.Command("valgrind", "--version").Output(); err == nil {
		vg = strings.TrimSpace(string(out))
	}
	s := fmt.Sprintf("Instructions per record (callgrind): %s, %s, %s; runs of %d and %d records, GOGC=off",
		commit, goVersion, vg, n1, n2)
	if count > 1 {
		s += fmt.Sprintf(", median of %d measurements", count)
	}
	return s + "."
}

// A runKey names one measurement of one benchmark.
type runKey struct {
	name string
	rep  int
}

// measurer runs benchmarks of one test binary under callgrind.
type measurer struct {
	bin    string
	n1, n2 int
}

// measureAll measures every benchmark count times, jobs runs at a time,
// and returns the instruction counts of the short and the long run of
// each measurement.
func (m measurer) measureAll(names []string, count, jobs int) (map[runKey][2]int64, error) {
	type job struct {
		key  runKey
		long bool
	}
	var todo []job
	for rep := range count {
		for _, name := range names {
			todo = append(todo, job{runKey{name, rep}, false}, job{runKey{name, rep}, true})
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		mu     sync.Mutex
		counts = map[runKey][2]int64{}
		done   int
		first  error
		wg     sync.WaitGroup
		queue  = make(chan job)
	)
	for range jobs {
		wg.Go(func() {
			for j := range queue {
				n := m.n1
				if j.long {
					n = m.n2
				}
				t0 := time.Now()
				c, err := m.run(ctx, j.key.name, n)
				mu.Lock()
				done++
				if err != nil && first == nil {
					first = err
					cancel()
				}
				if err == nil {
					v := counts[j.key]
					v[btoi(j.long)] = c
					counts[j.key] = v
					logf("[%d/%d] %s %dx: %s instructions in %s", done, len(todo), j.key.name, n,
						thousands(float64(c)), time.Since(t0).Round(100*time.Millisecond))
				}
				mu.Unlock()
			}
		})
	}
	for _, j := range todo {
		if ctx.Err() != nil {
			break
		}
		queue <- j
	}
	close(queue)
	wg.Wait()
	return counts, first
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// attempts is how many times a run that fails is tried.
const attempts = 3

// run runs one benchmark for n records under callgrind and returns the
// instructions counted, trying again if the run fails.
func (m measurer) run(ctx context.Context, name string, n int) (int64, error) {
	var err error
	for range attempts {
		var c int64
		if c, err = m.runOnce(ctx, name, n); err == nil || ctx.Err() != nil {
			return c, err
		}
		logf("%s %dx failed, trying again: %v", name, n, err)
	}
	return 0, err
}

func (m measurer) runOnce(ctx context.Context, name string, n int) (int64, error) {
	cmd := exec.CommandContext(ctx, "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
		m.bin, "-test.run", "^$", "-test.bench", benchPattern(name),
		"-test.benchtime", fmt.Sprintf("%dx", n), "-test.cpu", "1")
	// Without cgo and asynchronous preemption the Go runtime runs under
	// valgrind. cpu.rdtscp=off: the runtime reads the time stamp counter
	// with RDTSCP when a lock is contended, an instruction valgrind 3.19
	// does not know (the run dies with SIGILL); RDTSC it does.
	cmd.Env = append(os.Environ(), "GOGC=off", "GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	if runErr != nil {
		return 0, fmt.Errorf("%s %dx: %v\n%s", name, n, runErr, tail(stderr.Bytes(), 20))
	}
	if got, err := iterations(stdout.Bytes(), name); err != nil || got != n {
		return 0, fmt.Errorf("%s %dx: the benchmark ran %d records (%v)\n%s", name, n, got, err, tail(stdout.Bytes(), 10))
	}
	return collected(stderr.Bytes())
}

// tail returns the last n lines of b.
func tail(b []byte, n int) []byte {
	lines := bytes.SplitAfter(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return bytes.Join(lines, nil)
}
