//go:build !race

package codecs_test

import (
	"testing"

	"github.com/loggerjs/loggerjs/codecs"
)

// TestZeroAllocs checks that JSON and logfmt allocate nothing per record
// in steady state (the buffer reused, the scope already cached).
func TestZeroAllocs(t *testing.T) {
	r := benchRecord()
	json, logfmt := codecs.JSON(nil), codecs.Logfmt(nil)
	buf := make([]byte, 0, 4096)
	for name, append := range map[string]func(){
		"JSON":   func() { buf = json.Append(buf[:0], r) },
		"Logfmt": func() { buf = logfmt.Append(buf[:0], r) },
	} {
		append()
		if n := testing.AllocsPerRun(100, append); n != 0 {
			t.Errorf("%s: %v allocs per record, want 0", name, n)
		}
	}
}
