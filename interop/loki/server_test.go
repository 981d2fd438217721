package loki

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serverBinary returns the path of the VictoriaLogs binary
// victorialogs.sh built. When it is absent the test skips, or fails
// when LOGGERJS_INTEROP_REQUIRED=1.
func serverBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("LOGGERJS_VICTORIALOGS"); p != "" {
		return p
	}
	p, err := filepath.Abs(filepath.Join("bin", "victoria-logs"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		const how = "run interop/loki/victorialogs.sh build (2.5-4 minutes cold) to run the end-to-end tests, or set LOGGERJS_VICTORIALOGS"
		if os.Getenv("LOGGERJS_INTEROP_REQUIRED") == "1" {
			t.Fatalf("no VictoriaLogs at %s and LOGGERJS_INTEROP_REQUIRED=1: %s", p, how)
		}
		t.Skipf("no VictoriaLogs at %s: %s", p, how)
	}
	return p
}

// syncBuffer holds the server's output, which its goroutines write while
// a test may read it.
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

// server is a VictoriaLogs process on a loopback port with a data
// directory of its own.
type server struct {
	t    testing.TB
	bin  string
	data string
	port int
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

// newServer prepares a server on a free port without starting it.
func newServer(t testing.TB) *server {
	t.Helper()
	s := &server{t: t, bin: serverBinary(t), data: t.TempDir(), port: freePort(t)}
	t.Cleanup(s.stop)
	return s
}

// startServer starts a server and waits until it is healthy.
func startServer(t testing.TB) *server {
	s := newServer(t)
	s.start()
	return s
}

// URL is the server's base URL.
func (s *server) URL() string { return fmt.Sprintf("http://127.0.0.1:%d", s.port) }

// PushURL is the server's Loki push endpoint. disable_message_parsing
// keeps each line as it was sent: by default VictoriaLogs splits a JSON
// line into fields of its own (see TestVictoriaLogsSplitsJSONLines).
func (s *server) PushURL() string {
	return s.URL() + "/insert/loki/api/v1/push?disable_message_parsing=1"
}

// start runs the server and polls its /health endpoint until it answers
// OK, failing the test after 30s or if the server exits.
//
// -retentionPeriod=100y keeps the tests' fixed 2026 timestamps: past the
// default 7d retention, VictoriaLogs accepts an entry (204) and drops it
// with a warning in its own log.
func (s *server) start() {
	s.t.Helper()
	s.log = &syncBuffer{}
	s.cmd = exec.Command(s.bin,
		"-httpListenAddr=127.0.0.1:"+strconv.Itoa(s.port),
		"-storageDataPath="+s.data,
		"-retentionPeriod=100y",
		"-loggerLevel=WARN",
	)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(s.URL() + "/health")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && string(body) == "OK" {
				s.waitExit = exited
				return
			}
		}
		select {
		case err := <-exited:
			s.cmd = nil
			s.t.Fatalf("VictoriaLogs exited: %v\n%s", err, s.log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("VictoriaLogs was not healthy within 30s\n%s", s.log)
		}
	}
}

// stop stops the server, if it runs, and waits for it to exit.
func (s *server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.waitExit:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.waitExit
	}
	s.cmd = nil
}

// get sends a GET to the server and returns the body of a 200 answer.
func (s *server) get(path string, query url.Values, header http.Header) []byte {
	s.t.Helper()
	u := s.URL() + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET %s: %s\n%s", path, resp.Status, body)
	}
	return body
}

// query flushes what the server has ingested to its searchable storage
// (/internal/force_flush) and returns every entry the LogsQL query q
// finds for the tenant's AccountID, with the raw answer.
func (s *server) query(q string, accountID int) ([]entry, []byte) {
	s.t.Helper()
	s.get("/internal/force_flush", nil, nil)
	h := http.Header{"Accountid": {strconv.Itoa(accountID)}}
	body := s.get("/select/logsql/query", url.Values{"query": {q}}, h)
	var out []entry
	dec := json.NewDecoder(bytes.NewReader(body))
	for dec.More() {
		e, err := decodeEntry(dec)
		if err != nil {
			s.t.Fatalf("the query answered a line that is not a flat JSON object: %v\n%s", err, body)
		}
		out = append(out, e)
	}
	return out, body
}

// waitEntries queries until q finds at least n entries, failing the test
// after 30s, and returns them with the raw answer.
func (s *server) waitEntries(q string, accountID, n int) ([]entry, []byte) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		es, body := s.query(q, accountID)
		if len(es) >= n {
			return es, body
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("VictoriaLogs holds %d entries for %q, want %d\n%s", len(es), q, n, s.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// entry is one stored log entry as the query API returns it: its fields
// in order, duplicates kept. Every value is a string.
type entry []field

type field struct{ Key, Value string }

// get returns the value of the last field named key.
func (e entry) get(key string) (string, bool) {
	for i := len(e) - 1; i >= 0; i-- {
		if e[i].Key == key {
			return e[i].Value, true
		}
	}
	return "", false
}

func decodeEntry(dec *json.Decoder) (entry, error) {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("want an object, got %v %v", tok, err)
	}
	var e entry
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		v, err := dec.Token()
		if err != nil {
			return nil, err
		}
		ks, ok1 := k.(string)
		vs, ok2 := v.(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("field %v: %v is not a string", k, v)
		}
		e = append(e, field{ks, vs})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return e, nil
}
