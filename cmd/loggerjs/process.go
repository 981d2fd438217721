package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

const (
	// maxLine bounds a text line; the rest of a longer line is dropped
	// and the line counted as bad.
	maxLine = 4 << 20
	// maxFrame bounds a MessagePack value still incomplete.
	maxFrame = 64 << 20
	// maxShownBinary bounds how much of a bad MessagePack frame is shown.
	maxShownBinary = 256
)

// processor decodes input, filters the records and writes those that
// pass in the output codec. It counts what it reads, shows and cannot
// read. It is not safe for concurrent use.
type processor struct {
	format string // input format: auto, json, logfmt, structured, otlp, msgpack
	filter *filter
	enc    loggerjs.Codec
	loc    *time.Location // times are shown in it; nil leaves them

	out *bufio.Writer
	bad *bufio.Writer // out, or stderr when out is for a program

	lines, records, shown, badLines int

	structured *codecs.StructuredCodec
	msgpack    *codecs.MsgpackCodec
	buf        []byte
}

// stream is the state of one input (a file, stdin, or a followed file
// since it was last replaced): the partial line or frame not yet
// complete, and whether the input is text or MessagePack.
type stream struct {
	p        *processor
	decided  bool
	binary   bool
	partial  []byte
	skipping bool // dropping the rest of an over-long line
}

func (p *processor) newStream() *stream { return &stream{p: p} }

// write feeds the next bytes of the input.
func (s *stream) write(chunk []byte) {
	if len(chunk) == 0 {
		return
	}
	if !s.decided {
		s.decided = true
		s.binary = s.p.format == "msgpack" || s.p.format == "auto" && looksLikeMsgpack(chunk[0])
	}
	if s.binary {
		s.writeBinary(chunk)
		return
	}
	for len(chunk) > 0 {
		i := bytes.IndexByte(chunk, '\n')
		if i < 0 {
			if s.skipping {
				return
			}
			s.partial = append(s.partial, chunk...)
			if len(s.partial) > maxLine {
				s.p.lines++
				s.p.badLine(s.partial[:maxLine])
				s.partial = s.partial[:0]
				s.skipping = true
			}
			return
		}
		line := chunk[:i]
		chunk = chunk[i+1:]
		if s.skipping {
			s.skipping = false
			continue
		}
		if len(s.partial)+len(line) > maxLine {
			s.partial = append(s.partial, line[:maxLine-len(s.partial)]...)
			s.p.lines++
			s.p.badLine(s.partial)
			s.partial = s.partial[:0]
			continue
		}
		if len(s.partial) > 0 {
			s.partial = append(s.partial, line...)
			line = s.partial
			s.partial = s.partial[:0]
		}
		s.p.line(line)
	}
}

// end takes what is left (a last line without a newline, an incomplete
// frame) at the end of the input.
func (s *stream) end() {
	if s.binary {
		s.writeBinary(nil)
		if len(s.partial) > 0 {
			s.p.badFrame(s.partial, errShort)
		}
	} else if len(s.partial) > 0 && !s.skipping {
		s.p.line(s.partial)
	}
	s.partial, s.skipping = s.partial[:0], false
}

// writeBinary splits MessagePack into top-level values and decodes each.
// Bytes that start no map or array, and values the codec cannot decode,
// are one bad frame each run.
func (s *stream) writeBinary(chunk []byte) {
	s.partial = append(s.partial, chunk...)
	b := s.partial
	for len(b) > 0 {
		if !looksLikeMsgpack(b[0]) {
			j := 1
			for j < len(b) && !looksLikeMsgpack(b[j]) {
				j++
			}
			s.p.badFrame(b[:j], errors.New("msgpack: not a map or an array"))
			b = b[j:]
			continue
		}
		n, err := msgpackLen(b)
		if err == errShort {
			if len(b) > maxFrame {
				s.p.badFrame(b, errors.New("msgpack: value too large"))
				b = b[len(b):]
			}
			break
		}
		if err != nil {
			s.p.badFrame(b[:1], err)
			b = b[1:]
			continue
		}
		s.p.frame(b[:n])
		b = b[n:]
	}
	s.partial = append(s.partial[:0], b...)
}

// line decodes and shows one text line.
func (p *processor) line(b []byte) {
	p.lines++
	b = bytes.TrimSuffix(b, []byte{'\r'})
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return
	}
	rs, err := p.decodeLine(trimmed)
	if err != nil {
		p.badLine(b)
		return
	}
	p.show(rs)
}

func (p *processor) decodeLine(b []byte) ([]*loggerjs.Record, error) {
	switch p.format {
	case "json":
		obj, err := parseObject(b)
		if err != nil {
			return nil, err
		}
		return []*loggerjs.Record{jsonRecord(obj)}, nil
	case "logfmt":
		pairs, err := parseLogfmt(string(b))
		if err != nil {
			return nil, err
		}
		for _, pr := range pairs {
			if !pr.bare {
				return []*loggerjs.Record{logfmtRecord(pairs)}, nil
			}
		}
		return nil, errors.New("no key=value")
	case "structured":
		return p.structured.Decode(b)
	case "otlp":
		return otlpRecords(b)
	case "msgpack":
		return nil, errors.New("text in MessagePack input")
	}
	if b[0] == '{' {
		obj, err := parseObject(b)
		if err != nil {
			return nil, err
		}
		switch {
		case isOTLP(obj):
			return otlpRecords(b)
		case isStructured(obj):
			return p.structured.Decode(b)
		}
		return []*loggerjs.Record{jsonRecord(obj)}, nil
	}
	pairs, err := parseLogfmt(string(b))
	if err != nil {
		return nil, err
	}
	if !looksLikeLogfmt(pairs) {
		return nil, errors.New("not a log line")
	}
	return []*loggerjs.Record{logfmtRecord(pairs)}, nil
}

// isStructured reports whether a JSON object is a line of the Structured
// codec: {"v":1, …, "pool":[…]}.
func isStructured(obj []field) bool {
	if len(obj) == 0 || obj[0].key != "v" || fmt.Sprint(obj[0].val) != "1" {
		return false
	}
	for _, f := range obj {
		if f.key == "pool" {
			return true
		}
	}
	return false
}

// frame decodes and shows one MessagePack value.
func (p *processor) frame(b []byte) {
	p.lines++
	rs, err := p.msgpack.Decode(b)
	if err != nil || len(rs) == 0 {
		p.badFrame(b, err)
		return
	}
	p.show(rs)
}

func (p *processor) show(rs []*loggerjs.Record) {
	for _, r := range rs {
		p.records++
		if p.loc != nil && !r.Time.IsZero() {
			r.Time = r.Time.In(p.loc)
		}
		if !p.filter.match(r) {
			continue
		}
		p.shown++
		p.buf = p.enc.Append(p.buf[:0], r)
		p.out.Write(p.buf)
	}
}

// badLine shows a line that is no record as it is, and counts it.
// Control characters other than tab are escaped (\x1b), so that a line
// cannot drive the terminal.
func (p *processor) badLine(b []byte) {
	p.badLines++
	for _, c := range b {
		if c < 0x20 && c != '\t' || c == 0x7f {
			fmt.Fprintf(p.bad, "\\x%02x", c)
			continue
		}
		p.bad.WriteByte(c)
	}
	p.bad.WriteByte('\n')
}

// badFrame shows binary input that is no record, quoted, and counts it.
func (p *processor) badFrame(b []byte, err error) {
	p.badLines++
	shown := b[:min(len(b), maxShownBinary)]
	more := ""
	if len(b) > len(shown) {
		more = "…"
	}
	if err == nil {
		err = errors.New("no record")
	}
	fmt.Fprintf(p.bad, "!BAD %d bytes: %v: %q%s\n", len(b), err, shown, more)
}

// readAll feeds r to a fresh stream until EOF, flushing the output after
// each read so that a pipe's records show as they come.
func (p *processor) readAll(r io.Reader) error {
	s := p.newStream()
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		s.write(buf[:n])
		if err != nil {
			s.end()
			p.flush()
			if err == io.EOF {
				return nil
			}
			return err
		}
		p.flush()
	}
}

func (p *processor) flush() {
	p.out.Flush()
	if p.bad != p.out {
		p.bad.Flush()
	}
}

// summary is the line written to stderr at the end.
func (p *processor) summary() string {
	return fmt.Sprintf("loggerjs: %d lines read, %d records, %d shown, %d bad", p.lines, p.records, p.shown, p.badLines)
}
