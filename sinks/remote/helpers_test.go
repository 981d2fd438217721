package remote

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/loggerjs/loggerjs"
	"github.com/loggerjs/loggerjs/codecs"
	"github.com/loggerjs/loggerjs/sinks"
)

// TestMain fails the package if any test leaves a goroutine running.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var testTime = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

// rec returns a record with message "m<i>" and attrs i and pad.
func rec(i int) *loggerjs.Record {
	sr := slog.NewRecord(testTime, slog.LevelInfo, fmt.Sprintf("m%d", i), 0)
	sr.AddAttrs(slog.Int("i", i))
	return loggerjs.NewRecord(sr)
}

// dropped sums the counters that start with "dropped".
func dropped(m map[string]int64) int64 {
	var n int64
	for k, v := range m {
		if strings.HasPrefix(k, "dropped") {
			n += v
		}
	}
	return n
}

// checkAccounting asserts that every record logged is either delivered
// or counted: delivered + dropped + refused == logged, exactly.
func checkAccounting(t testing.TB, logged, delivered, refused int64, stats map[string]int64) {
	t.Helper()
	if d := dropped(stats); delivered+d+refused != logged {
		t.Fatalf("delivered %d + dropped %d + refused %d != logged %d; stats %v", delivered, d, refused, logged, stats)
	}
}

// metaLog is a loggerjs.MetaReporter that keeps what it is told.
type metaLog struct {
	msgs chan string
}

func newMetaLog() *metaLog { return &metaLog{msgs: make(chan string, 10000)} }

func (m *metaLog) Report(level slog.Level, msg string, attrs ...slog.Attr) {
	select {
	case m.msgs <- msg:
	default:
	}
}

func (m *metaLog) all() []string {
	var out []string
	for {
		select {
		case s := <-m.msgs:
			out = append(out, s)
		default:
			return out
		}
	}
}

var jsonCodec = codecs.JSON(nil)

func closeNow(t testing.TB, s loggerjs.Sink) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// closeLosing closes s and checks that Close reports, as losses no Flush
// reported before it, exactly n records under reason.
func closeLosing(t testing.TB, s loggerjs.Sink, reason string, n int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var le *sinks.LossError
	if err := s.Close(ctx); !errors.As(err, &le) || le.Records != n || le.Reasons[reason] != n {
		t.Fatalf("Close = %v, want a LossError for %d records, all %s", err, n, reason)
	}
}

// fakeClock is a Clock that moves only when a test advances it.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	added  chan struct{} // signalled when a timer is made
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), added: make(chan struct{}, 1024)}
}

type fakeTimer struct {
	c     *fakeClock
	at    time.Time
	ch    chan time.Time
	fired bool
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) sinks.Timer {
	c.mu.Lock()
	t := &fakeTimer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.fired = true
		t.ch <- c.now
	} else {
		c.timers = append(c.timers, t)
	}
	c.mu.Unlock()
	select {
	case c.added <- struct{}{}:
	default:
	}
	return t
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	for i, o := range t.c.timers {
		if o == t {
			t.c.timers = append(t.c.timers[:i], t.c.timers[i+1:]...)
			return true
		}
	}
	return false
}

// Advance moves the clock on by d and fires the timers due by then.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	sort.Slice(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
	var keep []*fakeTimer
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.fired = true
			t.ch <- c.now
		} else {
			keep = append(keep, t)
		}
	}
	c.timers = keep
	c.mu.Unlock()
}

// Pending returns the number of timers not yet fired or stopped.
func (c *fakeClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// waitTimers waits (in real time, bounded) until n timers are pending.
func (c *fakeClock) waitTimers(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for c.Pending() < n {
		if time.Now().After(deadline) {
			t.Fatalf("waited for %d pending timers; have %d", n, c.Pending())
		}
		select {
		case <-c.added:
		case <-time.After(time.Millisecond):
		}
	}
}

// eventually polls cond (real time, bounded) for state that goroutines
// of the sink under test reach on their own.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// The breaker_state gauge of SinkStats.
const (
	breakerClosed = 0
	breakerOpen   = 1
)

// wantLoss checks the error of a Flush or Close: nil when n is 0, else a
// *LossError of exactly n records, all under reason (any reason if
// reason is "").
func wantLoss(t testing.TB, err error, reason string, n int64) {
	t.Helper()
	if n == 0 {
		if err != nil {
			t.Fatalf("error %v, want none", err)
		}
		return
	}
	var le *sinks.LossError
	if !errors.As(err, &le) {
		t.Fatalf("error %v, want a *LossError of %d records", err, n)
	}
	if le.Records != n || (reason != "" && le.Reasons[reason] != n) {
		t.Fatalf("error %v, want %d records lost as %s", err, n, reason)
	}
	if !strings.Contains(err.Error(), strconv.FormatInt(n, 10)+" records lost") {
		t.Fatalf("error %q does not say how many records were lost", err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
