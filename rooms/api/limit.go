package api

import (
	"sync"
	"time"
)

// limiter allows n events per window per key (fixed windows). It forgets
// keys whose window has passed, so memory stays bounded by recent keys.
type limiter struct {
	n      int
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket // guarded by mu
	swept   time.Time          // guarded by mu
}

type bucket struct {
	start time.Time
	count int
}

func newLimiter(n int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{n: n, window: window, now: now, buckets: map[string]*bucket{}}
}

// allow counts an event for every key and reports whether all of them are
// still within the limit.
func (l *limiter) allow(keys ...string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > l.window {
		for k, b := range l.buckets {
			if now.Sub(b.start) >= l.window {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	ok := true
	for _, k := range keys {
		b := l.buckets[k]
		if b == nil || now.Sub(b.start) >= l.window {
			b = &bucket{start: now}
			l.buckets[k] = b
		}
		b.count++
		if b.count > l.n {
			ok = false
		}
	}
	return ok
}
