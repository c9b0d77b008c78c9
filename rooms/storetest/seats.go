package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// seatModel is the reference of who sits, waits or withdrew: a plain
// replay of the rules, against which a store's seats are compared.
type seatModel struct {
	capacity int
	status   map[rooms.MemberID]rooms.RegistrationStatus
	queued   map[rooms.MemberID]int // the step she (last) queued at
}

func (m *seatModel) counts() (seated, waiting int) {
	for _, s := range m.status {
		switch s {
		case rooms.Registered:
			seated++
		case rooms.Waitlisted:
			waiting++
		}
	}
	return seated, waiting
}

func (m *seatModel) register(id rooms.MemberID, step int) {
	if s := m.status[id]; s == rooms.Registered || s == rooms.Waitlisted {
		return
	}
	m.queued[id] = step
	m.status[id] = rooms.Waitlisted
	if seated, _ := m.counts(); seated < m.capacity {
		m.status[id] = rooms.Registered
	}
}

func (m *seatModel) withdraw(id rooms.MemberID) (promoted rooms.MemberID) {
	was := m.status[id]
	if was == "" || was == rooms.Withdrawn {
		return ""
	}
	m.status[id] = rooms.Withdrawn
	if was != rooms.Registered {
		return ""
	}
	for w, s := range m.status {
		if s == rooms.Waitlisted && (promoted == "" || m.queued[w] < m.queued[promoted]) {
			promoted = w
		}
	}
	if promoted != "" {
		m.status[promoted] = rooms.Registered
	}
	return promoted
}

// setCapacity applies a change the rules allow and reports whether they do.
func (m *seatModel) setCapacity(n int) bool {
	seated, waiting := m.counts()
	if n < seated || n > m.capacity && waiting > 0 {
		return false
	}
	m.capacity = n
	return true
}

// testSeatSequences runs random sequences of registrations, withdrawals
// and capacity changes and compares the store with the model after every
// step: capacity is exact whatever the order (a lowered capacity once let
// a later registrant take a freed low seat: three people in two seats).
func testSeatSequences(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, seed>>1))
	r := newRoundtable(3)
	if err := s.CreateRoundtable(c, r); err != nil {
		t.Fatal(err)
	}
	people := make([]*rooms.Member, 7)
	for i := range people {
		people[i] = &rooms.Member{ID: rooms.NewMemberID(), CompanyID: rooms.NewCompanyID()}
	}
	model := &seatModel{capacity: 3, status: map[rooms.MemberID]rooms.RegistrationStatus{}, queued: map[rooms.MemberID]int{}}
	base := time.Now()
	for step := range 120 {
		m := people[rng.IntN(len(people))]
		var what string
		switch k := rng.IntN(10); {
		case k < 4:
			what = "register " + string(m.ID)
			model.register(m.ID, step)
			if _, err := rooms.Register(c, s, r, m, base.Add(time.Duration(step)*time.Second)); err != nil {
				t.Fatalf("seed %d step %d: %s: %v", seed, step, what, err)
			}
		case k < 8:
			what = "withdraw " + string(m.ID)
			checkWithdraw(t, s, r, m.ID, model, fmt.Sprintf("seed %d step %d", seed, step))
		default:
			n := 1 + rng.IntN(5)
			what = fmt.Sprintf("capacity %d", n)
			checkSetCapacity(t, s, r.ID, n, model.setCapacity(n), fmt.Sprintf("seed %d step %d", seed, step))
		}
		if diff := seatDiff(t, s, r.ID, model); diff != "" {
			t.Fatalf("seed %d step %d (%s): %s", seed, step, what, diff)
		}
	}
}

func checkWithdraw(t *testing.T, s rooms.Store, r *rooms.Roundtable, m rooms.MemberID, model *seatModel, at string) {
	t.Helper()
	never := model.status[m] == ""
	want := model.withdraw(m)
	_, promoted, err := rooms.Withdraw(ctx(t), s, r, m)
	switch {
	case never && !errors.Is(err, rooms.ErrNotFound):
		t.Fatalf("%s: withdrawing someone never registered: %v, want ErrNotFound", at, err)
	case never:
	case err != nil:
		t.Fatalf("%s: withdraw: %v", at, err)
	case want == "" && promoted != nil, want != "" && (promoted == nil || promoted.MemberID != want):
		t.Fatalf("%s: withdraw promoted %+v, want %q", at, promoted, want)
	}
}

func checkSetCapacity(t *testing.T, s rooms.Store, id rooms.RoundtableID, n int, allowed bool, at string) {
	t.Helper()
	cur, err := s.GetRoundtable(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	old := cur.Capacity
	cur.Capacity = n
	err = s.UpdateRoundtable(ctx(t), cur)
	if allowed && err != nil || !allowed && !rooms.IsCapacityLocked(err) {
		t.Fatalf("%s: capacity %d → %d: %v; allowed by the rules: %v", at, old, n, err, allowed)
	}
}

// seatDiff compares the stored seats with the model; "" when equal.
func seatDiff(t *testing.T, s rooms.Store, id rooms.RoundtableID, model *seatModel) string {
	t.Helper()
	r, err := s.GetRoundtable(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	regs, err := s.ListRegistrations(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[rooms.MemberID]rooms.RegistrationStatus{}
	for _, reg := range regs {
		got[reg.MemberID] = reg.Status
	}
	st := rooms.Seating{Capacity: r.Capacity, Regs: regs}
	seated, waiting := st.Counts()
	switch {
	case seated > r.Capacity:
		return fmt.Sprintf("%d people in %d seats", seated, r.Capacity)
	case waiting > 0 && seated < r.Capacity:
		return fmt.Sprintf("%d waiting beside %d free seats", waiting, r.Capacity-seated)
	case r.Capacity != model.capacity:
		return fmt.Sprintf("capacity %d, want %d", r.Capacity, model.capacity)
	}
	for m, want := range model.status {
		if got[m] != want {
			return fmt.Sprintf("%s is %q, want %q (all: %v)", m, got[m], want, got)
		}
	}
	if len(got) != len(model.status) {
		return fmt.Sprintf("%d registrations, want %d", len(got), len(model.status))
	}
	return ""
}

// testSeatsUnderConcurrency has people register and withdraw at once
// while an organiser changes the capacity: whatever interleaving wins,
// nobody sits beyond the capacity and nobody waits beside a free seat.
func testSeatsUnderConcurrency(t *testing.T, open Opener, opt Options) {
	if opt.LosesConcurrentUpdates != "" {
		t.Skip(opt.LosesConcurrentUpdates)
	}
	s, c := mustOpen(t, open), ctx(t)
	r := newRoundtable(3)
	if err := s.CreateRoundtable(c, r); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 4 {
		wg.Go(func() {
			m := &rooms.Member{ID: rooms.NewMemberID(), CompanyID: rooms.NewCompanyID()}
			for i := range 30 {
				var err error
				if i%2 == 0 {
					_, err = rooms.Register(c, s, r, m, time.Now())
				} else {
					_, _, err = rooms.Withdraw(c, s, r, m.ID)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 30 {
			cur, err := s.GetRoundtable(c, r.ID)
			if err == nil {
				cur.Capacity = 1 + i%4
				err = s.UpdateRoundtable(c, cur)
			}
			if err != nil && !errors.Is(err, rooms.ErrConflict) {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent seat change: %v", err)
	}
	got, _ := s.GetRoundtable(c, r.ID)
	regs, err := s.ListRegistrations(c, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	st := rooms.Seating{Capacity: got.Capacity, Regs: regs}
	if seated, waiting := st.Counts(); seated > got.Capacity || waiting > 0 && seated < got.Capacity {
		t.Errorf("after the race: %d seated, %d waiting, capacity %d", seated, waiting, got.Capacity)
	}
	if ids := memberIDs(regs); len(slices.Compact(ids)) != len(regs) {
		t.Errorf("a member has two registrations: %v", ids)
	}
}

func memberIDs(regs []*rooms.Registration) []rooms.MemberID {
	out := make([]rooms.MemberID, len(regs))
	for i, r := range regs {
		out[i] = r.MemberID
	}
	slices.Sort(out)
	return out
}
