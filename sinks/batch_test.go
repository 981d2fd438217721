package sinks

import (
	"context"
	"errors"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loggerjs/loggerjs"
)

// collector is a Shipper whose behaviour a test scripts per attempt.
type collector struct {
	mu      sync.Mutex
	batches [][]string
	got     atomic.Int64
	calls   atomic.Int64
	next    func(call int64, batch []Entry) error // nil: accept
}

func (c *collector) Ship(ctx context.Context, batch []Entry) error {
	n := c.calls.Add(1)
	if c.next != nil {
		if err := c.next(n, batch); err != nil {
			return err
		}
	}
	lines := make([]string, len(batch))
	for i, e := range batch {
		lines[i] = string(e.Data)
	}
	c.mu.Lock()
	c.batches = append(c.batches, lines)
	c.mu.Unlock()
	c.got.Add(int64(len(batch)))
	return nil
}

func (c *collector) sizes() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []int
	for _, b := range c.batches {
		out = append(out, len(b))
	}
	return out
}

func closeNow(t testing.TB, s loggerjs.Sink) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// closeReports closes s and checks what Close reports as lost and not
// yet reported by a Flush: exactly want, by reason (nil: nothing, and a
// nil error).
func closeReports(t testing.TB, s loggerjs.Sink, want map[string]int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.Close(ctx)
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
		return
	}
	var le *LossError
	if !errors.As(err, &le) || !maps.Equal(le.Reasons, want) {
		t.Fatalf("Close = %v, want a LossError for %v", err, want)
	}
}

func TestBatchMaxRecordsAndMaxWait(t *testing.T) {
	clk := newFakeClock()
	c := &collector{}
	s := Batch(c, &BatchOptions{MaxRecords: 3, MaxWait: time.Second, Clock: clk})
	for i := range 7 {
		if err := s.Write(context.Background(), rec(i)); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "two full batches", func() bool { return c.got.Load() == 6 })
	clk.waitTimers(t, 1) // the seventh record armed MaxWait
	clk.Advance(999 * time.Millisecond)
	if c.got.Load() != 6 {
		t.Fatalf("shipped before MaxWait")
	}
	clk.Advance(time.Millisecond)
	eventually(t, "the partial batch", func() bool { return c.got.Load() == 7 })
	eventually(t, "no timer while idle", func() bool { return clk.Pending() == 0 })
	if got := c.sizes(); len(got) != 3 || got[0] != 3 || got[1] != 3 || got[2] != 1 {
		t.Fatalf("batch sizes %v, want [3 3 1]", got)
	}
	closeNow(t, s)
	st := s.SinkStats()
	checkAccounting(t, 7, c.got.Load(), 0, st)
	if st["queued"] != 7 || st["shipped"] != 7 || st["batches"] != 3 {
		t.Fatalf("stats %v", st)
	}
}

func TestBatchMaxBytes(t *testing.T) {
	clk := newFakeClock()
	c := &collector{}
	one := len(s0(t))
	s := Batch(c, &BatchOptions{MaxRecords: 100, MaxBytes: 2*one + one/2, MaxWait: time.Second, Clock: clk})
	for i := range 4 {
		s.Write(context.Background(), rec(i))
	}
	big := rec(99)
	big.AddAttrs(slogString("pad", 3*one))
	s.Write(context.Background(), big)
	closeNow(t, s)
	st := s.SinkStats()
	if st["dropped_too_large"] != 1 {
		t.Fatalf("dropped_too_large = %d", st["dropped_too_large"])
	}
	for _, n := range c.sizes() {
		if n > 2 {
			t.Fatalf("batch of %d records exceeds MaxBytes; sizes %v", n, c.sizes())
		}
	}
	checkAccounting(t, 5, c.got.Load(), 0, st)
}

func TestBatchQueuePolicies(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy Policy
	}{{"DropNewest", DropNewest}, {"DropOldest", DropOldest}, {"Block", Block}} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			release := make(chan struct{})
			c := &collector{next: func(call int64, _ []Entry) error {
				if call == 1 {
					<-release
				}
				return nil
			}}
			s := Batch(c, &BatchOptions{MaxRecords: 1, QueueSize: 4, Policy: tc.policy, BlockTimeout: time.Second, Clock: clk})
			s.Write(context.Background(), rec(0)) // taken by the worker, which hangs
			eventually(t, "first batch in flight", func() bool { return c.calls.Load() == 1 })
			for i := 1; i <= 4; i++ {
				s.Write(context.Background(), rec(i))
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				s.Write(context.Background(), rec(5)) // the queue is full
			}()
			if tc.policy == Block {
				clk.waitTimers(t, 1)
				select {
				case <-done:
					t.Fatal("Block returned before its deadline")
				default:
				}
				clk.Advance(time.Second)
			}
			<-done
			close(release)
			var dropped map[string]int64
			if tc.policy == DropOldest {
				dropped = map[string]int64{"dropped_queue_full": 1} // pushed out of the queue before Close
			}
			closeReports(t, s, dropped)
			st := s.SinkStats()
			if st["dropped_queue_full"] != 1 {
				t.Fatalf("dropped_queue_full = %d", st["dropped_queue_full"])
			}
			checkAccounting(t, 6, c.got.Load(), 0, st)
			var shipped []string
			for _, b := range c.batches {
				shipped = append(shipped, b...)
			}
			lost := "m5"
			if tc.policy == DropOldest {
				lost = "m1"
			}
			for _, l := range shipped {
				if msgOf(l) == lost {
					t.Fatalf("%s shipped; policy %v should have dropped it", lost, tc.policy)
				}
			}
		})
	}
}

func TestBatchBlockGetsRoom(t *testing.T) {
	release := make(chan struct{})
	c := &collector{next: func(call int64, _ []Entry) error {
		if call == 1 {
			<-release
		}
		return nil
	}}
	s := Batch(c, &BatchOptions{MaxRecords: 1, QueueSize: 1, Policy: Block, BlockTimeout: time.Hour})
	s.Write(context.Background(), rec(0))
	eventually(t, "first batch in flight", func() bool { return c.calls.Load() == 1 })
	s.Write(context.Background(), rec(1))
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Write(context.Background(), rec(2))
	}()
	close(release)
	<-done
	closeNow(t, s)
	if st := s.SinkStats(); st["shipped"] != 3 || dropped(st) != 0 {
		t.Fatalf("stats %v", st)
	}
}

func TestBatchRetryThenSuccess(t *testing.T) {
	clk := newFakeClock()
	c := &collector{next: func(call int64, _ []Entry) error {
		switch call {
		case 1:
			return errors.New("connection refused")
		case 2:
			return RetryAfter(errors.New("429"), 7*time.Second)
		}
		return nil
	}}
	s := Batch(c, &BatchOptions{MaxRecords: 2, BaseBackoff: time.Second, MaxBackoff: 2 * time.Second, Clock: clk})
	s.Write(context.Background(), rec(0))
	s.Write(context.Background(), rec(1))
	eventually(t, "first attempt", func() bool { return c.calls.Load() == 1 })
	clk.waitTimers(t, 1) // first backoff: at most 1s
	clk.Advance(time.Second)
	eventually(t, "second attempt", func() bool { return c.calls.Load() == 2 })
	clk.waitTimers(t, 1) // Retry-After 7s beats the 2s ceiling
	clk.Advance(6 * time.Second)
	if c.calls.Load() != 2 {
		t.Fatal("retried before Retry-After")
	}
	clk.Advance(time.Second)
	eventually(t, "delivered", func() bool { return c.got.Load() == 2 })
	closeNow(t, s)
	st := s.SinkStats()
	if st["retried"] != 2 || st["shipped"] != 2 {
		t.Fatalf("stats %v", st)
	}
	checkAccounting(t, 2, c.got.Load(), 0, st)
}

func TestBatchRetriesExhaustedAndPermanent(t *testing.T) {
	clk := newFakeClock()
	c := &collector{next: func(call int64, b []Entry) error {
		if msgOf(string(b[0].Data)) == "m0" {
			return Permanent(errors.New("400 bad request"))
		}
		return errors.New("503")
	}}
	s := Batch(c, &BatchOptions{MaxRecords: 1, MaxRetries: 2, BreakerFailures: -1, Clock: clk})
	s.SetMetaReporter("b", newMetaLog())
	s.Write(context.Background(), rec(0))
	s.Write(context.Background(), rec(1))
	eventually(t, "rejected", func() bool { return s.SinkStats()["dropped_rejected"] == 1 })
	for range 2 {
		clk.waitTimers(t, 1)
		clk.Advance(time.Minute)
	}
	eventually(t, "exhausted", func() bool { return s.SinkStats()["dropped_retries_exhausted"] == 1 })
	closeReports(t, s, map[string]int64{"dropped_rejected": 1, "dropped_retries_exhausted": 1})
	st := s.SinkStats()
	if c.calls.Load() != 4 || st["retried"] != 2 {
		t.Fatalf("calls %d, stats %v", c.calls.Load(), st)
	}
	checkAccounting(t, 2, c.got.Load(), 0, st)
}

func TestBatchRetryBudget(t *testing.T) {
	clk := newFakeClock()
	c := &collector{next: func(int64, []Entry) error { return errors.New("down") }}
	s := Batch(c, &BatchOptions{MaxRecords: 1, MaxRetries: 100, RetryBudgetBurst: 3, RetryBudgetRatio: 0.01, BreakerFailures: -1, Clock: clk})
	s.Write(context.Background(), rec(0))
	for range 3 {
		clk.waitTimers(t, 1)
		clk.Advance(time.Minute)
	}
	eventually(t, "budget spent", func() bool { return s.SinkStats()["dropped_retries_exhausted"] == 1 })
	closeReports(t, s, map[string]int64{"dropped_retries_exhausted": 1})
	if st := s.SinkStats(); st["retried"] != 3 {
		t.Fatalf("stats %v", st)
	}
}

func TestBatchCircuitBreaker(t *testing.T) {
	clk := newFakeClock()
	var up atomic.Bool
	c := &collector{next: func(int64, []Entry) error {
		if !up.Load() {
			return errors.New("503")
		}
		return nil
	}}
	// MaxWait never passes on clk: each Flush ships the one record
	// written before it, so the loss it reports is that record's.
	s := Batch(c, &BatchOptions{MaxRecords: 100, MaxRetries: -1, BreakerFailures: 3, BreakerCooldown: 10 * time.Second, Clock: clk})
	write := func(i int, lost string) {
		t.Helper()
		s.Write(context.Background(), rec(i))
		n := int64(0)
		if lost != "" {
			n = 1
		}
		wantLoss(t, s.Flush(context.Background()), lost, n)
	}
	for i := range 3 {
		write(i, "dropped_retries_exhausted")
	}
	st := s.SinkStats()
	if st["breaker_state"] != breakerOpen || st["dropped_retries_exhausted"] != 3 || st["breaker_opened"] != 1 {
		t.Fatalf("after 3 failures: %v", st)
	}
	write(3, "dropped_circuit_open") // refused without an attempt
	if st := s.SinkStats(); st["dropped_circuit_open"] != 1 || c.calls.Load() != 3 {
		t.Fatalf("while open: calls %d, %v", c.calls.Load(), st)
	}
	clk.Advance(10 * time.Second)
	write(4, "dropped_retries_exhausted") // the probe fails: open again
	if st := s.SinkStats(); st["breaker_state"] != breakerOpen || st["breaker_opened"] != 2 || c.calls.Load() != 4 {
		t.Fatalf("after failed probe: calls %d, %v", c.calls.Load(), st)
	}
	up.Store(true)
	write(5, "dropped_circuit_open")
	clk.Advance(10 * time.Second)
	write(6, "") // the probe succeeds: closed
	write(7, "")
	st = s.SinkStats()
	if st["breaker_state"] != breakerClosed || c.got.Load() != 2 {
		t.Fatalf("after recovery: got %d, %v", c.got.Load(), st)
	}
	closeNow(t, s)
	checkAccounting(t, 8, c.got.Load(), 0, s.SinkStats())
}

func TestBatchCloseDeadlineDropsAndCounts(t *testing.T) {
	c := &collector{next: func(_ int64, _ []Entry) error { return nil }}
	hang := make(chan struct{})
	c.next = func(int64, []Entry) error { <-hang; return nil }
	var shipCtxErr atomic.Bool
	s := Batch(ShipperFunc(func(ctx context.Context, b []Entry) error {
		select {
		case <-ctx.Done():
			shipCtxErr.Store(true)
			return ctx.Err()
		case <-hang:
			return nil
		}
	}), &BatchOptions{MaxRecords: 2, ShipTimeout: time.Hour})
	for i := range 5 {
		s.Write(context.Background(), rec(i))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := s.Flush(ctx); err == nil {
		t.Fatal("Flush met its deadline with a hung shipper")
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	start := time.Now()
	err := s.Close(ctx2)
	if err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("Close = %v after %v", err, time.Since(start))
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := s.Write(context.Background(), rec(9)); !errors.Is(err, loggerjs.ErrClosed) {
		t.Fatalf("Write after Close = %v", err)
	}
	st := s.SinkStats()
	if st["dropped_flush_deadline"] != 5 || !shipCtxErr.Load() || st["write_after_close"] != 1 {
		t.Fatalf("stats %v", st)
	}
	checkAccounting(t, 6, 0, 1, st)
	close(hang)
}

func TestBatchConcurrencyAndQueueBytes(t *testing.T) {
	var inflight, peak atomic.Int64
	release := make(chan struct{})
	c := &collector{next: func(int64, []Entry) error {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
		inflight.Add(-1)
		return nil
	}}
	one := len(s0(t))
	s := Batch(c, &BatchOptions{MaxRecords: 1, Concurrency: 3, QueueSize: 100, QueueBytes: 2 * one, Policy: DropNewest})
	for i := range 3 {
		s.Write(context.Background(), rec(i))
		eventually(t, "batches in flight at once", func() bool { return peak.Load() == int64(i+1) })
	}
	for i := 3; i < 6; i++ { // two fit QueueBytes; the third is dropped
		s.Write(context.Background(), rec(i))
	}
	close(release)
	closeNow(t, s)
	st := s.SinkStats()
	if st["dropped_queue_full"] != 1 || c.got.Load() != 5 {
		t.Fatalf("got %d, stats %v", c.got.Load(), st)
	}
	checkAccounting(t, 6, c.got.Load(), 0, st)
}

// TestBatchConcurrentWritesFlushAndClose logs from many goroutines while
// Flush and Close run, twice each, concurrently.
func TestBatchConcurrentWritesFlushAndClose(t *testing.T) {
	c := &collector{}
	s := Batch(c, &BatchOptions{MaxRecords: 16, MaxWait: time.Millisecond, Concurrency: 2, QueueSize: 256})
	var wg sync.WaitGroup
	var logged, refused atomic.Int64
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				logged.Add(1)
				if s.Write(context.Background(), rec(i)) != nil {
					refused.Add(1)
				}
			}
		}()
	}
	for range 2 {
		wg.Add(2)
		go func() { defer wg.Done(); s.Flush(context.Background()) }()
		go func() {
			defer wg.Done()
			// Close reports what the full queue pushed out and no Flush
			// reported; nothing else may be lost.
			var le *LossError
			if err := s.Close(context.Background()); err != nil && (!errors.As(err, &le) || len(le.Reasons) != 1 || le.Reasons["dropped_queue_full"] == 0) {
				t.Errorf("Close: %v", err)
			}
		}()
	}
	wg.Wait()
	checkAccounting(t, logged.Load(), c.got.Load(), refused.Load(), s.SinkStats())
}

// TestBatchHalfOpenLetsOneProbe: with two workers, while the half-open
// probe is in flight every other batch is refused.
func TestBatchHalfOpenLetsOneProbe(t *testing.T) {
	clk := newFakeClock()
	probing := make(chan struct{})
	release := make(chan struct{})
	c := &collector{next: func(call int64, _ []Entry) error {
		switch call {
		case 1:
			return errors.New("503")
		case 2:
			close(probing)
			<-release
		}
		return nil
	}}
	s := Batch(c, &BatchOptions{MaxRecords: 1, Concurrency: 2, MaxRetries: -1, BreakerFailures: 1, BreakerCooldown: 10 * time.Second, Clock: clk})
	s.Write(context.Background(), rec(0))
	s.Flush(context.Background())
	clk.Advance(10 * time.Second)
	s.Write(context.Background(), rec(1)) // the probe, held by the collector
	<-probing
	if st := s.SinkStats(); st["breaker_state"] != breakerHalfOpen {
		t.Fatalf("stats %v", st)
	}
	s.Write(context.Background(), rec(2)) // refused while the probe is out
	eventually(t, "refused during the probe", func() bool { return s.SinkStats()["dropped_circuit_open"] == 1 })
	close(release)
	s.Flush(context.Background())
	s.Write(context.Background(), rec(3))
	closeNow(t, s)
	st := s.SinkStats()
	if st["breaker_state"] != breakerClosed || c.got.Load() != 2 {
		t.Fatalf("got %d, stats %v", c.got.Load(), st)
	}
	checkAccounting(t, 4, c.got.Load(), 0, st)
}
