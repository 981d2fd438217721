package httpx

import (
	"bufio"
	"io"
	"net"
	"net/http"
)

// responseWriter records the status and the size of a response. It
// passes Flush, Hijack and ReadFrom through to the writer it wraps, and
// Unwrap lets http.ResponseController reach the rest.
type responseWriter struct {
	w        http.ResponseWriter
	status   int
	size     int64
	hijacked bool
}

var (
	_ http.Flusher  = (*responseWriter)(nil)
	_ http.Hijacker = (*responseWriter)(nil)
	_ io.ReaderFrom = (*responseWriter)(nil)
)

func (rw *responseWriter) Header() http.Header { return rw.w.Header() }

func (rw *responseWriter) WriteHeader(code int) {
	// 1xx responses are informational, but for 101, which ends the
	// exchange; the final status is the first one outside 1xx.
	if rw.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		rw.status = code
	}
	rw.w.WriteHeader(code)
}

func (rw *responseWriter) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.w.Write(p)
	rw.size += int64(n)
	return n, err
}

// ReadFrom keeps the sendfile path of the wrapped writer and counts what
// it copied.
func (rw *responseWriter) ReadFrom(r io.Reader) (int64, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	var n int64
	var err error
	if rf, ok := rw.w.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(r)
	} else {
		n, err = io.Copy(writerOnly{rw.w}, r)
	}
	rw.size += n
	return n, err
}

// writerOnly hides every method of a writer but Write, so io.Copy does
// not come back to ReadFrom.
type writerOnly struct{ io.Writer }

func (rw *responseWriter) Flush() {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	_ = http.NewResponseController(rw.w).Flush()
}

func (rw *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, b, err := http.NewResponseController(rw.w).Hijack()
	if err == nil {
		rw.hijacked = true
	}
	return c, b, err
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (rw *responseWriter) Unwrap() http.ResponseWriter { return rw.w }
