package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// testConsultationMove proposes new times for a booking, which the store
// keeps beside the booked time, then moves the booking: into someone
// else's time it is refused with nothing changed; into a time that shares
// quarter hours with the old one, the booking, the claims it takes and
// the ones it frees change in one step.
func testConsultationMove(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	a, b, x := rooms.NewMemberID(), rooms.NewMemberID(), rooms.NewMemberID()
	base := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	cs, busy, later := newConsultation(a, b, base), newConsultation(x, b, base), newConsultation(x, a, base)
	for _, one := range []*rooms.Consultation{cs, busy, later} {
		mustDo(t, s.CreateConsultation(c, one))
	}
	book(cs, rooms.Slot{Start: base, Minutes: 30})
	book(busy, rooms.Slot{Start: base.Add(2 * time.Hour), Minutes: 30}) // b's other booking
	for _, one := range []*rooms.Consultation{cs, busy} {
		mustDo(t, s.UpdateConsultationTime(c, one, one.TimeKeys(), nil))
	}
	into := []rooms.Slot{{Start: base.Add(2*time.Hour + 15*time.Minute), Minutes: 30}, {Start: base.Add(15 * time.Minute), Minutes: 30}}
	cs.ProposeReschedule(a, into, " 子どもの発熱で ", time.Now(), 72*time.Hour)
	mustDo(t, s.UpdateConsultation(c, cs))
	got, err := s.GetConsultation(c, cs.ID)
	if r := got.Reschedule; err != nil || r == nil || r.By != a || r.Note != "子どもの発熱で" || len(r.Slots) != 2 ||
		!r.Slots[1].Start.Equal(into[1].Start) || !r.ExpiresAt.Equal(base) || !got.Booked.Start.Equal(base) {
		t.Fatalf("the proposal as stored = %+v (%v); want it beside the booking, lapsing at the booked start", got.Reschedule, err)
	}
	before := claimKeys(t, s)
	take, free := got.MoveTo(into[0])
	var ce *rooms.ConflictError
	if err := s.UpdateConsultationTime(c, got, take, free); !errors.As(err, &ce) || ce.Field != "slot" {
		t.Fatalf("moving into b's other booking: %v, want ConflictError{slot}", err)
	}
	if again, _ := s.GetConsultation(c, cs.ID); !again.Booked.Start.Equal(base) || again.Reschedule == nil || again.Sequence != cs.Sequence {
		t.Errorf("a refused move changed the booking: %+v", again)
	}
	if after := claimKeys(t, s); !slices.Equal(after, before) {
		t.Errorf("a refused move changed the claims: %v, want %v", after, before)
	}
	got, _ = s.GetConsultation(c, cs.ID)
	take, free = got.MoveTo(into[1])
	if len(take) != 2 || len(free) != 2 { // a quarter hour each for a and b
		t.Fatalf("a move by a quarter hour takes %v and frees %v", take, free)
	}
	mustDo(t, s.UpdateConsultationTime(c, got, take, free))
	moved, err := s.GetConsultation(c, cs.ID)
	if err != nil || !moved.Booked.Start.Equal(into[1].Start) || moved.Reschedule != nil || moved.Sequence != cs.Sequence+1 {
		t.Fatalf("after the move = %+v (%v)", moved, err)
	}
	if want := sorted(append(moved.TimeKeys(), busy.TimeKeys()...)); !slices.Equal(claimKeys(t, s), want) {
		t.Errorf("claims after the move = %v, want %v", claimKeys(t, s), want)
	}
	book(later, rooms.Slot{Start: base.Add(-15 * time.Minute), Minutes: 30}) // a's freed quarter hour
	if err := s.UpdateConsultationTime(c, later, later.TimeKeys(), nil); err != nil {
		t.Errorf("booking the quarter hour the move freed: %v", err)
	}
}
