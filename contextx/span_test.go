package contextx

import (
	"context"
	"encoding/hex"
	"log/slog"
	"os/exec"
	"strings"
	"testing"
)

func TestSpanChildAndNew(t *testing.T) {
	tp, _ := ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff")
	parent := SpanOf(tp)
	if parent.HasParent() || parent.ParentIDString() != "" || parent.Traceparent() != (Traceparent{TraceID: tp.TraceID, SpanID: tp.SpanID, Flags: 0xff}) {
		t.Errorf("SpanOf: %+v", parent)
	}
	child := parent.Child()
	if child.TraceID != tp.TraceID || child.ParentID != tp.SpanID || child.SpanID == tp.SpanID || !child.IsValid() {
		t.Errorf("Child: %+v", child)
	}
	if child.Flags != FlagSampled|FlagRandom {
		t.Errorf("unknown flags passed on: %02x", child.Flags)
	}
	seen := map[[8]byte]bool{}
	for range 1000 {
		seen[parent.Child().SpanID] = true
	}
	if len(seen) != 1000 {
		t.Errorf("%d distinct span ids in 1000 children", len(seen))
	}
	root := NewSpan(false)
	if !root.IsValid() || root.HasParent() || root.Sampled() || root.Flags != FlagRandom {
		t.Errorf("NewSpan(false): %+v", root)
	}
	if s := NewSpan(true); !s.Sampled() || s.TraceID == root.TraceID {
		t.Errorf("NewSpan(true): %+v", s)
	}
	if (Span{}).IsValid() {
		t.Error("zero span valid")
	}
}

func TestSpanInContext(t *testing.T) {
	ctx := context.Background()
	if _, ok := SpanFrom(ctx); ok || SpanAttrs(ctx) != nil {
		t.Fatal("empty context carries a span")
	}
	if WithSpan(ctx, Span{}) != ctx {
		t.Error("invalid span carried")
	}
	tp, _ := ParseTraceparent(example)
	s := SpanOf(tp).Child()
	s.State, _ = ParseTraceState("rojo=1")
	ctx = WithSpan(ctx, s)
	got, ok := SpanFrom(ctx)
	if !ok || got != s {
		t.Errorf("SpanFrom = %+v, %v", got, ok)
	}
	traceID, spanID := TraceIDs(ctx)
	if traceID != "4bf92f3577b34da6a3ce929d0e0e4736" || spanID != hex.EncodeToString(s.SpanID[:]) {
		t.Errorf("TraceIDs = %s, %s; want the span's own id", traceID, spanID)
	}
	if back, _ := TraceparentFrom(ctx); back.SpanID != s.SpanID {
		t.Errorf("TraceparentFrom names %x, not the span", back.SpanID)
	}
	attrs := SpanAttrs(ctx)
	want := []string{"trace_id=4bf92f3577b34da6a3ce929d0e0e4736", "span_id=" + s.SpanIDString(), "parent_span_id=00f067aa0ba902b7", "trace_flags=01"}
	if len(attrs) != len(want) {
		t.Fatalf("SpanAttrs = %v", attrs)
	}
	for i, a := range attrs {
		if a.String() != want[i] {
			t.Errorf("attr %d = %s, want %s", i, a, want[i])
		}
	}
	// The shared slice cannot be grown into by a caller.
	_ = append(SpanAttrs(ctx), slog.String("x", "y"))
	if len(SpanAttrs(ctx)) != 4 || cap(SpanAttrs(ctx)) != 4 {
		t.Error("SpanAttrs is not clipped")
	}
	if n := testing.AllocsPerRun(100, func() { SpanAttrs(ctx); TraceIDs(ctx) }); n != 0 {
		t.Errorf("reading the span allocates %v times", n)
	}

	b, _ := ParseBaggage("a=1")
	bctx := WithBaggage(ctx, b)
	if v, _ := BaggageFrom(bctx).Get("a"); v != "1" || BaggageFrom(ctx).Len() != 0 {
		t.Error("baggage in context")
	}
}

// TestNoNetHTTP: contextx links no net/http, so that code that only
// carries context pays nothing for a server.
func TestNoNetHTTP(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "net/http" || p == "crypto/tls" {
			t.Errorf("contextx links %s", p)
		}
	}
}
