package analytics

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// fitKey names one fit: the local as-of day and the time unit. Fits are per engine, so per
// datasource.
type fitKey struct {
	day  string // YYYY-MM-DD: the fit reads the orders before this local day's end (Shop.fitDay)
	unit string
}

// fitCache keeps the models fitted for recent as-of days. A fit takes seconds on a big shop and
// changes little from one day to the next, so:
//   - a fit for the asked day is reused; when it is older than refreshAfter (orders before the
//     day's end may have been loaded late or changed since) it is still answered, and a refit
//     starts in the background;
//   - with no fit for the day but one for an earlier day within borrowDays, that one answers
//     (the frames say so) while the day's own fit runs in the background;
//   - otherwise the caller waits for the fit; concurrent callers share one fit.
//
// A fit that fails for lack of history is kept like a success (the answer will not change until
// new orders arrive); other failures (database down, cancelled) are not kept.
type fitCache struct {
	fit          func(ctx context.Context, k fitKey) (*modelFit, error)
	refreshAfter time.Duration
	borrowDays   int
	maxEntries   int
	timeout      time.Duration

	mu       sync.Mutex
	entries  map[fitKey]*fitEntry
	inflight map[fitKey]chan struct{}
	base     context.Context
	stop     context.CancelFunc
	wg       sync.WaitGroup
}

type fitEntry struct {
	fit *modelFit
	err error
	at  time.Time // when the fit finished
}

func newFitCache(fit func(ctx context.Context, k fitKey) (*modelFit, error)) *fitCache {
	base, stop := context.WithCancel(context.Background())
	return &fitCache{
		fit: fit, refreshAfter: time.Hour, borrowDays: 7, maxEntries: 16, timeout: 5 * time.Minute,
		entries: map[fitKey]*fitEntry{}, inflight: map[fitKey]chan struct{}{}, base: base, stop: stop,
	}
}

// get returns the fit for k, or the fit it borrows, or the fit's error.
func (c *fitCache) get(ctx context.Context, k fitKey) (*modelFit, error) {
	return c.lookup(ctx, k, true)
}

// own returns the fit for k, never a borrowed one: it waits for k's fit (until ctx ends).
func (c *fitCache) own(ctx context.Context, k fitKey) (*modelFit, error) {
	return c.lookup(ctx, k, false)
}

func (c *fitCache) lookup(ctx context.Context, k fitKey, borrow bool) (*modelFit, error) {
	c.mu.Lock()
	if e, ok := c.entries[k]; ok {
		if time.Since(e.at) > c.refreshAfter {
			c.startLocked(k)
		}
		c.mu.Unlock()
		return e.fit, e.err
	}
	if borrow {
		if e := c.borrowLocked(k); e != nil {
			c.startLocked(k)
			c.mu.Unlock()
			return e.fit, nil
		}
	}
	done := c.startLocked(k)
	c.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return nil, fmt.Errorf("predicted CLV: stopped waiting for the fit as of %s (%s unit), which goes on in the background: %w", k.day, k.unit, ctx.Err())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[k]; ok {
		return e.fit, e.err
	}
	// The fit failed without being kept (database down, cancelled): run it once more in this
	// request so that its error reaches the user.
	return c.fit(ctx, k)
}

// borrowLocked returns the successful fit of the nearest earlier day within borrowDays.
func (c *fitCache) borrowLocked(k fitKey) *fitEntry {
	day, err := time.Parse(time.DateOnly, k.day)
	if err != nil {
		return nil
	}
	for i := 1; i <= c.borrowDays; i++ {
		prev := fitKey{day: day.AddDate(0, 0, -i).Format(time.DateOnly), unit: k.unit}
		if e, ok := c.entries[prev]; ok && e.err == nil {
			return e
		}
	}
	return nil
}

// startLocked starts the fit of k in the background unless it is already running, and returns a
// channel closed when it ends.
func (c *fitCache) startLocked(k fitKey) chan struct{} {
	if done, ok := c.inflight[k]; ok {
		return done
	}
	done := make(chan struct{})
	c.inflight[k] = done
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer close(done)
		ctx, cancel := context.WithTimeout(c.base, c.timeout)
		defer cancel()
		f, err := c.fit(ctx, k)
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.inflight, k)
		if err != nil && !errors.Is(err, errTooLittleHistory) {
			return
		}
		c.entries[k] = &fitEntry{fit: f, err: err, at: time.Now()}
		c.evictLocked()
	}()
	return done
}

// evictLocked drops the oldest fits beyond maxEntries.
func (c *fitCache) evictLocked() {
	if len(c.entries) <= c.maxEntries {
		return
	}
	keys := make([]fitKey, 0, len(c.entries))
	for k := range c.entries {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return c.entries[keys[i]].at.Before(c.entries[keys[j]].at) })
	for _, k := range keys[:len(keys)-c.maxEntries] {
		delete(c.entries, k)
	}
}

// wait blocks until no fit is running (tests, and Close).
func (c *fitCache) wait() { c.wg.Wait() }

// close cancels the running fits and waits for them.
func (c *fitCache) close() {
	c.stop()
	c.wait()
}
