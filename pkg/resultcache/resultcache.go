// Package resultcache is a short-lived cache of query results with request coalescing: identical
// queries from many panels and viewers are computed once, and reused for a few seconds.
// Coalescing does not depend on the TTL: queries that arrive while an identical one is running
// share its result even with the cache off, since that result is no older than their own would be.
package resultcache

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"golang.org/x/sync/singleflight"
)

// Cache holds results for TTL. The zero TTL keeps nothing: a call computes unless an identical
// call is still computing, whose result it then shares.
type Cache struct {
	ttl   time.Duration
	max   int
	now   func() time.Time
	group singleflight.Group

	mu      sync.Mutex
	entries map[string]entry
}

type entry struct {
	frames  data.Frames
	expires time.Time
}

// New returns a cache keeping results for ttl, at most max entries (the oldest to expire go
// first when it is full).
func New(ttl time.Duration, max int) *Cache {
	return &Cache{ttl: ttl, max: max, now: time.Now, entries: map[string]entry{}}
}

// Get returns the frames for key: cached ones while fresh, else computed by compute, once for
// all concurrent callers with the same key. Errors are never cached. The frames are shared:
// callers must not modify them (copy a frame before setting its RefID).
func (c *Cache) Get(ctx context.Context, key string, compute func(context.Context) (data.Frames, error)) (data.Frames, error) {
	if c == nil {
		return compute(ctx)
	}
	if f, ok := c.lookup(key); ok {
		return f, nil
	}
	v, err, _ := c.group.Do(key, func() (any, error) {
		if f, ok := c.lookup(key); ok {
			return f, nil
		}
		f, err := compute(ctx)
		if err == nil && c.ttl > 0 {
			c.store(key, f)
		}
		return f, err
	})
	// The shared computation ran on the first caller's context; if that caller went away, a
	// caller still waiting computes for itself instead of failing with someone else's cancel.
	if err != nil && ctx.Err() == nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return compute(ctx)
	}
	if err != nil {
		return nil, err
	}
	return v.(data.Frames), nil
}

func (c *Cache) lookup(key string) (data.Frames, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !c.now().Before(e.expires) {
		return nil, false
	}
	return e.frames, true
}

func (c *Cache) store(key string, f data.Frames) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.entries) >= c.max {
		// Drop what has expired, then, if still full, the entry closest to expiry.
		var oldest string
		var oldestAt time.Time
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
				continue
			}
			if oldest == "" || e.expires.Before(oldestAt) {
				oldest, oldestAt = k, e.expires
			}
		}
		if len(c.entries) >= c.max && oldest != "" {
			delete(c.entries, oldest)
		}
	}
	c.entries[key] = entry{frames: f, expires: now.Add(c.ttl)}
}

// Len is the number of entries held (fresh or not yet evicted).
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
