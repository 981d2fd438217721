package loggerjs_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// countingCodec counts the records it encodes.
type countingCodec struct {
	loggerjs.Codec
	n atomic.Int64
}

func (c *countingCodec) Append(dst []byte, r *loggerjs.Record) []byte {
	c.n.Add(1)
	return c.Codec.Append(dst, r)
}

// TestSharedEncoding checks that sinks sharing a codec share one encoding
// of each record, and that a sink with its own middleware encodes apart.
func TestSharedEncoding(t *testing.T) {
	shared := &countingCodec{Codec: codecs.JSON(nil)}
	var a, b, c, d bytes.Buffer
	tag := loggerjs.MiddlewareFunc(func(_ context.Context, r *loggerjs.Record) bool {
		r.AddAttrs(slog.Bool("tagged", true))
		return true
	})
	logger, err := loggerjs.New(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"a": sinks.Writer(&a, shared),
			"b": sinks.Writer(&b, shared),
			"c": sinks.Writer(&c, shared),
			"d": loggerjs.WithMiddleware(sinks.Writer(&d, shared), tag),
		},
		Loggers: []loggerjs.LoggerConfig{{Sinks: []string{"a", "b", "c", "d"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	logger.Info("one", "k", 1)
	logger.Info("two")
	if got := shared.n.Load(); got != 4 {
		t.Errorf("%d encodings for 2 records into 3 sharing sinks and 1 apart, want 4", got)
	}
	if a.String() != b.String() || a.String() != c.String() || a.Len() == 0 {
		t.Errorf("sharing sinks differ:\n%s\n%s\n%s", a.String(), b.String(), c.String())
	}
	if !bytes.Contains(d.Bytes(), []byte(`"tagged":true`)) || bytes.Contains(a.Bytes(), []byte("tagged")) {
		t.Errorf("per-sink middleware leaked or missing:\na: %s\nd: %s", a.String(), d.String())
	}
}

// panicCodec panics on every record.
type panicCodec struct{}

func (panicCodec) Append([]byte, *loggerjs.Record) []byte { panic("codec bug") }
func (panicCodec) ContentType() string                    { return "text/plain" }

// TestSharedEncodingPanic checks that a codec panicking while encoding for
// sinks that share it costs each of those sinks the record, counted, and
// leaves the other sinks alone.
func TestSharedEncodingPanic(t *testing.T) {
	var a, b bytes.Buffer
	healthy, meta := sinks.Memory(), sinks.Memory()
	h, err := loggerjs.NewHandler(loggerjs.Config{
		Sinks: map[string]loggerjs.Sink{
			"a": sinks.Writer(&a, panicCodec{}), "b": sinks.Writer(&b, panicCodec{}), "healthy": healthy, "meta": meta,
		},
		Loggers: []loggerjs.LoggerConfig{
			{Sinks: []string{"a", "b", "healthy"}},
			{Category: loggerjs.MetaCategory, Sinks: []string{"meta"}, ParentSinks: loggerjs.Override},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(h).Info("x")
	st := h.Stats()
	if st.SinkPanics != 2 || st.Sinks["a"].Panics != 1 || st.Sinks["b"].Panics != 1 || healthy.Len() != 1 {
		t.Errorf("panics %d (a %d, b %d), healthy %d", st.SinkPanics, st.Sinks["a"].Panics, st.Sinks["b"].Panics, healthy.Len())
	}
	if got := meta.Messages(); len(got) != 2 {
		t.Errorf("meta records %q, want one per panicking sink", got)
	}
}
