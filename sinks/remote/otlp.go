package remote

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// OTLPOptions configure OTLP. A nil *OTLPOptions means the defaults,
// with the standard OTEL_* environment variables read as the
// OpenTelemetry SDKs read them.
type OTLPOptions struct {
	HTTPOptions
	// Resource holds the attributes of the resource that produces the
	// logs, such as slog.String("deployment.environment.name", "prod").
	// Each wins over an attribute of the same key from the environment
	// (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME). Without a
	// service.name from either, the sink sets it as the SDKs do:
	// "unknown_service:" and the executable's name.
	Resource []slog.Attr
	// ScopeVersion is written as the version of every instrumentation
	// scope (one per category). Default none.
	ScopeVersion string
	// Insecure picks http:// for an endpoint given without a scheme
	// ("collector:4318"), as the SDK's WithInsecure does; without it such
	// an endpoint is https://, as in the SDK.
	Insecure bool
	// NoEnv ignores the OTEL_* environment variables.
	NoEnv bool
}

// The environment variables OTLP reads, as the OpenTelemetry
// specification names them.
const (
	envEndpoint        = "OTEL_EXPORTER_OTLP_ENDPOINT"
	envLogsEndpoint    = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"
	envHeaders         = "OTEL_EXPORTER_OTLP_HEADERS"
	envLogsHeaders     = "OTEL_EXPORTER_OTLP_LOGS_HEADERS"
	envTimeout         = "OTEL_EXPORTER_OTLP_TIMEOUT"
	envLogsTimeout     = "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT"
	envCompression     = "OTEL_EXPORTER_OTLP_COMPRESSION"
	envLogsCompression = "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION"
	envProtocol        = "OTEL_EXPORTER_OTLP_PROTOCOL"
	envLogsProtocol    = "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL"
	envServiceName     = "OTEL_SERVICE_NAME"
	envResourceAttrs   = "OTEL_RESOURCE_ATTRIBUTES"
)

// OTLP returns an HTTP sink that ships records to an OpenTelemetry
// collector's OTLP/HTTP logs endpoint as JSON, without the SDK. Each
// record is encoded as an OTLP LogRecord (codecs.OTLPJSON) on the
// logging goroutine; a batch is sent as one ExportLogsServiceRequest
// with one ResourceLogs and one ScopeLogs per category (the
// instrumentation scope's name). Status handling is the OTLP
// specification's: 429, 502, 503 and 504 are retried, honouring
// Retry-After; 500 and other errors are not (unless Retry500 is set). A
// 200 whose partialSuccess names rejected log records counts those
// records as dropped_rejected.
//
// endpoint takes the forms the SDK documentation shows:
//
//   - "http://collector:4318/v1/logs" (a URL with a path, as in
//     OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) is used as it is;
//   - "http://collector:4318" (a URL without a path, as in
//     OTEL_EXPORTER_OTLP_ENDPOINT) gets "/v1/logs";
//   - "collector:4318" (host and port, as the SDK's WithEndpoint takes)
//     is https://, or http:// with Insecure, and gets "/v1/logs";
//   - "" reads the environment: OTEL_EXPORTER_OTLP_LOGS_ENDPOINT as it
//     is, else OTEL_EXPORTER_OTLP_ENDPOINT with "v1/logs" appended to
//     its path, else "http://localhost:4318/v1/logs".
//
// Anything else (another scheme, no host, a bad port) is an error that
// names what to write instead.
//
// Options given in code win over the environment, and the variables of
// the logs signal over the general ones, as the specification says:
// OTEL_EXPORTER_OTLP_[LOGS_]HEADERS add headers (HTTPOptions.Header wins
// per key), OTEL_EXPORTER_OTLP_[LOGS_]TIMEOUT sets the request timeout
// in milliseconds when Batch.ShipTimeout is zero,
// OTEL_EXPORTER_OTLP_[LOGS_]COMPRESSION "none" turns gzip off,
// OTEL_EXPORTER_OTLP_[LOGS_]PROTOCOL "grpc" is an error (this sink
// speaks OTLP/HTTP; the bridges/otelbridge module takes any exporter),
// and OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES fill in the
// resource. A malformed variable is an error naming it.
func OTLP(endpoint string, opts *OTLPOptions) (*HTTPSink, error) {
	var o OTLPOptions
	if opts != nil {
		o = *opts
		o.Header = opts.Header.Clone()
	}
	env := os.LookupEnv
	if o.NoEnv {
		env = func(string) (string, bool) { return "", false }
	}
	u, err := otlpEndpoint(endpoint, o.Insecure, env)
	if err != nil {
		return nil, err
	}
	if err := otlpEnvOptions(&o, env); err != nil {
		return nil, err
	}
	resource, err := otlpResource(o.Resource, env)
	if err != nil {
		return nil, err
	}
	codec := codecs.OTLPJSON(&codecs.OTLPJSONOptions{Resource: resource, ScopeVersion: o.ScopeVersion})
	o.Body = func(dst []byte, batch []sinks.Entry) []byte {
		return codec.AppendRequest(dst, len(batch),
			func(i int) string { return batch[i].Category() },
			func(i int) []byte { return batch[i].Data })
	}
	o.ContentType = "application/json"
	o.rejected = otlpRejected
	return newHTTP(u.String(), otlpRecordCodec{codec}, &o.HTTPOptions), nil
}

// otlpRecordCodec encodes each record as a bare LogRecord, which the
// sink's Body frames into a request per batch.
type otlpRecordCodec struct{ c *codecs.OTLPJSONCodec }

func (c otlpRecordCodec) Append(dst []byte, r *loggerjs.Record) []byte {
	return c.c.AppendLogRecord(dst, r)
}

func (c otlpRecordCodec) ContentType() string { return "application/json" }

// otlpEndpoint resolves the endpoint as OTLP's documentation describes.
func otlpEndpoint(endpoint string, insecure bool, env func(string) (string, bool)) (*url.URL, error) {
	const kind = "OTLP"
	if strings.TrimSpace(endpoint) == "" {
		if v, ok := env(envLogsEndpoint); ok && v != "" {
			u, err := parseEndpoint(kind+": "+envLogsEndpoint, v)
			if err != nil {
				return nil, err
			}
			if u.Path == "" {
				u.Path = "/"
			}
			return u, nil
		}
		if v, ok := env(envEndpoint); ok && v != "" {
			u, err := parseEndpoint(kind+": "+envEndpoint, v)
			if err != nil {
				return nil, err
			}
			u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/logs"
			u.RawPath = ""
			return u, nil
		}
		endpoint = "http://localhost:4318"
	}
	if !strings.Contains(endpoint, "://") && !strings.HasPrefix(endpoint, "//") {
		scheme := "https://"
		if insecure {
			scheme = "http://"
		}
		if _, _, err := splitHostPortPath(endpoint); err != nil {
			return nil, fmt.Errorf("loggerjs/remote: OTLP: endpoint %q: %v: want a URL such as \"http://collector:4318\" or a host and port such as \"collector:4318\"", endpoint, err)
		}
		endpoint = scheme + endpoint
	}
	u, err := parseEndpoint(kind, endpoint)
	if err != nil {
		return nil, err
	}
	if u.Path == "" || u.Path == "/" {
		u.Path, u.RawPath = "/v1/logs", ""
	}
	return u, nil
}

// splitHostPortPath checks an endpoint without a scheme: a host, an
// optional port, an optional path.
func splitHostPortPath(s string) (host, port string, err error) {
	hp, _, _ := strings.Cut(s, "/")
	if strings.ContainsAny(hp, " @?#") {
		return "", "", fmt.Errorf("not a host and port")
	}
	host, port, err = splitHostPort(hp)
	if err != nil {
		return "", "", err
	}
	if host == "" {
		return "", "", fmt.Errorf("no host")
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return "", "", fmt.Errorf("invalid port %q", port)
		}
	}
	return host, port, nil
}

// splitHostPort splits "host", "host:port" or "[v6]:port".
func splitHostPort(hp string) (host, port string, err error) {
	if strings.HasPrefix(hp, "[") {
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return "", "", fmt.Errorf("missing ']' in host")
		}
		host, rest := hp[1:end], hp[end+1:]
		if rest == "" {
			return host, "", nil
		}
		if !strings.HasPrefix(rest, ":") {
			return "", "", fmt.Errorf("unexpected %q after host", rest)
		}
		return host, rest[1:], nil
	}
	if i := strings.LastIndexByte(hp, ':'); i >= 0 {
		if strings.Count(hp, ":") > 1 {
			return "", "", fmt.Errorf("an IPv6 address needs brackets")
		}
		return hp[:i], hp[i+1:], nil
	}
	return hp, "", nil
}

// otlpEnvOptions applies the headers, timeout, compression and protocol
// variables to o where o leaves them unset.
func otlpEnvOptions(o *OTLPOptions, env func(string) (string, bool)) error {
	headers := http.Header{}
	for _, name := range []string{envHeaders, envLogsHeaders} { // general first, logs win
		v, ok := env(name)
		if !ok || strings.TrimSpace(v) == "" {
			continue
		}
		kv, err := parseKeyValues(v)
		if err != nil {
			return fmt.Errorf("loggerjs/remote: OTLP: %s: %v", name, err)
		}
		for _, p := range kv {
			headers.Set(p[0], p[1])
		}
	}
	for k, v := range o.Header { // the code's headers win
		headers[http.CanonicalHeaderKey(k)] = v
	}
	if len(headers) > 0 {
		o.Header = headers
	}
	if v, name, ok := lookupFirst(env, envLogsTimeout, envTimeout); ok && o.Batch.ShipTimeout == 0 {
		ms, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || ms < 0 {
			return fmt.Errorf("loggerjs/remote: OTLP: %s=%q: want a number of milliseconds", name, v)
		}
		if ms > 0 {
			o.Batch.ShipTimeout = time.Duration(ms) * time.Millisecond
		}
	}
	if v, name, ok := lookupFirst(env, envLogsCompression, envCompression); ok {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "gzip":
		case "none":
			o.NoGzip = true
		default:
			return fmt.Errorf("loggerjs/remote: OTLP: %s=%q: want gzip or none", name, v)
		}
	}
	if v, name, ok := lookupFirst(env, envLogsProtocol, envProtocol); ok {
		switch strings.TrimSpace(v) {
		case "http/json", "http/protobuf":
			// This sink sends JSON, which every OTLP/HTTP receiver takes.
		default:
			return fmt.Errorf("loggerjs/remote: OTLP: %s=%q: this sink speaks OTLP/HTTP (http/json); for gRPC use the bridges/otelbridge module with an OTLP gRPC exporter", name, v)
		}
	}
	return nil
}

// lookupFirst returns the first of the variables that is set and not
// blank.
func lookupFirst(env func(string) (string, bool), names ...string) (value, name string, ok bool) {
	for _, n := range names {
		if v, ok := env(n); ok && strings.TrimSpace(v) != "" {
			return v, n, true
		}
	}
	return "", "", false
}

// parseKeyValues parses the list OTEL_EXPORTER_OTLP_HEADERS and
// OTEL_RESOURCE_ATTRIBUTES hold: "k1=v1,k2=v2", keys and values
// percent-encoded, blanks around them trimmed.
func parseKeyValues(s string) ([][2]string, error) {
	var out [][2]string
	for item := range strings.SplitSeq(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not key=value", item)
		}
		k, err := url.PathUnescape(strings.TrimSpace(k))
		if err != nil || k == "" {
			return nil, fmt.Errorf("bad key in %q", item)
		}
		v, err = url.PathUnescape(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("bad value in %q: %v", item, err)
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

// otlpResource merges the resource given in code with the environment's
// and defaults service.name.
func otlpResource(given []slog.Attr, env func(string) (string, bool)) ([]slog.Attr, error) {
	var fromEnv [][2]string
	if v, ok := env(envResourceAttrs); ok {
		kv, err := parseKeyValues(v)
		if err != nil {
			return nil, fmt.Errorf("loggerjs/remote: OTLP: %s: %v", envResourceAttrs, err)
		}
		fromEnv = kv
	}
	if v, ok := env(envServiceName); ok && strings.TrimSpace(v) != "" {
		fromEnv = append(fromEnv, [2]string{"service.name", strings.TrimSpace(v)})
	}
	has := func(key string) bool {
		for _, a := range given {
			if a.Key == key {
				return true
			}
		}
		return false
	}
	out := make([]slog.Attr, 0, len(given)+len(fromEnv)+1)
	out = append(out, given...)
	seen := map[string]int{}
	for _, p := range fromEnv {
		if has(p[0]) {
			continue
		}
		if i, ok := seen[p[0]]; ok { // a later duplicate wins
			out[i] = slog.String(p[0], p[1])
			continue
		}
		seen[p[0]] = len(out)
		out = append(out, slog.String(p[0], p[1]))
	}
	if _, ok := seen["service.name"]; !ok && !has("service.name") {
		out = append(out, slog.String("service.name", defaultServiceName()))
	}
	return out, nil
}

// defaultServiceName is the SDKs' default: "unknown_service:" and the
// executable's name.
func defaultServiceName() string {
	exe, err := os.Executable()
	if err != nil || exe == "" {
		return "unknown_service:go"
	}
	return "unknown_service:" + filepath.Base(exe)
}

// otlpRejected reads an ExportLogsServiceResponse's partial success:
// records the collector refused although it answered 200.
func otlpRejected(body []byte) (int, string) {
	var resp struct {
		PartialSuccess struct {
			RejectedLogRecords json.Number `json:"rejectedLogRecords"`
			ErrorMessage       string      `json:"errorMessage"`
		} `json:"partialSuccess"`
	}
	if len(body) == 0 || json.Unmarshal(body, &resp) != nil {
		return 0, ""
	}
	n, err := resp.PartialSuccess.RejectedLogRecords.Int64()
	if err != nil || n <= 0 {
		return 0, ""
	}
	return int(min(n, 1<<31-1)), resp.PartialSuccess.ErrorMessage
}
