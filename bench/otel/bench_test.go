package otel

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutlog"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/bridges/otelbridge"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
	"github.com/loggerjs/loggerjs/sinks/remote"
)

var (
	errPayload  = errors.New("connection reset by peer")
	payloadTime = time.Date(2026, 11, 21, 12, 0, 0, 123456789, time.UTC)
	ctx         = context.Background()
)

type user struct {
	ID   int
	Name string
}

func (u user) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("id", u.ID), slog.String("name", u.Name))
}

// logTen logs the ten-attr record of the bench module's S3 scenario.
func logTen(l *slog.Logger) { logTenN(l, 42) }

// logTenN logs it with i as its int, so that records differ as they do
// in real traffic (which matters to gzip).
func logTenN(l *slog.Logger, i int) {
	l.LogAttrs(ctx, slog.LevelInfo, "msg",
		slog.Int("int", i),
		slog.Int64("int64", 1<<40),
		slog.Float64("float", 3.14159),
		slog.String("string", "hello world"),
		slog.Bool("bool", true),
		slog.Time("created", payloadTime),
		slog.Any("error", errPayload),
		slog.Duration("duration", 1500*time.Millisecond),
		slog.Any("user", user{7, "ada"}),
		slog.String("path", "/api/v1/items"),
	)
}

// noopExporter drops every record.
type noopExporter struct{}

func (noopExporter) Export(context.Context, []sdklog.Record) error { return nil }
func (noopExporter) Shutdown(context.Context) error                { return nil }
func (noopExporter) ForceFlush(context.Context) error              { return nil }

func stdoutExporter(b testing.TB) sdklog.Exporter {
	exp, err := stdoutlog.New(stdoutlog.WithWriter(io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	return exp
}

// tree returns a logger over a loggerjs handler tree with one sink.
func tree(b testing.TB, sink loggerjs.Sink) (*slog.Logger, func()) {
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks:   map[string]loggerjs.Sink{"out": sink},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"out"}}},
	})
	if err != nil {
		b.Fatal(err)
	}
	return slog.New(h).With(loggerjs.Category("bench")), func() { h.Close(context.Background()) }
}

func bridge(b testing.TB, p *sdklog.LoggerProvider) *otelbridge.Sink {
	s, err := otelbridge.New(otelbridge.Options{Provider: p, ProviderFlush: p.ForceFlush, ProviderClose: p.Shutdown})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func run(b *testing.B, l *slog.Logger) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		logTen(l)
	}
}

// BenchmarkOTel: the cost on the logging goroutine of one ten-attr
// record through each path. "simple" is the SDK's synchronous processor
// (the export runs in the call); "batch" its BatchProcessor (the export
// runs on its goroutine).
func BenchmarkOTel(b *testing.B) {
	b.Run("slog.JSONHandler", func(b *testing.B) {
		run(b, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	})
	for _, ex := range []struct {
		name string
		exp  func(testing.TB) sdklog.Exporter
	}{
		{"noop", func(testing.TB) sdklog.Exporter { return noopExporter{} }},
		{"stdout", stdoutExporter},
	} {
		for _, proc := range []struct {
			name string
			new  func(sdklog.Exporter) sdklog.Processor
		}{
			{"simple", func(e sdklog.Exporter) sdklog.Processor { return sdklog.NewSimpleProcessor(e) }},
			{"batch", func(e sdklog.Exporter) sdklog.Processor { return sdklog.NewBatchProcessor(e) }},
		} {
			b.Run("otelslog/"+proc.name+"/"+ex.name, func(b *testing.B) {
				p := sdklog.NewLoggerProvider(sdklog.WithProcessor(proc.new(ex.exp(b))))
				defer p.Shutdown(context.Background())
				run(b, slog.New(otelslog.NewHandler("bench", otelslog.WithLoggerProvider(p))))
			})
			b.Run("loggerjs+otelbridge/"+proc.name+"/"+ex.name, func(b *testing.B) {
				p := sdklog.NewLoggerProvider(sdklog.WithProcessor(proc.new(ex.exp(b))))
				l, done := tree(b, bridge(b, p))
				defer done()
				run(b, l)
			})
		}
	}
	b.Run("loggerjs+remote.OTLP", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
		}))
		defer srv.Close()
		s, err := remote.OTLP(srv.URL, &remote.OTLPOptions{NoEnv: true, HTTPOptions: remote.HTTPOptions{
			Batch: sinks.BatchOptions{QueueSize: 1 << 16, Policy: sinks.Block, BlockTimeout: time.Second}}})
		if err != nil {
			b.Fatal(err)
		}
		l, done := tree(b, s)
		defer done()
		run(b, l)
	})
	b.Run("loggerjs+OTLPJSON codec", func(b *testing.B) {
		c := codecs.OTLPJSON(nil)
		var buf []byte
		l, done := tree(b, &sinkFunc{func(r *loggerjs.Record) { buf = c.AppendLogRecord(buf[:0], r) }})
		defer done()
		run(b, l)
	})
}

// sinkFunc is a synchronous sink that calls f.
type sinkFunc struct{ f func(r *loggerjs.Record) }

func (s *sinkFunc) Write(_ context.Context, r *loggerjs.Record) error { s.f(r); return nil }
func (*sinkFunc) Flush(context.Context) error                         { return nil }
func (*sinkFunc) Close(context.Context) error                         { return nil }

// wireCounter is a collector stand-in that counts request bytes as sent
// and as decompressed.
type wireCounter struct {
	srv             *httptest.Server
	sent, raw, reqs atomic.Int64
}

func newWireCounter(t testing.TB) *wireCounter {
	c := &wireCounter{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.sent.Add(int64(len(body)))
		c.reqs.Add(1)
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err == nil {
				body, _ = io.ReadAll(zr)
			}
		}
		c.raw.Add(int64(len(body)))
		if r.Header.Get("Content-Type") == "application/json" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, "{}")
		} else {
			w.Header().Set("Content-Type", "application/x-protobuf")
		}
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// TestWireBytes logs the same 512 ten-attr records, in one batch, over
// the plain OTLP/HTTP sink (JSON) and through the SDK bridge over the
// SDK's OTLP/HTTP exporter (protobuf), gzipped and not, and reports the
// bytes per record each sends.
func TestWireBytes(t *testing.T) {
	const n = 512
	report := func(name string, c *wireCounter) {
		t.Logf("%-34s %4d requests, %6.1f bytes/record sent, %6.1f uncompressed", name, c.reqs.Load(),
			float64(c.sent.Load())/n, float64(c.raw.Load())/n)
		if c.raw.Load() == 0 {
			t.Errorf("%s: nothing received", name)
		}
	}
	for _, gz := range []bool{false, true} {
		suffix := " (identity)"
		if gz {
			suffix = " (gzip)"
		}
		c := newWireCounter(t)
		s, err := remote.OTLP(c.srv.URL, &remote.OTLPOptions{NoEnv: true, HTTPOptions: remote.HTTPOptions{NoGzip: !gz,
			Batch: sinks.BatchOptions{MaxRecords: n, MaxWait: time.Hour, QueueSize: 2 * n}}})
		if err != nil {
			t.Fatal(err)
		}
		l, done := tree(t, s)
		for i := range n {
			logTenN(l, i*7919)
		}
		done()
		report("remote.OTLP JSON"+suffix, c)

		c2 := newWireCounter(t)
		opts := []otlploghttp.Option{otlploghttp.WithEndpointURL(c2.srv.URL + "/v1/logs")}
		if gz {
			opts = append(opts, otlploghttp.WithCompression(otlploghttp.GzipCompression))
		}
		exp, err := otlploghttp.New(ctx, opts...)
		if err != nil {
			t.Fatal(err)
		}
		p := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewBatchProcessor(exp,
			sdklog.WithExportMaxBatchSize(n), sdklog.WithExportInterval(time.Hour), sdklog.WithMaxQueueSize(2*n))))
		l2, done2 := tree(t, bridge(t, p))
		for i := range n {
			logTenN(l2, i*7919)
		}
		done2()
		report("otelbridge+otlploghttp protobuf"+suffix, c2)
	}
}
