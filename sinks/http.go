package sinks

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/loggerjs/loggerjs"
)

// HTTPOptions configure HTTP. A nil *HTTPOptions, and any zero field,
// means the default given with the field.
type HTTPOptions struct {
	// Batch configures batching, the queue, retries and the circuit
	// breaker; its Codec is replaced by the codec given to HTTP.
	// Batch.ShipTimeout bounds each request (default 10s).
	Batch BatchOptions
	// Client sends the requests. Default: a client of the sink's own,
	// whose idle connections Close closes.
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
	Body func(dst []byte, batch []Entry) []byte
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
type HTTPSink struct {
	*BatchSink
	own *http.Transport // closed by Close; nil with a caller's Client
}

// HTTP returns a sink that ships records encoded by codec to url in
// batches. Close stops its goroutines and closes its idle connections.
func HTTP(url string, codec loggerjs.Codec, opts *HTTPOptions) *HTTPSink {
	var o HTTPOptions
	if opts != nil {
		o = *opts
		o.Header = opts.Header.Clone()
	}
	bo := o.Batch
	bo.Codec = codec
	s := &HTTPSink{}
	sh := &httpShipper{url: url, opt: o, clock: clockOr(bo.Clock)}
	if sh.opt.Client == nil {
		s.own = http.DefaultTransport.(*http.Transport).Clone()
		sh.opt.Client = &http.Client{Transport: s.own}
	}
	if sh.opt.Method == "" {
		sh.opt.Method = http.MethodPost
	}
	if sh.opt.Body == nil {
		sh.opt.Body = concatBody
	}
	s.BatchSink = Batch(sh, &bo)
	if sh.opt.ContentType == "" {
		sh.opt.ContentType = s.BatchSink.codec.ContentType()
	}
	return s
}

// Close closes the batch sink (see BatchSink.Close), then the sink's own
// idle connections.
func (s *HTTPSink) Close(ctx context.Context) error {
	err := s.BatchSink.Close(ctx)
	if s.own != nil && !s.p.stuck.Load() {
		s.own.CloseIdleConnections()
	}
	return err
}

func concatBody(dst []byte, batch []Entry) []byte {
	for _, e := range batch {
		dst = append(dst, e.Data...)
	}
	return dst
}

type httpShipper struct {
	url   string
	opt   HTTPOptions
	clock Clock
}

var bodyPool = sync.Pool{New: func() any { return new(httpBuffers) }}

type httpBuffers struct {
	raw []byte
	gz  bytes.Buffer
	zw  *gzip.Writer
}

// statusError is a non-2xx answer.
type statusError struct {
	code   int
	status string
}

func (e *statusError) Error() string { return "loggerjs/sinks: HTTP " + e.status }

// Ship sends one batch in one request.
func (h *httpShipper) Ship(ctx context.Context, batch []Entry) error {
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
		return Permanent(err)
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
	// Read a little (and drop the rest) so the connection can be reused.
	var answer []byte
	if h.opt.rejected != nil && resp.StatusCode/100 == 2 {
		answer, _ = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	err = h.classify(resp.StatusCode, resp.Status)
	if err == nil && h.opt.rejected != nil {
		if n, msg := h.opt.rejected(answer); n > 0 {
			n = min(n, len(batch))
			return &partialError{failed: n, rejected: true, err: fmt.Errorf("loggerjs/sinks: destination rejected %d of %d records: %s", n, len(batch), msg)}
		}
	}
	if err != nil && !errors.As(err, new(*permanentError)) {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), h.clock.Now()); ok {
			return RetryAfter(err, d)
		}
	}
	return err
}

// classify says what an answer means: nil delivered the batch; a
// Permanent error drops it; any other error is retried.
func (h *httpShipper) classify(code int, status string) error {
	if code >= 200 && code < 300 {
		return nil
	}
	serr := &statusError{code: code, status: status}
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return serr
	case http.StatusInternalServerError:
		if h.opt.Retry500 {
			return serr
		}
	}
	return Permanent(serr)
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
