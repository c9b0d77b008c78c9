package rooms_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
)

func TestSeedDemoIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s, err := sqlitestore.OpenFile(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	hash := func(p string) (string, error) { return "hash:" + p, nil }
	first, err := rooms.SeedDemo(ctx, s, hash)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rooms.SeedDemo(ctx, s, hash); err != nil {
		t.Fatalf("second seed: %v", err)
	}
	n, _ := s.CountMembers(ctx)
	companies, _ := s.ListCompanies(ctx)
	if int(n) != len(first) || len(companies) != 3 {
		t.Errorf("after two seeds: %d members (want %d), %d companies (want 3)", n, len(first), len(companies))
	}
	roles := map[rooms.Role]bool{}
	for _, l := range first {
		roles[l.Role] = true
		m, err := s.GetMemberByEmail(ctx, l.Email)
		if err != nil || m.PasswordHash != "hash:"+rooms.DemoPassword {
			t.Errorf("%s: %v %v", l.Email, m, err)
		}
	}
	for _, r := range []rooms.Role{rooms.RoleMember, rooms.RoleCompanyAdmin, rooms.RoleOperator, rooms.RoleGuestSpeaker} {
		if !roles[r] {
			t.Errorf("demo data has no %s", r)
		}
	}
	hanako, _ := s.GetMemberByEmail(ctx, "hanako@sakura.example")
	rec, err := s.GetRecommendation(ctx, hanako.ID)
	if err != nil || len(rec.Candidates) == 0 {
		t.Fatalf("hanako has no recommendations: %v", err)
	}
	for _, c := range rec.Candidates {
		m, _ := s.GetMember(ctx, c.MemberID)
		if m.CompanyID == hanako.CompanyID {
			t.Errorf("demo recommends a colleague: %s", m.Email)
		}
	}
	list, _ := s.ListMemberConsultations(ctx, hanako.ID)
	if len(list) != 1 || list[0].Status != rooms.StatusBooked {
		t.Errorf("hanako's consultations after two seeds: %d, want one booked", len(list))
	}
}
