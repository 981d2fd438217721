package codecs

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strconv"
	"time"

	"github.com/loggerjs/loggerjs"
)

// Decode decodes the lines that Append wrote (one record per line; blank
// lines are skipped) into records. The records are not pooled and share
// nothing with data. Their attrs, root attrs and bound scope hold the
// values that were logged, in the forms the StructuredCodec documents; their
// PC is 0. A malformed line is an error naming its line number.
func (c *StructuredCodec) Decode(data []byte) ([]*loggerjs.Record, error) {
	var out []*loggerjs.Record
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		r, err := decodeStructuredLine(line)
		if err != nil {
			return out, fmt.Errorf("codecs: structured line %d: %w", n, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// structuredLine is the JSON shape of one line.
type structuredLine struct {
	V      int                 `json:"v"`
	Time   int                 `json:"time"`
	Level  int64               `json:"level"`
	Msg    json.RawMessage     `json:"msg"`
	Logger []json.RawMessage   `json:"logger"`
	Src    json.RawMessage     `json:"src"`
	Seq    uint64              `json:"seq"`
	Scope  []structuredLink    `json:"scope"`
	Root   []json.RawMessage   `json:"root"`
	Attrs  []json.RawMessage   `json:"attrs"`
	Pool   [][]json.RawMessage `json:"pool"`
}

type structuredLink struct {
	G json.RawMessage   `json:"g"`
	A []json.RawMessage `json:"a"`
}

func decodeStructuredLine(line []byte) (*loggerjs.Record, error) {
	var l structuredLine
	if err := json.Unmarshal(line, &l); err != nil {
		return nil, err
	}
	if l.V != structuredVersion {
		return nil, fmt.Errorf("version %d, want %d", l.V, structuredVersion)
	}
	d := &structDecoder{pool: l.Pool, vals: make([]any, len(l.Pool)), state: make([]uint8, len(l.Pool))}
	if err := d.restore(); err != nil {
		return nil, err
	}
	tv, err := d.value(l.Time, 0)
	if err != nil {
		return nil, fmt.Errorf("time: %w", err)
	}
	if tv.Kind() != slog.KindTime {
		return nil, errors.New("time: not a time node")
	}
	t := tv.Time()
	if t.Equal(time.Time{}) && t.Location() == time.UTC {
		t = time.Time{}
	}
	if int64(int(l.Level)) != l.Level {
		return nil, fmt.Errorf("level %d out of range", l.Level)
	}
	msg, err := d.text(l.Msg)
	if err != nil {
		return nil, fmt.Errorf("msg: %w", err)
	}
	r := loggerjs.NewRecord(slog.NewRecord(t, slog.Level(l.Level), msg, 0))
	if len(l.Logger) > 0 {
		names := make([]string, len(l.Logger))
		for i, raw := range l.Logger {
			if names[i], err = d.text(raw); err != nil {
				return nil, fmt.Errorf("logger: %w", err)
			}
		}
		r.SetCategory(names...)
	}
	if l.Src != nil {
		if r.Source, err = d.text(l.Src); err != nil {
			return nil, fmt.Errorf("src: %w", err)
		}
	}
	r.Seq = l.Seq
	var sc *loggerjs.Scope
	for _, link := range l.Scope {
		switch {
		case link.G != nil && link.A == nil:
			g, err := d.text(link.G)
			if err != nil {
				return nil, fmt.Errorf("scope: %w", err)
			}
			if g == "" {
				return nil, errors.New("scope: empty group name")
			}
			sc = sc.WithGroup(g)
		case link.G == nil && link.A != nil:
			attrs, err := d.attrs(link.A, 0)
			if err != nil {
				return nil, fmt.Errorf("scope: %w", err)
			}
			sc = sc.WithAttrs(attrs)
		default:
			return nil, errors.New("scope: link is neither a group nor attrs")
		}
	}
	r.Scope = sc
	root, err := d.attrs(l.Root, 0)
	if err != nil {
		return nil, fmt.Errorf("root: %w", err)
	}
	if len(root) > 0 {
		r.AddRootAttrs(root...)
	}
	attrs, err := d.attrs(l.Attrs, 0)
	if err != nil {
		return nil, fmt.Errorf("attrs: %w", err)
	}
	if len(attrs) > 0 {
		r.AddAttrs(attrs...)
	}
	r.Err = nil
	for _, a := range attrs {
		if a.Value.Kind() == slog.KindAny {
			if err, ok := a.Value.Any().(error); ok {
				r.Err = err
				break
			}
		}
	}
	if r.Err == nil {
		r.Err = sc.Err()
	}
	return r, nil
}

// structDecoder turns pool nodes into values. restore makes every
// container first and fills them second, so references between them,
// cycles included, come back as shared values.
type structDecoder struct {
	pool  [][]json.RawMessage
	vals  []any   // decoded value of each node
	state []uint8 // 0: not decoded, 1: decoding, 2: done
}

// maxDecodedPrec bounds the precision of a decoded big.Float, so a line
// cannot make Decode compute a number to billions of bits.
const maxDecodedPrec = 1 << 16

// maxGroupDepth bounds groups nested in groups.
const maxGroupDepth = 100

func (d *structDecoder) tag(i int) (string, error) {
	if i < 0 || i >= len(d.pool) {
		return "", fmt.Errorf("reference %d outside the pool of %d", i, len(d.pool))
	}
	n := d.pool[i]
	if len(n) == 0 {
		return "", fmt.Errorf("node %d: empty", i)
	}
	var tag string
	if err := json.Unmarshal(n[0], &tag); err != nil {
		return "", fmt.Errorf("node %d: tag: %w", i, err)
	}
	return tag, nil
}

// arg unmarshals argument k of node i into v.
func (d *structDecoder) arg(i, k int, v any) error {
	n := d.pool[i]
	if k >= len(n) {
		return fmt.Errorf("node %d: missing argument %d", i, k)
	}
	if err := json.Unmarshal(n[k], v); err != nil {
		return fmt.Errorf("node %d: argument %d: %w", i, k, err)
	}
	return nil
}

// text decodes a string written by structEncoder.str: a JSON string, or
// the index of a string node.
func (d *structDecoder) text(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var ref int
	if err := json.Unmarshal(raw, &ref); err != nil {
		return "", fmt.Errorf("want a string or a reference: %w", err)
	}
	tag, err := d.tag(ref)
	if err != nil {
		return "", err
	}
	if tag != "s" && tag != "S" {
		return "", fmt.Errorf("reference %d is not a string", ref)
	}
	v, err := d.goValue(ref, 0)
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

// textArg decodes argument k of node i with text.
func (d *structDecoder) textArg(i, k int, s *string) error {
	n := d.pool[i]
	if k >= len(n) {
		return fmt.Errorf("node %d: missing argument %d", i, k)
	}
	v, err := d.text(n[k])
	if err != nil {
		return fmt.Errorf("node %d: argument %d: %w", i, k, err)
	}
	*s = v
	return nil
}

// isNull reports whether argument k of node i is null.
func (d *structDecoder) isNull(i, k int) bool {
	n := d.pool[i]
	return k < len(n) && bytes.Equal(bytes.TrimSpace(n[k]), []byte("null"))
}

// restore decodes every node: containers first, then their contents.
func (d *structDecoder) restore() error {
	for i := range d.pool {
		tag, err := d.tag(i)
		if err != nil {
			return err
		}
		switch tag {
		case "a":
			if d.isNull(i, 1) {
				d.vals[i] = []any(nil)
				break
			}
			var refs []int
			if err := d.arg(i, 1, &refs); err != nil {
				return err
			}
			d.vals[i] = make([]any, len(refs))
		case "m":
			if d.isNull(i, 1) {
				d.vals[i] = map[string]any(nil)
				break
			}
			var refs []int
			if err := d.arg(i, 1, &refs); err != nil {
				return err
			}
			if len(refs)%2 != 0 {
				return fmt.Errorf("node %d: odd map", i)
			}
			stringKeys := true
			for k := 0; k < len(refs); k += 2 {
				if kt, err := d.tag(refs[k]); err != nil {
					return err
				} else if kt != "s" && kt != "S" {
					stringKeys = false
				}
			}
			if stringKeys {
				d.vals[i] = make(map[string]any, len(refs)/2)
			} else {
				d.vals[i] = make(map[any]any, len(refs)/2)
			}
		case "o":
			o := &Object{}
			if err := d.textArg(i, 1, &o.Type); err != nil {
				return err
			}
			d.vals[i] = o
		case "e":
			e := &DecodedError{}
			if err := d.textArg(i, 1, &e.Msg); err != nil {
				return err
			}
			if err := d.textArg(i, 2, &e.Type); err != nil {
				return err
			}
			if len(d.pool[i]) > 4 {
				if err := d.arg(i, 4, &e.Joined); err != nil {
					return err
				}
			}
			if len(d.pool[i]) > 5 {
				if err := d.textArg(i, 5, &e.Stack); err != nil {
					return err
				}
			}
			d.vals[i] = e
		default:
			continue
		}
		d.state[i] = 2
	}
	for i := range d.pool {
		tag, _ := d.tag(i)
		switch tag {
		case "a":
			s, _ := d.vals[i].([]any)
			if s == nil {
				continue
			}
			var refs []int
			_ = d.arg(i, 1, &refs)
			for k, ref := range refs {
				v, err := d.goValue(ref, 0)
				if err != nil {
					return err
				}
				s[k] = v
			}
		case "m":
			var refs []int
			if d.isNull(i, 1) {
				continue
			}
			_ = d.arg(i, 1, &refs)
			for k := 0; k < len(refs); k += 2 {
				key, err := d.goValue(refs[k], 0)
				if err != nil {
					return err
				}
				val, err := d.goValue(refs[k+1], 0)
				if err != nil {
					return err
				}
				switch m := d.vals[i].(type) {
				case map[string]any:
					m[key.(string)] = val
				case map[any]any:
					if err := setKey(m, key, val); err != nil {
						return fmt.Errorf("node %d: %w", i, err)
					}
				}
			}
		case "o":
			var pairs []json.RawMessage
			if err := d.arg(i, 2, &pairs); err != nil {
				return err
			}
			if len(pairs)%2 != 0 {
				return fmt.Errorf("node %d: odd field list", i)
			}
			o := d.vals[i].(*Object)
			for k := 0; k < len(pairs); k += 2 {
				var ref int
				name, err := d.text(pairs[k])
				if err != nil {
					return fmt.Errorf("node %d: field name: %w", i, err)
				}
				if err := json.Unmarshal(pairs[k+1], &ref); err != nil {
					return fmt.Errorf("node %d: field ref: %w", i, err)
				}
				v, err := d.goValue(ref, 0)
				if err != nil {
					return err
				}
				o.Fields = append(o.Fields, ObjectField{Name: name, Value: v})
			}
		case "e":
			var refs []int
			if err := d.arg(i, 3, &refs); err != nil {
				return err
			}
			e := d.vals[i].(*DecodedError)
			if len(d.pool[i]) > 6 {
				var pairs []json.RawMessage
				if err := d.arg(i, 6, &pairs); err != nil {
					return err
				}
				if len(pairs)%2 != 0 {
					return fmt.Errorf("node %d: odd field list", i)
				}
				for k := 0; k < len(pairs); k += 2 {
					var ref int
					name, err := d.text(pairs[k])
					if err != nil {
						return fmt.Errorf("node %d: field name: %w", i, err)
					}
					if err := json.Unmarshal(pairs[k+1], &ref); err != nil {
						return fmt.Errorf("node %d: field ref: %w", i, err)
					}
					v, err := d.goValue(ref, 0)
					if err != nil {
						return err
					}
					e.Fields = append(e.Fields, ObjectField{Name: name, Value: v})
				}
			}
			for _, ref := range refs {
				v, err := d.goValue(ref, 0)
				if err != nil {
					return err
				}
				w, ok := v.(error)
				if !ok {
					return fmt.Errorf("node %d: wraps a non-error", i)
				}
				e.Wrapped = append(e.Wrapped, w)
			}
		}
	}
	return nil
}

// setKey sets m[key], refusing keys that cannot be map keys.
func setKey(m map[any]any, key, val any) (err error) {
	defer func() {
		if recover() != nil {
			err = fmt.Errorf("map key of type %T is not comparable", key)
		}
	}()
	m[key] = val
	return nil
}

// attrs decodes a ["key",ref,...] list.
func (d *structDecoder) attrs(list []json.RawMessage, depth int) ([]slog.Attr, error) {
	if len(list)%2 != 0 {
		return nil, errors.New("odd attr list")
	}
	var out []slog.Attr
	for k := 0; k < len(list); k += 2 {
		var ref int
		key, err := d.text(list[k])
		if err != nil {
			return nil, fmt.Errorf("attr key: %w", err)
		}
		if err := json.Unmarshal(list[k+1], &ref); err != nil {
			return nil, fmt.Errorf("attr %q: %w", key, err)
		}
		v, err := d.value(ref, depth)
		if err != nil {
			return nil, fmt.Errorf("attr %q: %w", key, err)
		}
		out = append(out, slog.Attr{Key: key, Value: v})
	}
	return out, nil
}

// value decodes node i as an attr's value: slog kinds for what slog has
// kinds for, KindAny for the rest.
func (d *structDecoder) value(i, depth int) (slog.Value, error) {
	tag, err := d.tag(i)
	if err != nil {
		return slog.Value{}, err
	}
	if tag == "g" {
		if depth >= maxGroupDepth {
			return slog.Value{}, errors.New("groups nested too deep")
		}
		var list []json.RawMessage
		if err := d.arg(i, 1, &list); err != nil {
			return slog.Value{}, err
		}
		attrs, err := d.attrs(list, depth+1)
		if err != nil {
			return slog.Value{}, err
		}
		return slog.GroupValue(attrs...), nil
	}
	v, err := d.goValue(i, depth)
	if err != nil {
		return slog.Value{}, err
	}
	// slog.AnyValue gives strings, numbers, bools, durations and times
	// their own kinds and keeps everything else KindAny.
	return slog.AnyValue(v), nil
}

// goValue decodes node i as a Go value.
func (d *structDecoder) goValue(i, depth int) (any, error) {
	tag, err := d.tag(i)
	if err != nil {
		return nil, err
	}
	if d.state[i] == 2 {
		return d.vals[i], nil
	}
	var v any
	switch tag {
	case "s":
		var s string
		err = d.arg(i, 1, &s)
		v = s
	case "S":
		var s string
		if err = d.arg(i, 1, &s); err == nil {
			var b []byte
			b, err = base64.StdEncoding.DecodeString(s)
			v = string(b)
		}
	case "i", "u", "f", "d", "c", "I", "R":
		var s string
		if err = d.arg(i, 1, &s); err != nil {
			break
		}
		v, err = parseNumber(tag, s)
	case "F":
		var s string
		var prec, mode uint64
		if err = d.arg(i, 1, &s); err != nil {
			break
		}
		if err = d.arg(i, 2, &prec); err != nil {
			break
		}
		if err = d.arg(i, 3, &mode); err != nil {
			break
		}
		if prec > maxDecodedPrec || mode > uint64(big.ToPositiveInf) {
			err = fmt.Errorf("node %d: bad big.Float precision or mode", i)
			break
		}
		f := new(big.Float).SetPrec(uint(prec)).SetMode(big.RoundingMode(mode))
		if _, ok := f.SetString(s); !ok {
			err = fmt.Errorf("node %d: bad big.Float %q", i, s)
		}
		v = f
	case "b":
		var b bool
		err = d.arg(i, 1, &b)
		v = b
	case "n":
		v = nil
	case "l":
		var l int64
		err = d.arg(i, 1, &l)
		if int64(int(l)) != l {
			err = fmt.Errorf("node %d: level out of range", i)
		}
		v = slog.Level(l)
	case "x":
		if d.isNull(i, 1) {
			v = []byte(nil)
			break
		}
		var s string
		if err = d.arg(i, 1, &s); err == nil {
			var b []byte
			b, err = base64.StdEncoding.DecodeString(s)
			if b == nil {
				b = []byte{}
			}
			v = b
		}
	case "t":
		v, err = d.timeNode(i)
	case "g":
		v, err = d.value(i, depth+1)
	default:
		err = fmt.Errorf("node %d: unknown tag %q", i, tag)
	}
	if err != nil {
		return nil, err
	}
	if tag != "g" {
		d.vals[i], d.state[i] = v, 2
	}
	return v, nil
}

func parseNumber(tag, s string) (any, error) {
	switch tag {
	case "i":
		return strconv.ParseInt(s, 10, 64)
	case "u":
		return strconv.ParseUint(s, 10, 64)
	case "f":
		return strconv.ParseFloat(s, 64)
	case "d":
		n, err := strconv.ParseInt(s, 10, 64)
		return time.Duration(n), err
	case "c":
		return strconv.ParseComplex(s, 128)
	case "I":
		if len(s) > maxNumberText {
			return nil, errors.New("big.Int too long")
		}
		n, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return nil, fmt.Errorf("bad big.Int %q", s)
		}
		return n, nil
	case "R":
		if len(s) > maxNumberText {
			return nil, errors.New("big.Rat too long")
		}
		n, ok := new(big.Rat).SetString(s)
		if !ok {
			return nil, fmt.Errorf("bad big.Rat %q", s)
		}
		return n, nil
	}
	return nil, fmt.Errorf("not a number tag %q", tag)
}

// timeNode decodes ["t","<unix s>",ns,"location",offset(,"zone")].
func (d *structDecoder) timeNode(i int) (time.Time, error) {
	var secText, locName string
	var nsec, offset int64
	if err := d.arg(i, 1, &secText); err != nil {
		return time.Time{}, err
	}
	sec, err := strconv.ParseInt(secText, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	if err := d.arg(i, 2, &nsec); err != nil {
		return time.Time{}, err
	}
	if nsec < 0 || nsec >= 1e9 {
		return time.Time{}, fmt.Errorf("node %d: nanoseconds out of range", i)
	}
	if err := d.textArg(i, 3, &locName); err != nil {
		return time.Time{}, err
	}
	if err := d.arg(i, 4, &offset); err != nil {
		return time.Time{}, err
	}
	zone := locName
	if len(d.pool[i]) > 5 {
		if err := d.textArg(i, 5, &zone); err != nil {
			return time.Time{}, err
		}
	}
	t := time.Unix(sec, nsec)
	return t.In(location(t, locName, zone, int(offset))), nil
}

// location finds the location a time was logged in: UTC, Local or a
// loadable zone whose offset at t agrees, else a fixed zone.
func location(t time.Time, name, zone string, offset int) *time.Location {
	switch name {
	case "UTC":
		if offset == 0 {
			return time.UTC
		}
	case "Local":
		if _, off := t.In(time.Local).Zone(); off == offset {
			return time.Local
		}
	default:
		if name != zone && name != "" {
			if loc, err := time.LoadLocation(name); err == nil {
				if z, off := t.In(loc).Zone(); off == offset && z == zone {
					return loc
				}
			}
		}
	}
	return time.FixedZone(name, offset)
}
