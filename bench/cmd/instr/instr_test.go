package main

import (
	"math"
	"regexp"
	"strings"
	"testing"
)

// callgrindStderr is what valgrind writes on standard error around a Go
// benchmark, the x/sys/cpu warning about the GODEBUG setting included.
const callgrindStderr = `==10624== Callgrind, a call-graph generating cache profiler
==10624== Copyright (C) 2002-2017, and GNU GPL'd, by Josef Weidendorfer et al.
==10624== Using Valgrind-3.19.0 and LibVEX; rerun with -h for copyright info
==10624== Command: ./bench.test -test.run ^$ -test.bench ^BenchmarkS3$/^out=discard$/^logger=loggerjs$ -test.benchtime 10000x -test.cpu 1
==10624== 
==10624== For interactive control, run 'callgrind_control -h'.
GODEBUG sys/cpu: unknown cpu feature "rdtscp"
==10624== 
==10624== Events    : Ir
==10624== Collected : 187830257
==10624== 
==10624== I   refs:      187,830,257
`

const benchStdout = `goos: linux
goarch: amd64
pkg: github.com/loggerjs/loggerjs/bench
cpu: Intel(R) Core(TM) i7-4910MQ CPU @ 2.90GHz
BenchmarkS3/out=discard/logger=loggerjs         	   10000	    221232 ns/op	     312 B/op	       3 allocs/op
BenchmarkS3/out=discard/logger=loggerjs-NoRedaction         	   10000	    1232 ns/op	     312 B/op	       3 allocs/op
PASS
`

func TestCollected(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stderr  string
		want    int64
		wantErr string
	}{
		{name: "summary", stderr: callgrindStderr, want: 187830257},
		{name: "no summary", stderr: "SIGILL: illegal instruction\n", wantErr: "no \"Collected\""},
		{name: "two summaries", stderr: callgrindStderr + callgrindStderr, wantErr: "2 \"Collected\" lines"},
		{name: "only the formatted total", stderr: "==1== I   refs:      187,830,257\n", wantErr: "no \"Collected\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := collected([]byte(tc.stderr))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("collected = %d, %v; want an error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("collected = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestIterations(t *testing.T) {
	n, err := iterations([]byte(benchStdout), "BenchmarkS3/out=discard/logger=loggerjs-NoRedaction")
	if err != nil || n != 10000 {
		t.Errorf("iterations = %d, %v; want 10000", n, err)
	}
	if n, err := iterations([]byte(benchStdout), "BenchmarkS3/out=discard/logger=zap"); err == nil {
		t.Errorf("iterations of an absent benchmark = %d, nil; want an error", n)
	}
}

func TestBenchNames(t *testing.T) {
	out := benchStdout + `BenchmarkS3/out=buffer/logger=loggerjs  	       1	     63941 ns/op
BenchmarkCodecs/codec=JSON 	       1	     6394 ns/op
BenchmarkS3/out=discard/logger=loggerjs         	   1	    221232 ns/op
--- FAIL: BenchmarkS9
ok  	github.com/loggerjs/loggerjs/bench	0.352s
`
	got := benchNames([]byte(out))
	want := []string{
		"BenchmarkS3/out=discard/logger=loggerjs",
		"BenchmarkS3/out=discard/logger=loggerjs-NoRedaction",
		"BenchmarkS3/out=buffer/logger=loggerjs",
		"BenchmarkCodecs/codec=JSON",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("benchNames =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var kept []string
	for _, name := range got {
		if measured(name) {
			kept = append(kept, name)
		}
	}
	if len(kept) != 3 || kept[2] != "BenchmarkCodecs/codec=JSON" {
		t.Errorf("measured kept %q; want the out=discard and codec benchmarks", kept)
	}
}

// TestBenchPattern checks that the pattern of a name matches that name,
// level by level as go test does, and not the names it is a prefix of.
func TestBenchPattern(t *testing.T) {
	p := benchPattern("BenchmarkS3/out=discard/logger=loggerjs")
	if p != `^BenchmarkS3$/^out=discard$/^logger=loggerjs$` {
		t.Errorf("benchPattern = %q", p)
	}
	matches := func(pattern, name string) bool {
		pp, nn := strings.Split(pattern, "/"), strings.Split(name, "/")
		if len(pp) != len(nn) {
			return false
		}
		for i := range pp {
			if !regexp.MustCompile(pp[i]).MatchString(nn[i]) {
				return false
			}
		}
		return true
	}
	for name, want := range map[string]bool{
		"BenchmarkS3/out=discard/logger=loggerjs":             true,
		"BenchmarkS3/out=discard/logger=loggerjs-NoRedaction": false,
		"BenchmarkS3Parallel/out=discard/logger=loggerjs":     false,
		"BenchmarkS3/out=buffer/logger=loggerjs":              false,
	} {
		if got := matches(p, name); got != want {
			t.Errorf("pattern %q matches %s: %v, want %v", p, name, got, want)
		}
	}
	if p := benchPattern("BenchmarkCodecs/codec=a.b+c"); p != `^BenchmarkCodecs$/^codec=a\.b\+c$` {
		t.Errorf("benchPattern quotes = %q", p)
	}
}

func TestPerRecord(t *testing.T) {
	// The short run's 9,217,749 instructions of setup are in both runs.
	c1 := int64(9217749 + 5000*17071)
	c2 := int64(9217749 + 25000*17071)
	if got := perRecord(c1, c2, 5000, 25000); got != 17071 {
		t.Errorf("perRecord = %v, want 17071", got)
	}
	if got := perRecord(100, 150, 10, 30); got != 2.5 {
		t.Errorf("perRecord = %v, want 2.5", got)
	}
}

func TestThousands(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", 7.4: "7", 999: "999", 1000: "1,000", 17070.7: "17,071",
		1234567: "1,234,567", -4321: "-4,321", math.NaN(): "—",
	} {
		if got := thousands(v); got != want {
			t.Errorf("thousands(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		v    []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tc.v); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.v, got, tc.want)
		}
	}
	if !math.IsNaN(median(nil)) {
		t.Error("median(nil) is not NaN")
	}
}

func TestWriteReport(t *testing.T) {
	one := func(v float64) []float64 { return []float64{v} }
	r := report{
		Header: "Instructions per record (callgrind): `abc1234`.",
		Names: []string{
			"BenchmarkS2/out=discard/logger=loggerjs",
			"BenchmarkS2/out=discard/logger=phuslu-slog",
			"BenchmarkS2/out=discard/logger=floor",
			"BenchmarkS3/out=discard/logger=loggerjs",
			"BenchmarkS3/out=discard/logger=loggerjs-NoRedaction",
			"BenchmarkS3/out=discard/logger=phuslu-slog",
			"BenchmarkS3/out=discard/logger=otelslog",
			"BenchmarkS3/out=discard/logger=floor",
			"BenchmarkS4/out=discard/logger=loggerjs",
			"BenchmarkS6/out=discard/logger=loggerjs",
			"BenchmarkS6/out=discard/logger=zapTee",
			"BenchmarkCodecs/codec=JSON",
			"BenchmarkCodecs/codec=Logfmt",
			"BenchmarkBreakdown/codec-json",
		},
		Samples: map[string][]float64{
			"BenchmarkS2/out=discard/logger=loggerjs":             one(4000),
			"BenchmarkS2/out=discard/logger=phuslu-slog":          one(3200),
			"BenchmarkS2/out=discard/logger=floor":                one(1000),
			"BenchmarkS3/out=discard/logger=loggerjs":             {17100, 17000, 17071},
			"BenchmarkS3/out=discard/logger=loggerjs-NoRedaction": one(15000),
			"BenchmarkS3/out=discard/logger=phuslu-slog":          one(12500),
			"BenchmarkS3/out=discard/logger=otelslog":             one(40000.4),
			"BenchmarkS3/out=discard/logger=floor":                one(5000),
			"BenchmarkS4/out=discard/logger=loggerjs":             one(4800),
			"BenchmarkS6/out=discard/logger=loggerjs":             one(25606.5),
			"BenchmarkS6/out=discard/logger=zapTee":               one(30000),
			"BenchmarkCodecs/codec=JSON":                          one(17000),
			"BenchmarkCodecs/codec=Logfmt":                        one(15300),
			"BenchmarkBreakdown/codec-json":                       one(7577),
		},
	}
	var b strings.Builder
	writeReport(&b, r)
	want := "Instructions per record (callgrind): `abc1234`.\n" + `
| scenario | loggerjs | phuslu-slog | loggerjs-NoRedaction | otelslog | zapTee | floor | loggerjs ÷ phuslu-slog | loggerjs-NoRedaction ÷ phuslu-slog | loggerjs ÷ loggerjs in S2 (S4), S3 (S6, S7) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| S2 | 4,000 | 3,200 | | | | 1,000 | 1.25× | | |
| S3 | 17,071 | 12,500 | 15,000 | 40,000 | | 5,000 | 1.37× | 1.20× | |
| S4 | 4,800 | | | | | | | | 1.20× |
| S6 | 25,607 | | | | 30,000 | | | | 1.50× |

| codec (S3's record, loggerjs, io.Discard) | instructions per record | ÷ JSON |
|---|---:|---:|
| JSON | 17,000 | 1.00× |
| Logfmt | 15,300 | 0.90× |

| benchmark | instructions per record |
|---|---:|
| BenchmarkBreakdown/codec-json | 7,577 |

| benchmark | measurements | median | min | max | (max − min) ÷ median |
|---|---:|---:|---:|---:|---:|
| BenchmarkS3/out=discard/logger=loggerjs | 3 | 17,071 | 17,000 | 17,100 | 0.59% |
`
	if got := b.String(); got != want {
		t.Errorf("writeReport wrote\n%s\nwant\n%s", got, want)
	}
}

// TestWriteReportSubset checks that a filtered run shows only the tables
// and ratio columns it has values for.
func TestWriteReportSubset(t *testing.T) {
	var b strings.Builder
	writeReport(&b, report{
		Names:   []string{"BenchmarkS3/out=discard/logger=zap"},
		Samples: map[string][]float64{"BenchmarkS3/out=discard/logger=zap": {16782}},
	})
	want := `
| scenario | zap |
|---|---:|
| S3 | 16,782 |
`
	if got := b.String(); got != want {
		t.Errorf("writeReport wrote\n%s\nwant\n%s", got, want)
	}
}
