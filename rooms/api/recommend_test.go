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

// TestRoundKeepsMetPairsApartAndReadsAxis: a pair booked to meet is not
// recommended to each other (the job passes the meeting's date to the
// engine), and members whose themes are all about careers are told they
// share that focus (the job derives the axis from the themes).
func TestRoundKeepsMetPairsApartAndReadsAxis(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	ctx := context.Background()
	career := func(m *rooms.Member) {
		p := rooms.NewProfile(m.ID)
		p.Themes, p.Capacity = []string{"promotion", "career_change"}, 4
		if err := e.store.PutProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	third := e.addMemberIn(t, w.coB.ID, "third@beta.test")
	for _, m := range []*rooms.Member{w.memberA.m, w.memberB.m, third} {
		career(m)
	}
	if _, err := e.api.RecommendAll(ctx); err != nil {
		t.Fatal(err)
	}
	rec, _ := e.store.GetRecommendation(ctx, w.memberA.m.ID)
	if !rec.Has(w.memberB.m.ID) || !rec.Has(third.ID) {
		t.Fatalf("before meeting: A's batch %+v, want B and the third", rec.Candidates)
	}
	focus := false
	for _, c := range rec.Candidates {
		for _, r := range c.Reasons {
			focus = focus || (r.Code == "same_focus" && r.Params["axis"] == "career")
		}
	}
	if !focus {
		t.Errorf("no same_focus career reason in %+v", rec.Candidates)
	}
	e.alwaysAvailable(t, w.memberB.m)
	e.recommend(t, w.memberA.m, w.memberB.m)
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(30))
	if r := w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/accept", `{"slot":0}`); r.status != 200 {
		t.Fatalf("accept = %d %s", r.status, r.body)
	}
	if _, err := e.api.RecommendAll(ctx); err != nil {
		t.Fatal(err)
	}
	rec, _ = e.store.GetRecommendation(ctx, w.memberA.m.ID)
	if rec.Has(w.memberB.m.ID) || !rec.Has(third.ID) {
		t.Errorf("after booking: A's batch %+v, want the third and never B", rec.Candidates)
	}
}
