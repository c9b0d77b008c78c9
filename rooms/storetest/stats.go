package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

func monthStats(month string, rating float64) *rooms.MonthStats {
	n := 12.0
	return &rooms.MonthStats{Month: month, MembersJoined: rooms.Figure{Value: &n}, MembersActive: rooms.Figure{Suppressed: true},
		ConsultationsRequested: rooms.Figure{Value: &n}, ConsultationsHeld: rooms.Figure{Suppressed: true},
		ConsultationsCancelled: rooms.Figure{Suppressed: true}, AverageRating: rooms.Figure{Value: &rating}}
}

// testPublishedStats: a month's figures are published once per company
// (and once for the platform), whoever publishes first, even all at
// once, and read back unchanged after a restart.
func testPublishedStats(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	co := rooms.NewCompanyID()
	if _, err := s.GetMonthStats(c, co, "2026-10"); !errors.Is(err, rooms.ErrNotFound) {
		t.Fatalf("GetMonthStats before publishing = %v, want ErrNotFound", err)
	}
	first := monthStats("2026-10", 3.7)
	got, err := s.PublishMonthStats(c, co, first)
	if err != nil || !reflect.DeepEqual(got, first) {
		t.Fatalf("PublishMonthStats = %+v, %v; want %+v", got, err, first)
	}
	if got, err := s.PublishMonthStats(c, co, monthStats("2026-10", 4.1)); err != nil || !reflect.DeepEqual(got, first) {
		t.Errorf("publishing again = %+v, %v; want the first figures kept", got, err)
	}
	if got, err := s.PublishMonthStats(c, "", monthStats("2026-10", 2.5)); err != nil || *got.AverageRating.Value != 2.5 {
		t.Errorf("the platform's figures of the same month = %+v, %v", got, err)
	}
	if _, err := s.GetMonthStats(c, co, "2026-11"); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("another month = %v, want ErrNotFound", err)
	}
	var wg sync.WaitGroup
	ratings := make([]float64, 8)
	for i := range ratings {
		wg.Go(func() {
			got, err := s.PublishMonthStats(c, co, monthStats("2026-09", float64(i)))
			if err != nil {
				t.Error(err)
				return
			}
			ratings[i] = *got.AverageRating.Value
		})
	}
	wg.Wait()
	for _, r := range ratings[1:] {
		if r != ratings[0] {
			t.Errorf("concurrent publications read back different figures: %v", ratings)
			break
		}
	}
	s.Close(c)
	s = mustOpen(t, open)
	if got, err := s.GetMonthStats(c, co, "2026-10"); err != nil || !reflect.DeepEqual(got, first) {
		t.Errorf("after a restart = %+v, %v", got, err)
	}
	testCancelledAt(t, s)
}

// testCancelledAt: the time of a cancellation is kept, which puts it in
// its month's figures.
func testCancelledAt(t *testing.T, s rooms.Store) {
	c := ctx(t)
	cs := newConsultation(rooms.NewMemberID(), rooms.NewMemberID(), time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC))
	if err := s.CreateConsultation(c, cs); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 14, 59, 59, 0, time.UTC)
	cs.Cancel(cs.RequesterID, at)
	if err := s.UpdateConsultation(c, cs); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetConsultation(c, cs.ID)
	if err != nil || got.Status != rooms.StatusCancelled || got.CancelledBy != cs.RequesterID || !got.CancelTime().Equal(at) {
		t.Errorf("cancelled consultation = %v, %v; want cancelled by %s at %v", fmt.Sprint(got), err, cs.RequesterID, at)
	}
}
