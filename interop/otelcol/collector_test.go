package otelcol

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// collectorBinary returns the path of the collector collector.sh built,
// or skips the test.
func collectorBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("LOGGERJS_OTELCOL"); p != "" {
		return p
	}
	p, err := filepath.Abs(filepath.Join("bin", "otelcol-loggerjs"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no OpenTelemetry Collector at %s: run interop/otelcol/collector.sh build (3-6 minutes cold) to run the end-to-end tests, or set LOGGERJS_OTELCOL", p)
	}
	return p
}

// collectorConfig is the collector the tests run: the OTLP receiver on
// OTLP/HTTP, the file exporter writing one JSON line per export request
// (before answering, as its rotation block is set).
const collectorConfig = `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${env:LOGGERJS_OTLP_PORT}
exporters:
  file:
    path: ${env:LOGGERJS_OUT_FILE}
    rotation:
      max_megabytes: 512
service:
  telemetry:
    logs:
      level: warn
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [file]
`

// syncBuffer is a bytes.Buffer for the collector's output, which its
// goroutines write while a test may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// collector is a running OpenTelemetry Collector.
type collector struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	out  string // the file exporter's file
	cmd  *exec.Cmd
	log  *syncBuffer

	waitExit chan error // receives the exit of cmd
}

// freePort returns a loopback port nothing listens on.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// newCollector prepares a collector on a free port without starting it.
func newCollector(t testing.TB) *collector {
	t.Helper()
	c := &collector{t: t, bin: collectorBinary(t), dir: t.TempDir(), port: freePort(t)}
	if err := os.MkdirAll(filepath.Join(c.dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	c.out = filepath.Join(c.dir, "out", "logs.jsonl")
	if err := os.WriteFile(filepath.Join(c.dir, "config.yaml"), []byte(collectorConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.stop)
	return c
}

// startCollector starts a collector and waits until it listens.
func startCollector(t testing.TB) *collector {
	c := newCollector(t)
	c.start()
	return c
}

// URL is the collector's OTLP/HTTP base URL.
func (c *collector) URL() string { return fmt.Sprintf("http://127.0.0.1:%d", c.port) }

// start runs the collector and waits (bounded) until its port accepts.
func (c *collector) start() {
	c.t.Helper()
	c.log = &syncBuffer{}
	c.cmd = exec.Command(c.bin, "--config", filepath.Join(c.dir, "config.yaml"))
	c.cmd.Env = append(os.Environ(), "LOGGERJS_OTLP_PORT="+strconv.Itoa(c.port), "LOGGERJS_OUT_FILE="+c.out)
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	if err := c.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- c.cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", c.port), 100*time.Millisecond)
		if err == nil {
			conn.Close()
			c.waitExit = exited
			return
		}
		select {
		case err := <-exited:
			c.cmd = nil
			c.t.Fatalf("the collector exited: %v\n%s", err, c.log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("the collector did not listen within 30s\n%s", c.log)
		}
	}
}

// stop stops the collector, if it runs, and waits for it to exit.
func (c *collector) stop() {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.waitExit:
	case <-time.After(20 * time.Second):
		c.cmd.Process.Kill()
		<-c.waitExit
	}
	c.cmd = nil
}

// requests reads the export requests the collector has written.
func (c *collector) requests() []exportRequest {
	c.t.Helper()
	f, err := os.Open(c.out)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil // nothing written yet, or the output is broken on purpose
	}
	if err != nil {
		c.t.Fatal(err)
	}
	defer f.Close()
	var out []exportRequest
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var req exportRequest
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			c.t.Fatalf("the collector wrote a line that is not an export request: %v\n%s", err, sc.Bytes())
		}
		out = append(out, req)
	}
	return out
}

// waitRecords polls the collector's output until it holds n log records
// (or fails the test after 30s), and returns them.
func (c *collector) waitRecords(n int) []logRecord {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		recs := flatten(c.requests())
		if len(recs) >= n {
			return recs
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("the collector received %d log records, want %d\n%s", len(recs), n, c.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The OTLP/JSON the file exporter writes.

type exportRequest struct {
	ResourceLogs []struct {
		Resource struct {
			Attributes []keyValue `json:"attributes"`
		} `json:"resource"`
		ScopeLogs []struct {
			Scope struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"scope"`
			LogRecords []rawLogRecord `json:"logRecords"`
		} `json:"scopeLogs"`
	} `json:"resourceLogs"`
}

type rawLogRecord struct {
	TimeUnixNano         string     `json:"timeUnixNano"`
	ObservedTimeUnixNano string     `json:"observedTimeUnixNano"`
	SeverityNumber       int        `json:"severityNumber"`
	SeverityText         string     `json:"severityText"`
	Body                 anyValue   `json:"body"`
	Attributes           []keyValue `json:"attributes"`
	Flags                int        `json:"flags"`
	TraceID              string     `json:"traceId"`
	SpanID               string     `json:"spanId"`
}

type keyValue struct {
	Key   string   `json:"key"`
	Value anyValue `json:"value"`
}

type anyValue struct {
	StringValue *string      `json:"stringValue"`
	BoolValue   *bool        `json:"boolValue"`
	IntValue    *json.Number `json:"intValue"`
	DoubleValue *json.Number `json:"doubleValue"`
	BytesValue  *string      `json:"bytesValue"`
	ArrayValue  *struct {
		Values []anyValue `json:"values"`
	} `json:"arrayValue"`
	KvlistValue *struct {
		Values []keyValue `json:"values"`
	} `json:"kvlistValue"`
}

// typed is an OTLP value as a test compares it: its kind and value.
type typed struct {
	Kind  string // string, int, double, bool, bytes, array, kvlist, empty
	Value any    // string, int64, float64, bool, []byte, []typed, []typedKV
}

type typedKV struct {
	Key   string
	Value typed
}

func (v anyValue) typed() typed {
	switch {
	case v.StringValue != nil:
		return typed{"string", *v.StringValue}
	case v.BoolValue != nil:
		return typed{"bool", *v.BoolValue}
	case v.IntValue != nil:
		i, err := strconv.ParseInt(string(*v.IntValue), 10, 64)
		if err != nil {
			return typed{"int", "!" + string(*v.IntValue)}
		}
		return typed{"int", i}
	case v.DoubleValue != nil:
		f, _ := strconv.ParseFloat(string(*v.DoubleValue), 64)
		return typed{"double", f}
	case v.BytesValue != nil:
		b, _ := base64.StdEncoding.DecodeString(*v.BytesValue)
		return typed{"bytes", b}
	case v.ArrayValue != nil:
		var out []typed
		for _, e := range v.ArrayValue.Values {
			out = append(out, e.typed())
		}
		return typed{"array", out}
	case v.KvlistValue != nil:
		var out []typedKV
		for _, kv := range v.KvlistValue.Values {
			out = append(out, typedKV{kv.Key, kv.Value.typed()})
		}
		return typed{"kvlist", out}
	}
	return typed{"empty", nil}
}

// String renders a value compactly, for comparisons and messages:
// strings quoted, kvlists as {k:v}, arrays as [v], bytes as b64:….
func (v typed) String() string {
	switch v.Kind {
	case "string":
		return strconv.Quote(v.Value.(string))
	case "bytes":
		return "b64:" + base64.StdEncoding.EncodeToString(v.Value.([]byte))
	case "array":
		var parts []string
		for _, e := range v.Value.([]typed) {
			parts = append(parts, e.String())
		}
		return "[" + strings.Join(parts, ",") + "]"
	case "kvlist":
		var parts []string
		for _, kv := range v.Value.([]typedKV) {
			parts = append(parts, kv.Key+":"+kv.Value.String())
		}
		return "{" + strings.Join(parts, ",") + "}"
	case "empty":
		return "{}"
	case "double":
		return "double:" + strconv.FormatFloat(v.Value.(float64), 'g', -1, 64)
	}
	return fmt.Sprint(v.Value)
}

// logRecord is one received log record with its resource and scope.
type logRecord struct {
	Resource     map[string]string
	Scope        string
	ScopeVersion string
	rawLogRecord
	Attrs map[string]typed
}

func (r logRecord) Body() string { return r.rawLogRecord.Body.typed().String() }

func flatten(reqs []exportRequest) []logRecord {
	var out []logRecord
	for _, req := range reqs {
		for _, rl := range req.ResourceLogs {
			res := map[string]string{}
			for _, kv := range rl.Resource.Attributes {
				res[kv.Key] = kv.Value.typed().String()
			}
			for _, sl := range rl.ScopeLogs {
				for _, lr := range sl.LogRecords {
					attrs := map[string]typed{}
					for _, kv := range lr.Attributes {
						attrs[kv.Key] = kv.Value.typed()
					}
					out = append(out, logRecord{Resource: res, Scope: sl.Scope.Name, ScopeVersion: sl.Scope.Version, rawLogRecord: lr, Attrs: attrs})
				}
			}
		}
	}
	return out
}
