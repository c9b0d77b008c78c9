package api_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/zadankai/zadankai/rooms"
)

// TestRecommendationJob: a member's first profile save brings a first
// batch at once; a round gives everyone peers from other companies only,
// never blocked or recently met ones, with reasons.
func TestRecommendationJob(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	ctx := context.Background()
	profile := `{"job_level":2,"years_experience":4,"industry":"it","job_function":"engineering","work_style":{"hours":"full_time","remote":"remote"},
		"languages":["ja"],"capacity":3,"themes":["promotion","work_life_balance"],"children":{"count":1,"age_bands":["0-2"]},"version":0}`
	for _, a := range []*actor{w.memberB} {
		if r := a.do(t, "PUT", e.srv.URL+"/api/v1/me/profile", profile); r.status != 200 {
			t.Fatalf("profile: %d %s", r.status, r.body)
		}
	}
	if r := w.memberA.do(t, "PUT", e.srv.URL+"/api/v1/me/profile", profile); r.status != 200 {
		t.Fatal(r.status)
	}
	var recs struct {
		Candidates []struct {
			Peer    struct{ ID string }
			Reasons []rooms.Reason
		}
	}
	json.Unmarshal(w.memberA.do(t, "GET", e.srv.URL+"/api/v1/recommendations", "").body, &recs)
	if len(recs.Candidates) != 1 || recs.Candidates[0].Peer.ID != string(w.memberB.m.ID) || len(recs.Candidates[0].Reasons) == 0 ||
		recs.Candidates[0].Reasons[0].Code != "shared_themes" {
		t.Fatalf("first batch after the first profile save: %+v", recs)
	}
	// A colleague of A joins; a round must never pair colleagues.
	colleague := e.addMemberIn(t, w.coA.ID, "colleague@alpha.test")
	p := rooms.NewProfile(colleague.ID)
	p.Themes = []string{"promotion", "work_life_balance"}
	e.store.PutProfile(ctx, p)
	n, err := e.api.RecommendAll(ctx)
	if err != nil || n != 3 {
		t.Fatalf("RecommendAll = %d, %v; want 3 members", n, err)
	}
	rec, _ := e.store.GetRecommendation(ctx, colleague.ID)
	if rec.Has(w.memberA.m.ID) || !rec.Has(w.memberB.m.ID) {
		t.Errorf("colleague's batch %+v: want B, never A", rec.Candidates)
	}
	e.store.CreateBlock(ctx, &rooms.Block{BlockerID: w.memberB.m.ID, BlockedID: w.memberA.m.ID})
	e.api.RecommendAll(ctx)
	if rec, _ := e.store.GetRecommendation(ctx, w.memberA.m.ID); rec.Has(w.memberB.m.ID) {
		t.Errorf("a blocked peer was recommended")
	}
}
