package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// benchNames returns the names of the benchmarks in the output of a test
// binary run with -test.bench, in the order they ran, each once.
func benchNames(out []byte) []string {
	var names []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil || seen[f[0]] {
			continue
		}
		seen[f[0]] = true
		names = append(names, f[0])
	}
	return names
}

// benchPattern returns the -test.bench pattern that matches the
// benchmark name and nothing else: each level of the name, quoted and
// anchored.
func benchPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// iterations returns the iteration count the benchmark named name
// reports in a test binary's output.
func iterations(out []byte, name string) (int, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == name {
			return strconv.Atoi(f[1])
		}
	}
	return 0, fmt.Errorf("no result line for %s", name)
}

// collectedRE matches callgrind's summary of the instructions it
// counted: "==1234== Collected : 187830257".
var collectedRE = regexp.MustCompile(`(?m)^==\d+== Collected : (\d+)\s*$`)

// collected returns the instruction count of callgrind's summary on
// standard error. The output of one process has exactly one.
func collected(stderr []byte) (int64, error) {
	m := collectedRE.FindAllSubmatch(stderr, -1)
	switch len(m) {
	case 0:
		return 0, errors.New(`no "Collected" line in callgrind's output`)
	case 1:
		return strconv.ParseInt(string(m[0][1]), 10, 64)
	}
	return 0, fmt.Errorf(`%d "Collected" lines in callgrind's output, want 1`, len(m))
}

// perRecord returns the instructions per record of a benchmark that
// counted c1 instructions for n1 records and c2 for n2: what the process
// spends around the records cancels.
func perRecord(c1, c2 int64, n1, n2 int) float64 {
	return float64(c2-c1) / float64(n2-n1)
}

// thousands writes v rounded to an integer, with commas between
// thousands: 17070.7 is "17,071".
func thousands(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
