//go:build !race

package codecs_test

import (
	"testing"
)

// TestZeroAllocs checks that the codecs other than Structured allocate
// nothing per record of ordinary attrs in steady state (the buffer reused,
// the scope already cached). JSON and logfmt are held to it by the issue
// that introduced them; the rest are measured to stay there.
func TestZeroAllocs(t *testing.T) {
	r := benchRecord()
	buf := make([]byte, 0, 4096)
	for _, bc := range benchCodecs() {
		if bc.name == "Structured" {
			continue
		}
		append := func() { buf = bc.codec.Append(buf[:0], r) }
		append()
		if n := testing.AllocsPerRun(100, append); n != 0 {
			t.Errorf("%s: %v allocs per record, want 0", bc.name, n)
		}
	}
}
