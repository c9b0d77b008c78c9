package rooms

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"
)

// Registration errors shown to members.
var (
	ErrRegistrationClosed = Invalid("roundtable", "registration_closed", "registration for this roundtable has closed")
	ErrCompanyExcluded    = &ValidationError{Field: "roundtable", Code: "company_excluded", Message: "this roundtable is not open to your company"}
	// ErrCapacityLocked is the ConflictError of a capacity change that the
	// seats forbid: below the seats already taken.
	ErrCapacityLocked = &ConflictError{Field: "capacity"}
)

// Register gives m a seat at r if one is free, else a place on the
// waitlist. The store decides and records it in one atomic step
// (Store.RegisterSeat), so however many people register at once, and
// whatever happens to the capacity meanwhile, no more than the capacity
// hold a seat.
func Register(ctx context.Context, s Store, r *Roundtable, m *Member, now time.Time) (*Registration, error) {
	switch {
	case r.Cancelled || !now.Before(r.Start.Add(-r.CloseBefore)):
		return nil, ErrRegistrationClosed
	case slices.Contains(r.ExcludedCompanies, m.CompanyID):
		return nil, ErrCompanyExcluded
	}
	reg := &Registration{RoundtableID: r.ID, MemberID: m.ID, CompanyID: m.CompanyID, QueuedAt: now}
	if err := s.RegisterSeat(ctx, reg); err != nil {
		return nil, err
	}
	return reg, nil
}

// Withdraw cancels m's registration. A freed seat passes straight to the
// first person on the waitlist in the same atomic step (Store.WithdrawSeat),
// so a crash can never leave a seat held by nobody; promoted is that
// person, or nil, and was is where m stood before.
func Withdraw(ctx context.Context, s Store, r *Roundtable, m MemberID) (was RegistrationStatus, promoted *Registration, err error) {
	return s.WithdrawSeat(ctx, r.ID, m)
}

// Seating is one roundtable's registrations with the rules of who sits.
// Both stores load it, apply one change and write what changed in one
// atomic step (a transaction, or one document), so the rules live here
// once.
type Seating struct {
	Capacity int
	// Regs are all registrations of the roundtable, withdrawn ones too.
	Regs []*Registration
}

// Counts returns how many hold a seat and how many wait.
func (st *Seating) Counts() (seated, waiting int) {
	for _, r := range st.Regs {
		switch r.Status {
		case Registered:
			seated++
		case Waitlisted:
			waiting++
		}
	}
	return seated, waiting
}

// SeatCount is how many hold a seat at a roundtable and how many wait.
type SeatCount struct{ Seated, Waiting int }

// Count returns the seat count.
func (st *Seating) Count() SeatCount {
	seated, waiting := st.Counts()
	return SeatCount{Seated: seated, Waiting: waiting}
}

// Standing is where one member stands at a roundtable.
type Standing struct {
	Status RegistrationStatus
	// Place is her place on the waitlist (1 = next), 0 unless she waits.
	Place int
}

// StandingOf returns where m stands; false if she never registered.
func (st *Seating) StandingOf(m MemberID) (Standing, bool) {
	cur := st.find(m)
	if cur == nil {
		return Standing{}, false
	}
	v := Standing{Status: cur.Status}
	if cur.Status == Waitlisted {
		for _, r := range st.Regs {
			if r.Status == Waitlisted && queueOrder(r, cur) <= 0 {
				v.Place++
			}
		}
	}
	return v, true
}

func (st *Seating) find(m MemberID) *Registration {
	for _, r := range st.Regs {
		if r.MemberID == m {
			return r
		}
	}
	return nil
}

// Register places reg (RoundtableID, MemberID, CompanyID and QueuedAt
// set): a seat if one is free, else the waitlist. Someone registered or
// waiting keeps her place and reg is filled with it. It returns the
// registrations to write (none, or reg's).
func (st *Seating) Register(reg *Registration) []*Registration {
	cur := st.find(reg.MemberID)
	if cur != nil && cur.Status != Withdrawn {
		*reg = *cur
		return nil // registering twice is harmless
	}
	if cur == nil {
		cur = &Registration{RoundtableID: reg.RoundtableID, MemberID: reg.MemberID}
		st.Regs = append(st.Regs, cur)
	}
	cur.CompanyID, cur.QueuedAt, cur.Status = reg.CompanyID, reg.QueuedAt, Waitlisted
	if seated, _ := st.Counts(); seated < st.Capacity {
		cur.Status = Registered
	}
	*reg = *cur
	return []*Registration{cur}
}

// Withdraw cancels m's registration and gives a seat she held to the
// first in the queue (earliest QueuedAt, then member id). It returns where
// she stood, the registrations to write and the promoted one (or nil);
// ErrNotFound if she never registered.
func (st *Seating) Withdraw(m MemberID) (was RegistrationStatus, changed []*Registration, promoted *Registration, err error) {
	cur := st.find(m)
	if cur == nil {
		return "", nil, nil, ErrNotFound
	}
	was = cur.Status
	if was == Withdrawn {
		return was, nil, nil, nil
	}
	cur.Status = Withdrawn
	changed = append(changed, cur)
	if was == Registered {
		if next := st.nextInQueue(); next != nil {
			next.Status = Registered
			changed, promoted = append(changed, next), next
		}
	}
	return was, changed, promoted, nil
}

func (st *Seating) nextInQueue() *Registration {
	var next *Registration
	for _, r := range st.Regs {
		if r.Status == Waitlisted && (next == nil || queueOrder(r, next) < 0) {
			next = r
		}
	}
	return next
}

// queueOrder orders registrations by when they queued, then by member.
func queueOrder(a, b *Registration) int {
	if c := a.QueuedAt.Compare(b.QueuedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.MemberID, b.MemberID)
}

// SortQueue puts regs in queue order, as the stores list them.
func SortQueue(regs []*Registration) { slices.SortFunc(regs, queueOrder) }

// SetCapacity changes the capacity to n and seats the first in the queue,
// in order, in the seats a bigger room adds, so nobody waits beside a free
// seat. It returns the registrations to write (those promoted, in queue
// order); a capacity below the seats taken is ErrCapacityLocked and
// changes nothing.
func (st *Seating) SetCapacity(n int) (promoted []*Registration, err error) {
	seated, _ := st.Counts()
	if n < seated {
		return nil, ErrCapacityLocked
	}
	st.Capacity = n
	for ; seated < n; seated++ {
		next := st.nextInQueue()
		if next == nil {
			break
		}
		next.Status = Registered
		promoted = append(promoted, next)
	}
	return promoted, nil
}

// IsCapacityLocked reports whether err refused a capacity change.
func IsCapacityLocked(err error) bool {
	var ce *ConflictError
	return errors.As(err, &ce) && ce.Field == "capacity"
}
