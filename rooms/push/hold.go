package push

import (
	"context"
	"time"
)

// hold keeps j until j.due (the morning, or its next retry).
func (n *Notifier) hold(j *job) {
	n.mu.Lock()
	n.held = append(n.held, j)
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default: // a wake-up is pending already
	}
}

// releaseLoop puts held jobs back in the queue when they are due. It
// sleeps until the earliest is due, a new one is held, or Recheck passes.
func (n *Notifier) releaseLoop(ctx context.Context) {
	t := time.NewTimer(n.cfg.Recheck)
	defer t.Stop()
	for {
		next := n.releaseDue()
		t.Reset(min(n.cfg.Recheck, max(next, time.Millisecond)))
		select {
		case <-ctx.Done():
			return
		case <-n.wake:
		case <-t.C:
		}
	}
}

// releaseDue queues the jobs due by now and returns the wait until the
// next one. A job that does not fit in the queue stays held for the next
// round; the queue drains in milliseconds.
func (n *Notifier) releaseDue() time.Duration {
	now := n.now()
	next := n.cfg.Recheck
	n.mu.Lock()
	keep := n.held[:0]
	var due []*job
	for _, j := range n.held {
		if j.due.After(now) {
			next = min(next, j.due.Sub(now))
			keep = append(keep, j)
		} else {
			due = append(due, j)
		}
	}
	n.held = keep
	n.mu.Unlock()
	for i, j := range due {
		select {
		case n.queue <- j:
		default:
			n.mu.Lock()
			n.held = append(n.held, due[i:]...)
			n.mu.Unlock()
			return time.Second
		}
	}
	return next
}
