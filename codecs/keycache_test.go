package codecs_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/loggerjs/loggerjs/codecs"
)

// TestJSONKeyCache encodes records whose keys are many, collide in the
// codec's key cache and include keys that need escaping, first and
// again (from the cache), from several goroutines at once: every line
// must decode to exactly the keys and values logged.
func TestJSONKeyCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("abcdefghij_.-\"\\\n\té€ \x01")
	var keys []string
	for i := range 600 {
		n := 1 + rng.IntN(40)
		b := make([]rune, n)
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		// A unique prefix keeps the keys distinct, so a line has no
		// duplicate key.
		keys = append(keys, fmt.Sprintf("%d%s", i, string(b)))
	}
	c := codecs.JSON(&codecs.JSONOptions{})
	check := func(ks []string) error {
		args := make([]any, 0, 2*len(ks))
		for i, k := range ks {
			args = append(args, k, i)
		}
		line := c.Append(nil, newRecord(slog.LevelInfo, nil, "m", args...))
		var got map[string]any
		if err := json.Unmarshal(line, &got); err != nil {
			return fmt.Errorf("invalid JSON %q: %v", line, err)
		}
		for i, k := range ks {
			if v, ok := got[k]; !ok || v != float64(i) {
				return fmt.Errorf("key %q: got %v, %v in %s", k, v, ok, line)
			}
		}
		if len(got) != len(ks)+3 { // time, level, msg
			return fmt.Errorf("%d keys, want %d: %s", len(got), len(ks)+3, line)
		}
		return nil
	}
	for round := range 2 {
		for i := 0; i < len(keys); i += 7 {
			if err := check(keys[i:min(i+7, len(keys))]); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 9))
			for range 300 {
				i := r.IntN(len(keys) - 5)
				if err := check(keys[i : i+5]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Keys never seen before, once the cache is full, cost no allocation.
	fresh := newRecord(slog.LevelInfo, nil, "m", "never-seen-1", 1, "never-seen-2", 2)
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { buf = c.Append(buf[:0], fresh) }); n != 0 {
		t.Errorf("%v allocations per record with new keys, want 0", n)
	}
}
