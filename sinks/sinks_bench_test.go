package sinks

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"
)

// The enqueue benchmarks measure what the logging goroutine pays: encode
// the 10-attr record with the JSON codec and queue the bytes. Delivery
// runs on the sink's own goroutines.

func BenchmarkAsyncEnqueue(b *testing.B) {
	s := Async(Writer(io.Discard, jsonCodec), &AsyncOptions{QueueSize: 1 << 16, Policy: DropNewest})
	r := rec10(1)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.Write(ctx, r)
	}
	b.StopTimer()
	s.Close(ctx)
	reportDropped(b, s.SinkStats())
}

func BenchmarkAsyncEnqueueParallel(b *testing.B) {
	s := Async(Writer(io.Discard, jsonCodec), &AsyncOptions{QueueSize: 1 << 16, Policy: DropNewest})
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rec10(1)
		for pb.Next() {
			s.Write(ctx, r)
		}
	})
	b.StopTimer()
	s.Close(ctx)
	reportDropped(b, s.SinkStats())
}

func BenchmarkBatchEnqueue(b *testing.B) {
	s := Batch(ShipperFunc(func(context.Context, []Entry) error { return nil }),
		&BatchOptions{MaxRecords: 512, QueueSize: 1 << 16, Policy: DropNewest, MaxWait: time.Second})
	r := rec10(1)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.Write(ctx, r)
	}
	b.StopTimer()
	s.Close(ctx)
	reportDropped(b, s.SinkStats())
}

func reportDropped(b *testing.B, st map[string]int64) {
	b.ReportMetric(float64(dropped(st))/float64(b.N), "dropped/op")
}

// BenchmarkFileThroughput writes 10-attr records to a file on the
// calling goroutine. Run it with -benchtime=1000000x for the figure in
// the package notes: records/s, and MB/s from SetBytes.
func BenchmarkFileThroughput(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts *FileOptions
	}{
		{"plain", nil},
		{"rotate-64MiB", &FileOptions{MaxSize: 64 << 20}},
		{"pathcheck-1s", &FileOptions{PathCheckEvery: time.Second}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s, err := File(filepath.Join(b.TempDir(), "bench.log"), tc.opts)
			if err != nil {
				b.Fatal(err)
			}
			r := rec10(1)
			ctx := context.Background()
			b.SetBytes(int64(len(jsonCodec.Append(nil, r))))
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				if err := s.Write(ctx, r); err != nil {
					b.Fatal(err)
				}
			}
			if err := s.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
			b.StopTimer()
			s.Close(ctx)
		})
	}
}

// BenchmarkAsyncFile is File behind Async: the caller encodes and queues,
// the worker writes.
func BenchmarkAsyncFile(b *testing.B) {
	f, err := File(filepath.Join(b.TempDir(), "bench.log"), nil)
	if err != nil {
		b.Fatal(err)
	}
	s := Async(f, &AsyncOptions{Policy: Block, BlockTimeout: time.Second})
	r := rec10(1)
	ctx := context.Background()
	b.SetBytes(int64(len(jsonCodec.Append(nil, r))))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		s.Write(ctx, r)
	}
	if err := s.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
	b.StopTimer()
	s.Close(ctx)
	reportDropped(b, s.SinkStats())
}

// BenchmarkEncodeOnly is the JSON encoding the enqueue benchmarks include,
// for reference: what queueing adds is the difference.
func BenchmarkEncodeOnly(b *testing.B) {
	r := rec10(1)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for range b.N {
		buf = jsonCodec.Append(buf[:0], r)
	}
}
