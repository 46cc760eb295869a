package resultcache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

func frames(name string) data.Frames { return data.Frames{data.NewFrame(name)} }

// overlapping makes n identical calls of c that all overlap one running computation, and
// returns how many computations ran.
func overlapping(t *testing.T, c *Cache, n int) int64 {
	t.Helper()
	var calls, started atomic.Int64
	release := make(chan struct{})
	compute := func(context.Context) (data.Frames, error) {
		calls.Add(1)
		<-release
		return frames("x"), nil
	}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Add(1)
			f, err := c.Get(context.Background(), "k", compute)
			if err != nil || f[0].Name != "x" {
				t.Errorf("got %v, %v", f, err)
			}
		}()
	}
	for started.Load() < int64(n) || calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	// Give the last callers time to reach the shared call (they only have to enter Get).
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	return calls.Load()
}

// counting returns a computation that counts its calls in n.
func counting(n *int) func(context.Context) (data.Frames, error) {
	return func(context.Context) (data.Frames, error) { *n++; return frames("x"), nil }
}

func TestCoalescesAndExpires(t *testing.T) {
	c := New(30*time.Second, 10)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return clock }
	if n := overlapping(t, c, 20); n != 1 {
		t.Fatalf("20 identical concurrent calls computed %d times", n)
	}
	var calls int
	if _, err := c.Get(context.Background(), "k", counting(&calls)); err != nil || calls != 0 {
		t.Fatalf("a fresh entry was computed again (%d)", calls)
	}
	clock = clock.Add(30 * time.Second)
	if _, err := c.Get(context.Background(), "k", counting(&calls)); err != nil || calls != 1 {
		t.Fatalf("an expired entry was not computed again (%d)", calls)
	}
}

func TestErrorsAreNotCachedAndOffKeepsNothing(t *testing.T) {
	var calls int
	fail := func(context.Context) (data.Frames, error) { calls++; return nil, errors.New("boom") }
	c := New(time.Minute, 10)
	for i := 0; i < 3; i++ {
		if _, err := c.Get(context.Background(), "k", fail); err == nil {
			t.Fatal("error lost")
		}
	}
	if calls != 3 || c.Len() != 0 {
		t.Fatalf("errors cached: %d calls, %d entries", calls, c.Len())
	}
	off := New(0, 10)
	ok := func(context.Context) (data.Frames, error) { calls++; return frames("y"), nil }
	off.Get(context.Background(), "k", ok)
	off.Get(context.Background(), "k", ok)
	if calls != 5 || off.Len() != 0 {
		t.Fatalf("TTL 0 cached: %d calls, %d entries", calls, off.Len())
	}
}

// With the cache off, calls that overlap an identical running one still share its result: the
// result is as fresh as their own would be.
func TestOffStillCoalesces(t *testing.T) {
	c := New(0, 10)
	if n := overlapping(t, c, 20); n != 1 {
		t.Fatalf("20 overlapping identical calls with the cache off computed %d times", n)
	}
	var calls int
	if _, err := c.Get(context.Background(), "k", counting(&calls)); err != nil || calls != 1 || c.Len() != 0 {
		t.Fatalf("the cache off kept a result: %d calls, %d entries", calls, c.Len())
	}
}

func TestBounded(t *testing.T) {
	c := New(time.Minute, 3)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return clock }
	for _, k := range []string{"a", "b", "c", "d"} {
		clock = clock.Add(time.Second)
		c.Get(context.Background(), k, func(context.Context) (data.Frames, error) { return frames(k), nil })
	}
	if c.Len() != 3 {
		t.Fatalf("%d entries, max 3", c.Len())
	}
	if _, ok := c.lookup("a"); ok {
		t.Error("the oldest entry was kept")
	}
}

func TestWaiterOutlivesACancelledLeader(t *testing.T) {
	c := New(time.Minute, 10)
	leaderCtx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var calls atomic.Int64
	compute := func(ctx context.Context) (data.Frames, error) {
		if calls.Add(1) == 1 {
			close(started)
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return frames("z"), nil
	}
	done := make(chan error, 1)
	go func() { _, err := c.Get(leaderCtx, "k", compute); done <- err }()
	<-started
	waiter := make(chan data.Frames, 1)
	go func() { f, _ := c.Get(context.Background(), "k", compute); waiter <- f }()
	time.Sleep(20 * time.Millisecond) // let the waiter join the flight
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader: %v", err)
	}
	if f := <-waiter; len(f) != 1 || f[0].Name != "z" {
		t.Fatalf("waiter got %v", f)
	}
}
