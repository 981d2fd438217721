package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// pollEvery is how often -f looks for more of the file.
const pollEvery = 250 * time.Millisecond

// follower follows a path as tail -F does: it reads what is appended to
// the file, and when the path names another file (the old one was
// renamed or removed by rotation, and a new one created) or the file
// shrank (it was truncated), it finishes the old file and reads the new
// one from its start. While the path names no file, it waits for one.
type follower struct {
	path string
	p    *processor
	warn func(string)

	f      *os.File
	fi     os.FileInfo
	off    int64
	s      *stream
	buf    []byte
	absent bool // the path names no file, and warn said so
}

func newFollower(path string, p *processor, warn func(string)) *follower {
	return &follower{path: path, p: p, warn: warn, buf: make([]byte, 64<<10)}
}

// run polls once, then once per tick, until ctx is done. afterPoll, when
// set, is called after each poll (tests wait on it).
func (fl *follower) run(ctx context.Context, tick <-chan time.Time, afterPoll func()) error {
	defer fl.close()
	for {
		if err := fl.poll(); err != nil {
			return err
		}
		if afterPoll != nil {
			afterPoll()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick:
		}
	}
}

// poll reads what is new, and switches files if the path names another.
func (fl *follower) poll() error {
	defer fl.p.flush()
	if fl.f != nil {
		if err := fl.drain(); err != nil {
			return err
		}
	}
	fi, err := os.Stat(fl.path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if !fl.absent {
			fl.absent = true
			fl.warn(fmt.Sprintf("%s: no such file; waiting for it", fl.path))
		}
		return nil
	}
	switch {
	case fl.absent:
		fl.warn(fmt.Sprintf("%s: appeared; following it", fl.path))
	case fl.f == nil:
	case !os.SameFile(fi, fl.fi):
		fl.warn(fmt.Sprintf("%s: replaced; following the new file", fl.path))
	case fi.Size() < fl.off:
		fl.warn(fmt.Sprintf("%s: truncated; reading from its start", fl.path))
	default:
		return nil
	}
	fl.close()
	if err := fl.open(); err != nil {
		if errors.Is(err, fs.ErrNotExist) { // gone again since the stat
			return nil
		}
		return err
	}
	return fl.drain()
}

func (fl *follower) open() error {
	f, err := os.Open(fl.path)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	fl.f, fl.fi, fl.off, fl.absent = f, fi, 0, false
	fl.s = fl.p.newStream()
	return nil
}

// drain reads the open file to its end.
func (fl *follower) drain() error {
	for {
		n, err := fl.f.Read(fl.buf)
		fl.s.write(fl.buf[:n])
		fl.off += int64(n)
		if err == io.EOF || n == 0 && err == nil {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// close finishes the open file: a last line without a newline is shown.
func (fl *follower) close() {
	if fl.f == nil {
		return
	}
	fl.s.end()
	fl.f.Close()
	fl.f = nil
}
