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
	return m.seatNext()
}

// seatNext gives a seat to the one who queued first, if anyone waits.
func (m *seatModel) seatNext() (promoted rooms.MemberID) {
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

// setCapacity applies a change the rules allow, seating those waiting in
// the seats added, and reports whether the rules allow it and whom it
// seated, in queue order.
func (m *seatModel) setCapacity(n int) (allowed bool, seated []rooms.MemberID) {
	taken, _ := m.counts()
	if n < taken {
		return false, nil
	}
	m.capacity = n
	for ; taken < n; taken++ {
		p := m.seatNext()
		if p == "" {
			break
		}
		seated = append(seated, p)
	}
	return true, seated
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
			allowed, seated := model.setCapacity(n)
			checkSetCapacity(t, s, r.ID, n, allowed, seated, fmt.Sprintf("seed %d step %d", seed, step))
		}
		if diff := seatDiff(t, s, r.ID, model); diff != "" {
			t.Fatalf("seed %d step %d (%s): %s", seed, step, what, diff)
		}
		if step%10 == 9 {
			checkSeats(t, s, []rooms.RoundtableID{r.ID}, people, fmt.Sprintf("seed %d step %d", seed, step))
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

func checkSetCapacity(t *testing.T, s rooms.Store, id rooms.RoundtableID, n int, allowed bool, seated []rooms.MemberID, at string) {
	t.Helper()
	cur, err := s.GetRoundtable(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	old := cur.Capacity
	cur.Capacity = n
	promoted, err := s.UpdateRoundtable(ctx(t), cur)
	if allowed && err != nil || !allowed && !rooms.IsCapacityLocked(err) {
		t.Fatalf("%s: capacity %d → %d: %v; allowed by the rules: %v", at, old, n, err, allowed)
	}
	got := make([]rooms.MemberID, len(promoted))
	for i, p := range promoted {
		if p.Status != rooms.Registered {
			t.Fatalf("%s: promoted %s is %q", at, p.MemberID, p.Status)
		}
		got[i] = p.MemberID
	}
	if !slices.Equal(got, seated) {
		t.Fatalf("%s: capacity %d → %d seated %v, want %v in queue order", at, old, n, got, seated)
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
// nobody sits beyond the capacity and nobody waits beside a free seat
// (a raised capacity seats those waiting in the same step).
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
				_, err = s.UpdateRoundtable(c, cur)
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

// testCapacityGrowthPromotes raises the capacity while people wait: the
// first in the queue get the new seats, in order, in the same step that
// writes the capacity and the organisers' other changes; lowering it
// below the seats taken changes nothing.
func testCapacityGrowthPromotes(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	r := newRoundtable(2)
	mustDo(t, s.CreateRoundtable(c, r))
	people := make([]rooms.MemberID, 5)
	base := time.Now()
	for i := range people {
		m := &rooms.Member{ID: rooms.NewMemberID(), CompanyID: rooms.NewCompanyID()}
		people[i] = m.ID
		if _, err := rooms.Register(c, s, r, m, base.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	raise := func(n int, title string) ([]rooms.MemberID, error) {
		cur, err := s.GetRoundtable(c, r.ID)
		mustDo(t, err)
		cur.Capacity, cur.Title = n, title
		promoted, err := s.UpdateRoundtable(c, cur)
		var ids []rooms.MemberID
		for _, p := range promoted {
			ids = append(ids, p.MemberID)
		}
		return ids, err
	}
	if got, err := raise(4, "席を増やしました"); err != nil || !slices.Equal(got, people[2:4]) {
		t.Fatalf("capacity 2 → 4 seated %v (%v), want the next two in the queue %v", got, err, people[2:4])
	}
	if got, _ := s.GetRoundtable(c, r.ID); got.Capacity != 4 || got.Title != "席を増やしました" {
		t.Errorf("after raising: capacity %d, title %q", got.Capacity, got.Title)
	}
	model := &seatModel{capacity: 4, status: map[rooms.MemberID]rooms.RegistrationStatus{}, queued: map[rooms.MemberID]int{}}
	for i, p := range people {
		model.status[p], model.queued[p] = rooms.Registered, i
	}
	model.status[people[4]] = rooms.Waitlisted
	if diff := seatDiff(t, s, r.ID, model); diff != "" {
		t.Fatalf("after raising to 4: %s", diff)
	}
	if got, err := raise(3, "減らす"); !rooms.IsCapacityLocked(err) || got != nil {
		t.Fatalf("capacity 4 → 3 with 4 seated: %v, %v; want ErrCapacityLocked", got, err)
	}
	if diff := seatDiff(t, s, r.ID, model); diff != "" {
		t.Fatalf("a refused change moved seats: %s", diff)
	}
	if got, err := raise(10, "大きな部屋"); err != nil || !slices.Equal(got, people[4:]) {
		t.Fatalf("capacity 4 → 10 seated %v (%v), want the last one waiting", got, err)
	}
	late := &rooms.Member{ID: rooms.NewMemberID(), CompanyID: rooms.NewCompanyID()}
	if reg, err := rooms.Register(c, s, r, late, time.Now()); err != nil || reg.Status != rooms.Registered {
		t.Errorf("registering with free seats after the growth: %+v (%v)", reg, err)
	}
}
