package storetest

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

func testProfiles(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	id := rooms.NewMemberID()
	if _, err := s.GetProfile(c, id); !errors.Is(err, rooms.ErrNotFound) {
		t.Fatalf("GetProfile before save: %v, want ErrNotFound", err)
	}
	p := rooms.NewProfile(id)
	p.Intro, p.Industry, p.JobFunction, p.YearsExperience = "二児の母です", "it", "engineering", 12
	p.Themes = []string{"promotion", "work_life_balance"}
	p.Children = rooms.Children{Count: 2, AgeBands: []string{"0-2", "6-12"}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := s.PutProfile(c, p); err != nil || p.Version != 1 {
		t.Fatalf("PutProfile (create) = %v, version %d", err, p.Version)
	}
	dup := rooms.NewProfile(id)
	if err := s.PutProfile(c, dup); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("second create of the same profile: %v, want ErrConflict", err)
	}
	got, err := s.GetProfile(c, id)
	if err != nil || got.Intro != p.Intro || !slices.Equal(got.Themes, p.Themes) || got.Children.Count != 2 ||
		!slices.Equal(got.Children.AgeBands, p.Children.AgeBands) || got.Version != 1 || got.WorkStyle != p.WorkStyle {
		t.Fatalf("GetProfile = %+v, %v; want %+v", got, err, p)
	}
	stale := *got
	got.Paused = true
	if err := s.PutProfile(c, got); err != nil || got.Version != 2 {
		t.Fatalf("PutProfile (update) = %v, version %d", err, got.Version)
	}
	if err := s.PutProfile(c, &stale); !errors.Is(err, rooms.ErrConflict) || stale.Version != 1 {
		t.Errorf("stale PutProfile = %v (version left %d), want ErrConflict and version unchanged", err, stale.Version)
	}
	other := rooms.NewProfile(rooms.NewMemberID())
	if err := s.PutProfile(c, other); err != nil {
		t.Fatal(err)
	}
	all, err := s.ListProfiles(c)
	if err != nil || len(all) != 2 {
		t.Fatalf("ListProfiles = %d, %v", len(all), err)
	}
}

func testAvailabilityAndPhotos(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	id := rooms.NewMemberID()
	a := &rooms.Availability{MemberID: id, TimeZone: "Asia/Tokyo",
		Weekly:     []rooms.Window{{Weekday: 3, Start: "21:00", End: "23:00"}, {Weekday: 1, Start: "12:00", End: "13:00"}},
		Exceptions: []rooms.Exception{{Date: "2026-12-02", Unavailable: true}}}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAvailability(c, a); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetAvailability(c, id)
	if err != nil || len(got.Weekly) != 2 || got.Weekly[0].Weekday != 1 || len(got.Exceptions) != 1 || !got.Exceptions[0].Unavailable {
		t.Fatalf("GetAvailability = %+v, %v", got, err)
	}
	if _, err := s.GetPhoto(c, id); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("GetPhoto before upload: %v", err)
	}
	for _, img := range [][]byte{{0xff, 0xd8, 1, 2, 3}, {0xff, 0xd8, 9}} {
		if err := s.PutPhoto(c, id, img); err != nil {
			t.Fatal(err)
		}
		if b, err := s.GetPhoto(c, id); err != nil || !bytes.Equal(b, img) {
			t.Errorf("GetPhoto = %x, %v; want %x", b, err, img)
		}
	}
}

func testDeleteMemberData(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	id, other := rooms.NewMemberID(), rooms.NewMemberID()
	for _, m := range []rooms.MemberID{id, other} {
		s.PutProfile(c, rooms.NewProfile(m))
		s.PutAvailability(c, &rooms.Availability{MemberID: m, TimeZone: "Asia/Tokyo"})
		s.PutPhoto(c, m, []byte{0xff, 0xd8})
		s.SaveRecommendation(c, &rooms.Recommendation{MemberID: m})
		s.CreateSession(c, &rooms.Session{ID: rooms.SessionIDFor(string(m)), MemberID: m, ExpiresAt: time.Now().Add(time.Hour)})
	}
	third := rooms.NewMemberID()
	cand := func(m rooms.MemberID) rooms.Candidate {
		return rooms.Candidate{MemberID: m, Score: 1, Reasons: []rooms.Reason{{Code: "shared_themes"}}}
	}
	s.SaveRecommendation(c, &rooms.Recommendation{MemberID: third, MadeAt: time.Now(), Candidates: []rooms.Candidate{cand(id), cand(other)}})
	if err := s.DeleteMemberData(c, id); err != nil {
		t.Fatal(err)
	}
	if rec, err := s.GetRecommendation(c, third); err != nil || rec.Has(id) || !rec.Has(other) || len(rec.Candidates[0].Reasons) != 1 {
		t.Errorf("someone else's batch after the deletion = %+v, %v; want her gone and the rest kept", rec, err)
	}
	gone := []error{}
	_, err := s.GetProfile(c, id)
	gone = append(gone, err)
	_, err = s.GetAvailability(c, id)
	gone = append(gone, err)
	_, err = s.GetPhoto(c, id)
	gone = append(gone, err)
	_, err = s.GetRecommendation(c, id)
	gone = append(gone, err)
	_, err = s.GetSession(c, rooms.SessionIDFor(string(id)))
	gone = append(gone, err)
	for i, err := range gone {
		if !errors.Is(err, rooms.ErrNotFound) {
			t.Errorf("item %d survived DeleteMemberData: %v", i, err)
		}
	}
	if _, err := s.GetProfile(c, other); err != nil {
		t.Errorf("another member's profile went too: %v", err)
	}
	if _, err := s.GetSession(c, rooms.SessionIDFor(string(other))); err != nil {
		t.Errorf("another member's session went too: %v", err)
	}
}
