package contextx

import (
	"context"
	"errors"
	"log/slog"
	"testing"
)

const example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func TestParseTraceparent(t *testing.T) {
	tp, err := ParseTraceparent(example)
	if err != nil {
		t.Fatal(err)
	}
	if got := tp.String(); got != example {
		t.Errorf("String() = %q", got)
	}
	if tp.TraceIDString() != "4bf92f3577b34da6a3ce929d0e0e4736" || tp.SpanIDString() != "00f067aa0ba902b7" || !tp.Sampled() {
		t.Errorf("fields: %+v", tp)
	}
	// A later version may carry more fields after a '-'.
	if _, err := ParseTraceparent("01" + example[2:] + "-what-ever"); err != nil {
		t.Errorf("future version: %v", err)
	}
}

func TestParseTraceparentRejects(t *testing.T) {
	for _, tt := range []struct{ name, in string }{
		{"empty", ""},
		{"short", example[:54]},
		{"upper case", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"},
		{"version ff", "ff" + example[2:]},
		{"version 00 with extra", example + "-x"},
		{"future version extra without dash", "01" + example[2:] + "x"},
		{"zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"},
		{"zero span id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"},
		{"bad separator", "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
		{"non hex", "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"},
		{"bad flags", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x"},
	} {
		if _, err := ParseTraceparent(tt.in); !errors.Is(err, ErrTraceparent) {
			t.Errorf("%s: err = %v, want ErrTraceparent", tt.name, err)
		}
	}
}

func TestTraceparentInContext(t *testing.T) {
	ctx := context.Background()
	if _, ok := TraceparentFrom(ctx); ok {
		t.Fatal("empty context carries a traceparent")
	}
	if a, b := TraceIDs(ctx); a != "" || b != "" {
		t.Fatal("empty context has ids")
	}
	tp, _ := ParseTraceparent(example)
	ctx = WithTraceparent(ctx, tp)
	got, ok := TraceparentFrom(ctx)
	if !ok || got != tp {
		t.Errorf("TraceparentFrom = %v, %v", got, ok)
	}
	if a, b := TraceIDs(ctx); a != "4bf92f3577b34da6a3ce929d0e0e4736" || b != "00f067aa0ba902b7" {
		t.Errorf("TraceIDs = %q, %q", a, b)
	}
	if WithTraceparent(context.Background(), Traceparent{}) != context.Background() {
		t.Error("invalid traceparent carried")
	}
	if n := testing.AllocsPerRun(100, func() { TraceIDs(ctx) }); n != 0 {
		t.Errorf("TraceIDs allocates %v times", n)
	}
}

func TestWith(t *testing.T) {
	ctx := With(context.Background(), slog.String("a", "1"))
	ctx = With(ctx, slog.Int("b", 2))
	got := Attrs(ctx)
	if len(got) != 2 || got[0].Key != "a" || got[1].Key != "b" {
		t.Errorf("Attrs = %v", got)
	}
}

func FuzzParseTraceparent(f *testing.F) {
	f.Add(example)
	f.Add("01" + example[2:] + "-x")
	f.Fuzz(func(t *testing.T, s string) {
		tp, err := ParseTraceparent(s)
		if err != nil {
			return
		}
		if !tp.IsValid() {
			t.Fatalf("parsed an invalid traceparent from %q", s)
		}
		if tp.Version == 0 && tp.String() != s {
			t.Fatalf("round trip: %q -> %q", s, tp.String())
		}
	})
}
