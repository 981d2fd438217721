package loki

import (
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/loggerjs/loggerjs/sinks/remote"
)

// parsedKinds is what VictoriaLogs stores for each attr kind when it
// splits the JSON line into fields: groups and maps flattened into dotted
// names, arrays as their JSON text, strings unquoted, nil dropped.
var parsedKinds = map[string]map[string]string{
	"int":                {"v": "42"},
	"int64":              {"v": "-9223372036854775808"},
	"uint64 max":         {"v": "18446744073709551615"},
	"float":              {"v": "2.5"},
	"bool":               {"v": "true"},
	"string":             {"v": `héllo "q"` + "\n\t<&>"},
	"time in a zone":     {"v": "2026-03-04T05:06:07.00000089+05:30"},
	"duration":           {"v": "1500000000"},
	"error with a chain": {"v": "query users: dial tcp: EOF"},
	"group":              {"v.a": "1", "v.h.b": "c"},
	"LogValuer":          {"v.kind": "lazy"},
	"[]string":           {"v": `["x","y"]`},
	"map":                {"v.j": "2", "v.k": "1"},
	"[]byte":             {"v": "AAEC/w=="},
	"nil":                {},
}

// TestVictoriaLogsSplitsJSONLines: without disable_message_parsing,
// VictoriaLogs splits each JSON line the Loki preset sends into fields of
// its own, and _msg_field=msg makes the record's message the entry's
// message. The line's "level" lands on the stream label of the same name
// with the same value: the query answers with one "level" field or two,
// as VictoriaLogs happened to store the block, each the level's name.
func TestVictoriaLogsSplitsJSONLines(t *testing.T) {
	srv := startServer(t)
	sink, err := remote.Loki(srv.URL()+"/insert/loki/api/v1/push?_msg_field=msg", nil)
	if err != nil {
		t.Fatal(err)
	}
	recs := logAll(t, sink, io.Discard)
	entries, _ := srv.waitEntries("*", 0, len(recs))
	byMsg := map[string]entry{}
	for _, e := range entries {
		msg, _ := e.get("_msg")
		byMsg[msg] = e
	}
	for _, r := range recs {
		e, ok := byMsg[r.msg]
		if !ok {
			t.Errorf("%q: not stored with _msg %q", r.msg, r.msg)
			continue
		}
		want := map[string]string{"_msg": r.msg, "logger": "interop.loki", "service_name": "loggerjs"}
		if !r.time.IsZero() {
			want["time"] = r.time.Format("2006-01-02T15:04:05.999999999Z07:00")
		}
		if kind, ok := strings.CutPrefix(r.msg, "kind "); ok {
			maps.Copy(want, parsedKinds[kind])
		}
		if r.msg == "login" {
			maps.Copy(want, map[string]string{"user": "ada", "password": "[REDACTED]", "db.password": "[REDACTED]"})
		}
		var keys []string
		for _, f := range e {
			switch f.Key {
			case "_stream", "_stream_id", "_time":
				continue
			case "level":
				if f.Value != r.level {
					t.Errorf("%q: a level field %q, want %q", r.msg, f.Value, r.level)
				}
				continue
			}
			keys = append(keys, f.Key)
			if w, ok := want[f.Key]; !ok {
				t.Errorf("%q: unexpected field %s=%q", r.msg, f.Key, f.Value)
			} else if f.Value != w {
				t.Errorf("%q: %s=%q, want %q", r.msg, f.Key, f.Value, w)
			}
		}
		if _, ok := e.get("level"); !ok {
			t.Errorf("%q: no level field", r.msg)
		}
		slices.Sort(keys)
		if wantKeys := slices.Sorted(maps.Keys(want)); !slices.Equal(keys, wantKeys) {
			t.Errorf("%q: fields %q, want %q", r.msg, keys, wantKeys)
		}
	}
}
