package remote

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/sinks"
)

// HTTPOptions configure HTTP. A nil *HTTPOptions, and any zero field,
// means the default given with the field.
//
// Whatever the options, every record the sink's Write accepts is either
// shipped (answered with a 2xx, after retries and same-origin 307 or 308
// redirects if need be) or counted in SinkStats under exactly one key
// that starts with "dropped", and reported on the meta logger; Flush and
// Close return a *LossError naming the records lost while they ran. The
// options choose which losses happen (queue size and policy, retries,
// the breaker, which statuses are retried), never whether one is counted.
// Records still queued when the process exits without Flush or Close are
// lost uncounted, as in any in-memory queue: loggerjs.Shutdown and
// Handler.Close close the sink.
type HTTPOptions struct {
	// Batch configures batching, the queue, retries and the circuit
	// breaker; its Codec is replaced by the codec given to HTTP.
	// Batch.ShipTimeout bounds each request (default 10s).
	Batch sinks.BatchOptions
	// Client sends the requests. Default: a client of the sink's own,
	// whose idle connections Close closes. The sink uses a copy of it
	// whose CheckRedirect follows no redirect but a 307 or 308 to the
	// same scheme, host and port (see HTTPSink); the Client's own
	// CheckRedirect, if set, is asked about those.
	Client *http.Client
	// Method defaults to POST.
	Method string
	// Header is added to every request.
	Header http.Header
	// BearerToken, when set, is sent as "Authorization: Bearer …".
	BearerToken string
	// Username and Password, when Username is set, are sent as basic
	// auth.
	Username, Password string
	// NoGzip sends bodies uncompressed. By default they are gzipped.
	NoGzip bool
	// Retry500 retries a 500 Internal Server Error like a 503. By default
	// a 500 drops the batch (counted as dropped_rejected), as the
	// OTLP/HTTP specification says: a 500 is as likely to be the payload
	// tripping a bug as a passing fault, and retrying a batch that
	// crashes the collector spends the retry budget and holds up the
	// batches behind it. The Loki preset turns it on.
	Retry500 bool
	// Body frames a batch into a request body. Default: the encoded
	// records one after another (NDJSON for the JSON codec).
	Body func(dst []byte, batch []sinks.Entry) []byte
	// ContentType defaults to the codec's.
	ContentType string

	// rejected reads how many records of a 2xx answer's batch the
	// destination refused (OTLP's partial success).
	rejected func(body []byte) (n int, msg string)
}

// HTTPSink is a BatchSink whose shipper POSTs each batch to a URL. A 2xx
// answer delivers the batch; 408, 429, 502, 503, 504 and network errors
// (refused, reset, timed out) are retried with backoff, honouring
// Retry-After; 500 is retried only with Retry500; any other status drops
// the batch, counted as dropped_rejected. It is safe for concurrent use.
//
// A redirect is not a delivery. A 307 or 308 to the same scheme, host
// and port is followed, with the body sent again, up to 5 times; any
// other redirect (301, 302 and 303, which would turn the POST into a GET
// without a body, or a redirect to another host, which would carry the
// records and credentials somewhere not configured) is not followed: the
// batch is dropped as dropped_rejected and the Location reported on the
// meta logger. Point the sink at the final URL.
//
// Every record Write accepted ends in "shipped" or in a counter that
// starts with "dropped" (see BatchSink); Flush and Close return a
// *LossError when records were dropped while they ran.
type HTTPSink struct {
	*sinks.BatchSink
	url string
	own *http.Transport // closed by Close; nil with a caller's Client
}

// HTTP returns a sink that ships records encoded by codec (nil means
// codecs.JSON(nil)) to endpoint in batches. Close stops its goroutines
// and closes its idle connections.
//
// endpoint must be an absolute http or https URL with a host, such as
// "http://127.0.0.1:8080/ingest"; it is used as it is. HTTP returns an
// error for anything else, rather than a sink that drops every record.
func HTTP(endpoint string, codec loggerjs.Codec, opts *HTTPOptions) (*HTTPSink, error) {
	u, err := parseEndpoint("HTTP", endpoint)
	if err != nil {
		return nil, err
	}
	return newHTTP(u.String(), codec, opts), nil
}

// parseEndpoint checks a sink's endpoint: an absolute http or https URL
// with a host. kind names the constructor in the error.
func parseEndpoint(kind, raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("loggerjs/remote: %s: the endpoint is empty: want a URL such as \"http://127.0.0.1:4318\"", kind)
	}
	if !strings.Contains(raw, "://") {
		return nil, fmt.Errorf("loggerjs/remote: %s: endpoint %q has no scheme: write %q (or https:// for TLS)",
			kind, raw, "http://"+strings.TrimPrefix(raw, "//"))
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("loggerjs/remote: %s: endpoint %q: %w", kind, raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("loggerjs/remote: %s: endpoint %q: scheme %q: want http or https", kind, raw, u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("loggerjs/remote: %s: endpoint %q has no host", kind, raw)
	}
	return u, nil
}

// newHTTP builds an HTTP sink for an endpoint parseEndpoint accepted.
func newHTTP(endpoint string, codec loggerjs.Codec, opts *HTTPOptions) *HTTPSink {
	var o HTTPOptions
	if opts != nil {
		o = *opts
		o.Header = opts.Header.Clone()
	}
	bo := o.Batch
	bo.Codec = codec
	s := &HTTPSink{url: endpoint}
	sh := &httpShipper{url: endpoint, opt: o, clock: bo.Clock}
	if sh.opt.Client == nil {
		s.own = http.DefaultTransport.(*http.Transport).Clone()
		sh.opt.Client = &http.Client{Transport: s.own}
	} else {
		c := *sh.opt.Client // the caller's Client stays as it was
		sh.opt.Client = &c
	}
	sh.opt.Client.CheckRedirect = sameOriginRedirects(sh.opt.Client.CheckRedirect)
	if sh.opt.Method == "" {
		sh.opt.Method = http.MethodPost
	}
	if sh.opt.Body == nil {
		sh.opt.Body = concatBody
	}
	s.BatchSink = sinks.Batch(sh, &bo)
	if sh.opt.ContentType == "" {
		sh.opt.ContentType = s.BatchSink.Codec().ContentType()
	}
	return s
}

// Close closes the batch sink (see BatchSink.Close), then the sink's own
// idle connections.
func (s *HTTPSink) Close(ctx context.Context) error {
	err := s.BatchSink.Close(ctx)
	if s.own != nil {
		s.own.CloseIdleConnections()
	}
	return err
}

func concatBody(dst []byte, batch []sinks.Entry) []byte {
	for _, e := range batch {
		dst = append(dst, e.Data...)
	}
	return dst
}

type httpShipper struct {
	url   string
	opt   HTTPOptions
	clock sinks.Clock // nil: the system clock
}

func (h *httpShipper) now() time.Time {
	if h.clock == nil {
		return time.Now()
	}
	return h.clock.Now()
}

var bodyPool = sync.Pool{New: func() any { return new(httpBuffers) }}

type httpBuffers struct {
	raw []byte
	gz  bytes.Buffer
	zw  *gzip.Writer
}

// maxRedirects bounds the 307 and 308 redirects a request follows.
const maxRedirects = 5

// sameOriginRedirects returns a CheckRedirect that follows a 307 or 308
// to the same scheme, host and port as the first request (Go's client
// sends the body again for those, with the same method), up to
// maxRedirects, and asks next, if set, about those; it follows no other
// redirect, so that the shipper sees the redirect and drops the batch.
func sameOriginRedirects(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		code := 0
		if req.Response != nil {
			code = req.Response.StatusCode
		}
		first := via[0].URL
		if (code != http.StatusTemporaryRedirect && code != http.StatusPermanentRedirect) ||
			len(via) > maxRedirects || req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}

// redirectError is a redirect the shipper did not follow.
type redirectError struct {
	status   string
	location string
}

func (e *redirectError) Error() string {
	return "loggerjs/remote: HTTP " + e.status + ": redirected to " + strconv.Quote(e.location) +
		"; redirects are not followed for shipping requests (but a 307 or 308 to the same host): point the sink at the final URL"
}

// ReportAttrs adds the Location to the meta record of the loss.
func (e *redirectError) ReportAttrs() []slog.Attr {
	return []slog.Attr{slog.String("location", e.location)}
}

// statusError is a non-2xx answer.
type statusError struct {
	code   int
	status string
}

func (e *statusError) Error() string { return "loggerjs/remote: HTTP " + e.status }

// Ship sends one batch in one request.
func (h *httpShipper) Ship(ctx context.Context, batch []sinks.Entry) error {
	bufs := bodyPool.Get().(*httpBuffers)
	defer func() {
		if cap(bufs.raw) <= 4<<20 {
			bodyPool.Put(bufs)
		}
	}()
	bufs.raw = h.opt.Body(bufs.raw[:0], batch)
	body := bufs.raw
	if !h.opt.NoGzip {
		bufs.gz.Reset()
		if bufs.zw == nil {
			bufs.zw = gzip.NewWriter(&bufs.gz)
		} else {
			bufs.zw.Reset(&bufs.gz)
		}
		bufs.zw.Write(body)
		bufs.zw.Close()
		body = bufs.gz.Bytes()
	}
	req, err := http.NewRequestWithContext(ctx, h.opt.Method, h.url, bytes.NewReader(body))
	if err != nil {
		return sinks.Permanent(err)
	}
	for k, v := range h.opt.Header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", h.opt.ContentType)
	if !h.opt.NoGzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	switch {
	case h.opt.BearerToken != "":
		req.Header.Set("Authorization", "Bearer "+h.opt.BearerToken)
	case h.opt.Username != "":
		req.SetBasicAuth(h.opt.Username, h.opt.Password)
	}
	resp, err := h.opt.Client.Do(req)
	if err != nil {
		return err // network error, timeout: retried
	}
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if u, err := resp.Location(); err == nil {
			loc = u.String()
		}
		return sinks.Permanent(&redirectError{status: resp.Status, location: loc})
	}
	// Read a little (and drop the rest) so the connection can be reused.
	var answer []byte
	if h.opt.rejected != nil && resp.StatusCode/100 == 2 {
		answer, _ = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	err, retry := h.classify(resp.StatusCode, resp.Status)
	if err == nil && h.opt.rejected != nil {
		if n, msg := h.opt.rejected(answer); n > 0 {
			n = min(n, len(batch))
			return sinks.Rejected(n, fmt.Errorf("loggerjs/remote: destination rejected %d of %d records: %s", n, len(batch), msg))
		}
	}
	if retry {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), h.now()); ok {
			return sinks.RetryAfter(err, d)
		}
	}
	return err
}

// classify says what an answer means: nil delivered the batch; a
// Permanent error drops it; any other error is retried, and retry says so.
func (h *httpShipper) classify(code int, status string) (err error, retry bool) {
	if code >= 200 && code < 300 {
		return nil, false
	}
	serr := &statusError{code: code, status: status}
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return serr, true
	case http.StatusInternalServerError:
		if h.opt.Retry500 {
			return serr, true
		}
	}
	return sinks.Permanent(serr), false
}

// retryAfter parses a Retry-After header: delay-seconds or an HTTP-date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
