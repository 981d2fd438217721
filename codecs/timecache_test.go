package codecs

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, wherever the tests run
)

// TestAppendRFC3339Nano compares the cached formatter with the standard
// library's over random times in several zones, seconds repeated so the
// cache is hit, and the years RFC 3339 cannot hold.
func TestAppendRFC3339Nano(t *testing.T) {
	zones := []*time.Location{time.UTC, time.Local, time.FixedZone("A", 3600), time.FixedZone("B", -(5*3600 + 30*60))}
	if ny, err := time.LoadLocation("America/New_York"); err == nil {
		zones = append(zones, ny)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		sec := rng.Int64N(253402300799) // up to 9999-12-31
		ns := int64(0)
		switch i % 4 {
		case 1:
			ns = rng.Int64N(1e9)
		case 2:
			ns = rng.Int64N(1000) * 1e6
		case 3:
			ns = 1
		}
		tm := time.Unix(sec, ns).In(zones[i%len(zones)])
		for range 2 { // the second pass hits the cache
			got, ok := appendRFC3339Nano(nil, tm)
			if want := tm.AppendFormat(nil, time.RFC3339Nano); !ok || string(got) != string(want) {
				t.Fatalf("%v: got %q, %v; want %q", tm, got, ok, want)
			}
			tm = tm.Add(time.Duration(rng.Int64N(1e9)) - time.Duration(tm.Nanosecond()))
		}
	}
	for _, y := range []int{-1, 10000, 12345} {
		if b, ok := appendRFC3339Nano([]byte("x"), time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)); ok || string(b) != "x" {
			t.Errorf("year %d: %q, %v", y, b, ok)
		}
	}
}

// TestSafePrefix checks the word-at-a-time scan against a byte-at-a-time
// one for every byte value at every position of a 20-byte string.
func TestSafePrefix(t *testing.T) {
	slow := func(s string) int {
		for i := 0; i < len(s); i++ {
			if b := s[i]; b < 0x20 || b == '"' || b == '\\' || b >= 0x80 {
				return i
			}
		}
		return len(s)
	}
	base := []byte("abcdefghijklmnopqrst")
	for pos := range base {
		for b := range 256 {
			s := append([]byte(nil), base...)
			s[pos] = byte(b)
			if got, want := safePrefix(string(s)), slow(string(s)); got != want {
				t.Fatalf("byte %#x at %d: got %d, want %d", b, pos, got, want)
			}
		}
	}
}

// TestSafePrefixLengths checks the scan against a byte-at-a-time one for
// every length up to 40, every byte value at every position, and a second
// unsafe byte after it: the short strings tested as two halves, the words
// and the tail tested as the last eight bytes.
func TestSafePrefixLengths(t *testing.T) {
	slow := func(s string) int {
		for i := 0; i < len(s); i++ {
			if b := s[i]; b < 0x20 || b == '"' || b == '\\' || b >= 0x80 {
				return i
			}
		}
		return len(s)
	}
	base := "abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	for n := range len(base) + 1 {
		if got := safePrefix(base[:n]); got != n {
			t.Fatalf("%q: %d", base[:n], got)
		}
		for pos := range n {
			for b := range 256 {
				s := []byte(base[:n])
				s[pos] = byte(b)
				if got, want := safePrefix(string(s)), slow(string(s)); got != want {
					t.Fatalf("length %d, byte %#x at %d: got %d, want %d", n, b, pos, got, want)
				}
				if pos+1 < n {
					s[n-1] = '"'
					if got, want := safePrefix(string(s)), slow(string(s)); got != want {
						t.Fatalf("length %d, byte %#x at %d and a quote last: got %d, want %d", n, b, pos, got, want)
					}
				}
			}
		}
	}
}

// TestSafePrefixWords checks the scan's word step alone: an unsafe byte
// in a full word must stop it there.
func TestSafePrefixWords(t *testing.T) {
	for b := range 256 {
		unsafe := b < 0x20 || b == '"' || b == '\\' || b >= 0x80
		for pos := range 8 {
			s := []byte("abcdefgh")
			s[pos] = byte(b)
			got := safePrefix(string(s))
			if unsafe && got != pos || !unsafe && got != 8 {
				t.Fatalf("byte %#x at %d: safePrefix = %d", b, pos, got)
			}
		}
	}
}

// TestCivilDate checks civilDate against the time package on every day
// of the years 0 to 9999.
func TestCivilDate(t *testing.T) {
	start := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	if start != minRFC3339Sec || time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Unix() != endRFC3339Sec {
		t.Fatal("minRFC3339Sec or endRFC3339Sec is not where years 0 and 10000 begin")
	}
	for days := uint32(0); ; days++ {
		y, m, d := time.Unix(start+int64(days)*86400, 0).UTC().Date()
		if y > 9999 {
			break
		}
		if gy, gm, gd := civilDate(days); gy != uint32(y) || gm != uint32(m) || gd != uint32(d) {
			t.Fatalf("day %d: civilDate = %04d-%02d-%02d, want %04d-%02d-%02d", days, gy, gm, gd, y, m, d)
		}
	}
}

// rfc3339Zones are zones whose offsets are odd: 45 minutes, half hours
// with daylight saving, offsets with seconds (historic mean times, and
// fixed zones), negative offsets under a minute, and three-digit hours.
func rfc3339Zones(t testing.TB) []*time.Location {
	zones := []*time.Location{
		time.UTC, time.Local,
		time.FixedZone("s", 3600+30), time.FixedZone("s", -(3600 + 30)), time.FixedZone("s", -30),
		time.FixedZone("s", 59), time.FixedZone("s", -60), time.FixedZone("s", 14*3600),
		time.FixedZone("s", -(12*3600 + 45*60 + 59)), time.FixedZone("s", 99*3600+59*60+59),
		time.FixedZone("s", 100*3600), time.FixedZone("s", -100*3600), time.FixedZone("s", -(99*3600 + 59*60 + 59)),
		time.FixedZone("s", 1<<40), time.FixedZone("s", -(1 << 40)), time.FixedZone("s", math.MaxInt32),
	}
	for _, name := range []string{
		"Asia/Kathmandu", "America/St_Johns", "Australia/Lord_Howe", "Pacific/Chatham",
		"Africa/Monrovia", "Europe/Amsterdam", "Europe/Dublin", "America/New_York", "Pacific/Kiritimati",
		"Asia/Kolkata", "America/Caracas", "Pacific/Apia",
	} {
		l, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		zones = append(zones, l)
	}
	return zones
}

// checkTimeRFC3339Nano fails t unless appendTimeRFC3339Nano writes tm as
// AppendFormat does, or declines exactly the years outside [0, 9999].
func checkTimeRFC3339Nano(t *testing.T, tm time.Time) {
	t.Helper()
	got, ok := appendTimeRFC3339Nano([]byte("x"), tm)
	if y := tm.Year(); y < 0 || y > 9999 {
		if ok || string(got) != "x" {
			t.Fatalf("%v (year %d): got %q, %v; want nothing, false", tm, y, got, ok)
		}
		return
	}
	if want := tm.AppendFormat([]byte("x"), time.RFC3339Nano); !ok || string(got) != string(want) {
		t.Fatalf("%v (unix %d.%09d): got %q, %v; want %q", tm, tm.Unix(), tm.Nanosecond(), got, ok, want)
	}
}

// TestAppendTimeRFC3339Nano compares appendTimeRFC3339Nano with
// AppendFormat over random times in odd zones, every fraction length,
// times near the ends of years 0 and 9999 in every zone, and a few
// special times.
func TestAppendTimeRFC3339Nano(t *testing.T) {
	zones := rfc3339Zones(t)
	n := 200000
	if testing.Short() {
		n = 20000
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range n {
		var sec int64
		switch i % 4 {
		case 0: // any time in the years -1 to 10000
			sec = minRFC3339Sec - 366*86400 + rng.Int64N(endRFC3339Sec-minRFC3339Sec+2*366*86400)
		case 1: // around now
			sec = 1.7e9 + rng.Int64N(1e9)
		case 2: // any int64
			sec = int64(rng.Uint64())
		case 3: // near the ends of the range
			sec = minRFC3339Sec + rng.Int64N(2*86400) - 86400
			if rng.IntN(2) == 0 {
				sec = endRFC3339Sec + rng.Int64N(2*86400) - 86400
			}
		}
		ns := rng.Int64N(1e9)
		switch rng.IntN(5) { // 0 to 9 fractional digits
		case 0:
			ns = 0
		case 1:
			ns -= ns % 1e6
		case 2:
			ns -= ns % 1e3
		case 3:
			ns -= ns % int64(math.Pow10(rng.IntN(10)))
		}
		checkTimeRFC3339Nano(t, time.Unix(sec, ns).In(zones[i%len(zones)]))
	}
	for _, z := range zones {
		for _, tm := range []time.Time{
			time.Unix(minRFC3339Sec, 0), time.Unix(minRFC3339Sec-1, 999999999), time.Unix(endRFC3339Sec, 0),
			time.Unix(endRFC3339Sec-1, 999999999), time.Unix(0, 0), time.Unix(0, 1), time.Unix(-1, 0),
			time.Unix(951782400, 0), // 2000-02-29
			time.Date(0, 2, 29, 23, 59, 59, 1, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 100, time.UTC),
		} {
			checkTimeRFC3339Nano(t, tm.In(z))
		}
		// Every offset change of the zone over the years 1800 to 2100.
		tm := time.Date(1800, 1, 1, 0, 0, 0, 0, z)
		for range 2000 {
			_, end := tm.ZoneBounds()
			if end.IsZero() || end.Year() > 2100 {
				break
			}
			checkTimeRFC3339Nano(t, end)
			checkTimeRFC3339Nano(t, end.Add(-time.Nanosecond))
			tm = end
		}
	}
	checkTimeRFC3339Nano(t, time.Time{})
	checkTimeRFC3339Nano(t, time.Now())         // with a monotonic reading
	checkTimeRFC3339Nano(t, time.Now().Local()) // and in the local zone
}

// FuzzTimeRFC3339Nano compares appendTimeRFC3339Nano with AppendFormat
// for a fuzzed instant, in a fuzzed fixed offset and in each odd zone.
func FuzzTimeRFC3339Nano(f *testing.F) {
	f.Add(int64(1795292104), int64(123456789), int64(3600+30), uint8(0))
	f.Add(int64(minRFC3339Sec), int64(0), int64(-30), uint8(4))
	f.Add(int64(endRFC3339Sec-1), int64(999999999), int64(100*3600), uint8(20))
	zones := rfc3339Zones(f)
	f.Fuzz(func(t *testing.T, sec, ns, offset int64, zone uint8) {
		tm := time.Unix(sec, ns)
		checkTimeRFC3339Nano(t, tm.In(time.FixedZone("f", int(offset))))
		checkTimeRFC3339Nano(t, tm.In(zones[int(zone)%len(zones)]))
	})
}

// BenchmarkAppendTimeRFC3339Nano times appendTimeRFC3339Nano and what it
// replaced, t.Year for the range check and then AppendFormat.
func BenchmarkAppendTimeRFC3339Nano(b *testing.B) {
	kathmandu, err := time.LoadLocation("Asia/Kathmandu")
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		t    time.Time
	}{
		{"UTC", time.Date(2026, 11, 21, 12, 0, 0, 123456789, time.UTC)},
		{"Kathmandu", time.Date(2026, 11, 21, 12, 0, 0, 123000000, kathmandu)},
	} {
		buf := make([]byte, 0, 64)
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				buf, _ = appendTimeRFC3339Nano(buf[:0], tc.t)
			}
		})
		b.Run(tc.name+"/AppendFormat", func(b *testing.B) {
			for b.Loop() {
				if y := tc.t.Year(); y >= 0 && y < 10000 {
					buf = tc.t.AppendFormat(buf[:0], time.RFC3339Nano)
				}
			}
		})
	}
}
