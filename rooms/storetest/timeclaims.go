package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// book sets cs booked at slot in memory.
func book(cs *rooms.Consultation, slot rooms.Slot) {
	cs.Status, cs.Booked, cs.Sequence = rooms.StatusBooked, &slot, cs.Sequence+1
}

func claimKeys(t *testing.T, s rooms.Store) []string {
	t.Helper()
	list, err := s.ListClaims(ctx(t), rooms.TimeClaimPrefix, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range list {
		out = append(out, c.Key)
	}
	slices.Sort(out)
	return out
}

func sorted(keys []string) []string {
	out := slices.Clone(keys)
	slices.Sort(out)
	return out
}

// testConsultationTime books, refuses an overlapping booking and frees
// time with UpdateConsultationTime: claims and the consultation change
// together or not at all.
func testConsultationTime(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	a, b, x := rooms.NewMemberID(), rooms.NewMemberID(), rooms.NewMemberID()
	base := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	one, two := newConsultation(a, b, base), newConsultation(x, a, base)
	for _, cs := range []*rooms.Consultation{one, two} {
		if err := s.CreateConsultation(c, cs); err != nil {
			t.Fatal(err)
		}
	}
	stale := *one
	book(one, rooms.Slot{Start: base, Minutes: 30})
	if err := s.UpdateConsultationTime(c, one, one.TimeKeys(), nil); err != nil || one.Version != 2 {
		t.Fatalf("booking: %v (version %d)", err, one.Version)
	}
	if got := claimKeys(t, s); !slices.Equal(got, sorted(one.TimeKeys())) {
		t.Fatalf("claims after booking = %v, want %v", got, sorted(one.TimeKeys()))
	}
	book(two, rooms.Slot{Start: base.Add(15 * time.Minute), Minutes: 30}) // overlaps for a
	var ce *rooms.ConflictError
	if err := s.UpdateConsultationTime(c, two, two.TimeKeys(), nil); !errors.As(err, &ce) || ce.Field != "slot" || two.Version != 1 {
		t.Fatalf("an overlapping booking: %v (version %d), want ConflictError{slot} and no write", err, two.Version)
	}
	if got, _ := s.GetConsultation(c, two.ID); got.Status != rooms.StatusRequested {
		t.Errorf("the refused booking was written: %s", got.Status)
	}
	book(&stale, rooms.Slot{Start: base.Add(2 * time.Hour), Minutes: 30})
	if err := s.UpdateConsultationTime(c, &stale, stale.TimeKeys(), nil); !errors.Is(err, rooms.ErrConflict) {
		t.Fatalf("a stale booking: %v, want ErrConflict", err)
	}
	if got := claimKeys(t, s); !slices.Equal(got, sorted(one.TimeKeys())) {
		t.Errorf("a refused booking left claims: %v", got)
	}
	held := one.TimeKeys()
	one.Status = rooms.StatusCancelled
	if err := s.UpdateConsultationTime(c, one, nil, held); err != nil {
		t.Fatal(err)
	}
	if got := claimKeys(t, s); len(got) != 0 {
		t.Errorf("claims after cancelling = %v, want none", got)
	}
	if err := s.UpdateConsultationTime(c, two, two.TimeKeys(), nil); err != nil {
		t.Errorf("booking the freed time: %v", err)
	}
	checkClaimTags(t, s, two)
}

// checkClaimTags checks ListClaims's fields and filters and that
// ReleaseClaimIf frees only the very claim it is given.
func checkClaimTags(t *testing.T, s rooms.Store, owner *rooms.Consultation) {
	t.Helper()
	c := ctx(t)
	if err := s.ClaimOnce(c, "invitation:iv_x", time.Now()); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListClaims(c, rooms.TimeClaimPrefix, time.Now().Add(time.Minute))
	if err != nil || len(list) != len(owner.TimeKeys()) {
		t.Fatalf("ListClaims = %d, %v; want the %d time claims only", len(list), err, len(owner.TimeKeys()))
	}
	for _, cl := range list {
		if cl.Owner != owner.ID || cl.Token == "" || cl.Token != list[0].Token || time.Since(cl.At) > time.Minute {
			t.Errorf("claim %+v: want owner %s and one token for the attempt", cl, owner.ID)
		}
	}
	if old, _ := s.ListClaims(c, rooms.TimeClaimPrefix, time.Now().Add(-time.Hour)); len(old) != 0 {
		t.Errorf("claims taken before an hour ago: %d, want none", len(old))
	}
	other := *list[0]
	other.Token = "someone-else"
	if err := s.ReleaseClaimIf(c, &other); err != nil || len(claimKeys(t, s)) != len(list) {
		t.Errorf("ReleaseClaimIf with another token freed the claim (%v)", err)
	}
	if err := s.ReleaseClaimIf(c, list[0]); err != nil || len(claimKeys(t, s)) != len(list)-1 {
		t.Errorf("ReleaseClaimIf with its token kept the claim (%v)", err)
	}
}

// testRepairTimeClaims builds what a crash between a booking's writes
// leaves (claims of a consultation that no longer holds them, untagged
// claims of older versions) and checks that RepairTimeClaims frees exactly
// those still to come and fences their owner.
func testRepairTimeClaims(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	a, b, x := rooms.NewMemberID(), rooms.NewMemberID(), rooms.NewMemberID()
	base := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	held, leaked, legacy := newConsultation(a, b, base), newConsultation(a, x, base), newConsultation(b, x, base)
	for _, cs := range []*rooms.Consultation{held, leaked, legacy} {
		if err := s.CreateConsultation(c, cs); err != nil {
			t.Fatal(err)
		}
	}
	book(held, rooms.Slot{Start: base, Minutes: 30})
	book(leaked, rooms.Slot{Start: base.Add(time.Hour), Minutes: 45})
	book(legacy, rooms.Slot{Start: base.Add(3 * time.Hour), Minutes: 30})
	for _, cs := range []*rooms.Consultation{held, leaked} {
		if err := s.UpdateConsultationTime(c, cs, cs.TimeKeys(), nil); err != nil {
			t.Fatal(err)
		}
	}
	leaked.Status = rooms.StatusCancelled // as if the process died before freeing
	mustDo(t, s.UpdateConsultation(c, leaked))
	stray := rooms.BusyKeys(x, rooms.Slot{Start: base.Add(5 * time.Hour), Minutes: 30}) // an older version's leak
	past := rooms.BusyKeys(x, rooms.Slot{Start: time.Now().Add(-24 * time.Hour).Truncate(time.Hour), Minutes: 30})
	for _, k := range append(append(legacy.TimeKeys(), stray...), past...) {
		mustDo(t, s.ClaimOnce(c, k, time.Now()))
	}
	mustDo(t, s.UpdateConsultation(c, legacy)) // an older version's booking: untagged claims
	if n, err := rooms.RepairTimeClaims(c, s, time.Now(), time.Hour); err != nil || n != 0 {
		t.Errorf("repair with an hour's grace freed %d (%v), want none: the claims are fresh", n, err)
	}
	version := leaked.Version
	n, err := rooms.RepairTimeClaims(c, s, time.Now().Add(time.Second), 0)
	if want := len(leaked.TimeKeys()) + len(stray); err != nil || n != want {
		t.Fatalf("RepairTimeClaims freed %d (%v), want %d", n, err, want)
	}
	if got, want := claimKeys(t, s), sorted(append(append(held.TimeKeys(), legacy.TimeKeys()...), past...)); !slices.Equal(got, want) {
		t.Errorf("claims after the repair = %v, want the held ones and the past %v", got, want)
	}
	if got, _ := s.GetConsultation(c, leaked.ID); got.Version != version+1 {
		t.Errorf("the owner of freed claims is at version %d, want %d (fenced)", got.Version, version+1)
	}
	if n, err := rooms.RepairTimeClaims(c, s, time.Now().Add(time.Second), 0); err != nil || n != 0 {
		t.Errorf("a second repair freed %d (%v), want none", n, err)
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
