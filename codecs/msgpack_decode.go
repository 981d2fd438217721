package codecs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loggerjs/loggerjs"
)

// Decode decodes what Append and AppendBatch wrote: a stream of records,
// each a map, or arrays of them. It gives records whose attrs hold what the
// codec wrote: strings, int64 (uint64 above math.MaxInt64), float64, bool,
// times in UTC, []byte, nil; non-empty maps come back as groups, arrays as
// []any and empty maps as map[string]any. Durations come back as int64
// nanoseconds, errors and levels as strings. Attrs bound to the logger are
// among the record's attrs, inside their groups. A category comes back
// split at its dots. Malformed input is an error; Decode never panics.
func (c *MsgpackCodec) Decode(data []byte) ([]*loggerjs.Record, error) {
	d := msgpackDecoder{data: data}
	var out []*loggerjs.Record
	for d.pos < len(d.data) {
		b := d.data[d.pos]
		if n, ok := d.arrayLen(); ok {
			for range n {
				r, err := d.record()
				if err != nil {
					return out, err
				}
				out = append(out, r)
			}
			continue
		} else if b == 0xdc || b == 0xdd {
			return out, d.errorf("truncated array header")
		}
		r, err := d.record()
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// msgpackDecoder reads MessagePack from data.
type msgpackDecoder struct {
	data []byte
	pos  int
}

// maxMsgpackDepth bounds nesting in decoded values.
const maxMsgpackDepth = 1000

func (d *msgpackDecoder) errorf(format string, args ...any) error {
	return fmt.Errorf("codecs: msgpack at byte %d: %s", d.pos, fmt.Sprintf(format, args...))
}

// take returns the next n bytes.
func (d *msgpackDecoder) take(n int) ([]byte, error) {
	if n < 0 || n > len(d.data)-d.pos {
		return nil, d.errorf("unexpected end of data")
	}
	b := d.data[d.pos : d.pos+n]
	d.pos += n
	return b, nil
}

func (d *msgpackDecoder) uintN(size int) (uint64, error) {
	b, err := d.take(size)
	if err != nil {
		return 0, err
	}
	var u uint64
	for _, c := range b {
		u = u<<8 | uint64(c)
	}
	return u, nil
}

// arrayLen reads an array header if one is next.
func (d *msgpackDecoder) arrayLen() (int, bool) {
	if d.pos >= len(d.data) {
		return 0, false
	}
	save := d.pos
	b := d.data[d.pos]
	switch {
	case b&0xf0 == 0x90:
		d.pos++
		return int(b & 0x0f), true
	case b == 0xdc || b == 0xdd:
		d.pos++
		size := 2
		if b == 0xdd {
			size = 4
		}
		n, err := d.uintN(size)
		if err != nil || n > uint64(len(d.data)) {
			d.pos = save
			return 0, false
		}
		return int(n), true
	}
	return 0, false
}

// mapLen reads a map header.
func (d *msgpackDecoder) mapLen() (int, error) {
	if d.pos >= len(d.data) {
		return 0, d.errorf("unexpected end of data")
	}
	b := d.data[d.pos]
	d.pos++
	var n uint64
	var err error
	switch {
	case b&0xf0 == 0x80:
		n = uint64(b & 0x0f)
	case b == 0xde:
		n, err = d.uintN(2)
	case b == 0xdf:
		n, err = d.uintN(4)
	default:
		d.pos--
		return 0, d.errorf("want a map, have byte 0x%02x", b)
	}
	if err != nil {
		return 0, err
	}
	if n > uint64(len(d.data)-d.pos)/2 {
		return 0, d.errorf("map of %d entries is longer than the data", n)
	}
	return int(n), nil
}

// str reads a string.
func (d *msgpackDecoder) str() (string, error) {
	v, err := d.value(0)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", d.errorf("want a string, have %T", v)
	}
	return s, nil
}

// record reads one record map.
func (d *msgpackDecoder) record() (*loggerjs.Record, error) {
	n, err := d.mapLen()
	if err != nil {
		return nil, err
	}
	var (
		t      time.Time
		level  slog.Level
		msg    string
		logger string
		attrs  []slog.Attr
		stage  int // 0: time, 1: level, 2: msg, 3: logger, 4: attrs
	)
	for range n {
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		switch {
		case stage == 0 && key == slog.TimeKey:
			v, err := d.value(0)
			if err != nil {
				return nil, err
			}
			tt, ok := v.(time.Time)
			if !ok {
				return nil, d.errorf("time is a %T", v)
			}
			t, stage = tt, 1
			continue
		case stage <= 1 && key == slog.LevelKey:
			name, err := d.str()
			if err != nil {
				return nil, err
			}
			if level, err = loggerjs.ParseLevel(name); err != nil {
				return nil, err
			}
			stage = 2
			continue
		case stage == 2 && key == slog.MessageKey:
			if msg, err = d.str(); err != nil {
				return nil, err
			}
			stage = 3
			continue
		case stage == 3 && key == loggerjs.CategoryKey:
			if logger, err = d.str(); err != nil {
				return nil, err
			}
			stage = 4
			continue
		}
		if stage < 3 {
			return nil, d.errorf("record starts with %q, want time, level and msg first", key)
		}
		stage = 4
		v, err := d.attrValue(0)
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, slog.Attr{Key: key, Value: v})
	}
	if stage < 3 {
		return nil, d.errorf("record without level and msg")
	}
	r := loggerjs.NewRecord(slog.NewRecord(t, level, msg, 0))
	if logger != "" {
		r.SetCategory(strings.Split(logger, ".")...)
	}
	if len(attrs) > 0 {
		r.AddAttrs(attrs...)
	}
	return r, nil
}

// attrValue reads an attr's value: a non-empty map is a group.
func (d *msgpackDecoder) attrValue(depth int) (slog.Value, error) {
	if depth > maxMsgpackDepth {
		return slog.Value{}, d.errorf("nested too deep")
	}
	save := d.pos
	if n, err := d.mapLen(); err == nil && n > 0 {
		attrs := make([]slog.Attr, 0, n)
		for range n {
			key, err := d.str()
			if err != nil {
				return slog.Value{}, err
			}
			v, err := d.attrValue(depth + 1)
			if err != nil {
				return slog.Value{}, err
			}
			attrs = append(attrs, slog.Attr{Key: key, Value: v})
		}
		return slog.GroupValue(attrs...), nil
	}
	d.pos = save
	v, err := d.value(depth)
	if err != nil {
		return slog.Value{}, err
	}
	return slog.AnyValue(v), nil
}

// value reads any MessagePack value as a Go value.
func (d *msgpackDecoder) value(depth int) (any, error) {
	if depth > maxMsgpackDepth {
		return nil, d.errorf("nested too deep")
	}
	if d.pos >= len(d.data) {
		return nil, d.errorf("unexpected end of data")
	}
	b := d.data[d.pos]
	switch {
	case b <= 0x7f:
		d.pos++
		return int64(b), nil
	case b >= 0xe0:
		d.pos++
		return int64(int8(b)), nil
	case b&0xe0 == 0xa0:
		d.pos++
		return d.text(int(b & 0x1f))
	case b&0xf0 == 0x80, b == 0xde, b == 0xdf:
		n, err := d.mapLen()
		if err != nil {
			return nil, err
		}
		m := make(map[string]any, n)
		for range n {
			key, err := d.str()
			if err != nil {
				return nil, err
			}
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
		return m, nil
	case b&0xf0 == 0x90, b == 0xdc, b == 0xdd:
		n, ok := d.arrayLen()
		if !ok {
			return nil, d.errorf("truncated array header")
		}
		if n > len(d.data)-d.pos {
			return nil, d.errorf("array of %d elements is longer than the data", n)
		}
		s := make([]any, n)
		for i := range s {
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			s[i] = v
		}
		return s, nil
	}
	d.pos++
	switch b {
	case 0xc0:
		return nil, nil
	case 0xc2:
		return false, nil
	case 0xc3:
		return true, nil
	case 0xc4, 0xc5, 0xc6:
		n, err := d.uintN(1 << (b - 0xc4))
		if err != nil {
			return nil, err
		}
		raw, err := d.take(int(min(n, math.MaxInt32)))
		if err != nil {
			return nil, err
		}
		return append([]byte{}, raw...), nil
	case 0xc7, 0xc8, 0xc9:
		n, err := d.uintN(1 << (b - 0xc7))
		if err != nil {
			return nil, err
		}
		return d.ext(int(min(n, math.MaxInt32)))
	case 0xca:
		u, err := d.uintN(4)
		return float64(math.Float32frombits(uint32(u))), err
	case 0xcb:
		u, err := d.uintN(8)
		return math.Float64frombits(u), err
	case 0xcc, 0xcd, 0xce, 0xcf:
		u, err := d.uintN(1 << (b - 0xcc))
		if err != nil {
			return nil, err
		}
		if u > math.MaxInt64 {
			return u, nil
		}
		return int64(u), nil
	case 0xd0, 0xd1, 0xd2, 0xd3:
		size := 1 << (b - 0xd0)
		u, err := d.uintN(size)
		if err != nil {
			return nil, err
		}
		shift := 64 - 8*size
		return int64(u<<shift) >> shift, nil
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8:
		return d.ext(1 << (b - 0xd4))
	case 0xd9, 0xda, 0xdb:
		n, err := d.uintN(1 << (b - 0xd9))
		if err != nil {
			return nil, err
		}
		return d.text(int(min(n, math.MaxInt32)))
	}
	d.pos--
	return nil, d.errorf("byte 0x%02x starts no value", b)
}

func (d *msgpackDecoder) text(n int) (string, error) {
	raw, err := d.take(n)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(raw) {
		return "", d.errorf("string is not UTF-8")
	}
	return string(raw), nil
}

// ext reads an extension's type and n bytes of data: only timestamps
// (type -1) are known.
func (d *msgpackDecoder) ext(n int) (any, error) {
	typ, err := d.take(1)
	if err != nil {
		return nil, err
	}
	data, err := d.take(n)
	if err != nil {
		return nil, err
	}
	if int8(typ[0]) != -1 {
		return nil, d.errorf("unknown extension type %d", int8(typ[0]))
	}
	switch n {
	case 4:
		return time.Unix(int64(binary.BigEndian.Uint32(data)), 0).UTC(), nil
	case 8:
		u := binary.BigEndian.Uint64(data)
		nsec := int64(u >> 34)
		if nsec >= 1e9 {
			return nil, errors.New("codecs: msgpack timestamp: nanoseconds out of range")
		}
		return time.Unix(int64(u&(1<<34-1)), nsec).UTC(), nil
	case 12:
		nsec := int64(binary.BigEndian.Uint32(data))
		if nsec >= 1e9 {
			return nil, errors.New("codecs: msgpack timestamp: nanoseconds out of range")
		}
		return time.Unix(int64(binary.BigEndian.Uint64(data[4:])), nsec).UTC(), nil
	}
	return nil, d.errorf("timestamp of %d bytes", n)
}
