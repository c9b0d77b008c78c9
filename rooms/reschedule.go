package rooms

import (
	"slices"
	"strings"
	"time"
)

// Reschedule is new times one party proposed for a booked consultation.
// The booking stands meanwhile: it moves only when the other party picks
// one of the new times (Consultation.MoveTo), and stays where it is when
// she keeps the current time, the proposer takes the proposal back, or
// it lapses at ExpiresAt.
type Reschedule struct {
	By        MemberID  `json:"by" bson:"by"`
	Slots     []Slot    `json:"slots" bson:"slots"`
	Note      string    `json:"note" bson:"note"`
	ExpiresAt time.Time `json:"expires_at" bson:"expires_at"`
}

// PendingReschedule returns the new times still waiting for an answer at
// now, or nil: none were proposed, they lapsed, or c is no longer booked.
func (c *Consultation) PendingReschedule(now time.Time) *Reschedule {
	if c.Reschedule == nil || c.StatusAt(now) != StatusBooked || !now.Before(c.Reschedule.ExpiresAt) {
		return nil
	}
	return c.Reschedule
}

// ProposeReschedule records new times from by, replacing any earlier
// proposal. They wait for an answer for ttl, and never past the start of
// the booked time: once the meeting begins, moving it is moot.
func (c *Consultation) ProposeReschedule(by MemberID, slots []Slot, note string, now time.Time, ttl time.Duration) {
	exp := now.Add(ttl)
	if c.Booked != nil && c.Booked.Start.Before(exp) {
		exp = c.Booked.Start
	}
	c.Reschedule = &Reschedule{By: by, Slots: slices.Clone(slots), Note: strings.TrimSpace(note), ExpiresAt: exp}
}

// MoveTo books c at s instead of its current slot: a new calendar
// sequence, the proposal answered, and nobody counted as having joined
// (that was for the old time). It returns the time keys to claim and to
// free, which leave out the quarter hours both times share: c holds those
// already and keeps them.
func (c *Consultation) MoveTo(s Slot) (take, free []string) {
	before := c.TimeKeys()
	c.Booked, c.Reschedule, c.Joined, c.Sequence = &s, nil, nil, c.Sequence+1
	after := c.TimeKeys()
	for _, k := range after {
		if !slices.Contains(before, k) {
			take = append(take, k)
		}
	}
	for _, k := range before {
		if !slices.Contains(after, k) {
			free = append(free, k)
		}
	}
	return take, free
}

// Overlaps reports whether s and o share any time.
func (s Slot) Overlaps(o Slot) bool { return s.Start.Before(o.End()) && o.Start.Before(s.End()) }

// Awaits reports whether c is waiting for an answer from m at now: a
// request for her to pick a time, or new times the other one proposed.
func (c *Consultation) Awaits(m MemberID, now time.Time) bool {
	if c.StatusAt(now) == StatusRequested {
		return c.AwaitingID == m
	}
	p := c.PendingReschedule(now)
	return p != nil && p.By != m
}
