package redact

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"
)

// ordinaryAttrs are the attrs of a typical request record: nothing in them
// needs hiding.
var ordinaryAttrs = []slog.Attr{
	slog.String("method", "GET"),
	slog.String("path", "/api/v1/users/42"),
	slog.Int("status", 200),
	slog.Duration("elapsed", 1500*time.Microsecond),
	slog.String("remote", "10.0.0.1:51234"),
	slog.String("user_agent", "curl/8.5.0"),
	slog.Int64("bytes", 5123),
	slog.Bool("cached", false),
	slog.String("request_id", "b7e3c2a1-0f4d-4c1e-9a53-7d2f1e8c6b90"),
	slog.Float64("ratio", 0.25),
}

// BenchmarkDefaultOrdinaryRecord measures the default Redactor on a record
// of ten ordinary attrs and its message: the cost every record pays in a
// default configuration.
func BenchmarkDefaultOrdinaryRecord(b *testing.B) {
	rd := Default()
	b.ReportAllocs()
	for b.Loop() {
		for _, a := range ordinaryAttrs {
			if _, ok := rd.RedactAttr(nil, a); ok {
				b.Fatal("changed")
			}
		}
		if _, ok := rd.RedactMessage("request served"); ok {
			b.Fatal("changed")
		}
	}
}

type nop struct{}

//go:noinline
func (nop) RedactAttr(_ []string, a slog.Attr) (slog.Attr, bool) { return a, false }

// BenchmarkBaselineOrdinaryRecord is the loop of
// BenchmarkDefaultOrdinaryRecord with a redactor that does nothing: the
// difference between the two is the cost of the default redactor.
func BenchmarkBaselineOrdinaryRecord(b *testing.B) {
	var rd nop
	b.ReportAllocs()
	for b.Loop() {
		for _, a := range ordinaryAttrs {
			if _, ok := rd.RedactAttr(nil, a); ok {
				b.Fatal("changed")
			}
		}
	}
}

type benchUser struct {
	ID    int
	Name  string
	Email string
	Roles []string
}

// compositeAttrs have nothing to hide either, but make the Redactor walk:
// a group, a struct, a map, a slice and an error.
var compositeAttrs = []slog.Attr{
	slog.Group("http", slog.String("method", "GET"), slog.Int("status", 200)),
	slog.Any("user", benchUser{ID: 7, Name: "ada", Email: "ada@example.com", Roles: []string{"admin", "dev"}}),
	slog.Any("labels", map[string]string{"region": "eu-west-1", "tier": "gold"}),
	slog.Any("ids", []int{1, 2, 3}),
	slog.Any("err", errBench),
}

var errBench = fmt.Errorf("query users: %w", io.ErrUnexpectedEOF)

// BenchmarkDefaultCompositeRecord measures the default Redactor walking
// composite values with nothing to hide.
func BenchmarkDefaultCompositeRecord(b *testing.B) {
	rd := Default()
	b.ReportAllocs()
	for b.Loop() {
		for _, a := range compositeAttrs {
			if _, ok := rd.RedactAttr(nil, a); ok {
				b.Fatal("changed")
			}
		}
	}
}
