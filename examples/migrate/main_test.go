package main

import (
	"reflect"
	"testing"

	"github.com/loggerjs/loggerjs/sinks"
)

// TestRun checks that every library's calls reach the one sink, each
// marked with its bridge's source, in the order they were made, and
// that the disabled ones do not.
func TestRun(t *testing.T) {
	mem := sinks.Memory()
	if err := run(mem); err != nil {
		t.Fatal(err)
	}
	type line struct{ source, category, msg string }
	var got []line
	for _, r := range mem.Records() {
		got = append(got, line{r.Source, r.CategoryName(), r.Message()})
	}
	want := []line{
		{"", "app", "server started"},
		{"integration:zap", "app.db", "pool ready"},
		{"integration:zap", "app", "request served"},
		{"integration:zerolog", "app.http", "slow request"},
		{"integration:logrus", "app.auth", "login failed"},
		{"integration:logrus", "app.db", "query failed"},
		{"integration:stdlog", "stdlog", "disk almost full"},
		{"", "app", "done"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records:\n%v\nwant\n%v", got, want)
	}
}
