package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// testBatchReads checks the reads the roundtable list makes for many
// records at once against the one-record reads they replace: the same
// members, profiles and photos, missing ids left out, no ids no rows.
func testBatchReads(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	co := NewCompany("Batch KK")
	if err := s.CreateCompany(c, co); err != nil {
		t.Fatal(err)
	}
	var ids []rooms.MemberID
	for i := range 4 {
		m := NewMember(co.ID, fmt.Sprintf("batch%d@example.com", i))
		if err := s.CreateMember(c, m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
		if i < 3 {
			p := rooms.NewProfile(m.ID)
			p.Intro, p.Themes, p.HasPhoto = fmt.Sprintf("intro %d", i), []string{"promotion"}, i == 0
			if err := s.PutProfile(c, p); err != nil {
				t.Fatal(err)
			}
		}
		if i%2 == 1 {
			if err := s.PutPhoto(c, m.ID, []byte{0xff, 0xd8, byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	ask := append([]rooms.MemberID{rooms.NewMemberID()}, ids...) // one that does not exist
	members, err1 := s.GetMembers(c, ask)
	profiles, err2 := s.GetProfiles(c, ask)
	photos, err3 := s.PhotoOwners(c, ask)
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatalf("batch reads: %v, %v, %v", err1, err2, err3)
	}
	if len(members) != 4 || len(profiles) != 3 || len(photos) != 2 {
		t.Errorf("got %d members, %d profiles, %d photo owners; want 4, 3, 2", len(members), len(profiles), len(photos))
	}
	for _, id := range ids {
		m, _ := s.GetMember(c, id)
		p, perr := s.GetProfile(c, id)
		_, pherr := s.GetPhoto(c, id)
		switch {
		case !reflect.DeepEqual(members[id], m):
			t.Errorf("GetMembers[%s] = %+v, GetMember = %+v", id, members[id], m)
		case perr == nil && !reflect.DeepEqual(profiles[id], p), perr != nil && profiles[id] != nil:
			t.Errorf("GetProfiles[%s] = %+v, GetProfile = %+v, %v", id, profiles[id], p, perr)
		case photos[id] != (pherr == nil):
			t.Errorf("PhotoOwners[%s] = %v, GetPhoto error %v", id, photos[id], pherr)
		}
	}
	m, err1 := s.GetMembers(c, nil)
	p, err2 := s.GetProfiles(c, nil)
	ph, err3 := s.PhotoOwners(c, nil)
	if len(m)+len(p)+len(ph) != 0 || err1 != nil || err2 != nil || err3 != nil {
		t.Errorf("no ids: %d, %d, %d rows (%v, %v, %v)", len(m), len(p), len(ph), err1, err2, err3)
	}
}

// testSeatCountsAndStandings gives one member every standing (a seat,
// two waitlist places, withdrawn, never registered) across roundtables
// and checks CountSeats and ListStandings against what ListRegistrations
// says, for her and for others, also after a withdrawal moves the queue.
func testSeatCountsAndStandings(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	people := make([]*rooms.Member, 6)
	for i := range people {
		people[i] = &rooms.Member{ID: rooms.NewMemberID(), CompanyID: rooms.NewCompanyID()}
	}
	var ids []rooms.RoundtableID
	base := time.Now()
	for i, plan := range [][]int{{0, 1, 2}, {1, 2, 0, 3, 4}, {2, 0}, {1, 2, 3}, {}} {
		r := newRoundtable(2)
		if err := s.CreateRoundtable(c, r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
		for k, p := range plan {
			if _, err := rooms.Register(c, s, r, people[p], base.Add(time.Duration(10*i+k)*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, _, err := s.WithdrawSeat(c, ids[2], people[0].ID); err != nil {
		t.Fatal(err)
	}
	checkSeats(t, s, ids, people, "after registering")
	if _, _, err := s.WithdrawSeat(c, ids[1], people[1].ID); err != nil { // people[0] takes the seat
		t.Fatal(err)
	}
	checkSeats(t, s, ids, people, "after a withdrawal")
	if got, err := s.CountSeats(c, nil); err != nil || len(got) != 0 {
		t.Errorf("CountSeats(no ids) = %v, %v", got, err)
	}
}

// checkSeats compares CountSeats and each person's ListStandings with
// what ListRegistrations says; an unknown roundtable is left out.
func checkSeats(t *testing.T, s rooms.Store, ids []rooms.RoundtableID, people []*rooms.Member, when string) {
	t.Helper()
	counts, err := s.CountSeats(ctx(t), append([]rooms.RoundtableID{rooms.NewRoundtableID()}, ids...))
	if err != nil || len(counts) != len(ids) {
		t.Fatalf("%s: CountSeats = %d entries, %v; want %d", when, len(counts), err, len(ids))
	}
	seating := make([]*rooms.Seating, len(ids))
	for k, id := range ids {
		regs, err := s.ListRegistrations(ctx(t), id)
		if err != nil {
			t.Fatal(err)
		}
		seating[k] = &rooms.Seating{Regs: regs}
		if counts[id] != seating[k].Count() {
			t.Errorf("%s: roundtable %d: CountSeats %+v, registrations say %+v", when, k, counts[id], seating[k].Count())
		}
	}
	for i, m := range people {
		got, err := s.ListStandings(ctx(t), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for k, id := range ids {
			want, ok := seating[k].StandingOf(m.ID)
			if ok {
				n++
			}
			if got[id] != want {
				t.Errorf("%s: roundtable %d, person %d: ListStandings %+v, registrations say %+v", when, k, i, got[id], want)
			}
		}
		if len(got) != n {
			t.Errorf("%s: person %d stands at %d roundtables, ListStandings names %d", when, i, n, len(got))
		}
	}
}
