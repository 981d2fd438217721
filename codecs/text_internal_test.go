package codecs

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestAppendTextTimeMatchesAppendFormat(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("A", 3600), time.FixedZone("B", -(9*3600 + 30*60)),
		time.FixedZone("C", 5*3600+45*60+30), time.FixedZone("D", -59), time.FixedZone("E", 14*3600),
		time.FixedZone("F", 100*3600), time.FixedZone("G", -(123*3600 + 7*60)), time.FixedZone("H", 99*3600+59*60)}
	rng := rand.New(rand.NewPCG(1, 2))
	times := []time.Time{{}, time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	for range 2000 {
		times = append(times, time.Unix(rng.Int64N(400e9)-200e9, rng.Int64N(1e9)))
	}
	for i, tm := range times {
		tm = tm.In(zones[i%len(zones)])
		want := tm.AppendFormat(nil, textTimeFormat)
		if got := appendTextTime(nil, tm); string(got) != string(want) {
			t.Fatalf("%v: got %s, want %s", tm, got, want)
		}
	}
}
