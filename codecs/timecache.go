package codecs

import (
	"slices"
	"sync/atomic"
	"time"
)

// secondText is the RFC 3339 text of one second in one location: the date
// and clock digits and the zone suffix. Records logged within the same
// second share it, so formatting a time costs a load, a compare and the
// fractional digits.
type secondText struct {
	unix   int64
	loc    *time.Location
	prefix []byte // 2006-01-02T15:04:05
	zone   []byte // Z or -07:00
}

var lastSecond atomic.Pointer[secondText]

// appendRFC3339Nano appends t as t.AppendFormat(dst, time.RFC3339Nano)
// would, and reports false, appending nothing, for a year RFC 3339 cannot
// hold.
func appendRFC3339Nano(dst []byte, t time.Time) ([]byte, bool) {
	unix, loc := t.Unix(), t.Location()
	st := lastSecond.Load()
	if st == nil || st.unix != unix || st.loc != loc {
		if y := t.Year(); y < 0 || y >= 10000 {
			return dst, false
		}
		b := t.Truncate(time.Second).AppendFormat(make([]byte, 0, 32), "2006-01-02T15:04:05Z07:00")
		st = &secondText{unix: unix, loc: loc, prefix: b[:19], zone: b[19:]}
		lastSecond.Store(st)
	}
	dst = append(dst, st.prefix...)
	if ns := t.Nanosecond(); ns != 0 {
		var frac [10]byte
		dst = append(dst, frac[:putFraction(&frac, uint32(ns))]...)
	}
	return append(dst, st.zone...), true
}

// putFraction writes the fraction of a second ns, 0 < ns < 1e9, into b as
// RFC3339Nano does, a point and nine digits with the trailing zeros
// dropped, and returns its length.
func putFraction(b *[10]byte, ns uint32) int {
	// Two halves, so that the divisions of one need not wait for the other.
	hi, lo := ns/1e5, ns%1e5 // 4 and 5 digits
	b[0] = '.'
	b[1], b[2] = digitPairs[hi/100*2], digitPairs[hi/100*2+1]
	b[3], b[4] = digitPairs[hi%100*2], digitPairs[hi%100*2+1]
	b[5], b[6] = digitPairs[lo/1000*2], digitPairs[lo/1000*2+1]
	b[7], b[8] = digitPairs[lo/10%100*2], digitPairs[lo/10%100*2+1]
	b[9] = byte('0' + lo%10)
	n := len(b)
	for b[n-1] == '0' {
		n--
	}
	return n
}

// The local seconds (Unix seconds plus the zone's offset) of the years
// RFC 3339 can hold: from 0000-01-01T00:00:00 up to 10000-01-01T00:00:00.
const (
	minRFC3339Sec = -62167219200
	endRFC3339Sec = 253402300800
)

// appendTimeRFC3339Nano appends t as t.AppendFormat(dst, time.RFC3339Nano)
// would, and reports false, appending nothing, for a year RFC 3339 cannot
// hold. It computes the date once (t.Year and then AppendFormat compute it
// twice) and leaves the cache, which holds the record's second, alone.
//
// As AppendFormat, it writes the zone's offset in whole minutes, the
// seconds truncated: +01:00 for 3630s, +00:00 for -30s, and Z only for 0.
func appendTimeRFC3339Nano(dst []byte, t time.Time) ([]byte, bool) {
	_, offset := t.Zone()
	sec := t.Unix() + int64(offset)
	if sec < minRFC3339Sec || sec >= endRFC3339Sec {
		return dst, false
	}
	zone := offset / 60
	sign := byte('+')
	if zone < 0 {
		zone, sign = -zone, '-'
	}
	if zone >= 100*60 { // three-digit hours
		return t.AppendFormat(dst, time.RFC3339Nano), true
	}

	s := uint64(sec - minRFC3339Sec) // since 0000-01-01T00:00:00
	year, month, day := civilDate(uint32(s / 86400))
	sod := uint32(s % 86400)
	hour, minute, second := sod/3600, sod/60%60, sod%60

	// Write in place: 2006-01-02T15:04:05.999999999-07:00 is 35 bytes.
	n0 := len(dst)
	dst = slices.Grow(dst, 35)
	b := (*[35]byte)(dst[n0 : n0+35])
	b[0], b[1] = digitPairs[year/100*2], digitPairs[year/100*2+1]
	b[2], b[3] = digitPairs[year%100*2], digitPairs[year%100*2+1]
	b[4] = '-'
	b[5], b[6] = digitPairs[month*2], digitPairs[month*2+1]
	b[7] = '-'
	b[8], b[9] = digitPairs[day*2], digitPairs[day*2+1]
	b[10] = 'T'
	b[11], b[12] = digitPairs[hour*2], digitPairs[hour*2+1]
	b[13] = ':'
	b[14], b[15] = digitPairs[minute*2], digitPairs[minute*2+1]
	b[16] = ':'
	b[17], b[18] = digitPairs[second*2], digitPairs[second*2+1]
	n := 19
	if ns := t.Nanosecond(); ns != 0 {
		n += putFraction((*[10]byte)(b[19:29]), uint32(ns))
	}
	if offset == 0 {
		b[n] = 'Z'
		n++
	} else {
		h, m := zone/60, zone%60
		b[n] = sign
		b[n+1], b[n+2] = digitPairs[h*2], digitPairs[h*2+1]
		b[n+3] = ':'
		b[n+4], b[n+5] = digitPairs[m*2], digitPairs[m*2+1]
		n += 6
	}
	return dst[:n0+n], true
}

// civilDate returns the proleptic Gregorian date of the day days after
// 0000-01-01, for the days up to 9999-12-31, by the algorithm of Neri and
// Schneider ("Euclidean affine functions and their application to
// calendar algorithms", 2022), on a calendar that starts on March 1 so
// that the leap day ends its year.
func civilDate(days uint32) (year, month, day uint32) {
	// Count from 0000-03-01 (60 days after 0000-01-01, year 0 being leap)
	// one 400-year cycle earlier, so that January and February of year 0
	// count from a March too.
	n := days - 60 + 146097
	n1 := 4*n + 3
	century := n1 / 146097
	nc := n1 % 146097 / 4
	p2 := 2939745 * (4*uint64(nc) + 3)
	ny := uint32(p2) / 2939745 / 4 // day of the March-based year
	year = 100*century + uint32(p2>>32)
	n3 := 2141*ny + 197913
	month, day = n3>>16, n3&0xffff/2141+1
	if ny >= 306 { // January or February: the next year
		year, month = year+1, month-12
	}
	return year - 400, month, day
}
