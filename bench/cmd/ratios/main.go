// Command ratios reads the output of `go test -bench` over the bench
// module (any number of counts, in any order) and prints, in Markdown,
// the median ns/op and allocs/op of every logger in every scenario, its
// ratio to slog.NewJSONHandler called through LogAttrs in the same run,
// and the targets of issue 6 with the measured value beside each.
//
//	go test -run '^$' -bench . -count 6 | tee raw.txt
//	go run ./cmd/ratios raw.txt
//
// With no file arguments it reads standard input.
package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// baseLogger is the logger every ratio is taken against.
const baseLogger = "slogJSON-LogAttrs"

// slogPeers are the slog handlers loggerjs must beat.
var slogPeers = []string{"slogJSON-LogAttrs", "slogJSON-Info", "zapslog", "phuslu-slog", "otelslog"}

// A key names one benchmark: BenchmarkS3/out=discard/logger=zap is
// {family S3, config out=discard, logger zap}.
type key struct{ family, config, logger string }

type samples struct{ ns, allocs, bytes []float64 }

type results struct {
	m     map[key]*samples
	order []key // first-seen order
}

func main() {
	res := &results{m: map[key]*samples{}}
	if len(os.Args) == 1 {
		if err := res.read(os.Stdin); err != nil {
			fail(err)
		}
	}
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fail(err)
		}
		err = res.read(f)
		f.Close()
		if err != nil {
			fail(err)
		}
	}
	if len(res.m) == 0 {
		fail(fmt.Errorf("no benchmark results in the input"))
	}
	res.printTables(os.Stdout)
	res.printTargets(os.Stdout)
	res.printReference(os.Stdout)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ratios:", err)
	os.Exit(1)
}

// read parses benchmark lines: name, iterations, then value-unit pairs.
func (res *results) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		k, ok := parseName(fields[0])
		if !ok {
			continue
		}
		s := res.m[k]
		if s == nil {
			s = &samples{}
			res.m[k] = s
			res.order = append(res.order, k)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "ns/op":
				s.ns = append(s.ns, v)
			case "allocs/op":
				s.allocs = append(s.allocs, v)
			case "B/op":
				s.bytes = append(s.bytes, v)
			}
		}
	}
	return sc.Err()
}

// parseName splits Benchmark<family>/<k=v>/.../logger=<name>-<procs>.
func parseName(name string) (key, bool) {
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			name = name[:i]
		}
	}
	parts := strings.Split(strings.TrimPrefix(name, "Benchmark"), "/")
	last := parts[len(parts)-1]
	if len(parts) < 2 || !strings.HasPrefix(last, "logger=") {
		return key{}, false
	}
	return key{
		family: parts[0],
		config: strings.Join(parts[1:len(parts)-1], "/"),
		logger: strings.TrimPrefix(last, "logger="),
	}, true
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (res *results) ns(k key) float64 {
	if s := res.m[k]; s != nil {
		return median(s.ns)
	}
	return math.NaN()
}

func (res *results) allocs(k key) float64 {
	if s := res.m[k]; s != nil {
		return median(s.allocs)
	}
	return math.NaN()
}

func (res *results) count(k key) int {
	if s := res.m[k]; s != nil {
		return len(s.ns)
	}
	return 0
}

// base returns the base of k's ratio: slog.JSONHandler through LogAttrs
// in the same scenario and configuration, or in S3 for scenarios it
// takes no part in (S6 and S7, whose ratios are then to one handler
// logging S3 once).
func (res *results) base(k key) (float64, string) {
	b := key{k.family, k.config, baseLogger}
	if _, ok := res.m[b]; ok {
		return res.ns(b), ""
	}
	b.family = "S3"
	if k.family == "S3Parallel" {
		return math.NaN(), ""
	}
	return res.ns(b), " (to S3)"
}

// families returns the scenario families in first-seen order, and for
// each its configurations and loggers in first-seen order.
func (res *results) families() (fams []string, configs, loggers map[string][]string) {
	configs, loggers = map[string][]string{}, map[string][]string{}
	for _, k := range res.order {
		if !slices.Contains(fams, k.family) {
			fams = append(fams, k.family)
		}
		if !slices.Contains(configs[k.family], k.config) {
			configs[k.family] = append(configs[k.family], k.config)
		}
		if !slices.Contains(loggers[k.family], k.logger) {
			loggers[k.family] = append(loggers[k.family], k.logger)
		}
	}
	slices.Sort(fams)
	return fams, configs, loggers
}

func (res *results) printTables(w io.Writer) {
	fams, configs, loggers := res.families()
	runs := 0
	for _, s := range res.m {
		runs = max(runs, len(s.ns))
	}
	fmt.Fprintf(w, "Medians of %d runs per benchmark; × is the ratio of ns/op to %s in the same configuration of the same run.\n", runs, baseLogger)
	for _, fam := range fams {
		fmt.Fprintf(w, "\n### %s\n\n", fam)
		cfgs := configs[fam]
		head, rule := "| logger |", "|---|"
		for _, c := range cfgs {
			head += fmt.Sprintf(" %s ns/op | allocs/op | × |", c)
			rule += "---:|---:|---:|"
		}
		fmt.Fprintln(w, head)
		fmt.Fprintln(w, rule)
		for _, lg := range loggers[fam] {
			row := "| " + lg + " |"
			for _, c := range cfgs {
				k := key{fam, c, lg}
				if res.count(k) == 0 {
					row += " | | |"
					continue
				}
				ns := res.ns(k)
				b, note := res.base(k)
				row += fmt.Sprintf(" %s | %s | %s%s |", fmtNs(ns), fmtNum(res.allocs(k)), fmtRatio(ns/b), note)
			}
			fmt.Fprintln(w, row)
		}
		if fam == "S3Parallel" {
			fmt.Fprintln(w)
			fmt.Fprintln(w, "| logger | 2-core throughput ÷ 1-core |")
			fmt.Fprintln(w, "|---|---:|")
			for _, lg := range loggers[fam] {
				fmt.Fprintf(w, "| %s | %s |\n", lg, fmtRatio(res.scaling(lg)))
			}
		}
	}
}

// scaling is logger lg's throughput on two cores over one, in S3Parallel.
func (res *results) scaling(lg string) float64 {
	return res.ns(key{"S3Parallel", "cores=1", lg}) / res.ns(key{"S3Parallel", "cores=2", lg})
}

func (res *results) printTargets(w io.Writer) {
	fmt.Fprintln(w, "\n### Targets (issue 6)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target | measured (discard; buffer) | verdict |")
	fmt.Fprintln(w, "|---|---|---|")
	outs := []string{"out=discard", "out=buffer"}
	row := func(target string, vals []float64, format func(float64) string, ok func(float64) bool) {
		var parts []string
		verdict := "meets"
		for _, v := range vals {
			parts = append(parts, format(v))
			if math.IsNaN(v) {
				verdict = "not measured"
			} else if !ok(v) && verdict == "meets" {
				verdict = "MISSES"
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", target, strings.Join(parts, "; "), verdict)
	}
	perOut := func(f func(out string) float64) []float64 {
		var v []float64
		for _, o := range outs {
			v = append(v, f(o))
		}
		return v
	}
	for _, fam := range []string{"S2", "S3", "S4", "S5"} {
		row(fam+": loggerjs ≤ 0.45× slogJSON-LogAttrs", perOut(func(o string) float64 {
			k := key{fam, o, "loggerjs"}
			b, _ := res.base(k)
			return res.ns(k) / b
		}), fmtRatio, func(v float64) bool { return v <= 0.45 })
		row(fam+": loggerjs faster than every slog-handler peer (loggerjs ÷ fastest peer)", perOut(func(o string) float64 {
			best := math.Inf(1)
			for _, p := range slogPeers {
				if ns := res.ns(key{fam, o, p}); !math.IsNaN(ns) {
					best = min(best, ns)
				}
			}
			return res.ns(key{fam, o, "loggerjs"}) / best
		}), fmtRatio, func(v float64) bool { return v < 1 })
	}
	row("S4 ≤ 1.3× S2 (loggerjs)", perOut(func(o string) float64 {
		return res.ns(key{"S4", o, "loggerjs"}) / res.ns(key{"S2", o, "loggerjs"})
	}), fmtRatio, func(v float64) bool { return v <= 1.3 })
	row("S6 ≤ 1.15× S3 (loggerjs, two sinks sharing a codec)", perOut(func(o string) float64 {
		return res.ns(key{"S6", o, "loggerjs"}) / res.ns(key{"S3", o, "loggerjs"})
	}), fmtRatio, func(v float64) bool { return v <= 1.15 })
	row("S7 ≤ 1 µs per record (loggerjs)", perOut(func(o string) float64 {
		return res.ns(key{"S7", o, "loggerjs"})
	}), func(v float64) string { return fmtNs(v) + " ns" }, func(v float64) bool { return v <= 1000 })
	row("Parallel S3: 2-core ≥ 1.8× 1-core throughput (loggerjs; discard only)",
		[]float64{res.scaling("loggerjs")}, fmtRatio, func(v float64) bool { return v >= 1.8 })
	for _, fam := range []string{"S1", "S2", "S3", "S4", "S5", "S6", "S7"} {
		row(fam+": loggerjs allocs/op − do-nothing handler's allocs/op ≤ 0", perOut(func(o string) float64 {
			return res.allocs(key{fam, o, "loggerjs"}) - res.allocs(key{fam, o, "floor"})
		}), fmtNum, func(v float64) bool { return v <= 0 })
	}
	fmt.Fprintln(w, "\nThe file target (≥ 1.3× zap's BufferedWriteSyncer records/s) is in filebench's output.")
}

func fmtNs(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func fmtNum(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func fmtRatio(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + "×"
}

// printReference sets the peers of this run beside the figures issue 6
// gives for its machine, so that a reader can tell how far this machine
// and this run differ from that one.
func (res *results) printReference(w io.Writer) {
	fmt.Fprintln(w, "\n### Peers against the figures in issue 6 (out=discard)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| measure | issue 6 | this run |")
	fmt.Fprintln(w, "|---|---:|---:|")
	d := "out=discard"
	ratio := func(fam, lg string) float64 {
		return res.ns(key{fam, d, lg}) / res.ns(key{fam, d, baseLogger})
	}
	fmt.Fprintf(w, "| S3 slogJSON-LogAttrs ns/op | 2950 | %s |\n", fmtNs(res.ns(key{"S3", d, baseLogger})))
	for _, p := range []struct {
		lg  string
		ref float64
	}{{"zapslog", 1.15}, {"phuslu-slog", 0.62}, {"zap", 0.67}, {"zerolog", 0.28}, {"floor", 0.22}} {
		fmt.Fprintf(w, "| S3 %s × | %.2f× | %s |\n", p.lg, p.ref, fmtRatio(ratio("S3", p.lg)))
	}
	fmt.Fprintf(w, "| S2 floor × | 0.37× | %s |\n", fmtRatio(ratio("S2", "floor")))
	fmt.Fprintf(w, "| S4 floor × | 0.37× | %s |\n", fmtRatio(ratio("S4", "floor")))
	for _, lg := range []string{"slogMultiHandler", "slogmultiFanout"} {
		fmt.Fprintf(w, "| S6 %s ÷ S3 slogJSON-LogAttrs | 1.6–1.7× | %s |\n", lg,
			fmtRatio(res.ns(key{"S6", d, lg})/res.ns(key{"S3", d, baseLogger})))
	}
	fmt.Fprintf(w, "| S3 parallel scaling, slogJSON-LogAttrs | 1.22× | %s |\n", fmtRatio(res.scaling(baseLogger)))
}
