package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

func newRoundtable(capacity int) *rooms.Roundtable {
	return &rooms.Roundtable{ID: rooms.NewRoundtableID(), Title: "管理職という選択", Axis: rooms.AxisCareer,
		Themes: []string{"promotion"}, Start: time.Now().Add(48 * time.Hour).Truncate(time.Minute), Minutes: 60,
		TimeZone: "Asia/Tokyo", Format: rooms.FormatOnline, Capacity: capacity, Talk: rooms.TalkStage,
		Moderators: []rooms.MemberID{rooms.NewMemberID()}, CloseBefore: time.Hour}
}

func testRoundtables(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	r := newRoundtable(10)
	if err := r.Validate(time.Now()); err != nil {
		t.Fatal(err)
	}
	later := newRoundtable(5)
	later.Start = r.Start.Add(24 * time.Hour)
	for _, x := range []*rooms.Roundtable{later, r} {
		if err := s.CreateRoundtable(c, x); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetRoundtable(c, r.ID)
	if err != nil || got.Title != r.Title || !got.Start.Equal(r.Start) || got.CloseBefore != time.Hour || len(got.Moderators) != 1 {
		t.Fatalf("GetRoundtable = %+v, %v", got, err)
	}
	list, err := s.ListRoundtables(c, time.Now(), time.Now().Add(7*24*time.Hour))
	if err != nil || len(list) != 2 || list[0].ID != r.ID {
		t.Fatalf("ListRoundtables = %d, %v; want 2 by start", len(list), err)
	}
	got.Capacity = 20
	// The live rules the media plane reads back at every join.
	got.Live = rooms.LiveState{Locked: true, LockedIn: []rooms.MemberID{"mb_in"}, Lobby: true, Admitted: []rooms.MemberID{"mb_ok"},
		Removed: []rooms.MemberID{"mb_out"}}
	stale := *got
	if err := s.UpdateRoundtable(c, got); err != nil || got.Version != 2 {
		t.Fatalf("UpdateRoundtable = %v", err)
	}
	if err := s.UpdateRoundtable(c, &stale); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("stale UpdateRoundtable: %v", err)
	}
	if back, err := s.GetRoundtable(c, r.ID); err != nil || back.EntryFor("mb_in") != (rooms.Entry{Lobby: true}) ||
		back.EntryFor("mb_new").Refused != rooms.EntryLocked || back.EntryFor("mb_out").Refused != rooms.EntryRemoved {
		t.Errorf("live state read back: %+v, %v", back.Live, err)
	}
}

// testCapacityUnderConcurrency registers many people at once for few
// seats: exactly capacity get a seat, the rest queue, and withdrawals pass
// seats down the queue in order.
func testCapacityUnderConcurrency(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	const capacity, people = 5, 16
	r := newRoundtable(capacity)
	if err := s.CreateRoundtable(c, r); err != nil {
		t.Fatal(err)
	}
	members := make([]*rooms.Member, people)
	for i := range members {
		members[i] = &rooms.Member{ID: rooms.NewMemberID(), CompanyID: rooms.NewCompanyID(), Email: fmt.Sprintf("p%d@example.com", i)}
	}
	var wg sync.WaitGroup
	errs := make([]error, people)
	for i, m := range members {
		wg.Go(func() { _, errs[i] = rooms.Register(c, s, r, m, time.Now()) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("Register: %v", err)
		}
	}
	regs, err := s.ListRegistrations(c, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var seated, waiting []*rooms.Registration
	for _, reg := range regs {
		switch reg.Status {
		case rooms.Registered:
			seated = append(seated, reg)
		case rooms.Waitlisted:
			waiting = append(waiting, reg)
		}
	}
	if len(seated) != capacity || len(waiting) != people-capacity {
		t.Fatalf("%d registered, %d waiting; want %d and %d", len(seated), len(waiting), capacity, people-capacity)
	}
	was, promoted, err := rooms.Withdraw(c, s, r, seated[0].MemberID)
	if err != nil || was != rooms.Registered || promoted == nil || promoted.MemberID != waiting[0].MemberID || promoted.Status != rooms.Registered {
		t.Fatalf("Withdraw = %s, promoted %+v (%v), want the first in the queue %s", was, promoted, err, waiting[0].MemberID)
	}
	late := &rooms.Member{ID: rooms.NewMemberID(), CompanyID: rooms.NewCompanyID()}
	if reg, err := rooms.Register(c, s, r, late, time.Now()); err != nil || reg.Status != rooms.Waitlisted {
		t.Errorf("a newcomer after a withdrawal got %+v (%v); the seat belongs to the queue", reg, err)
	}
}

func testAudit(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	r1, r2 := rooms.NewRoundtableID(), rooms.NewRoundtableID()
	base := time.Now().Add(-time.Hour)
	for i, e := range []*rooms.AuditEntry{
		{RoundtableID: r1, Action: "mute", TargetID: rooms.NewMemberID(), At: base.Add(2 * time.Minute)},
		{RoundtableID: r2, Action: "remove", At: base.Add(time.Minute)},
		{RoundtableID: r1, Action: "spotlight", At: base.Add(3 * time.Minute)},
	} {
		e.ID, e.ActorID = rooms.NewAuditID(), rooms.NewMemberID()
		if err := s.AppendAudit(c, e); err != nil {
			t.Fatalf("AppendAudit %d: %v", i, err)
		}
	}
	got, err := s.ListAudit(c, r1, base)
	if err != nil || len(got) != 2 || got[0].Action != "mute" || got[1].Action != "spotlight" || got[0].TargetID == "" {
		t.Fatalf("ListAudit(r1) = %v, %v", got, err)
	}
	all, err := s.ListAudit(c, "", base.Add(90*time.Second))
	if err != nil || len(all) != 2 || all[0].Action != "mute" {
		t.Errorf("ListAudit(all, since) = %v, %v", all, err)
	}
}
