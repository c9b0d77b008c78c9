package rooms

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Registration errors shown to members.
var (
	ErrRegistrationClosed = Invalid("roundtable", "registration_closed", "registration for this roundtable has closed")
	ErrCompanyExcluded    = &ValidationError{Field: "roundtable", Code: "company_excluded", Message: "this roundtable is not open to your company"}
)

// Register gives m a seat at r if one is free, else a place on the
// waitlist. Seats are claimed with ClaimOnce under SeatKey, so however
// many people register at once, no more than r.Capacity hold a seat.
func Register(ctx context.Context, s Store, r *Roundtable, m *Member, now time.Time) (*Registration, error) {
	switch {
	case r.Cancelled || !now.Before(r.Start.Add(-r.CloseBefore)):
		return nil, ErrRegistrationClosed
	case slices.Contains(r.ExcludedCompanies, m.CompanyID):
		return nil, ErrCompanyExcluded
	}
	reg, err := s.GetRegistration(ctx, r.ID, m.ID)
	if errors.Is(err, ErrNotFound) {
		reg = &Registration{RoundtableID: r.ID, MemberID: m.ID, CompanyID: m.CompanyID}
	} else if err != nil {
		return nil, err
	} else if reg.Status != Withdrawn {
		return reg, nil // registering twice is harmless
	}
	seat, err := claimSeat(ctx, s, r, now)
	if err != nil {
		return nil, err
	}
	reg.Status, reg.Seat, reg.QueuedAt = Waitlisted, 0, now
	if seat > 0 {
		reg.Status, reg.Seat = Registered, seat
	}
	if err := s.PutRegistration(ctx, reg); err != nil {
		if seat > 0 {
			_ = s.ReleaseClaim(ctx, SeatKey(r.ID, seat))
		}
		return nil, err
	}
	return reg, nil
}

// claimSeat takes the lowest free seat, or returns 0 when all are taken.
func claimSeat(ctx context.Context, s Store, r *Roundtable, now time.Time) (int, error) {
	for n := 1; n <= r.Capacity; n++ {
		err := s.ClaimOnce(ctx, SeatKey(r.ID, n), now)
		if err == nil {
			return n, nil
		}
		if !errors.Is(err, ErrConflict) {
			return 0, err
		}
	}
	return 0, nil
}

// Withdraw cancels m's registration. A freed seat passes straight to the
// first person on the waitlist (the seat claim is never released while
// someone waits, so a newcomer cannot jump the queue); promoted is that
// person, or nil.
func Withdraw(ctx context.Context, s Store, r *Roundtable, m MemberID, now time.Time) (promoted *Registration, err error) {
	reg, err := s.GetRegistration(ctx, r.ID, m)
	if err != nil {
		return nil, err
	}
	if reg.Status == Withdrawn {
		return nil, nil
	}
	seat := reg.Seat
	reg.Status, reg.Seat = Withdrawn, 0
	if err := s.PutRegistration(ctx, reg); err != nil {
		return nil, err
	}
	if seat == 0 {
		return nil, nil
	}
	return passSeat(ctx, s, r, seat, now)
}

// passSeat gives seat to the first waitlisted person, or frees it.
func passSeat(ctx context.Context, s Store, r *Roundtable, seat int, now time.Time) (*Registration, error) {
	queue, err := s.ListRegistrations(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	for _, w := range queue {
		if w.Status != Waitlisted {
			continue
		}
		w.Status, w.Seat = Registered, seat
		err := s.PutRegistration(ctx, w)
		if errors.Is(err, ErrConflict) {
			continue // someone else changed this entry first (withdrew, or was promoted)
		}
		if err != nil {
			return nil, err
		}
		return w, nil
	}
	return nil, s.ReleaseClaim(ctx, SeatKey(r.ID, seat))
}
