package rooms_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

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
		if m.Email == "yoko@minato.example" && (len(c.Reasons) == 0 || c.Reasons[0].Params["themes"] != "promotion") {
			t.Errorf("the reason for 高橋 洋子 does not name the theme they share: %+v", c.Reasons)
		}
	}
	// Every consultation flow can be tried at once, and only once seeded.
	list, _ := s.ListMemberConsultations(ctx, hanako.ID)
	now := time.Now()
	var joinable, completed, awaiting, upcoming int
	for _, c := range list {
		from, to, online := c.JoinWindow()
		switch st := c.StatusAt(now); {
		case st == rooms.StatusBooked && online && !now.Before(from) && now.Before(to):
			joinable++
		case st == rooms.StatusBooked:
			upcoming++
		case st == rooms.StatusCompleted:
			completed++
		case st == rooms.StatusRequested && c.AwaitingID == hanako.ID:
			awaiting++
			av, _ := s.GetAvailability(ctx, hanako.ID)
			for _, p := range c.Proposed {
				if !av.Covers(p.Start, p.End()) {
					t.Errorf("the demo request proposes %v, outside hanako's availability", p.Start)
				}
				for _, o := range list {
					if o.Booked != nil && p.Start.Before(o.Booked.End()) && o.Booked.Start.Before(p.End()) {
						t.Errorf("the demo request proposes %v, when hanako is booked", p.Start)
					}
				}
			}
		}
	}
	if len(list) != 4 || joinable != 1 || completed != 1 || awaiting != 1 || upcoming != 1 {
		t.Errorf("hanako's consultations after two seeds: %d (joinable %d, completed %d, awaiting her %d, upcoming %d), want one of each",
			len(list), joinable, completed, awaiting, upcoming)
	}
	mika, _ := s.GetMemberByEmail(ctx, "mika@aozora.example")
	others, _ := s.ListMemberConsultations(ctx, mika.ID)
	for _, c := range others {
		if _, with := c.Party(hanako.ID); with || c.StatusAt(now) == rooms.StatusBooked || c.StatusAt(now) == rooms.StatusRequested {
			t.Errorf("mika should be free to be asked by hanako, has %s %s", c.StatusAt(now), c.ID)
		}
	}
	if !rec.Has(mika.ID) {
		t.Errorf("mika should be recommended to hanako")
	}
}
