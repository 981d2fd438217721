package contextx

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// The cases of this file are those of the W3C test suites: the
// trace-context harness (w3c/trace-context, test/test.py) and the
// baggage tests (w3c/baggage, test/test_baggage.py), written as tables.

const w3cTraceID = "12345678901234567890123456789012"

// TestW3CTraceparent holds every traceparent the trace-context harness
// sends, and whether a conforming service keeps its trace id.
func TestW3CTraceparent(t *testing.T) {
	const tail = "-12345678901234567890123456789012-1234567890123456-01"
	for _, tt := range []struct {
		name  string
		in    string
		valid bool
	}{
		{"included", "00-12345678901234567890123456789012-1234567890123456-01", true},
		{"version 00 trailing dot", "00" + tail + ".", false},
		{"version 00 with future fields", "00" + tail + "-what-the-future-will-be-like", false},
		{"version cc", "cc" + tail, true},
		{"version cc with future fields", "cc" + tail + "-what-the-future-will-be-like", true},
		{"version cc without dash", "cc" + tail + ".what-the-future-will-be-like", false},
		{"version ff", "ff" + tail, false},
		{"version illegal .0", ".0" + tail, false},
		{"version illegal 0.", "0." + tail, false},
		{"version too long 000", "000" + tail, false},
		{"version too long 0000", "0000" + tail, false},
		{"version too short", "0" + tail, false},
		{"trace id all zero", "00-00000000000000000000000000000000-1234567890123456-01", false},
		{"trace id illegal first", "00-.2345678901234567890123456789012-1234567890123456-01", false},
		{"trace id illegal last", "00-1234567890123456789012345678901.-1234567890123456-01", false},
		{"trace id too long", "00-123456789012345678901234567890123-1234567890123456-01", false},
		{"trace id too short", "00-1234567890123456789012345678901-1234567890123456-01", false},
		{"parent id all zero", "00-12345678901234567890123456789012-0000000000000000-01", false},
		{"parent id illegal first", "00-12345678901234567890123456789012-.234567890123456-01", false},
		{"parent id illegal last", "00-12345678901234567890123456789012-123456789012345.-01", false},
		{"parent id too long", "00-12345678901234567890123456789012-12345678901234567-01", false},
		{"parent id too short", "00-12345678901234567890123456789012-123456789012345-01", false},
		{"flags illegal first", "00-12345678901234567890123456789012-1234567890123456-.0", false},
		{"flags illegal last", "00-12345678901234567890123456789012-1234567890123456-0.", false},
		{"flags too long", "00-12345678901234567890123456789012-1234567890123456-001", false},
		{"flags too short", "00-12345678901234567890123456789012-1234567890123456-1", false},
		{"ows leading space", " 00" + tail, true},
		{"ows leading tab", "\t00" + tail, true},
		{"ows trailing space", "00" + tail + " ", true},
		{"ows trailing tab", "00" + tail + "\t", true},
		{"ows both", "\t 00" + tail + " \t", true},
		// Beyond the harness: the specification's own rules.
		{"upper-case hex", "00-ABCDEF78901234567890123456789012-1234567890123456-01", false},
		{"empty", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tp, err := ParseTraceparent(tt.in)
			if !tt.valid {
				if !errors.Is(err, ErrTraceparent) {
					t.Fatalf("ParseTraceparent(%q) = %v, %v; want ErrTraceparent", tt.in, tp, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTraceparent(%q): %v", tt.in, err)
			}
			if got := tp.TraceIDString(); got != w3cTraceID {
				t.Errorf("trace id %s", got)
			}
			if got := tp.SpanIDString(); got != "1234567890123456" {
				t.Errorf("parent id %s", got)
			}
			if !tp.Sampled() {
				t.Error("sampled flag lost")
			}
			// Whatever version came in, a child is sent as version 00.
			if got := SpanOf(tp).Child().Traceparent().String(); !strings.HasPrefix(got, "00-"+w3cTraceID+"-") || strings.Contains(got, "1234567890123456-01") {
				t.Errorf("child traceparent %s", got)
			}
		})
	}
}

// TestW3CTraceparentChildren is the harness's AdvancedTest: the calls a
// service makes under one incoming traceparent keep its trace id, each
// with a parent id of its own.
func TestW3CTraceparentChildren(t *testing.T) {
	tp, err := ParseTraceparent("00-12345678901234567890123456789012-1234567890123456-01")
	if err != nil {
		t.Fatal(err)
	}
	server := SpanOf(tp).Child()
	parents := map[string]bool{}
	for range 3 {
		out := server.Child().Traceparent()
		if out.TraceIDString() != w3cTraceID {
			t.Errorf("trace id %s", out.TraceIDString())
		}
		parents[out.SpanIDString()] = true
	}
	if len(parents) != 3 || parents["1234567890123456"] {
		t.Errorf("parent ids %v", parents)
	}
	if server.ParentIDString() != "1234567890123456" {
		t.Errorf("the server's parent is %s", server.ParentIDString())
	}
}

// TestW3CTraceState holds the tracestate cases of the harness: the
// headers sent, and the members a conforming service passes on (nil:
// the tracestate is discarded).
func TestW3CTraceState(t *testing.T) {
	keyWithoutVendor := "abcdefghijklmnopqrstuvwxyz0123456789_-*/"
	keyWithVendor := keyWithoutVendor + "@a-z0-9_-*/"
	var value strings.Builder
	for c := byte(0x20); c <= 0x7e; c++ {
		if c != ',' && c != '=' {
			value.WriteByte(c)
		}
	}
	bars := func(from, to int) string {
		var m []string
		for i := from; i <= to; i++ {
			m = append(m, fmt.Sprintf("bar%02d=%02d", i, i))
		}
		return strings.Join(m, ",")
	}
	for _, tt := range []struct {
		name    string
		headers []string
		want    map[string]string // nil: discarded
		order   string            // the header form, when checked
	}{
		{"included", []string{"foo=1,bar=2"}, map[string]string{"foo": "1", "bar": "2"}, "foo=1,bar=2"},
		{"empty header", []string{""}, map[string]string{}, ""},
		{"empty then member", []string{"", "foo=1"}, map[string]string{"foo": "1"}, "foo=1"},
		{"member then empty", []string{"foo=1", ""}, map[string]string{"foo": "1"}, "foo=1"},
		{"multiple headers combined in order", []string{"foo=1,bar=2", "rojo=1,congo=2", "baz=3"},
			map[string]string{"foo": "1", "bar": "2", "rojo": "1", "congo": "2", "baz": "3"}, "foo=1,bar=2,rojo=1,congo=2,baz=3"},
		{"duplicated key", []string{"foo=1,foo=1"}, nil, ""},
		{"duplicated key other value", []string{"foo=1,foo=2"}, nil, ""},
		{"duplicated key across headers", []string{"foo=1", "foo=1"}, nil, ""},
		{"duplicated key across headers other value", []string{"foo=1", "foo=2"}, nil, ""},
		{"all allowed characters", []string{keyWithoutVendor + "=" + value.String()}, map[string]string{keyWithoutVendor: value.String()}, ""},
		{"all allowed characters with vendor", []string{keyWithVendor + "=" + value.String()}, map[string]string{keyWithVendor: value.String()}, ""},
		{"ows", []string{"foo=1 \t , \t bar=2, \t baz=3"}, map[string]string{"foo": "1", "bar": "2", "baz": "3"}, "foo=1,bar=2,baz=3"},
		{"ows tabs", []string{"foo=1\t \t,\t \tbar=2,\t \tbaz=3"}, map[string]string{"foo": "1", "bar": "2", "baz": "3"}, ""},
		{"ows leading space", []string{" foo=1"}, map[string]string{"foo": "1"}, "foo=1"},
		{"ows leading tab", []string{"\tfoo=1"}, map[string]string{"foo": "1"}, "foo=1"},
		{"ows trailing space", []string{"foo=1 "}, map[string]string{"foo": "1"}, "foo=1"},
		{"ows trailing tab", []string{"foo=1\t"}, map[string]string{"foo": "1"}, "foo=1"},
		{"ows both", []string{"\t foo=1 \t"}, map[string]string{"foo": "1"}, "foo=1"},
		{"key with space", []string{"foo =1"}, nil, ""},
		{"key upper case", []string{"FOO=1"}, nil, ""},
		{"key with dot", []string{"foo.bar=1"}, nil, ""},
		{"vendor empty system", []string{"foo@=1,bar=2"}, nil, ""},
		{"vendor empty tenant", []string{"@foo=1,bar=2"}, nil, ""},
		{"vendor double at", []string{"foo@@bar=1,bar=2"}, nil, ""},
		{"vendor two ats", []string{"foo@bar@baz=1,bar=2"}, nil, ""},
		{"32 members", []string{bars(1, 10), bars(11, 20), bars(21, 30), bars(31, 32)}, map[string]string{"bar01": "01", "bar32": "32"}, bars(1, 32)},
		{"33 members", []string{bars(1, 10), bars(11, 20), bars(21, 30), bars(31, 33)}, nil, ""},
		{"key of 256", []string{"foo=1", strings.Repeat("z", 256) + "=1"}, map[string]string{"foo": "1"}, ""},
		{"key of 257", []string{"foo=1", strings.Repeat("z", 257) + "=1"}, nil, ""},
		{"tenant 241 system 14", []string{"foo=1", strings.Repeat("t", 241) + "@" + strings.Repeat("v", 14) + "=1"}, map[string]string{"foo": "1"}, ""},
		{"tenant 242", []string{"foo=1", strings.Repeat("t", 242) + "@v=1"}, nil, ""},
		{"system 15", []string{"foo=1", "t@" + strings.Repeat("v", 15) + "=1"}, nil, ""},
		{"value with =", []string{"foo=bar=baz"}, nil, ""},
		{"empty value", []string{"foo=,bar=3"}, nil, ""},
		// Beyond the harness: the specification's own rules.
		{"value of 256", []string{"foo=" + strings.Repeat("v", 256)}, map[string]string{"foo": strings.Repeat("v", 256)}, ""},
		{"value of 257", []string{"foo=" + strings.Repeat("v", 257)}, nil, ""},
		{"value with a control character", []string{"foo=a\x01b"}, nil, ""},
		{"member without =", []string{"foo"}, nil, ""},
		{"tenant starting with a digit", []string{"1tenant@sys=1"}, map[string]string{"1tenant@sys": "1"}, ""},
		{"simple key starting with a digit", []string{"1foo=1"}, nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts, err := ParseTraceState(tt.headers...)
			if tt.want == nil {
				if !errors.Is(err, ErrTraceState) || ts.Len() != 0 {
					t.Fatalf("ParseTraceState = %q, %v; want it discarded", ts, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.want {
				if got, ok := ts.Get(k); !ok || got != v {
					t.Errorf("Get(%.20q) = %.20q, %v; want %.20q", k, got, ok, v)
				}
			}
			if tt.order != "" && ts.String() != tt.order {
				t.Errorf("String() = %q, want %q", ts, tt.order)
			}
			// The header form parses back to the same tracestate.
			if again, err := ParseTraceState(ts.String()); err != nil || again != ts {
				t.Errorf("round trip: %q, %v", again, err)
			}
		})
	}
}

func TestTraceStateInsertDelete(t *testing.T) {
	ts, _ := ParseTraceState("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
	ts, err := ts.Insert("congo", "ucfJifl5GOE")
	if err != nil {
		t.Fatal(err)
	}
	if got := ts.String(); got != "congo=ucfJifl5GOE,rojo=00f067aa0ba902b7" {
		t.Errorf("Insert moved the member to the front? %q", got)
	}
	if _, err := ts.Insert("Bad", "1"); !errors.Is(err, ErrTraceState) {
		t.Errorf("invalid key: %v", err)
	}
	if _, err := ts.Insert("ok", "bad,value"); !errors.Is(err, ErrTraceState) {
		t.Errorf("invalid value: %v", err)
	}
	if got := ts.Delete("congo").String(); got != "rojo=00f067aa0ba902b7" {
		t.Errorf("Delete: %q", got)
	}
	if got := ts.Delete("absent"); got != ts {
		t.Errorf("Delete of an absent key changed it: %q", got)
	}
	// A 33rd member pushes the last one out.
	var full TraceState
	for i := range MaxTraceStateMembers {
		full, _ = full.Insert(fmt.Sprintf("k%02d", i), "v")
	}
	full, _ = full.Insert("new", "v")
	if _, ok := full.Get("k00"); ok || full.Len() != MaxTraceStateMembers {
		t.Errorf("after 33 inserts: %d members, k00 kept %v", full.Len(), ok)
	}
	if k, _ := firstMember(full); k != "new" {
		t.Errorf("first member %q", k)
	}
}

func firstMember(ts TraceState) (string, string) {
	for k, v := range ts.All() {
		return k, v
	}
	return "", ""
}

type wantMember struct {
	key, value string
	props      []BaggageProperty
}

// TestW3CBaggage holds the cases of the baggage test suite, parsing.
func TestW3CBaggage(t *testing.T) {
	special := "\t \"';=asdf!@#$%^&*()"
	const specialEncoded = "%09%20%22%27%3B%3Dasdf%21%40%23%24%25%5E%26%2A%28%29"
	prop := func(k string) BaggageProperty { return BaggageProperty{Key: k} }
	kv := func(k, v string) BaggageProperty { return BaggageProperty{Key: k, Value: v, HasValue: true} }
	for _, tt := range []struct {
		name   string
		in     []string
		want   []wantMember
		errors bool
	}{
		{"simple", []string{"SomeKey=SomeValue"}, []wantMember{{"SomeKey", "SomeValue", nil}}, false},
		{"multiple", []string{"SomeKey=SomeValue,SomeKey2=SomeValue2"}, []wantMember{{"SomeKey", "SomeValue", nil}, {"SomeKey2", "SomeValue2", nil}}, false},
		{"multiple ows", []string{"SomeKey \t = \t SomeValue \t , \t SomeKey2 \t = \t SomeValue2 \t "}, []wantMember{{"SomeKey", "SomeValue", nil}, {"SomeKey2", "SomeValue2", nil}}, false},
		{"properties", []string{"SomeKey=SomeValue;SomeProp,SomeKey2=SomeValue2;ValueProp=PropVal"},
			[]wantMember{{"SomeKey", "SomeValue", []BaggageProperty{prop("SomeProp")}}, {"SomeKey2", "SomeValue2", []BaggageProperty{kv("ValueProp", "PropVal")}}}, false},
		{"properties ows", []string{"SomeKey \t = \t SomeValue \t ; \t SomeProp \t , \t SomeKey2 \t = \t SomeValue2 \t ; \t ValueProp \t = \t PropVal"},
			[]wantMember{{"SomeKey", "SomeValue", []BaggageProperty{prop("SomeProp")}}, {"SomeKey2", "SomeValue2", []BaggageProperty{kv("ValueProp", "PropVal")}}}, false},
		{"kv properties", []string{"SomeKey=SomeValue;SomePropKey=SomePropValue,SomeKey2=SomeValue2;SomePropKey2=SomePropValue2"},
			[]wantMember{{"SomeKey", "SomeValue", []BaggageProperty{kv("SomePropKey", "SomePropValue")}}, {"SomeKey2", "SomeValue2", []BaggageProperty{kv("SomePropKey2", "SomePropValue2")}}}, false},
		{"kv properties ows", []string{"SomeKey \t = \t SomeValue \t ; \t SomePropKey=SomePropValue \t , \t SomeKey2 \t = \t SomeValue2 \t ; \t SomePropKey2 \t = \t SomePropValue2"},
			[]wantMember{{"SomeKey", "SomeValue", []BaggageProperty{kv("SomePropKey", "SomePropValue")}}, {"SomeKey2", "SomeValue2", []BaggageProperty{kv("SomePropKey2", "SomePropValue2")}}}, false},
		{"multiple equals", []string{"SomeKey=SomeValue=equals"}, []wantMember{{"SomeKey", "SomeValue=equals", nil}}, false},
		{"percent encoded", []string{"SomeKey=" + specialEncoded}, []wantMember{{"SomeKey", special, nil}}, false},
		{"percent encoded ows", []string{"SomeKey \t = \t " + specialEncoded + " \t "}, []wantMember{{"SomeKey", special, nil}}, false},
		{"multi property", []string{"SomeKey=SomeValue;SomeProp;SecondProp=PropValue"},
			[]wantMember{{"SomeKey", "SomeValue", []BaggageProperty{prop("SomeProp"), kv("SecondProp", "PropValue")}}}, false},
		{"multi property ows", []string{"SomeKey \t = \t SomeValue \t ; \t SomeProp \t ; \t SecondProp \t = \t PropValue"},
			[]wantMember{{"SomeKey", "SomeValue", []BaggageProperty{prop("SomeProp"), kv("SecondProp", "PropValue")}}}, false},
		// The examples of the specification's text.
		{"spec example", []string{"key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue"},
			[]wantMember{{"key1", "value1", []BaggageProperty{prop("property1"), prop("property2")}}, {"key2", "value2", nil}, {"key3", "value3", []BaggageProperty{kv("propertyKey", "propertyValue")}}}, false},
		{"split over headers", []string{"userId=alice", "serverNode=DF%2028,isProduction=false"},
			[]wantMember{{"userId", "alice", nil}, {"serverNode", "DF 28", nil}, {"isProduction", "false", nil}}, false},
		{"spaces around", []string{"userId =   alice", "serverNode = DF%2028, isProduction = false"},
			[]wantMember{{"userId", "alice", nil}, {"serverNode", "DF 28", nil}, {"isProduction", "false", nil}}, false},
		// Invalid members are skipped, and reported.
		{"key not a token", []string{"bad key=1,good=2"}, []wantMember{{"good", "2", nil}}, true},
		{"value with a space", []string{"a=b c,good=2"}, []wantMember{{"good", "2", nil}}, true},
		{"value with a quote", []string{`a="b",good=2`}, []wantMember{{"good", "2", nil}}, true},
		{"value with a backslash", []string{`a=b\c,good=2`}, []wantMember{{"good", "2", nil}}, true},
		{"no equals", []string{"lonely,good=2"}, []wantMember{{"good", "2", nil}}, true},
		{"invalid UTF-8 after decoding", []string{"a=%ff,good=2"}, []wantMember{{"good", "2", nil}}, true},
		{"property key not a token", []string{"a=1;b@d,good=2"}, []wantMember{{"good", "2", nil}}, true},
		{"empty value", []string{"a="}, []wantMember{{"a", "", nil}}, false},
		{"stray percent", []string{"a=100%"}, []wantMember{{"a", "100%", nil}}, false},
		{"empty members", []string{",, a=1 ,", ""}, []wantMember{{"a", "1", nil}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseBaggage(tt.in...)
			if tt.errors != (err != nil) || (err != nil && !errors.Is(err, ErrBaggage)) {
				t.Errorf("err = %v", err)
			}
			var got []wantMember
			for m := range b.Members() {
				got = append(got, wantMember{m.Key, m.Value, m.Properties})
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("members\n got %v\nwant %v", got, tt.want)
			}
			// What is sent parses back to the same members.
			again, err := ParseBaggage(b.String())
			if err != nil || fmt.Sprint(again.members) != fmt.Sprint(b.members) {
				t.Errorf("round trip of %q: %v, %v", b.String(), again.members, err)
			}
		})
	}
}

// TestW3CBaggageFormat holds the serialising cases of the baggage suite:
// percent-encoding and the limits.
func TestW3CBaggageFormat(t *testing.T) {
	b, err := Baggage{}.With(BaggageMember{Key: "SomeKey", Value: "\t \"';=asdf!@#$%^&*()"})
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "SomeKey=%09%20%22%27%3B%3Dasdf%21%40%23%24%25%5E%26%2A%28%29" {
		t.Errorf("encoded %q", got)
	}

	// At least 64 members.
	var many Baggage
	for i := range 64 {
		many, _ = many.With(BaggageMember{Key: fmt.Sprintf("key%d", i), Value: "value"})
	}
	if n := len(strings.Split(many.String(), ",")); n != 64 {
		t.Errorf("64 members: %d sent", n)
	}

	// One member of exactly 8192 bytes.
	long, _ := Baggage{}.With(BaggageMember{Key: "a", Value: strings.Repeat("0123456789", 819)})
	if n := len(long.String()); n != 8192 {
		t.Errorf("a member of 8192 bytes: %d sent", n)
	}
	// One byte more is dropped whole, never truncated.
	longer, _ := long.With(BaggageMember{Key: "a", Value: strings.Repeat("0123456789", 819) + "x"})
	if got := longer.String(); got != "" {
		t.Errorf("a member of 8193 bytes: %d bytes sent", len(got))
	}

	// 512 members of 15 bytes and their commas: 8191 bytes, all sent.
	var members Baggage
	for i := range 512 {
		members, _ = members.With(BaggageMember{Key: fmt.Sprintf("%03d", i), Value: "0123456789a"})
	}
	if s := members.String(); len(s)+1 != 8192 || strings.Count(s, ",") != 511 {
		t.Errorf("512 members: %d bytes, %d commas", len(s), strings.Count(s, ","))
	}
	// A member that no longer fits is left out, the rest sent.
	members, _ = members.With(BaggageMember{Key: "late", Value: "xx"})
	if s := members.String(); strings.Contains(s, "late") || len(s) > MaxBaggageBytes {
		t.Errorf("past the limit: %d bytes, late member sent %v", len(s), strings.Contains(s, "late"))
	}

	// Parsing stops past the limit once 64 members are read.
	huge := strings.TrimSuffix(strings.Repeat("k=0123456789,", 2000), ",")
	parsed, err := ParseBaggage(huge)
	if err != nil || parsed.Len() == 2000 || len(parsed.String()) > MaxBaggageBytes || parsed.Len() < 64 {
		t.Errorf("huge header: %d members, %d bytes, %v", parsed.Len(), len(parsed.String()), err)
	}
}

func TestBaggageWithWithout(t *testing.T) {
	b, _ := ParseBaggage("a=1,b=2,a=3")
	if v, _ := b.Get("a"); v != "1" {
		t.Errorf("Get returns the first: %q", v)
	}
	b2, err := b.With(BaggageMember{Key: "a", Value: "x y", Properties: []BaggageProperty{{Key: "p", Value: "é", HasValue: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := b2.String(); got != "b=2,a=x%20y;p=%C3%A9" {
		t.Errorf("With: %q", got)
	}
	if got := b.String(); got != "a=1,b=2,a=3" {
		t.Errorf("With changed the original: %q", got)
	}
	for _, m := range []BaggageMember{{Key: "bad key"}, {Key: "k", Value: "\xff"}, {Key: "k", Properties: []BaggageProperty{{Key: "bad;"}}}} {
		if _, err := b.With(m); !errors.Is(err, ErrBaggage) {
			t.Errorf("With(%+v): %v", m, err)
		}
	}
	if got := b.Without("a").String(); got != "b=2" {
		t.Errorf("Without: %q", got)
	}
}

func FuzzParseBaggage(f *testing.F) {
	f.Add("key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue")
	f.Add("SomeKey=%09%20%22%27%3B%3Dasdf%21%40%23%24%25%5E%26%2A%28%29")
	f.Fuzz(func(t *testing.T, s string) {
		b, _ := ParseBaggage(s)
		out := b.String()
		if len(out) > MaxBaggageBytes {
			t.Fatalf("%d bytes", len(out))
		}
		again, err := ParseBaggage(out)
		if err != nil {
			t.Fatalf("%q formatted %q, which does not parse: %v", s, out, err)
		}
		if again.String() != out {
			t.Fatalf("not stable: %q then %q", out, again.String())
		}
	})
}

func FuzzParseTraceState(f *testing.F) {
	f.Add("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
	f.Add("foo=1 \t , \t bar=2")
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseTraceState(s)
		if err != nil {
			return
		}
		again, err := ParseTraceState(ts.String())
		if err != nil || again != ts {
			t.Fatalf("%q: round trip %q, %v", s, again, err)
		}
	})
}
