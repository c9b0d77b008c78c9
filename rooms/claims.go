package rooms

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Claim is a key taken once (Store.ClaimOnce, or a consultation's booked
// time). Time claims also name their owner and the attempt that took
// them, so a claim left behind by a crash can be told from a live one.
type Claim struct {
	Key string
	At  time.Time
	// Owner is the consultation whose booking took the key; empty for
	// ClaimOnce keys and for time claimed before owners were recorded.
	Owner ConsultationID
	// Token identifies the attempt that took the key (random, one per
	// Store.UpdateConsultationTime call); empty when Owner is.
	Token string
}

// TimeClaimPrefix starts every key of BusyKeys.
const TimeClaimPrefix = "busy:"

// TimeKeys are the BusyKeys of both people for c's booked slot; none when
// nothing is booked.
func (c *Consultation) TimeKeys() []string {
	if c.Booked == nil {
		return nil
	}
	return append(BusyKeys(c.RequesterID, *c.Booked), BusyKeys(c.RecipientID, *c.Booked)...)
}

// Holds reports whether c's booking holds time key k.
func (c *Consultation) Holds(k string) bool {
	return c.Status == StatusBooked && slices.Contains(c.TimeKeys(), k)
}

// RepairTimeClaims frees time claimed before now-grace, and not yet past,
// that no booking holds: what a crash between a booking's writes can
// leave on a store without transactions (and what older versions left on
// any store). It runs at start-up (grace 0) and periodically. Before
// freeing a claim it bumps its owner's version, so an attempt of that
// owner still under way (on another server) fails its final
// compare-and-set instead of booking time it no longer holds. It returns
// how many claims it freed.
func RepairTimeClaims(ctx context.Context, s Store, now time.Time, grace time.Duration) (int, error) {
	claims, err := s.ListClaims(ctx, TimeClaimPrefix, now.Add(-grace))
	if err != nil {
		return 0, err
	}
	r := &timeRepair{s: s, owners: map[ConsultationID]*Consultation{}, fenced: map[ConsultationID]bool{}}
	freed := 0
	for _, cl := range claims {
		if quarterPast(cl.Key, now) {
			continue // nobody books past time: leave it be
		}
		held, err := r.held(ctx, cl)
		if err != nil {
			return freed, err
		}
		if held {
			continue
		}
		if err := s.ReleaseClaimIf(ctx, cl); err != nil {
			return freed, err
		}
		freed++
	}
	return freed, nil
}

// timeRepair is one run of RepairTimeClaims: each owner is read once
// and fenced at most once.
type timeRepair struct {
	s      Store
	owners map[ConsultationID]*Consultation // nil: the owner is gone
	fenced map[ConsultationID]bool
}

// held reports whether a booking holds cl. An owner that does not is
// fenced first (and one that changed meanwhile counts as holding: the
// next run looks again).
func (r *timeRepair) held(ctx context.Context, cl *Claim) (bool, error) {
	if cl.Owner == "" {
		return untaggedHeld(ctx, r.s, cl.Key)
	}
	c, read := r.owners[cl.Owner]
	if !read {
		var err error
		c, err = r.s.GetConsultation(ctx, cl.Owner)
		if errors.Is(err, ErrNotFound) {
			c = nil
		} else if err != nil {
			return false, err
		}
		r.owners[cl.Owner] = c
	}
	switch {
	case c == nil:
		return false, nil
	case c.Holds(cl.Key):
		return true, nil
	case r.fenced[c.ID]:
		return false, nil
	}
	err := r.s.UpdateConsultation(ctx, c) // the fence: same content, next version
	if errors.Is(err, ErrConflict) {
		delete(r.owners, c.ID)
		return true, nil
	}
	r.fenced[c.ID] = err == nil
	return false, err
}

// quarterPast reports whether the quarter hour of a BusyKeys key is over.
func quarterPast(key string, now time.Time) bool {
	i := strings.LastIndexByte(key, ':')
	q, err := strconv.ParseInt(key[i+1:], 10, 64)
	return i >= 0 && err == nil && (q+1)*900 <= now.Unix()
}

// untaggedHeld looks for a booking of the key's member that covers it
// (claims of versions that did not record owners).
func untaggedHeld(ctx context.Context, s Store, key string) (bool, error) {
	rest, _ := strings.CutPrefix(key, TimeClaimPrefix)
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return true, nil // not a key of BusyKeys: not ours to judge
	}
	list, err := s.ListMemberConsultations(ctx, MemberID(rest[:i]))
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(list, func(c *Consultation) bool { return c.Holds(key) }), nil
}
