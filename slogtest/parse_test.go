package slogtest_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/loggerjs/loggerjs/slogtest"
)

func TestParseLogfmt(t *testing.T) {
	for _, c := range []struct {
		name, in, want, err string
	}{
		{name: "bare and quoted", in: `a=1 b="two words" c=`, want: `map[a:1 b:two words c:]`},
		{name: "escapes", in: `m="say \"hi\"\n\tand \\ \u00e9"`, want: "map[m:say \"hi\"\n\tand \\ é]"},
		{name: "groups", in: `g.a=1 g.h.b=2 top=3`, want: `map[g:map[a:1 h:map[b:2]] top:3]`},
		{name: "key without value", in: `flag x=1`, want: `map[flag: x:1]`},
		{name: "extra spaces", in: "  a=1   b=2 \r", want: `map[a:1 b:2]`},
		{name: "unterminated", in: `a="open`, err: "unterminated"},
		{name: "quote in key", in: `"a"=1`, err: "quote in a key"},
		{name: "empty key", in: `=1`, err: "empty key"},
		{name: "value then group", in: `a=1 a.b=2`, err: `"a" is both a value and a group`},
		{name: "group then value", in: `a.b=2 a=1`, err: `"a" is both a group and a value`},
		{name: "bad escape", in: `a="\q"`, err: "malformed quoted value"},
	} {
		t.Run(c.name, func(t *testing.T) {
			recs, err := slogtest.ParseLogfmt([]byte("\n" + c.in + "\n\n"))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "line 2") {
					t.Fatalf("error %v, want one naming line 2 and %q", err, c.err)
				}
				return
			}
			if err != nil || len(recs) != 1 {
				t.Fatalf("%d records, error %v", len(recs), err)
			}
			if got := fmt.Sprint(recs[0]); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestParseJSON(t *testing.T) {
	recs, err := slogtest.ParseJSON([]byte("{\"a\":1}\n\n{\"b\":{\"c\":\"d\"}}\n"))
	if err != nil || fmt.Sprint(recs) != "[map[a:1] map[b:map[c:d]]]" {
		t.Errorf("got %v, %v", recs, err)
	}
	if _, err := slogtest.ParseJSON([]byte("{\"a\":1}\n{\"a\":")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error %v, want one naming line 2", err)
	}
}

func TestParseOTLPJSON(t *testing.T) {
	req := func(attrs string) string {
		return `{"resourceLogs":[{"scopeLogs":[{"scope":{},"logRecords":[{"severityText":"INFO","body":{"stringValue":"m"},"attributes":[` + attrs + `]}]}]}]}`
	}
	in := req(`{"key":"nan","value":{"doubleValue":"NaN"}},{"key":"inf","value":{"doubleValue":"-Infinity"}},`+
		`{"key":"f","value":{"doubleValue":1.5}},{"key":"i","value":{"intValue":7}},{"key":"b","value":{"boolValue":true}},`+
		`{"key":"raw","value":{"bytesValue":"aGk="}},{"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":"2"}]}}},`+
		`{"key":"empty","value":{}}`) + "\n" + req(``)
	recs, err := slogtest.ParseOTLPJSON([]byte(in))
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d records, error %v", len(recs), err)
	}
	r := recs[0]
	if !math.IsNaN(r["nan"].(float64)) || !math.IsInf(r["inf"].(float64), -1) || r["f"] != 1.5 || r["i"] != int64(7) ||
		r["b"] != true || string(r["raw"].([]byte)) != "hi" || fmt.Sprint(r["arr"]) != "[x 2]" || r["empty"] != nil {
		t.Errorf("got %v", r)
	}
	if _, ok := r["time"]; ok {
		t.Errorf("a record without timeUnixNano has a time: %v", r)
	}
	if _, err := slogtest.ParseOTLPJSON([]byte(req(`{"key":"i","value":{"intValue":"x"}}`))); err == nil {
		t.Error("a malformed intValue parsed")
	}
}
