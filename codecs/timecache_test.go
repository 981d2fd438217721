package codecs

import (
	"math/rand/v2"
	"testing"
	"time"
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
