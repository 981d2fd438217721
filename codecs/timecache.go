package codecs

import (
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
		frac[0] = '.'
		for i := 9; i >= 1; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		end := len(frac)
		for frac[end-1] == '0' {
			end--
		}
		dst = append(dst, frac[:end]...)
	}
	return append(dst, st.zone...), true
}
