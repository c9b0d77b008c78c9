package pushtest

import (
	"sync"
	"testing"
	"time"
)

// Clock runs at real speed from a moment a test sets, so quiet hours do
// not depend on when the test runs while backoffs still elapse.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the clock's time; pass it as the notifier's Now.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.offset) }

// Set makes it t now.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.offset = time.Until(t); c.mu.Unlock() }

// WaitFor polls cond until it returns "" and fails the test with its last
// answer after d.
func WaitFor(t testing.TB, d time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		msg := cond()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, msg)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
