package rooms

import (
	"context"
	"errors"
	"slices"
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

// RepairTimeClaims frees time claimed before now-grace that no booking
// holds: what a crash between a booking's writes can leave on a store
// without transactions (and what older versions left on any store). It
// runs at start-up (grace 0) and periodically. Before freeing a claim it
// bumps its owner's version, so an attempt of that owner still under way
// (on another server) fails its final compare-and-set instead of booking
// time it no longer holds. It returns how many claims it freed.
func RepairTimeClaims(ctx context.Context, s Store, now time.Time, grace time.Duration) (int, error) {
	claims, err := s.ListClaims(ctx, TimeClaimPrefix, now.Add(-grace))
	if err != nil {
		return 0, err
	}
	freed := 0
	fenced := map[ConsultationID]*Consultation{} // owners fenced in this run
	for _, cl := range claims {
		held, err := claimHeld(ctx, s, cl, fenced)
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

// claimHeld reports whether a booking holds cl. An owner that does not
// is fenced first, once per run (and one changed meanwhile counts as
// holding: the next run looks again).
func claimHeld(ctx context.Context, s Store, cl *Claim, fenced map[ConsultationID]*Consultation) (bool, error) {
	if cl.Owner == "" {
		return untaggedHeld(ctx, s, cl.Key)
	}
	if c, ok := fenced[cl.Owner]; ok {
		return c.Holds(cl.Key), nil
	}
	c, err := s.GetConsultation(ctx, cl.Owner)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if c.Holds(cl.Key) {
		return true, nil
	}
	err = s.UpdateConsultation(ctx, c) // the fence: same content, next version
	if errors.Is(err, ErrConflict) {
		return true, nil
	}
	fenced[c.ID] = c
	return false, err
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
