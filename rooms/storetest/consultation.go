package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

func newConsultation(a, b rooms.MemberID, start time.Time) *rooms.Consultation {
	return &rooms.Consultation{ID: rooms.NewConsultationID(), RequesterID: a, RecipientID: b, Mode: rooms.ModeOnline,
		Status: rooms.StatusRequested, AwaitingID: b, Note: "よろしくお願いします",
		Proposed: []rooms.Slot{{Start: start, Minutes: 30}, {Start: start.Add(time.Hour), Minutes: 60}}, ExpiresAt: start}
}

func testConsultations(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	a, b, x := rooms.NewMemberID(), rooms.NewMemberID(), rooms.NewMemberID()
	base := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	one := newConsultation(a, b, base)
	two := newConsultation(x, a, base.Add(24*time.Hour))
	two.CreatedAt = time.Now().Add(time.Second)
	three := newConsultation(b, x, base.Add(48*time.Hour))
	for _, cs := range []*rooms.Consultation{one, two, three} {
		if err := s.CreateConsultation(c, cs); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetConsultation(c, one.ID)
	if err != nil || got.Note != one.Note || len(got.Proposed) != 2 || !got.Proposed[1].Start.Equal(base.Add(time.Hour)) ||
		got.Proposed[1].Minutes != 60 || got.AwaitingID != b || got.Version != 1 || got.Booked != nil {
		t.Fatalf("GetConsultation = %+v, %v", got, err)
	}
	mine, err := s.ListMemberConsultations(c, a)
	if err != nil || len(mine) != 2 || mine[0].ID != two.ID || mine[1].ID != one.ID {
		t.Fatalf("ListMemberConsultations(a) = %d, %v; want two then one", len(mine), err)
	}
	slot := got.Proposed[1]
	got.Status, got.Booked, got.Sequence, got.Joined = rooms.StatusBooked, &slot, 1, []rooms.MemberID{b}
	stale := *got
	if err := s.UpdateConsultation(c, got); err != nil || got.Version != 2 {
		t.Fatalf("UpdateConsultation = %v (v%d)", err, got.Version)
	}
	if again, err := s.GetConsultation(c, one.ID); err != nil || !again.HasJoined(b) || again.HasJoined(a) {
		t.Errorf("who joined after an update = %v, %v; want only b", again.Joined, err)
	}
	stale.Status = rooms.StatusDeclined
	if err := s.UpdateConsultation(c, &stale); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("stale update: %v, want ErrConflict", err)
	}
	booked, err := s.ListBookedBetween(c, base, base.Add(2*time.Hour))
	if err != nil || len(booked) != 1 || booked[0].ID != one.ID || !booked[0].Booked.Start.Equal(slot.Start) {
		t.Fatalf("ListBookedBetween = %v, %v", booked, err)
	}
	if none, _ := s.ListBookedBetween(c, base.Add(2*time.Hour), base.Add(3*time.Hour)); len(none) != 0 {
		t.Errorf("ListBookedBetween outside the slot found %d", len(none))
	}
	created, err := s.ListConsultationsCreatedBetween(c, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil || len(created) != 3 {
		t.Errorf("ListConsultationsCreatedBetween = %d, %v", len(created), err)
	}
	if err := s.ClaimOnce(c, "busy:x:1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseClaim(c, "busy:x:1"); err != nil {
		t.Fatal(err)
	}
	if err := s.ClaimOnce(c, "busy:x:1", time.Now()); err != nil {
		t.Errorf("claim after release: %v", err)
	}
}

func testBlocksFeedbackRecommendations(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	a, b, x := rooms.NewMemberID(), rooms.NewMemberID(), rooms.NewMemberID()
	if err := s.CreateBlock(c, &rooms.Block{BlockerID: a, BlockedID: b}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBlock(c, &rooms.Block{BlockerID: a, BlockedID: b}); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("second block: %v, want ErrConflict", err)
	}
	s.CreateBlock(c, &rooms.Block{BlockerID: x, BlockedID: a})
	if list, err := s.ListBlocks(c, b); err != nil || len(list) != 1 || list[0].BlockerID != a {
		t.Errorf("ListBlocks(b) = %v, %v", list, err)
	}
	if list, _ := s.ListBlocks(c, a); len(list) != 2 {
		t.Errorf("ListBlocks(a) = %d, want both directions", len(list))
	}
	s.DeleteBlock(c, a, b)
	if list, _ := s.ListBlocks(c, ""); len(list) != 1 {
		t.Errorf("after unblock: %d blocks, want 1", len(list))
	}
	cs := rooms.NewConsultationID()
	f := &rooms.Feedback{ConsultationID: cs, AuthorID: a, Rating: 5, Tags: []string{"helpful"}, Text: "ありがとう", WouldMeetAgain: true}
	if err := s.CreateFeedback(c, f); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateFeedback(c, &rooms.Feedback{ConsultationID: cs, AuthorID: a, Rating: 1}); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("second feedback by one author: %v, want ErrConflict", err)
	}
	if err := s.CreateFeedback(c, &rooms.Feedback{ConsultationID: cs, AuthorID: b, Rating: 4}); err != nil {
		t.Errorf("the other party's feedback: %v", err)
	}
	fb, err := s.ListFeedbackBetween(c, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil || len(fb) != 2 || fb[0].Text != "ありがとう" || !fb[0].WouldMeetAgain {
		t.Errorf("ListFeedbackBetween = %v, %v", fb, err)
	}
	// Feedback written with its time (demo history) keeps it.
	then := time.Date(2026, 10, 14, 12, 30, 0, 0, time.UTC)
	if err := s.CreateFeedback(c, &rooms.Feedback{ConsultationID: rooms.NewConsultationID(), AuthorID: a, Rating: 3, CreatedAt: then}); err != nil {
		t.Fatal(err)
	}
	if fb, err := s.ListFeedbackBetween(c, then, then.Add(time.Minute)); err != nil || len(fb) != 1 || !fb[0].CreatedAt.Equal(then) {
		t.Errorf("feedback given a time: ListFeedbackBetween = %v, %v; want the one of %v", fb, err, then)
	}
	if _, err := s.GetRecommendation(c, a); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("recommendation before any: %v", err)
	}
	r := &rooms.Recommendation{MemberID: a, MadeAt: time.Now(), Candidates: []rooms.Candidate{
		{MemberID: x, Score: 0.9, Reasons: []rooms.Reason{{Code: "shared_themes", Params: map[string]string{"n": "2"}}}}}}
	for range 2 { // saving again replaces
		if err := s.SaveRecommendation(c, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetRecommendation(c, a)
	if err != nil || len(got.Candidates) != 1 || got.Candidates[0].Reasons[0].Params["n"] != "2" || !got.Has(x) || got.Has(b) {
		t.Errorf("GetRecommendation = %+v, %v", got, err)
	}
}
