package push

import (
	"context"
	"errors"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// holdQuiet keeps j in the store until her quiet hours end, so a restart
// loses nothing; if the store fails, in memory.
func (n *Notifier) holdQuiet(ctx context.Context, j *job, until time.Time) {
	h := &rooms.HeldNotice{ID: rooms.NewHeldNoticeID(), MemberID: j.member.ID, Notice: j.notice, Mail: j.fallback, Due: until}
	if err := n.store.HoldNotice(ctx, h); err != nil {
		n.log.WarnContext(ctx, "push: holding a notice in the store", "member_id", j.member.ID, "err", err)
		j.due, j.quietOK = until, true
		n.hold(j)
	}
}

// releaseStored queues the stored notices that are due. Taking one from
// the store is the claim: with several replicas, one sends it.
func (n *Notifier) releaseStored(ctx context.Context) {
	due, err := n.store.ListDueNotices(ctx, n.now(), cap(n.queue))
	if err != nil {
		n.log.WarnContext(ctx, "push: listing held notices", "err", err)
		return
	}
	for _, h := range due {
		if len(n.queue) == cap(n.queue) {
			return // the rest next round
		}
		if err := n.store.TakeHeldNotice(ctx, h.ID); err != nil {
			continue // another replica has it
		}
		m, err := n.store.GetMember(ctx, h.MemberID)
		if err != nil {
			if !errors.Is(err, rooms.ErrNotFound) {
				n.log.WarnContext(ctx, "push: loading a held notice's member", "member_id", h.MemberID, "err", err)
			}
			continue
		}
		j := &job{member: m, notice: h.Notice, prefs: n.prefsOf(ctx, m.ID), fallback: h.Mail, quietOK: true}
		select {
		case n.queue <- j:
		default:
			n.sendMail(ctx, m, h.Mail)
		}
	}
}

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

// releaseLoop puts held jobs back in the queue when they are due, those
// in the store included. It sleeps until the earliest in memory is due, a
// new one is held, or Recheck passes.
func (n *Notifier) releaseLoop(ctx context.Context) {
	t := time.NewTimer(n.cfg.Recheck)
	defer t.Stop()
	for {
		n.releaseStored(ctx)
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
