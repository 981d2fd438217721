package main

import (
	"encoding/binary"
	"errors"
	"math"
)

var (
	errShort   = errors.New("msgpack: incomplete value")
	errBadByte = errors.New("msgpack: 0xc1 is never used")
)

// msgpackLen returns the length of the MessagePack value at the start of
// b, errShort when b holds only part of it, or errBadByte. It walks the
// value without recursion: pending counts the values still to skip.
func msgpackLen(b []byte) (int, error) {
	i, pending := 0, 1
	for pending > 0 {
		if pending > len(b)-i { // every value takes at least a byte
			return 0, errShort
		}
		pending--
		c := b[i]
		i++
		var skip, items int // bytes of payload; values that follow
		switch {
		case c <= 0x7f, c >= 0xe0, c == 0xc0, c == 0xc2, c == 0xc3:
		case c >= 0x80 && c <= 0x8f:
			items = 2 * int(c&0x0f)
		case c >= 0x90 && c <= 0x9f:
			items = int(c & 0x0f)
		case c >= 0xa0 && c <= 0xbf:
			skip = int(c & 0x1f)
		case c == 0xc1:
			return 0, errBadByte
		default:
			n, size, ok := msgpackHead(b[i:], c)
			if !ok {
				return 0, errShort
			}
			i += size
			switch c {
			case 0xdc, 0xdd:
				items = n
			case 0xde, 0xdf:
				items = 2 * n
			default:
				skip = n
			}
		}
		if skip > len(b)-i {
			return 0, errShort
		}
		i += skip
		pending += items
	}
	return i, nil
}

// msgpackHead reads what follows the type byte c of the types whose
// length is not in c: the length of a payload (or the count of items for
// arrays and maps), and how many bytes that took.
func msgpackHead(b []byte, c byte) (n, size int, ok bool) {
	u := func(w int) (int, bool) {
		if len(b) < w {
			return 0, false
		}
		switch w {
		case 1:
			return int(b[0]), true
		case 2:
			return int(binary.BigEndian.Uint16(b)), true
		}
		v := binary.BigEndian.Uint32(b)
		if uint64(v) > math.MaxInt32 {
			return 0, false // more than any input cmd/loggerjs buffers
		}
		return int(v), true
	}
	switch c {
	case 0xc4, 0xd9: // bin8, str8
		n, ok = u(1)
		return n, 1, ok
	case 0xc5, 0xda, 0xdc, 0xde: // bin16, str16, array16, map16
		n, ok = u(2)
		return n, 2, ok
	case 0xc6, 0xdb, 0xdd, 0xdf: // bin32, str32, array32, map32
		n, ok = u(4)
		return n, 4, ok
	case 0xc7, 0xc8, 0xc9: // ext8, ext16, ext32: length, then a type byte
		w := 1 << (c - 0xc7)
		n, ok = u(w)
		return n + 1, w, ok
	case 0xca, 0xce, 0xd2: // float32, uint32, int32
		return 4, 0, true
	case 0xcb, 0xd3: // float64, int64
		return 8, 0, true
	case 0xcc, 0xd0: // uint8, int8
		return 1, 0, true
	case 0xcd, 0xd1: // uint16, int16
		return 2, 0, true
	case 0xcf: // uint64
		return 8, 0, true
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: // fixext 1, 2, 4, 8, 16, with a type byte
		return 1 + 1<<(c-0xd4), 0, true
	}
	return 0, 0, false
}

// looksLikeMsgpack reports whether a stream that starts with c is
// MessagePack: a map or an array, which no text line starts with.
func looksLikeMsgpack(c byte) bool {
	return c >= 0x80 && c <= 0x9f || c >= 0xdc && c <= 0xdf
}
