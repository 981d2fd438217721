package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// The fields every logger must write, after its own names for time,
// level and message are normalised to time, level and msg. Nested
// objects are flattened with dots.
var (
	headerKeys = []string{"time", "level", "msg"}
	tenKeys    = append(slices.Clone(headerKeys),
		"int", "int64", "float", "string", "bool", "created", "error",
		"duration", "user.id", "user.name", "path")
	groupKeys = append(slices.Clone(tenKeys), "req.method", "req.status", "req.remote")
)

var scenarios = []struct {
	name string
	pick func(Subject) func()
	want []string // nil: the record is disabled
}{
	{"S1", func(s Subject) func() { return s.S1 }, nil},
	{"S2", func(s Subject) func() { return s.S2 }, headerKeys},
	{"S3", func(s Subject) func() { return s.S3 }, tenKeys},
	{"S4", func(s Subject) func() { return s.S4 }, tenKeys},
	{"S5", func(s Subject) func() { return s.S5 }, groupKeys},
}

// TestSameFields checks that every logger under test writes, in every
// scenario, one line carrying exactly the same fields: the same key set
// with no key twice, the message "msg" and the level info.
func TestSameFields(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			var buf bytes.Buffer
			subjects, err := Subjects(&buf)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range subjects {
				buf.Reset()
				sc.pick(s)()
				if sc.want == nil {
					if buf.Len() > 0 {
						t.Errorf("%s: disabled record written: %s", s.Name, buf.Bytes())
					}
					continue
				}
				checkLines(t, s, buf.Bytes(), 1, sc.want)
			}

			exp := &captureExporter{}
			s := OTelSubject(exp)
			f := sc.pick(s)
			if f == nil {
				return // otelslog takes no part in S1
			}
			f()
			recs := exp.take()
			if sc.want == nil {
				if len(recs) > 0 {
					t.Errorf("otelslog: disabled record exported")
				}
				return
			}
			if len(recs) != 1 {
				t.Fatalf("otelslog: %d records exported, want 1", len(recs))
			}
			if got := recs[0]; !slices.Equal(got, sorted(sc.want)) {
				t.Errorf("otelslog: fields\n got %q\nwant %q", got, sorted(sc.want))
			}
		})
	}
}

// TestSameFieldsFanout checks S6: each logger writes the same line to
// both destinations, and loggerjs's two sinks sharing a codec write the
// same bytes.
func TestSameFieldsFanout(t *testing.T) {
	var buf1, buf2 bytes.Buffer
	subjects, err := FanoutSubjects(&buf1, &buf2)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subjects {
		buf1.Reset()
		buf2.Reset()
		s.S3()
		checkLines(t, s, buf1.Bytes(), 1, tenKeys)
		checkLines(t, s, buf2.Bytes(), 1, tenKeys)
		if s.Name == "loggerjs" && !bytes.Equal(buf1.Bytes(), buf2.Bytes()) {
			t.Errorf("loggerjs: the sinks sharing a codec wrote different lines:\n%s%s", buf1.Bytes(), buf2.Bytes())
		}
	}
}

// TestSameFieldsMiddleware checks S7: the S3 fields plus those Enrich
// adds, the same line in both sinks.
func TestSameFieldsMiddleware(t *testing.T) {
	var buf1, buf2 bytes.Buffer
	subjects, err := MiddlewareSubjects(&buf1, &buf2)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(tenKeys)
	for _, a := range EnrichAttrs {
		want = append(want, a.Key)
	}
	for _, s := range subjects {
		for range 3 { // the sampler keeps every record
			buf1.Reset()
			buf2.Reset()
			s.S3()
			checkLines(t, s, buf1.Bytes(), 1, want)
			checkLines(t, s, buf2.Bytes(), 1, want)
			if !bytes.Equal(buf1.Bytes(), buf2.Bytes()) {
				t.Errorf("%s: the sinks sharing a codec wrote different lines:\n%s%s", s.Name, buf1.Bytes(), buf2.Bytes())
			}
		}
	}
}

// checkLines checks that out holds n JSON lines, each with exactly the
// fields want once normalised by s.Fields.
func checkLines(t *testing.T, s Subject, out []byte, n int, want []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(out) == 0 {
		lines = nil
	}
	if len(lines) != n {
		t.Errorf("%s: wrote %d lines, want %d:\n%s", s.Name, len(lines), n, out)
		return
	}
	for _, line := range lines {
		keys, top, err := jsonKeys(line)
		if err != nil {
			t.Errorf("%s: %v in %s", s.Name, err, line)
			continue
		}
		keys = normalise(keys, s.Fields)
		if !slices.Equal(keys, sorted(want)) {
			t.Errorf("%s: fields\n got %q\nwant %q\nline %s", s.Name, keys, sorted(want), line)
		}
		if msg := top[s.Fields.Msg]; msg != "msg" {
			t.Errorf("%s: message %v, want \"msg\"", s.Name, msg)
		}
		if lvl, _ := top[s.Fields.Level].(string); !strings.EqualFold(lvl, "info") {
			t.Errorf("%s: level %v, want info", s.Name, top[s.Fields.Level])
		}
		if top[s.Fields.Time] == nil {
			t.Errorf("%s: no time", s.Name)
		}
	}
}

// normalise renames a logger's time, level and message keys to time,
// level and msg, and sorts the keys.
func normalise(keys []string, f FieldNames) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		switch k {
		case f.Time:
			k = "time"
		case f.Level:
			k = "level"
		case f.Msg:
			k = "msg"
		}
		out[i] = k
	}
	slices.Sort(out)
	return out
}

func sorted(keys []string) []string {
	s := slices.Clone(keys)
	slices.Sort(s)
	return s
}

// jsonKeys returns every key of a JSON object, nested keys joined with
// dots and duplicates kept, and its top-level scalar values.
func jsonKeys(line string) (keys []string, top map[string]any, err error) {
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	top = map[string]any{}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, errors.New("not a JSON object")
	}
	var walk func(prefix string) error
	walk = func(prefix string) error {
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key := prefix + tok.(string)
			tok, err = dec.Token()
			if err != nil {
				return err
			}
			switch tok {
			case json.Delim('{'):
				if err := walk(key + "."); err != nil {
					return err
				}
			case json.Delim('['):
				return errors.New("unexpected array at " + key)
			default:
				keys = append(keys, key)
				if prefix == "" {
					top[key] = tok
				}
			}
		}
		_, err := dec.Token() // the closing brace
		return err
	}
	if err := walk(""); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("trailing data after the object")
	}
	return keys, top, nil
}

// captureExporter keeps the fields of each exported record, normalised
// like the JSON loggers' keys: timestamp as time, severity as level, body
// as msg.
type captureExporter struct {
	mu   sync.Mutex
	recs [][]string
}

func (e *captureExporter) Export(_ context.Context, recs []sdklog.Record) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range recs {
		var keys []string
		if !r.Timestamp().IsZero() {
			keys = append(keys, "time")
		}
		if r.Severity() == otellog.SeverityInfo {
			keys = append(keys, "level")
		}
		if r.Body().AsString() == "msg" {
			keys = append(keys, "msg")
		}
		r.WalkAttributes(func(kv attribute.KeyValue) bool {
			// otelslog writes an error as the semantic conventions'
			// exception.message and exception.type: one field, error.
			switch kv.Key {
			case "exception.message":
				keys = append(keys, "error")
			case "exception.type":
			default:
				keys = appendOTelKeys(keys, "", kv)
			}
			return true
		})
		slices.Sort(keys)
		e.recs = append(e.recs, keys)
	}
	return nil
}

func appendOTelKeys(keys []string, prefix string, kv attribute.KeyValue) []string {
	if kv.Value.Type() != attribute.MAP {
		return append(keys, prefix+string(kv.Key))
	}
	for _, m := range kv.Value.AsMap() {
		keys = appendOTelKeys(keys, prefix+string(kv.Key)+".", m)
	}
	return keys
}

func (e *captureExporter) Shutdown(context.Context) error   { return nil }
func (e *captureExporter) ForceFlush(context.Context) error { return nil }

func (e *captureExporter) take() [][]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.recs
	e.recs = nil
	return r
}
