package codecs_test

import (
	"encoding/json"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// TestOTLPJSONAppendRequest: log records encoded one by one and framed
// later make one request with one ResourceLogs and one ScopeLogs per
// category, with the scope version, trace flags and the root stack as
// exception.stacktrace.
func TestOTLPJSONAppendRequest(t *testing.T) {
	c := codecs.OTLPJSON(&codecs.OTLPJSONOptions{
		Resource:     []slog.Attr{slog.String("service.name", "svc")},
		ScopeVersion: "1.2.3",
	})
	mk := func(cat string, msg string, root ...slog.Attr) *loggerjs.Record {
		sr := slog.NewRecord(time.Unix(1, 0), slog.LevelError, msg, 0)
		sr.AddAttrs(slog.Any("err", errors.New("boom")))
		r := loggerjs.NewRecord(sr)
		r.Err = errors.New("boom")
		if cat != "" {
			r.SetCategory(cat)
		}
		r.AddRootAttrs(root...)
		return r
	}
	recs := []*loggerjs.Record{
		mk("a", "1", slog.String("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"), slog.String("span_id", "00f067aa0ba902b7"), slog.String(codecs.TraceFlagsKey, "01")),
		mk("b", "2", slog.String(loggerjs.StackKey, "main.f()\n\tmain.go:1")),
		mk("a", "3", slog.Int(codecs.TraceFlagsKey, 1)), // flags without a trace id: an attribute
	}
	var encoded [][]byte
	for _, r := range recs {
		encoded = append(encoded, c.AppendLogRecord(nil, r))
	}
	out := c.AppendRequest(nil, len(recs), func(i int) string { return recs[i].CategoryName() }, func(i int) []byte { return encoded[i] })
	var req struct {
		ResourceLogs []struct {
			Resource struct {
				Attributes []struct{ Key string }
			}
			ScopeLogs []struct {
				Scope      struct{ Name, Version string }
				LogRecords []struct {
					Body       struct{ StringValue string }
					Flags      *int
					TraceID    string
					Attributes []struct {
						Key   string
						Value struct{ StringValue string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(out, &req); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(req.ResourceLogs) != 1 || len(req.ResourceLogs[0].ScopeLogs) != 2 {
		t.Fatalf("want one ResourceLogs with two ScopeLogs:\n%s", out)
	}
	sl := req.ResourceLogs[0].ScopeLogs
	if sl[0].Scope.Name != "a" || sl[0].Scope.Version != "1.2.3" || len(sl[0].LogRecords) != 2 ||
		sl[1].Scope.Name != "b" || len(sl[1].LogRecords) != 1 {
		t.Fatalf("scopes wrong:\n%s", out)
	}
	if f := sl[0].LogRecords[0].Flags; f == nil || *f != 1 {
		t.Fatalf("flags of a traced record not written:\n%s", out)
	}
	if f := sl[0].LogRecords[1].Flags; f != nil {
		t.Fatalf("flags written without a trace id:\n%s", out)
	}
	var stack string
	for _, a := range sl[1].LogRecords[0].Attributes {
		if a.Key == loggerjs.StackKey {
			t.Fatalf("the stack is written twice:\n%s", out)
		}
		if a.Key == "exception.stacktrace" {
			stack = a.Value.StringValue
		}
	}
	if stack != "main.f()\n\tmain.go:1" {
		t.Fatalf("exception.stacktrace %q:\n%s", stack, out)
	}
}
