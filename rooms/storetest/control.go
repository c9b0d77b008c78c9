package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// testInvitationRevoked covers GetInvitation and MarkInvitationRevoked: a
// revoked invitation reads back revoked by id and by token.
func testInvitationRevoked(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	now := time.Now().UTC()
	iv := &rooms.Invitation{ID: rooms.NewInvitationID(), TokenHash: "hash-r", Email: "r@example.com", Role: rooms.RoleMember,
		CompanyID: rooms.NewCompanyID(), InvitedBy: rooms.NewMemberID(), ExpiresAt: now.Add(rooms.InvitationTTL)}
	if err := s.CreateInvitation(c, iv); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetInvitation(c, iv.ID)
	if err != nil || got.TokenHash != "hash-r" || !got.RevokedAt.IsZero() || got.Status(now) != rooms.InvitationPending {
		t.Fatalf("GetInvitation = %+v, %v", got, err)
	}
	if _, err := s.GetInvitation(c, rooms.NewInvitationID()); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("GetInvitation(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.MarkInvitationRevoked(c, iv.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkInvitationRevoked(c, rooms.NewInvitationID(), now); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("revoking an unknown invitation = %v, want ErrNotFound", err)
	}
	for _, get := range []func() (*rooms.Invitation, error){
		func() (*rooms.Invitation, error) { return s.GetInvitation(c, iv.ID) },
		func() (*rooms.Invitation, error) { return s.GetInvitationByToken(c, "hash-r") },
	} {
		got, err := get()
		if err != nil || got.Status(now) != rooms.InvitationRevoked || got.RevokedAt.Sub(now).Abs() > time.Second {
			t.Errorf("after revoking: %+v, %v", got, err)
		}
	}
	if list, err := s.ListInvitations(c, iv.CompanyID); err != nil || len(list) != 1 || list[0].RevokedAt.IsZero() {
		t.Errorf("ListInvitations after revoking = %v, %v", list, err)
	}
}

// testHasFeedback checks HasFeedback per consultation and author.
func testHasFeedback(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	cs, a, b := rooms.NewConsultationID(), rooms.NewMemberID(), rooms.NewMemberID()
	if ok, err := s.HasFeedback(c, cs, a); err != nil || ok {
		t.Errorf("HasFeedback before any = %v, %v", ok, err)
	}
	if err := s.CreateFeedback(c, &rooms.Feedback{ConsultationID: cs, AuthorID: a, Rating: 4}); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.HasFeedback(c, cs, a); err != nil || !ok {
		t.Errorf("HasFeedback(author) = %v, %v; want true", ok, err)
	}
	if ok, err := s.HasFeedback(c, cs, b); err != nil || ok {
		t.Errorf("HasFeedback(the other party) = %v, %v; want false", ok, err)
	}
	if ok, err := s.HasFeedback(c, rooms.NewConsultationID(), a); err != nil || ok {
		t.Errorf("HasFeedback(another consultation) = %v, %v; want false", ok, err)
	}
}
