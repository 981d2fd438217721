package remote

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
)

// clearOTelEnv unsets every variable OTLP reads, for the test.
func clearOTelEnv(t *testing.T) {
	for _, k := range []string{envEndpoint, envLogsEndpoint, envHeaders, envLogsHeaders, envTimeout, envLogsTimeout,
		envCompression, envLogsCompression, envProtocol, envLogsProtocol, envServiceName, envResourceAttrs} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// TestOTLPEndpointFromEnvironment: the endpoint argument wins; without
// one, the logs variable is used as it is and the general one gets
// v1/logs appended to its path.
func TestOTLPEndpointFromEnvironment(t *testing.T) {
	for _, tc := range []struct {
		name, arg, logs, general, want string
	}{
		{"argument wins", "http://a:4318", "http://b:4318/x", "http://c:4318", "http://a:4318/v1/logs"},
		{"logs variable as is", "", "http://b:4318/custom/path", "http://c:4318", "http://b:4318/custom/path"},
		{"logs variable without path gets /", "", "http://b:4318", "", "http://b:4318/"},
		{"general variable appends v1/logs", "", "", "http://c:4318", "http://c:4318/v1/logs"},
		{"general variable with a path", "", "", "https://c:4318/prefix/", "https://c:4318/prefix/v1/logs"},
		{"default", "", "", "", "http://localhost:4318/v1/logs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearOTelEnv(t)
			if tc.logs != "" {
				t.Setenv(envLogsEndpoint, tc.logs)
			}
			if tc.general != "" {
				t.Setenv(envEndpoint, tc.general)
			}
			s, err := OTLP(tc.arg, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer closeNow(t, s)
			if s.url != tc.want {
				t.Fatalf("endpoint %q, want %q", s.url, tc.want)
			}
		})
	}
	clearOTelEnv(t)
	t.Setenv(envEndpoint, "collector:4318")
	if _, err := OTLP("", nil); err == nil || !strings.Contains(err.Error(), envEndpoint) {
		t.Fatalf("a scheme-less %s: %v, want an error naming it", envEndpoint, err)
	}
}

// TestOTLPEnvironmentErrors: a malformed variable fails the constructor,
// naming the variable.
func TestOTLPEnvironmentErrors(t *testing.T) {
	for _, tc := range []struct{ key, value, want string }{
		{envHeaders, "novalue", envHeaders},
		{envLogsHeaders, "k=%zz", envLogsHeaders},
		{envTimeout, "ten", envTimeout},
		{envLogsCompression, "zstd", envLogsCompression},
		{envProtocol, "grpc", "gRPC"},
		{envResourceAttrs, "a", envResourceAttrs},
	} {
		t.Run(tc.key, func(t *testing.T) {
			clearOTelEnv(t)
			t.Setenv(tc.key, tc.value)
			s, err := OTLP("http://127.0.0.1:4318", nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) || s != nil {
				t.Fatalf("got %v, %v; want an error with %q", s, err, tc.want)
			}
		})
	}
}

// otlpRequest is the part of an ExportLogsServiceRequest the tests read.
type otlpRequest struct {
	ResourceLogs []struct {
		Resource struct {
			Attributes []struct {
				Key   string
				Value struct{ StringValue string }
			}
		}
		ScopeLogs []struct {
			Scope      struct{ Name, Version string }
			LogRecords []struct {
				SeverityText string
				Body         struct{ StringValue string }
			}
		}
	}
}

// capture is a collector that keeps each request's headers and body.
type capture struct {
	mu     sync.Mutex
	heads  []http.Header
	bodies []otlpRequest
}

func (c *capture) collector(t *testing.T) *fakeCollector {
	fc := newFakeCollector(t)
	fc.check = func(r *http.Request, body []byte) {
		var req otlpRequest
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("bad body: %v\n%s", err, body)
		}
		c.mu.Lock()
		c.heads = append(c.heads, r.Header.Clone())
		c.bodies = append(c.bodies, req)
		c.mu.Unlock()
	}
	return fc
}

// TestOTLPEnvironmentApplied: headers (the code's win per key, the logs
// variable over the general one), compression, timeout, service name and
// resource attributes from the environment reach the request.
func TestOTLPEnvironmentApplied(t *testing.T) {
	clearOTelEnv(t)
	t.Setenv(envHeaders, "x-a=general,x-b=general, x-c = %20spaced%2Cvalue ")
	t.Setenv(envLogsHeaders, "x-b=logs")
	t.Setenv(envLogsCompression, "none")
	t.Setenv(envTimeout, "1234")
	t.Setenv(envResourceAttrs, "service.name=from-attrs,deployment.environment.name=prod,host.name=h1")
	t.Setenv(envServiceName, "from-service-name")
	var c capture
	fc := c.collector(t)
	s, err := OTLP(fc.srv.URL, &OTLPOptions{
		HTTPOptions: HTTPOptions{Header: http.Header{"X-A": {"code"}}},
		Resource:    []slog.Attr{slog.String("host.name", "h2")},
	})
	if err != nil {
		t.Fatal(err)
	}
	logN(s, 0, 1)
	closeNow(t, s)
	if len(c.heads) != 1 {
		t.Fatalf("%d requests", len(c.heads))
	}
	h := c.heads[0]
	if h.Get("X-A") != "code" || h.Get("X-B") != "logs" || h.Get("X-C") != " spaced,value" && h.Get("X-C") != "spaced,value" {
		t.Fatalf("headers %v", h)
	}
	if h.Get("Content-Encoding") != "" {
		t.Fatalf("gzipped despite %s=none", envLogsCompression)
	}
	res := map[string]string{}
	for _, a := range c.bodies[0].ResourceLogs[0].Resource.Attributes {
		res[a.Key] = a.Value.StringValue
	}
	want := map[string]string{"service.name": "from-service-name", "deployment.environment.name": "prod", "host.name": "h2"}
	if len(res) != len(want) {
		t.Fatalf("resource %v, want %v", res, want)
	}
	for k, v := range want {
		if res[k] != v {
			t.Fatalf("resource %v, want %v", res, want)
		}
	}
}

// TestOTLPServiceNameDefault: with nothing configured the resource has
// service.name "unknown_service:<executable>", as the SDKs write it.
func TestOTLPServiceNameDefault(t *testing.T) {
	clearOTelEnv(t)
	var c capture
	fc := c.collector(t)
	s := must(OTLP(fc.srv.URL, nil))
	logN(s, 0, 1)
	closeNow(t, s)
	exe, _ := os.Executable()
	attrs := c.bodies[0].ResourceLogs[0].Resource.Attributes
	if len(attrs) != 1 || attrs[0].Key != "service.name" || attrs[0].Value.StringValue != "unknown_service:"+filepath.Base(exe) {
		t.Fatalf("resource %+v", attrs)
	}
}

// TestOTLPOneRequestPerBatch: a batch is one request with one
// ResourceLogs and one ScopeLogs per category, in the order categories
// first appear, with the scope version.
func TestOTLPOneRequestPerBatch(t *testing.T) {
	clearOTelEnv(t)
	var c capture
	fc := c.collector(t)
	s := must(OTLP(fc.srv.URL, &OTLPOptions{ScopeVersion: "v1.2.3", HTTPOptions: HTTPOptions{
		Batch: sinks.BatchOptions{MaxRecords: 100, Clock: newFakeClock()}}}))
	for i, cat := range []string{"app.db", "app.http", "app.db", "", "app.http", "app.db"} {
		sr := slog.NewRecord(time.Unix(int64(i), 0), slog.LevelInfo, "m"+itoa(i), 0)
		r := loggerjs.NewRecord(sr)
		if cat != "" {
			r.SetCategory(strings.Split(cat, ".")...)
		}
		s.Write(context.Background(), r)
	}
	closeNow(t, s)
	if len(c.bodies) != 1 || len(c.bodies[0].ResourceLogs) != 1 {
		t.Fatalf("%d requests; want one with one ResourceLogs: %+v", len(c.bodies), c.bodies)
	}
	var got []string
	for _, sl := range c.bodies[0].ResourceLogs[0].ScopeLogs {
		var msgs []string
		for _, lr := range sl.LogRecords {
			msgs = append(msgs, lr.Body.StringValue)
		}
		got = append(got, sl.Scope.Name+"@"+sl.Scope.Version+":"+strings.Join(msgs, ","))
	}
	want := "app.db@v1.2.3:m0,m2,m5 app.http@v1.2.3:m1,m4 @v1.2.3:m3"
	if strings.Join(got, " ") != want {
		t.Fatalf("scopes\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}
