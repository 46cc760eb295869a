// Package requestshare lets the queries of one request share a computation they all need: the
// first query to ask for it computes it, the others (running at the same time or later in the
// same request) take its result. The scope lives in the request's context, so nothing outlives
// the request: unlike the result cache, sharing here never serves a result to a later request,
// and it works with the result cache off.
package requestshare

import (
	"context"
	"fmt"
	"sync"
)

type ctxKey struct{}

type scope struct {
	mu        sync.Mutex
	calls     map[string]*call
	onCompute func(key string)
}

type call struct {
	done      chan struct{}
	val       any
	err       error
	cancelled bool // the computing query's context ended: err is not the computation's answer
}

// With returns ctx carrying a new, empty scope. onCompute, when not nil, is told each key that is
// computed (not the ones shared), so that callers can count computations.
func With(ctx context.Context, onCompute func(key string)) context.Context {
	return context.WithValue(ctx, ctxKey{}, &scope{calls: map[string]*call{}, onCompute: onCompute})
}

// Do returns compute's result for key, computed once in ctx's scope; without a scope, it simply
// computes. Errors are shared like results (the queries needing a failed computation fail with
// it), except a cancellation of the computing query's own context: a query still waiting then
// computes for itself. A caller whose context ends while it waits gets the context's error.
func Do[T any](ctx context.Context, key string, compute func(context.Context) (T, error)) (T, error) {
	s, _ := ctx.Value(ctxKey{}).(*scope)
	if s == nil {
		return compute(ctx)
	}
	s.mu.Lock()
	c, shared := s.calls[key]
	if !shared {
		c = &call{done: make(chan struct{})}
		s.calls[key] = c
	}
	s.mu.Unlock()

	if !shared {
		if s.onCompute != nil {
			s.onCompute(key)
		}
		func() {
			defer close(c.done)
			defer func() {
				// A panic reaches the computing query (the plugin recovers it per query); the
				// queries waiting get an error instead of waiting for ever.
				if r := recover(); r != nil {
					c.err = fmt.Errorf("shared computation %s failed: %v", key, r)
					s.forget(key, c)
					panic(r)
				}
			}()
			c.val, c.err = compute(ctx)
			if c.err != nil && ctx.Err() != nil {
				c.cancelled = true
				s.forget(key, c) // the next query asking computes anew
			}
		}()
	} else {
		select {
		case <-c.done:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		if c.cancelled {
			return Do(ctx, key, compute)
		}
	}
	if c.err != nil {
		var zero T
		return zero, c.err
	}
	v, ok := c.val.(T)
	if !ok {
		var zero T
		return zero, fmt.Errorf("shared computation %s: result of type %T, want %T", key, c.val, zero)
	}
	return v, nil
}

// forget removes key's call if it is still c, so that a later Do computes it again.
func (s *scope) forget(key string, c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls[key] == c {
		delete(s.calls, key)
	}
}
