package sinks

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
)

// FileOptions configure File. A nil *FileOptions, and any zero field,
// means the default given with the field.
type FileOptions struct {
	// Codec encodes each record. Default codecs.JSON(nil) (NDJSON).
	Codec loggerjs.Codec
	// MaxSize rotates the file before a write would take it past this
	// many bytes; a record larger than MaxSize gets a file of its own.
	// Default 0: no rotation by size.
	MaxSize int64
	// RotateEvery rotates the file at each multiple of this interval
	// since the zero time (UTC), so 24h rotates at midnight UTC and 1h on
	// the hour. Default 0: no rotation by time.
	RotateEvery time.Duration
	// MaxBackups is how many rotated files to keep; older ones are
	// removed. Default 0: keep them all.
	MaxBackups int
	// MaxAge removes rotated files whose rotation time is older than
	// this. Default 0: keep them whatever their age.
	MaxAge time.Duration
	// Compress gzips rotated files.
	Compress bool
	// LocalTime names rotated files by local time instead of UTC.
	LocalTime bool
	// Mode is the permission of files the sink creates. Default 0644.
	Mode fs.FileMode
	// ReopenOnSIGHUP makes the sink reopen its path when the process
	// receives SIGHUP, as logrotate's postrotate scripts ask. It calls
	// signal.Notify for SIGHUP, which stops SIGHUP from ending the
	// process; Close undoes that. Where the system has no SIGHUP
	// (Windows, js/wasm, wasip1) it does nothing; call Reopen instead.
	ReopenOnSIGHUP bool
	// PathCheckEvery spaces out the check, made before a write(2), that
	// the path still names the sink's file. Default 0: before every
	// write(2), which is once per buffer (see BufferSize) or, with
	// WriteThrough, a stat(2) per record (about half the cost of its
	// write).
	//
	// With a positive interval, records written to a file that was
	// removed between two checks are lost to anyone reading the path.
	// The sink does not keep them to write again: it counts them. The
	// next check finds the file gone, counts every record written since
	// the check before as dropped_unlinked (some of them may have been
	// written before the removal: the sink cannot tell when it happened),
	// reports them on the meta logger and opens the path afresh. Flush
	// and Close make the check too, whatever the interval, so no such
	// loss goes uncounted, and return a *LossError naming the records
	// lost.
	// Records still in the buffer are not lost: they are written to the
	// new file. A file renamed rather than removed (as logrotate does)
	// loses nothing: its records are in the renamed file.
	// Removal is told from renaming by the file's link count, which Unix
	// systems report; elsewhere nothing is counted.
	PathCheckEvery time.Duration
	// BufferSize is the size of the buffer in which the sink keeps
	// encoded records, as bufio.Writer and zap's BufferedWriteSyncer do,
	// and writes with one write(2) when the next record would not fit,
	// when FlushEvery has passed since the first record went in, when a
	// record at or above FlushLevel arrives, and on Flush, Rotate and
	// Close. A record larger than BufferSize is written on its own, after
	// the buffer. The path check and the rotation by size are made once
	// per buffer write instead of once per record; each file still stays
	// within MaxSize, and a time rotation writes the buffer to the file
	// it rotates first, so every record lands in the file of the period
	// it was logged in. Default 256 KiB (zap's); see WriteThrough for no
	// buffer.
	//
	// Records in the buffer are lost if the process dies without Flush
	// or Close: killed (SIGKILL, the kernel's OOM killer), exited with
	// os.Exit, or stopped by a runtime fatal error or an unrecovered
	// panic, as with any user-space buffer. Flush and Close write them;
	// loggerjs.Shutdown and Handler.Close call Close, loggerjs.Flush and
	// Handler.Flush call Flush, and so do the crash paths
	// (loggerjs.Recover, loggerjs.Fatal, loggerjs.ShutdownOnSignal). A
	// buffer write that fails (a full disk, an I/O error) is cut back out
	// of the file and its records are dropped, counted as
	// dropped_write_error and reported on the meta logger: Write has
	// already returned for them.
	BufferSize int
	// FlushEvery bounds how long a record waits in the buffer: the buffer
	// is written at most this long after the first record in it was
	// buffered, by a goroutine of the sink's own, which Close stops. It
	// wakes once per FlushEvery at most, however many buffers fill in
	// between. Default 1s.
	FlushEvery time.Duration
	// FlushLevel makes a record at or above this level write the buffer,
	// itself included, at once: an Error record is in the kernel when
	// its logging call returns, with every record logged before it, and
	// survives the process being killed. A record that reaches the sink
	// already encoded carries no level and waits in the buffer: one the
	// handler encoded once for several sinks sharing a codec (see
	// loggerjs.EncodedWriter). Async over a File keeps the levels of what
	// it queues and honours FlushLevel. Default nil: slog.LevelError. A
	// level above every record's, such as slog.Level(math.MaxInt), turns
	// it off.
	FlushLevel slog.Leveler
	// WriteThrough turns the buffer off, as lumberjack and a plain
	// *os.File behave: each record is written by its own Write with one
	// write(2), so a record whose logging call returned is in the kernel
	// and survives a crash of the process (not of the machine: Flush
	// fsyncs). It costs a write(2) per record and, unless PathCheckEvery
	// spaces the checks out, a stat(2) per record. BufferSize, FlushEvery
	// and FlushLevel do not apply.
	WriteThrough bool
	// Clock is for tests; nil means the system clock.
	Clock Clock
}

// FileSink writes records to a file and rotates it by size and by time.
// By default it keeps encoded records in a buffer and writes a buffer of
// them with one write(2) on the calling goroutine (see
// FileOptions.BufferSize for when, and what a crash loses); with
// FileOptions.WriteThrough it writes each record with its own write(2).
// It is safe for concurrent use. A write is whole or cut back out: a
// write cut short by a full disk is removed from the file, so no torn
// half-line stays behind, and its error is returned to the Write of a
// record written through, or, for a buffer of records whose Write has
// returned, counted as dropped_write_error.
//
// Before each write(2) the sink checks that its path still names the
// file it has open; if the file was removed or renamed, the path is opened
// afresh (created if need be), so nothing is written to an unlinked
// file. FileOptions.PathCheckEvery spaces the checks out, and counts
// what that loses.
//
// Rotation renames the file to name-2006-01-02T15-04-05.000.ext (the time
// of rotation) and opens a new one. A rotated name already taken (two
// rotations in one millisecond) gets a -1, -2, … suffix, so no backup is
// overwritten. Compression and the removal of old backups run on one
// goroutine of the sink's own, which Close stops.
type FileSink struct {
	path   string
	dir    string
	prefix string // base name without extension, then "-"
	ext    string
	codec  loggerjs.Codec
	opt    FileOptions
	clock  Clock
	rep    reporter

	mu         sync.Mutex
	f          *os.File
	fi         os.FileInfo
	size       int64
	nextRotate time.Time
	nextCheck  time.Time
	sinceCheck int64 // records written since the path was last checked
	closed     bool

	// Unless WriteThrough: the records not yet written, how many they
	// are, and when the first of them was buffered.
	buf        []byte
	bufRecords int
	bufSince   time.Time
	flushKick  chan struct{} // tells an idle flusher the buffer is no longer empty
	flusherOn  bool          // the flusher is waiting on a timer: no kick needed
	flushLevel slog.Leveler

	millKick chan struct{}
	millReq  chan chan struct{}
	stop     chan struct{}
	sig      chan os.Signal
	wg       sync.WaitGroup
	closing  atomic.Bool

	written, bytes, errs, rotations, reopened, repaired atomic.Int64
	compressed, removed, millErrors, unlinked           atomic.Int64
	droppedWrite                                        atomic.Int64
}

var (
	_ EncodedSink            = (*FileSink)(nil)
	_ loggerjs.StatsReporter = (*FileSink)(nil)
	_ loggerjs.MetaReporting = (*FileSink)(nil)
)

// DefaultFileBufferSize is FileOptions.BufferSize's default: 256 KiB, the
// size of zap's BufferedWriteSyncer.
const DefaultFileBufferSize = 256 << 10

// File opens (creating it and its directory if need be) the file at path
// for appending and returns a sink that writes to it. It returns an
// error if the file cannot be opened.
func File(path string, opts *FileOptions) (*FileSink, error) {
	s := &FileSink{path: path, clock: clockOr(nil), stop: make(chan struct{})}
	if opts != nil {
		s.opt = *opts
	}
	s.clock = clockOr(s.opt.Clock)
	s.codec = s.opt.Codec
	if s.codec == nil {
		s.codec = codecs.JSON(nil)
	}
	if s.opt.Mode == 0 {
		s.opt.Mode = 0o644
	}
	if s.opt.MaxSize < 0 || s.opt.RotateEvery < 0 || s.opt.MaxBackups < 0 || s.opt.MaxAge < 0 ||
		s.opt.BufferSize < 0 || s.opt.FlushEvery < 0 || s.opt.PathCheckEvery < 0 {
		return nil, fmt.Errorf("loggerjs/sinks: File %s: negative MaxSize, RotateEvery, MaxBackups, MaxAge, BufferSize, FlushEvery or PathCheckEvery", path)
	}
	if s.opt.WriteThrough && s.opt.BufferSize > 0 {
		return nil, fmt.Errorf("loggerjs/sinks: File %s: WriteThrough with a BufferSize", path)
	}
	if !s.opt.WriteThrough {
		if s.opt.BufferSize == 0 {
			s.opt.BufferSize = DefaultFileBufferSize
		}
		if s.opt.FlushEvery == 0 {
			s.opt.FlushEvery = time.Second
		}
		s.flushLevel = s.opt.FlushLevel
		if s.flushLevel == nil {
			s.flushLevel = slog.LevelError
		}
	}
	s.dir = filepath.Dir(path)
	base := filepath.Base(path)
	s.ext = filepath.Ext(base)
	s.prefix = strings.TrimSuffix(base, s.ext) + "-"
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, fmt.Errorf("loggerjs/sinks: File: %w", err)
	}
	if err := s.open(); err != nil {
		return nil, err
	}
	s.scheduleRotation(s.clock.Now())
	if s.opt.Compress || s.opt.MaxBackups > 0 || s.opt.MaxAge > 0 {
		s.millKick = make(chan struct{}, 1)
		s.millReq = make(chan chan struct{})
		s.wg.Add(1)
		go s.mill()
		s.kickMill() // backups left over limits by an earlier run
	}
	if s.opt.ReopenOnSIGHUP {
		s.sig = make(chan os.Signal, 1)
		notifyHangup(s.sig)
		s.wg.Add(1)
		go s.onSIGHUP()
	}
	if !s.opt.WriteThrough {
		s.buf = make([]byte, 0, s.opt.BufferSize)
		s.flushKick = make(chan struct{}, 1)
		s.wg.Add(1)
		go s.flusher()
	}
	return s, nil
}

// open opens s.path for appending. s.mu is held (or s is not shared yet).
func (s *FileSink) open() error {
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, s.opt.Mode)
	if err != nil {
		return fmt.Errorf("loggerjs/sinks: File: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("loggerjs/sinks: File: %w", err)
	}
	s.f, s.fi, s.size = f, fi, fi.Size()
	return nil
}

func (s *FileSink) scheduleRotation(now time.Time) {
	if s.opt.RotateEvery > 0 {
		s.nextRotate = now.Truncate(s.opt.RotateEvery).Add(s.opt.RotateEvery)
	}
}

// Codec returns the sink's codec.
func (s *FileSink) Codec() loggerjs.Codec { return s.codec }

// Write encodes r and buffers it, writing the buffer if it is full or r
// is at or above FlushLevel; with WriteThrough it writes r. It returns
// the error of a write that failed and held r (r is then not in the
// file), and loggerjs.ErrClosed after Close.
func (s *FileSink) Write(_ context.Context, r *loggerjs.Record) error {
	bp := bufPool.Get().(*[]byte)
	b := s.codec.Append((*bp)[:0], r)
	err := s.writeRecords(b, 1, s.flushLevel != nil && r.Level >= s.flushLevel.Level())
	if cap(b) <= maxPooledBuffer {
		*bp = b
		bufPool.Put(bp)
	}
	return err
}

// WriteEncoded buffers p, whole records encoded by the sink's codec,
// unless p is larger than the buffer; with WriteThrough, or when p is
// larger, it writes p in one write, rotating first if p would pass
// MaxSize or the rotation time has come. p carries no level: FlushLevel
// does not apply to it.
func (s *FileSink) WriteEncoded(_ context.Context, p []byte) error {
	return s.writeRecords(p, 1, false)
}

// writeRecords writes p, which holds records whole records, in one write:
// all of them or, with an error, none. With a buffer it buffers them,
// and with now writes the buffer, p included, at once.
func (s *FileSink) writeRecords(p []byte, records int, now bool) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return loggerjs.ErrClosed
	}
	var err error
	if s.buf == nil {
		err = s.writeLocked(p, records)
	} else {
		err = s.bufferRecords(p, records)
		if now && err == nil {
			s.writeBuffer() // a failure is counted and reported, not p's alone
		}
	}
	s.mu.Unlock()
	return err
}

// writeLocked writes p, which holds records whole records, in one write.
// s.mu is held.
func (s *FileSink) writeLocked(p []byte, records int) error {
	if err := s.prepare(len(p)); err != nil {
		s.errs.Add(1)
		return err
	}
	n, err := s.f.Write(p)
	s.size += int64(n)
	if err != nil {
		s.errs.Add(1)
		if n > 0 {
			s.cutTorn(n)
		}
		return fmt.Errorf("loggerjs/sinks: File %s: %w", s.path, err)
	}
	s.written.Add(int64(records))
	s.bytes.Add(int64(n))
	s.sinceCheck += int64(records)
	return nil
}

// cutTorn removes the n bytes a failed write left at the end of the file.
func (s *FileSink) cutTorn(n int) {
	fi, err := s.f.Stat()
	if err == nil {
		err = s.f.Truncate(fi.Size() - int64(n))
	}
	if err != nil {
		s.rep.report(slog.LevelError, "file: cannot remove a partly written record", slog.String("path", s.path), slog.Any("error", err))
		return
	}
	s.size = fi.Size() - int64(n)
	s.repaired.Add(1)
}

// prepare makes s.f the file at s.path, rotated if due, ready for a
// write of n bytes. s.mu is held.
func (s *FileSink) prepare(n int) error {
	var now time.Time
	if s.f == nil {
		if err := s.open(); err != nil {
			return err
		}
	} else if s.checkDue(&now) {
		if err := s.checkPath(true); err != nil {
			return err
		}
	}
	if s.opt.RotateEvery > 0 && s.buf == nil { // buffered: bufferRecords decides
		if now.IsZero() {
			now = s.clock.Now()
		}
		s.rotateIfDue(now)
	}
	if s.opt.MaxSize > 0 && s.size > 0 && s.size+int64(n) > s.opt.MaxSize {
		if now.IsZero() {
			now = s.clock.Now()
		}
		if err := s.rotate(now); err != nil {
			s.rep.report(slog.LevelError, "file: rotation failed; writing on to the current file", slog.String("path", s.path), slog.Any("error", err))
		}
	}
	return nil
}

// rotateIfDue rotates the file if the rotation time has come and the
// file is not empty. s.mu is held.
func (s *FileSink) rotateIfDue(now time.Time) {
	if now.Before(s.nextRotate) {
		return
	}
	if s.size > 0 && s.f != nil {
		if err := s.rotate(now); err != nil {
			s.rep.report(slog.LevelError, "file: rotation failed; writing on to the current file", slog.String("path", s.path), slog.Any("error", err))
		}
	}
	s.scheduleRotation(now)
}

// bufferRecords adds p, which holds records whole records, to the
// buffer, writing the buffer first when p would not fit in it, when p
// would take the file the buffer goes to past MaxSize, or when the
// rotation time has come. A p larger than the buffer is written
// directly, and its error returned; a failed buffer write is counted
// (see writeBuffer) and not returned, as its records are not p's. s.mu
// is held.
func (s *FileSink) bufferRecords(p []byte, records int) error {
	if s.opt.RotateEvery > 0 {
		if now := s.clock.Now(); !now.Before(s.nextRotate) {
			// The buffered records were logged before the rotation time:
			// they go to the file being rotated.
			s.writeBuffer()
			s.rotateIfDue(now)
		}
	}
	if len(s.buf) > 0 && (len(s.buf)+len(p) > cap(s.buf) || s.passesMaxSize(len(p))) {
		s.writeBuffer()
	}
	if len(p) > cap(s.buf) {
		return s.writeLocked(p, records)
	}
	if len(s.buf) == 0 {
		s.bufSince = s.clock.Now()
		if !s.flusherOn {
			s.flusherOn = true
			select {
			case s.flushKick <- struct{}{}:
			default:
			}
		}
	}
	s.buf = append(s.buf, p...)
	s.bufRecords += records
	return nil
}

// passesMaxSize reports whether n more bytes in the buffer would take the
// file the buffer is to be written to past MaxSize: the current file, or
// a new one if the buffer already does not fit in the current file (then
// prepare rotates before writing it). s.mu is held.
func (s *FileSink) passesMaxSize(n int) bool {
	if s.opt.MaxSize <= 0 {
		return false
	}
	base, buffered := s.size, int64(len(s.buf))
	if base > 0 && base+buffered > s.opt.MaxSize {
		base = 0
	}
	return base+buffered+int64(n) > s.opt.MaxSize
}

// writeBuffer writes the buffered records with one write. If the write
// fails, they are not in the file (a torn write is cut back out) and are
// counted as dropped_write_error and reported: their Write calls have
// returned. s.mu is held.
func (s *FileSink) writeBuffer() (lost int, err error) {
	if len(s.buf) == 0 {
		return 0, nil
	}
	p, records := s.buf, s.bufRecords
	s.buf, s.bufRecords = s.buf[:0], 0
	err = s.writeLocked(p, records)
	if err != nil {
		s.droppedWrite.Add(int64(records))
		s.rep.report(slog.LevelError, "file: writing the buffer failed; its records are dropped",
			slog.String("path", s.path), slog.String("reason", "dropped_write_error"), slog.Int("records", records), slog.Any("error", err))
		return records, err
	}
	return 0, nil
}

// flusher writes the buffer once FlushEvery has passed since its first
// record was buffered. bufferRecords kicks it when the buffer stops being
// empty while the flusher is idle; while it waits on a timer, buffers
// that fill and are written in between cost it nothing: when the timer
// fires it waits again for the buffer's first record to be FlushEvery
// old.
func (s *FileSink) flusher() {
	defer s.wg.Done()
	for {
		select {
		case <-s.flushKick:
		case <-s.stop:
			return
		}
		for {
			s.mu.Lock()
			if s.closed || len(s.buf) == 0 {
				s.flusherOn = false
				s.mu.Unlock()
				break
			}
			wait := s.bufSince.Add(s.opt.FlushEvery).Sub(s.clock.Now())
			if wait <= 0 {
				s.writeBuffer()
				s.flusherOn = false
				s.mu.Unlock()
				break
			}
			s.mu.Unlock()
			t := s.clock.NewTimer(wait)
			select {
			case <-t.C():
			case <-s.stop:
				t.Stop()
				return
			}
		}
	}
}

// checkDue reports whether the path is to be checked before this write:
// always, unless PathCheckEvery spaces the checks out. It sets *now when
// it reads the clock. s.mu is held.
func (s *FileSink) checkDue(now *time.Time) bool {
	if s.opt.PathCheckEvery <= 0 {
		return true
	}
	*now = s.clock.Now()
	if now.Before(s.nextCheck) {
		return false
	}
	s.nextCheck = now.Add(s.opt.PathCheckEvery)
	return true
}

// checkPath checks that the path still names the open file. If it does
// not (the file was removed or renamed under the sink: writing on would
// lose records to an unlinked file or one nobody reads), the records
// written since the last check are counted as dropped_unlinked where the
// file was removed (see countUnlinked), and, with reopen, the path is
// opened afresh. s.mu is held and s.f is open.
func (s *FileSink) checkPath(reopen bool) error {
	cur, err := os.Stat(s.path)
	if err == nil && os.SameFile(cur, s.fi) {
		s.sinceCheck = 0
		return nil
	}
	if reopen {
		return s.reopen()
	}
	s.countUnlinked()
	return nil
}

// countUnlinked counts, when the open file has been removed, the records
// written to it since the last check as dropped_unlinked, and reports
// them; it starts a new count either way. It returns how many it
// counted. s.mu is held.
func (s *FileSink) countUnlinked() int64 {
	n := s.sinceCheck
	s.sinceCheck = 0
	if n == 0 || s.f == nil {
		return 0
	}
	fi, err := s.f.Stat()
	if err != nil {
		return 0
	}
	if links, ok := linkCount(fi); !ok || links > 0 {
		return 0 // renamed, or the system cannot tell: still readable
	}
	s.unlinked.Add(n)
	s.rep.report(slog.LevelWarn, "file: the file was removed; records written to it since the last path check are lost",
		slog.String("path", s.path), slog.String("reason", "dropped_unlinked"), slog.Int64("records", n))
	return n
}

// reopen counts what was lost to a removed file (countUnlinked), closes
// the file and opens s.path afresh. s.mu is held.
func (s *FileSink) reopen() error {
	if s.f != nil {
		s.countUnlinked()
		s.f.Close()
		s.f = nil
	}
	if err := s.open(); err != nil {
		return err
	}
	s.reopened.Add(1)
	return nil
}

// Reopen closes the file and opens the path again: what SIGHUP does with
// ReopenOnSIGHUP. Use it after moving the file away. Buffered records
// stay in the buffer and go to the reopened file.
func (s *FileSink) Reopen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return loggerjs.ErrClosed
	}
	return s.reopen()
}

func (s *FileSink) onSIGHUP() {
	defer s.wg.Done()
	for {
		select {
		case <-s.sig:
			if err := s.Reopen(); err != nil && !errors.Is(err, loggerjs.ErrClosed) {
				s.rep.report(slog.LevelError, "file: reopen on SIGHUP failed", slog.String("path", s.path), slog.Any("error", err))
			}
		case <-s.stop:
			return
		}
	}
}

// Rotate rotates the file now, whatever its size, writing the buffer to
// it first.
func (s *FileSink) Rotate() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return loggerjs.ErrClosed
	}
	s.writeBuffer() // buffered records belong to the file being rotated
	if s.f == nil {
		if err := s.open(); err != nil {
			return err
		}
	}
	return s.rotate(s.clock.Now())
}

const backupTimeFormat = "2006-01-02T15-04-05.000"

// rotate renames the file to a backup name no other file has and opens
// a new one at s.path. If the new file cannot be opened, writing goes on
// to the renamed one, so no record is lost to the rotation. s.mu is held.
func (s *FileSink) rotate(now time.Time) error {
	if !s.opt.LocalTime {
		now = now.UTC()
	}
	stamp := now.Format(backupTimeFormat)
	var backup string
	for n := 0; ; n++ {
		name := s.prefix + stamp
		if n > 0 {
			name += "-" + strconv.Itoa(n)
		}
		backup = filepath.Join(s.dir, name+s.ext)
		if !exists(backup) && !exists(backup+".gz") && !exists(backup+".gz.tmp") {
			break
		}
	}
	if err := os.Rename(s.path, backup); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// The file was removed or renamed under the sink since the
			// last path check: count what that lost, and start afresh.
			return s.reopen()
		}
		return err
	}
	old := s.f
	if err := s.open(); err != nil {
		s.f = old // write on to the renamed file rather than lose records
		if fi, serr := old.Stat(); serr == nil {
			s.fi = fi
		}
		s.nextCheck = time.Time{} // and try the path again at the next write
		return err
	}
	old.Close()
	s.sinceCheck = 0 // the records written so far are in the backup
	s.rotations.Add(1)
	s.kickMill()
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func (s *FileSink) kickMill() {
	if s.millKick == nil {
		return
	}
	select {
	case s.millKick <- struct{}{}:
	default:
	}
}

// Flush writes the buffer and fsyncs the file, so what was written
// survives a crash of the machine, not only of the process. Flush is
// what saves the buffered records from a crash of the process; with
// WriteThrough, records are written to the file descriptor by Write
// itself, so a process that dies after Write returned loses nothing
// even without Flush. Flush writes
// the buffer even if ctx is done (one write(2); a crash path may have
// little time left). fsync cannot be interrupted: Flush returns ctx's
// error without syncing if ctx is done, and otherwise waits for the
// disk.
//
// With PathCheckEvery, Flush checks the path first (see
// FileOptions.PathCheckEvery). Flush returns a *LossError if records
// were lost while it ran: written to a file that was removed since the
// last check (dropped_unlinked), or in a buffer whose write failed
// (dropped_write_error).
func (s *FileSink) Flush(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var werr error
	var loss lossCount
	if !s.closed {
		if s.opt.PathCheckEvery > 0 && s.f != nil {
			before := s.unlinked.Load()
			if err := s.checkPath(true); err != nil {
				werr = err
			}
			loss.add("dropped_unlinked", s.unlinked.Load()-before)
		}
		n, err := s.writeBuffer()
		loss.add("dropped_write_error", int64(n))
		werr = errors.Join(werr, err)
	}
	if err := ctx.Err(); err != nil {
		return loss.err("flush", errors.Join(werr, err))
	}
	if s.f != nil {
		werr = errors.Join(werr, s.f.Sync())
	}
	return loss.err("flush", werr)
}

// Close writes the buffer, fsyncs and closes the file and stops the
// sink's goroutines, waiting for a compression in progress to stop (it
// stops at its next 64 KiB, leaving the backup uncompressed) within ctx's
// deadline. Later writes return loggerjs.ErrClosed. Calling it again does
// nothing.
//
// With PathCheckEvery, Close makes a last path check: records written to
// a file that was removed since the check before are counted as
// dropped_unlinked, and buffered records go to a new file at the path.
// Close returns a *LossError if records were lost while it ran: those,
// and the records of a buffer whose write failed (dropped_write_error).
func (s *FileSink) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	var err error
	var loss lossCount
	if s.opt.PathCheckEvery > 0 && s.f != nil {
		// Without a buffer to write, a removed file is not made again.
		before := s.unlinked.Load()
		err = s.checkPath(len(s.buf) > 0)
		loss.add("dropped_unlinked", s.unlinked.Load()-before)
	}
	n, werr := s.writeBuffer()
	loss.add("dropped_write_error", int64(n))
	err = errors.Join(err, werr)
	if s.f != nil {
		err = errors.Join(err, s.f.Sync(), s.f.Close())
		s.f = nil
	}
	s.mu.Unlock()
	if s.sig != nil {
		signal.Stop(s.sig)
	}
	s.closing.Store(true)
	close(s.stop)
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		err = errors.Join(err, fmt.Errorf("loggerjs/sinks: File %s: close: background work still running: %w", s.path, ctx.Err()))
	}
	return loss.err("close", err)
}

// SetMetaReporter implements loggerjs.MetaReporting.
func (s *FileSink) SetMetaReporter(name string, m loggerjs.MetaReporter) { s.rep.set(name, m) }

// SinkStats returns the sink's counters: written (records in the file),
// bytes, write_errors (writes that failed: the handler counts the
// records of those that returned their error to Write, this sink those
// of a buffer write, as dropped_write_error), torn_repaired (failed
// writes cut back out of the file), rotations, reopened, compressed,
// backups_removed and mill_errors, dropped_unlinked (see
// PathCheckEvery), dropped_write_error (records of failed buffer
// writes) and the gauge buffered (records in the buffer, not yet
// written; see BufferSize). Records that Write took are written,
// buffered or dropped.
func (s *FileSink) SinkStats() map[string]int64 {
	s.mu.Lock()
	buffered := s.bufRecords
	s.mu.Unlock()
	return map[string]int64{
		"written":             s.written.Load(),
		"bytes":               s.bytes.Load(),
		"write_errors":        s.errs.Load(),
		"torn_repaired":       s.repaired.Load(),
		"rotations":           s.rotations.Load(),
		"reopened":            s.reopened.Load(),
		"compressed":          s.compressed.Load(),
		"backups_removed":     s.removed.Load(),
		"mill_errors":         s.millErrors.Load(),
		"dropped_unlinked":    s.unlinked.Load(),
		"dropped_write_error": s.droppedWrite.Load(),
		"buffered":            int64(buffered),
	}
}

// mill compresses and removes backups, one pass per kick.
func (s *FileSink) mill() {
	defer s.wg.Done()
	for {
		select {
		case <-s.millKick:
			s.millOnce()
		case ack := <-s.millReq:
			s.millOnce()
			close(ack)
		case <-s.stop:
			return
		}
	}
}

// syncMill runs a mill pass and waits for it; for tests.
func (s *FileSink) syncMill() {
	if s.millReq == nil {
		return
	}
	ack := make(chan struct{})
	select {
	case s.millReq <- ack:
		<-ack
	case <-s.stop:
	}
}

// backup is a rotated file.
type backup struct {
	name string
	t    time.Time
	seq  int
	gz   bool
}

// backups lists the rotated files of the sink, newest first.
func (s *FileSink) backups() ([]backup, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var out []backup
	for _, e := range entries {
		if b, ok := s.parseBackup(e.Name()); ok && e.Type().IsRegular() {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b backup) int {
		if c := b.t.Compare(a.t); c != 0 {
			return c
		}
		return b.seq - a.seq
	})
	return out, nil
}

func (s *FileSink) parseBackup(name string) (backup, bool) {
	b := backup{name: name}
	rest, ok := strings.CutPrefix(name, s.prefix)
	if !ok {
		return b, false
	}
	if r, ok := strings.CutSuffix(rest, ".gz"); ok {
		rest, b.gz = r, true
	}
	rest, ok = strings.CutSuffix(rest, s.ext)
	if !ok || len(rest) < len(backupTimeFormat) {
		return b, false
	}
	loc := time.UTC
	if s.opt.LocalTime {
		loc = time.Local
	}
	t, err := time.ParseInLocation(backupTimeFormat, rest[:len(backupTimeFormat)], loc)
	if err != nil {
		return b, false
	}
	b.t = t
	if tail := rest[len(backupTimeFormat):]; tail != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tail, "-"))
		if err != nil || tail[0] != '-' || n <= 0 {
			return b, false
		}
		b.seq = n
	}
	return b, true
}

func (s *FileSink) millOnce() {
	list, err := s.backups()
	if err != nil {
		s.millError("listing backups", err)
		return
	}
	var keep []backup
	cutoff := time.Time{}
	if s.opt.MaxAge > 0 {
		cutoff = s.clock.Now().Add(-s.opt.MaxAge)
	}
	for i, b := range list {
		old := s.opt.MaxBackups > 0 && i >= s.opt.MaxBackups
		if !cutoff.IsZero() && b.t.Before(cutoff) {
			old = true
		}
		if old {
			if err := os.Remove(filepath.Join(s.dir, b.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				s.millError("removing "+b.name, err)
			} else {
				s.removed.Add(1)
			}
			continue
		}
		keep = append(keep, b)
	}
	if !s.opt.Compress {
		return
	}
	for _, b := range keep {
		if b.gz {
			continue
		}
		if s.closing.Load() {
			return
		}
		if err := s.compress(filepath.Join(s.dir, b.name)); err != nil {
			s.millError("compressing "+b.name, err)
		}
	}
}

var errStopped = errors.New("stopped")

// compress gzips src to src.gz through a temporary file, so a crash
// never leaves a half-written .gz in place of the backup.
func (s *FileSink) compress(src string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := src + ".gz.tmp"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, s.opt.Mode)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(tmp)
		}
	}()
	zw := gzip.NewWriter(out)
	buf := make([]byte, 64<<10)
	for {
		if s.closing.Load() {
			return errStopped
		}
		n, rerr := in.Read(buf)
		if n > 0 {
			if _, err := zw.Write(buf[:n]); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := out.Sync(); err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, src+".gz"); err != nil {
		return err
	}
	s.compressed.Add(1)
	return os.Remove(src)
}

func (s *FileSink) millError(what string, err error) {
	if errors.Is(err, errStopped) {
		return
	}
	s.millErrors.Add(1)
	s.rep.report(slog.LevelWarn, "file: "+what+" failed", slog.String("path", s.path), slog.Any("error", err))
}
