package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

func testInvitations(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	coA, coB := rooms.NewCompanyID(), rooms.NewCompanyID()
	now := time.Now().UTC()
	a := &rooms.Invitation{ID: rooms.NewInvitationID(), TokenHash: "hash-a", Email: "New@Example.com", Role: rooms.RoleMember,
		CompanyID: coA, InvitedBy: rooms.NewMemberID(), ExpiresAt: now.Add(rooms.InvitationTTL)}
	b := &rooms.Invitation{ID: rooms.NewInvitationID(), TokenHash: "hash-b", Email: "other@example.com", Role: rooms.RoleCompanyAdmin,
		CompanyID: coB, InvitedBy: rooms.NewMemberID(), CreatedAt: now.Add(time.Second), ExpiresAt: now.Add(-time.Minute)}
	for _, iv := range []*rooms.Invitation{a, b} {
		if err := s.CreateInvitation(c, iv); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetInvitationByToken(c, "hash-a")
	if err != nil || got.ID != a.ID || got.Email != "new@example.com" || got.Role != rooms.RoleMember ||
		got.CompanyID != coA || !got.ExpiresAt.Equal(a.ExpiresAt) || got.Status(now) != rooms.InvitationPending {
		t.Fatalf("GetInvitationByToken = %+v, %v", got, err)
	}
	if _, err := s.GetInvitationByToken(c, "nope"); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("unknown token: %v", err)
	}
	if list, err := s.ListInvitations(c, coA); err != nil || len(list) != 1 || list[0].ID != a.ID {
		t.Errorf("ListInvitations(company A) = %v, %v; want only A's", list, err)
	}
	if list, err := s.ListInvitations(c, ""); err != nil || len(list) != 2 || list[0].ID != b.ID {
		t.Errorf("ListInvitations(all) = %d, %v; want 2, newest first", len(list), err)
	}
	by := rooms.NewMemberID()
	if err := s.MarkInvitationAccepted(c, a.ID, by, now); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetInvitationByToken(c, "hash-a")
	if got.Status(now) != rooms.InvitationAccepted || got.AcceptedBy != by {
		t.Errorf("after accept: %+v", got)
	}
	if gb, _ := s.GetInvitationByToken(c, "hash-b"); gb.Status(now) != rooms.InvitationExpired {
		t.Errorf("expired invitation status %s", gb.Status(now))
	}
	if err := s.MarkInvitationAccepted(c, rooms.NewInvitationID(), by, now); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("accepting an unknown invitation: %v", err)
	}
}

func testPasswordResetsAndSessions(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	m := rooms.NewMemberID()
	r := &rooms.PasswordReset{TokenHash: "reset-1", MemberID: m, ExpiresAt: time.Now().Add(time.Hour)}
	if err := s.CreatePasswordReset(c, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetPasswordReset(c, "reset-1")
	if err != nil || got.MemberID != m || !got.ExpiresAt.Equal(r.ExpiresAt) {
		t.Fatalf("GetPasswordReset = %+v, %v", got, err)
	}
	if _, err := s.GetPasswordReset(c, "reset-2"); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("unknown reset: %v", err)
	}
	other := rooms.NewMemberID()
	for _, r := range []*rooms.PasswordReset{{TokenHash: "reset-3", MemberID: m}, {TokenHash: "reset-4", MemberID: other}} {
		r.ExpiresAt = time.Now().Add(time.Hour)
		if err := s.CreatePasswordReset(c, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeletePasswordResets(c, m); err != nil {
		t.Fatal(err)
	}
	for hash, want := range map[string]bool{"reset-1": false, "reset-3": false, "reset-4": true} {
		if _, err := s.GetPasswordReset(c, hash); (err == nil) != want {
			t.Errorf("%s present=%v after DeletePasswordResets of its owner or another member, want %v (%v)", hash, err == nil, want, err)
		}
	}
	if err := s.DeletePasswordResets(c, rooms.NewMemberID()); err != nil {
		t.Errorf("deleting no resets: %v", err)
	}
	for i, owner := range []rooms.MemberID{m, m, other} {
		se := &rooms.Session{ID: rooms.SessionIDFor(string(rune('a' + i))), MemberID: owner, CSRFToken: "x", ExpiresAt: time.Now().Add(time.Hour)}
		if err := s.CreateSession(c, se); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteMemberSessions(c, m); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{false, false, true} {
		_, err := s.GetSession(c, rooms.SessionIDFor(string(rune('a'+i))))
		if (err == nil) != want {
			t.Errorf("session %d present=%v after DeleteMemberSessions, want %v", i, err == nil, want)
		}
	}
}

// testClaimOnce has many goroutines claim one key: exactly one wins, and a
// later claim of the same key still loses.
func testClaimOnce(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = s.ClaimOnce(c, "invitation:iv_x", time.Now()) })
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else if !errors.Is(err, rooms.ErrConflict) {
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d claims won, want 1", wins, n)
	}
	if err := s.ClaimOnce(c, "invitation:iv_x", time.Now()); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("late claim: %v, want ErrConflict", err)
	}
	if err := s.ClaimOnce(c, "invitation:iv_y", time.Now()); err != nil {
		t.Errorf("another key: %v", err)
	}
}
