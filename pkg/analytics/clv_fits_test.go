package analytics

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingFits is a fit function that records its calls and can be held until released: the cache
// logic is tested on its own here; the fits themselves are tested on PostgreSQL (clv_test.go).
type countingFits struct {
	calls   atomic.Int64
	release chan struct{}
	err     error
	mu      sync.Mutex
	days    []string
}

func (c *countingFits) fit(ctx context.Context, k fitKey) (*modelFit, error) {
	c.calls.Add(1)
	c.mu.Lock()
	c.days = append(c.days, k.day)
	c.mu.Unlock()
	if c.release != nil {
		select {
		case <-c.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	return &modelFit{Key: k}, nil
}

func key(day string) fitKey { return fitKey{day: day, unit: "week"} }

func TestFitCacheReuseAndCoalescing(t *testing.T) {
	c := &countingFits{release: make(chan struct{})}
	fc := newFitCache(c.fit)
	defer fc.close()
	ctx := context.Background()
	var wg sync.WaitGroup
	results := make([]*modelFit, 20)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			f, err := fc.get(ctx, key("2026-05-10"))
			if err != nil {
				t.Error(err)
			}
			results[i] = f
		}(i)
	}
	time.Sleep(50 * time.Millisecond)
	close(c.release)
	wg.Wait()
	if n := c.calls.Load(); n != 1 {
		t.Fatalf("20 concurrent requests ran %d fits, want 1", n)
	}
	for _, f := range results {
		if f == nil || f.Key.day != "2026-05-10" {
			t.Fatalf("a request got %+v", f)
		}
	}
	if _, err := fc.get(ctx, key("2026-05-10")); err != nil || c.calls.Load() != 1 {
		t.Fatalf("a cached fit was fitted again (%d calls, %v)", c.calls.Load(), err)
	}
	// Another unit is another fit.
	if f, _ := fc.get(ctx, fitKey{day: "2026-05-10", unit: "day"}); f.Key.unit != "day" || c.calls.Load() != 2 {
		t.Fatalf("the day unit reused the week fit")
	}
}

func TestFitCacheBorrowsAndRefitsInBackground(t *testing.T) {
	c := &countingFits{}
	fc := newFitCache(c.fit)
	defer fc.close()
	ctx := context.Background()
	if _, err := fc.get(ctx, key("2026-05-10")); err != nil {
		t.Fatal(err)
	}
	// The next day borrows the previous day's fit at once, while its own fit runs.
	c.release = make(chan struct{})
	f, err := fc.get(ctx, key("2026-05-11"))
	if err != nil || f.Key.day != "2026-05-10" {
		t.Fatalf("day 11 answered %+v, %v; want the borrowed fit of day 10", f, err)
	}
	close(c.release)
	fc.wait()
	if f, _ := fc.get(ctx, key("2026-05-11")); f.Key.day != "2026-05-11" {
		t.Fatalf("after the background fit, day 11 answered the fit of %s", f.Key.day)
	}
	// Eight days later is too far to borrow: the caller waits for its own fit.
	if f, _ := fc.get(ctx, key("2026-05-19")); f.Key.day != "2026-05-19" {
		t.Fatalf("day 19 answered the fit of %s", f.Key.day)
	}
	// A stale fit still answers, and is refitted in the background.
	fc.mu.Lock()
	fc.entries[key("2026-05-19")].at = time.Now().Add(-2 * time.Hour)
	fc.mu.Unlock()
	before := c.calls.Load()
	if f, _ := fc.get(ctx, key("2026-05-19")); f.Key.day != "2026-05-19" {
		t.Fatal("the stale fit did not answer")
	}
	fc.wait()
	if c.calls.Load() != before+1 {
		t.Fatalf("the stale fit was not refitted (%d calls, %d before)", c.calls.Load(), before)
	}
}

func TestFitCacheErrors(t *testing.T) {
	ctx := context.Background()
	// Too little history is an answer: kept, not refitted on every request.
	c := &countingFits{err: &QueryError{msg: "too little", cause: errTooLittleHistory}}
	fc := newFitCache(c.fit)
	defer fc.close()
	for i := 0; i < 3; i++ {
		if _, err := fc.get(ctx, key("2026-05-10")); !errors.Is(err, errTooLittleHistory) {
			t.Fatalf("got %v", err)
		}
	}
	if n := c.calls.Load(); n != 1 {
		t.Fatalf("%d fits for a shop with too little history, want 1", n)
	}
	// A failed fit is not borrowed by the next day.
	if _, err := fc.get(ctx, key("2026-05-11")); !errors.Is(err, errTooLittleHistory) {
		t.Fatalf("got %v", err)
	}
	// Other errors (database down) are not kept: the next request tries again.
	down := errors.New("connection refused")
	c2 := &countingFits{err: down}
	fc2 := newFitCache(c2.fit)
	defer fc2.close()
	for i := 0; i < 2; i++ {
		if _, err := fc2.get(ctx, key("2026-05-10")); !errors.Is(err, down) {
			t.Fatalf("got %v", err)
		}
	}
	if n := c2.calls.Load(); n < 3 {
		t.Fatalf("%d fits: a failed fit was kept", n)
	}
	// A cancelled request returns at once; the fit goes on for the next request.
	c3 := &countingFits{release: make(chan struct{})}
	fc3 := newFitCache(c3.fit)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := fc3.get(cctx, key("2026-05-10")); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	fc3.close() // cancels the running fit and waits for it
}

func TestFitCacheBounded(t *testing.T) {
	c := &countingFits{}
	fc := newFitCache(c.fit)
	defer fc.close()
	fc.borrowDays = 0
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 40; i++ {
		if _, err := fc.get(context.Background(), key(start.AddDate(0, 0, i).Format(time.DateOnly))); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(fc.entries); n != fc.maxEntries {
		t.Fatalf("%d fits kept, want %d", n, fc.maxEntries)
	}
}

func TestSplitRange(t *testing.T) {
	for _, c := range []struct {
		lo, hi int64
		n      int
		want   [][2]int64
	}{
		{1, 10, 2, [][2]int64{{1, 5}, {6, 10}}},
		{1, 11, 2, [][2]int64{{1, 6}, {7, 11}}},
		{5, 5, 2, [][2]int64{{5, 5}}},
		{1, 2, 4, [][2]int64{{1, 2}}},
		{-5, 4, 3, [][2]int64{{-5, -2}, {-1, 2}, {3, 4}}},
		{math.MinInt64, math.MaxInt64, 2, [][2]int64{{math.MinInt64, math.MaxInt64}}},
		{math.MaxInt64 - 10, math.MaxInt64, 2, [][2]int64{{math.MaxInt64 - 10, math.MaxInt64 - 5}, {math.MaxInt64 - 4, math.MaxInt64}}},
	} {
		if got := splitRange(c.lo, c.hi, c.n); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("splitRange(%d, %d, %d) = %v, want %v", c.lo, c.hi, c.n, got, c.want)
		}
	}
}
