package rooms_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
)

func TestDemoRoundtables(t *testing.T) {
	ctx := context.Background()
	s, err := sqlitestore.OpenFile(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	hash := func(p string) (string, error) { return "hash:" + p, nil }
	for range 2 { // seeding twice adds nothing
		if _, err := rooms.SeedDemo(ctx, s, hash); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	list, err := s.ListRoundtables(ctx, now.AddDate(0, 0, -3), now.AddDate(0, 0, 30))
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*rooms.Roundtable{}
	for _, r := range list {
		if by[r.Title] != nil {
			t.Errorf("%q seeded twice", r.Title)
		}
		by[r.Title] = r
	}
	speaker, _ := s.GetMemberByEmail(ctx, "speaker@guest.example")
	hanako, _ := s.GetMemberByEmail(ctx, "hanako@sakura.example")
	stage := by[rooms.DemoStageTitle]
	if stage == nil || stage.Talk != rooms.TalkStage || !stage.IsSpeaker(speaker.ID) || !stage.IsModerator(hanako.ID) ||
		!now.Before(stage.Start.Add(-stage.CloseBefore)) {
		t.Errorf("no upcoming stage roundtable with a guest speaker and a moderator, open for registration: %+v", stage)
	}
	live := by[rooms.DemoLiveTitle]
	if live == nil {
		t.Fatal("no live roundtable")
	}
	if from, to := live.JoinWindow(); now.Before(from) || !now.Before(to) {
		t.Errorf("live roundtable's join window %v–%v is not open at %v", from, to, now)
	}
	regs, _ := s.ListRegistrations(ctx, live.ID)
	if len(regs) != 5 || regs[0].Status != rooms.Registered {
		t.Errorf("live roundtable has %d registrations, want the 5 demo members", len(regs))
	}
	past := by[rooms.DemoPastTitle]
	if past == nil || !past.FeedbackOpen(now) {
		t.Fatalf("no ended roundtable for feedback: %+v", past)
	}
	if regs, _ := s.ListRegistrations(ctx, past.ID); len(regs) != 3 {
		t.Errorf("past roundtable has %d registrations, want 3", len(regs))
	}
	if log, _ := s.ListAudit(ctx, past.ID, time.Unix(0, 0)); len(log) != 3 {
		t.Errorf("past roundtable has %d audit entries, want 3", len(log))
	}
	if fb, _ := s.ListRoundtableFeedback(ctx, past.ID, time.Unix(0, 0), now.Add(time.Hour)); len(fb) != 1 || !fb[0].WantMore {
		t.Errorf("past roundtable feedback: %+v, want one entry wanting more", fb)
	}
	if by[rooms.DemoRoundTitle] == nil || by[rooms.DemoRoundTitle].Format != rooms.FormatHybrid {
		t.Errorf("no hybrid small round")
	}
}
