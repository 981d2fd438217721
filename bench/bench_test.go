package bench

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// Benchmark names are Benchmark<scenario>/out=<destination>/logger=<name>,
// so that benchstat can put loggers or destinations side by side
// (benchstat -col /logger). The destinations are io.Discard and a
// bytes.Buffer reset before every record.

func BenchmarkS1(b *testing.B) { benchSerial(b, func(s Subject) func() { return s.S1 }) }
func BenchmarkS2(b *testing.B) { benchSerial(b, func(s Subject) func() { return s.S2 }) }
func BenchmarkS3(b *testing.B) { benchSerial(b, func(s Subject) func() { return s.S3 }) }
func BenchmarkS4(b *testing.B) { benchSerial(b, func(s Subject) func() { return s.S4 }) }
func BenchmarkS5(b *testing.B) { benchSerial(b, func(s Subject) func() { return s.S5 }) }

// BenchmarkS6 logs S3 records into two sinks.
func BenchmarkS6(b *testing.B) { benchTwoSinks(b, FanoutSubjects) }

// BenchmarkS7 logs S3 records through Redact, Sample and Enrich into two
// sinks.
func BenchmarkS7(b *testing.B) { benchTwoSinks(b, MiddlewareSubjects) }

// benchTwoSinks runs S3 for loggers that write to two destinations.
func benchTwoSinks(b *testing.B, subjectsOf func(w1, w2 io.Writer) ([]Subject, error)) {
	for _, out := range []string{"discard", "buffer"} {
		var w1, w2 io.Writer = io.Discard, io.Discard
		var buf1, buf2 *bytes.Buffer
		if out == "buffer" {
			buf1, buf2 = new(bytes.Buffer), new(bytes.Buffer)
			w1, w2 = buf1, buf2
		}
		subjects, err := subjectsOf(w1, w2)
		if err != nil {
			b.Fatal(err)
		}
		subjects = append(subjects, FloorSubject())
		for _, s := range subjects {
			f := s.S3
			b.Run("out="+out+"/logger="+s.Name, func(b *testing.B) {
				b.ReportAllocs()
				if buf1 == nil {
					for b.Loop() {
						f()
					}
					return
				}
				for b.Loop() {
					buf1.Reset()
					buf2.Reset()
					f()
				}
			})
		}
	}
}

// BenchmarkS3Parallel logs S3 records to io.Discard from GOMAXPROCS
// goroutines, with GOMAXPROCS 1 and then 2. Throughput on n cores is
// 1/(ns/op) of cores=n.
func BenchmarkS3Parallel(b *testing.B) {
	subjects, err := Subjects(io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	subjects = append(subjects, OTelSubject(DiscardExporter{}), FloorSubject())
	for _, cores := range []int{1, 2} {
		for _, s := range subjects {
			f := s.S3
			b.Run(fmt.Sprintf("cores=%d/logger=%s", cores, s.Name), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cores))
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						f()
					}
				})
			})
		}
	}
}

// benchSerial runs one scenario, picked from each Subject, for every
// logger over io.Discard and over a reset buffer. otelslog, which writes
// no JSON, runs over io.Discard only (its exporter drops every record).
func benchSerial(b *testing.B, scenario func(Subject) func()) {
	for _, out := range []string{"discard", "buffer"} {
		var w io.Writer = io.Discard
		var buf *bytes.Buffer
		if out == "buffer" {
			buf = new(bytes.Buffer)
			w = buf
		}
		subjects, err := Subjects(w)
		if err != nil {
			b.Fatal(err)
		}
		if buf == nil {
			subjects = append(subjects, OTelSubject(DiscardExporter{}))
		}
		subjects = append(subjects, FloorSubject())
		for _, s := range subjects {
			f := scenario(s)
			if f == nil {
				continue
			}
			b.Run("out="+out+"/logger="+s.Name, func(b *testing.B) {
				b.ReportAllocs()
				if buf == nil {
					for b.Loop() {
						f()
					}
					return
				}
				for b.Loop() {
					buf.Reset()
					f()
				}
			})
		}
	}
}
