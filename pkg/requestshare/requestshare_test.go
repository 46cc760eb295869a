package requestshare_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

func TestWithoutScopeEveryCallComputes(t *testing.T) {
	var n atomic.Int32
	for i := 0; i < 3; i++ {
		v, err := requestshare.Do(context.Background(), "k", func(context.Context) (int, error) { return int(n.Add(1)), nil })
		if err != nil || v != i+1 {
			t.Fatalf("call %d: %d, %v", i, v, err)
		}
	}
}

func TestOneComputationPerKeyAndScope(t *testing.T) {
	var keys []string
	var mu sync.Mutex
	ctx := requestshare.With(context.Background(), func(k string) { mu.Lock(); keys = append(keys, k); mu.Unlock() })
	release := make(chan struct{})
	var computed atomic.Int32
	compute := func(context.Context) ([]string, error) {
		computed.Add(1)
		<-release
		return []string{"a", "b"}, nil
	}
	var wg sync.WaitGroup
	results := make([][]string, 20)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			v, err := requestshare.Do(ctx, "table", compute)
			if err != nil {
				t.Error(err)
			}
			results[i] = v
		}(i)
	}
	time.Sleep(50 * time.Millisecond) // let them all arrive while the first computes
	close(release)
	wg.Wait()
	// Later in the same request: still shared; another key computes.
	if v, err := requestshare.Do(ctx, "table", compute); err != nil || len(v) != 2 {
		t.Fatalf("later call: %v, %v", v, err)
	}
	if _, err := requestshare.Do(ctx, "other", compute); err != nil {
		t.Fatal(err)
	}
	if got := computed.Load(); got != 2 {
		t.Errorf("computed %d times, want 2 (one per key)", got)
	}
	if strings.Join(keys, ",") != "table,other" {
		t.Errorf("onCompute saw %v", keys)
	}
	for i, r := range results {
		if strings.Join(r, "") != "ab" {
			t.Errorf("caller %d got %v", i, r)
		}
	}
	// A new scope (the next request) computes again.
	if _, err := requestshare.Do(requestshare.With(context.Background(), nil), "table", compute); err != nil || computed.Load() != 3 {
		t.Errorf("a new scope: %v, computed %d", err, computed.Load())
	}
}

func TestErrorsAreShared(t *testing.T) {
	ctx := requestshare.With(context.Background(), nil)
	boom := errors.New("statement timeout")
	var n int
	for i := 0; i < 2; i++ {
		_, err := requestshare.Do(ctx, "k", func(context.Context) (int, error) { n++; return 0, boom })
		if !errors.Is(err, boom) {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n != 1 {
		t.Errorf("computed %d times, want 1", n)
	}
}

// The computing query is cancelled while another query of the request waits: the waiter computes
// for itself rather than failing with someone else's cancellation.
func TestCancelledComputationIsRetriedByAWaiter(t *testing.T) {
	base := requestshare.With(context.Background(), nil)
	first, cancelFirst := context.WithCancel(base)
	started := make(chan struct{})
	firstErr := make(chan error, 1)
	go func() {
		_, err := requestshare.Do(first, "k", func(ctx context.Context) (int, error) {
			close(started)
			<-ctx.Done()
			return 0, ctx.Err()
		})
		firstErr <- err
	}()
	<-started
	second := make(chan int, 1)
	go func() {
		v, err := requestshare.Do(base, "k", func(context.Context) (int, error) { return 42, nil })
		if err != nil {
			t.Error(err)
		}
		second <- v
	}()
	time.Sleep(20 * time.Millisecond)
	cancelFirst()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("first: %v", err)
	}
	if v := <-second; v != 42 {
		t.Errorf("second got %d, want its own computation's 42", v)
	}
}

func TestWaiterLeavesWhenItsContextEnds(t *testing.T) {
	base := requestshare.With(context.Background(), nil)
	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{})
	go func() {
		_, _ = requestshare.Do(base, "k", func(context.Context) (int, error) { close(started); <-release; return 1, nil })
	}()
	<-started
	ctx, cancel := context.WithTimeout(base, 20*time.Millisecond)
	defer cancel()
	if _, err := requestshare.Do(ctx, "k", func(context.Context) (int, error) { return 2, nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiter: %v, want its deadline", err)
	}
}

func TestPanicReachesTheComputingQueryAndFailsTheWaiters(t *testing.T) {
	ctx := requestshare.With(context.Background(), nil)
	started, release := make(chan struct{}), make(chan struct{})
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		_, _ = requestshare.Do(ctx, "k", func(context.Context) (int, error) { close(started); <-release; panic("bug") })
	}()
	<-started
	waiter := make(chan error, 1)
	go func() {
		_, err := requestshare.Do(ctx, "k", func(context.Context) (int, error) { return 1, nil })
		waiter <- err
	}()
	time.Sleep(20 * time.Millisecond)
	close(release)
	if r := <-panicked; r != "bug" {
		t.Errorf("computing query recovered %v", r)
	}
	if err := <-waiter; err == nil || !strings.Contains(err.Error(), "bug") {
		t.Errorf("waiter: %v", err)
	}
}

func TestTypeMismatchIsAnError(t *testing.T) {
	ctx := requestshare.With(context.Background(), nil)
	if _, err := requestshare.Do(ctx, "k", func(context.Context) (int, error) { return 1, nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := requestshare.Do(ctx, "k", func(context.Context) (string, error) { return "", nil }); err == nil {
		t.Error("a key reused with another type gave no error")
	}
}
