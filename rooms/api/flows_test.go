package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
)

type markedSlots struct {
	Proposed []struct {
		Start   time.Time `json:"start"`
		TakenBy string    `json:"taken_by"`
	} `json:"proposed"`
}

func takenBy(t *testing.T, a *actor, url string) []string {
	t.Helper()
	var v markedSlots
	if err := json.Unmarshal(a.do(t, "GET", url, "").body, &v); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(v.Proposed))
	for i, p := range v.Proposed {
		out[i] = p.TakenBy
	}
	return out
}

// TestTakenTimesAreMarked: a request's times that either person has
// booked elsewhere since are marked as taken, saying whose time it is,
// and picking one says the same.
func TestTakenTimesAreMarked(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	c := e.extraMember(t, w.coB.ID, "c@beta.test")
	d := e.extraMember(t, w.coA.ID, "d@alpha.test")
	e.recommend(t, w.memberA.m, w.memberB.m, c.m)
	e.recommend(t, d.m, w.memberB.m)
	for _, m := range []*actor{w.memberB, c} {
		e.alwaysAvailable(t, m.m)
	}
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(30), slotAt(50))
	url := e.srv.URL + "/api/v1/consultations/" + cs.ID
	if got := takenBy(t, w.memberB, url); got[0] != "" || got[1] != "" {
		t.Fatalf("fresh times marked taken: %q", got)
	}
	e.book(t, w.memberA, c, 30) // the requester books her first time elsewhere
	if got := takenBy(t, w.memberB, url); got[0] != "peer" || got[1] != "" {
		t.Errorf("the recipient sees %q; want the first time taken by the requester", got)
	}
	if got := takenBy(t, w.memberA, url); got[0] != "me" {
		t.Errorf("the requester sees %q; want her own booking marked", got)
	}
	r := w.memberB.do(t, "POST", url+"/accept", `{"slot":0}`)
	if code, field := r.errorCode(t); r.status != 409 || code != "peer_is_booked" || field != "slot" {
		t.Errorf("picking the requester's taken time = %d %s/%s", r.status, code, field)
	}
	e.book(t, d, w.memberB, 50) // the recipient books the second time with someone else
	if got := takenBy(t, w.memberB, url); got[1] != "me" {
		t.Errorf("the recipient sees %q; want the second time taken by her", got)
	}
	r = w.memberB.do(t, "POST", url+"/accept", `{"slot":1}`)
	if code, _ := r.errorCode(t); r.status != 409 || code != "you_are_booked" {
		t.Errorf("picking a time she booked since = %d %s", r.status, code)
	}
	var list struct{ Consultations []markedSlots }
	json.Unmarshal(w.memberB.do(t, "GET", e.srv.URL+"/api/v1/consultations", "").body, &list)
	found := false
	for _, v := range list.Consultations {
		found = found || len(v.Proposed) == 2 && v.Proposed[0].TakenBy == "peer" && v.Proposed[1].TakenBy == "me"
	}
	if !found {
		t.Errorf("the list does not mark the taken times: %+v", list)
	}
}

type openCandidate struct {
	Candidates []struct {
		Peer api.PeerView `json:"peer"`
		Open *api.OpenView
	} `json:"candidates"`
	NeedsProfile bool `json:"needs_profile"`
}

func candidates(t *testing.T, a *actor, url string) openCandidate {
	t.Helper()
	var v openCandidate
	if err := json.Unmarshal(a.do(t, "GET", url+"/api/v1/recommendations", "").body, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRecommendationsShowOpenRequests: someone whose request to you is
// waiting is shown with her request, not offered a new one, and a second
// request between the two is refused.
func TestRecommendationsShowOpenRequests(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.recommend(t, w.memberB.m, w.memberA.m)
	e.alwaysAvailable(t, w.memberB.m)
	e.alwaysAvailable(t, w.memberA.m)
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(30))
	got := candidates(t, w.memberB, e.srv.URL)
	if len(got.Candidates) != 1 || got.Candidates[0].Open == nil || string(got.Candidates[0].Open.ID) != cs.ID ||
		got.Candidates[0].Open.Role != "recipient" || !got.Candidates[0].Open.AwaitingMe || got.Candidates[0].Open.Status != rooms.StatusRequested {
		t.Fatalf("the recipient's recommendations: %+v", got)
	}
	if mine := candidates(t, w.memberA, e.srv.URL); mine.Candidates[0].Open == nil || mine.Candidates[0].Open.Role != "requester" || mine.Candidates[0].Open.AwaitingMe {
		t.Errorf("the requester's recommendations: %+v", mine)
	}
	r := w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations", `{"recipient_id":"`+string(w.memberA.m.ID)+`","mode":"online","slots":[`+slotAt(40)+`]}`)
	if code, field := r.errorCode(t); r.status != 409 || code != "open_consultation" || field != "recipient_id" {
		t.Errorf("a second request between the two = %d %s/%s", r.status, code, field)
	}
	if list, _ := e.store.ListMemberConsultations(context.Background(), w.memberB.m.ID); len(list) != 1 {
		t.Errorf("%d consultations stored, want the first only", len(list))
	}
	w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/decline", `{}`)
	if got := candidates(t, w.memberB, e.srv.URL); got.Candidates[0].Open != nil {
		t.Errorf("a declined request is still shown as open: %+v", got.Candidates[0].Open)
	}
}

// TestNewMemberIsToldTheProfileIsMissing: with no recommendations yet,
// the answer says whether her profile is what they wait for.
func TestNewMemberIsToldTheProfileIsMissing(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	if got := candidates(t, w.memberA, e.srv.URL); !got.NeedsProfile || len(got.Candidates) != 0 {
		t.Fatalf("a new member's recommendations: %+v; want needs_profile", got)
	}
	r := w.memberA.do(t, "PUT", e.srv.URL+"/api/v1/me/profile",
		`{"job_level":2,"work_style":{"hours":"full_time","remote":"remote"},"languages":["ja"],"children":{"count":1,"age_bands":["0-2"]},"version":0}`)
	if r.status != 200 {
		t.Fatalf("profile = %d %s", r.status, r.body)
	}
	if got := candidates(t, w.memberA, e.srv.URL); got.NeedsProfile {
		t.Errorf("after saving a profile: %+v", got)
	}
}

// TestMinNoticeIsConfigurable: by default a time a quarter of an hour
// away can be proposed (lunch breaks), and the peer's free times start
// that soon; a server may ask for more notice.
func TestMinNoticeIsConfigurable(t *testing.T) {
	tokyo := mustZone(t, "Asia/Tokyo")
	day := time.Now().In(tokyo).AddDate(0, 0, 1)
	at := func(h, m int) time.Time { return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, tokyo) }
	slot := func(h, m int) string { return `{"start":"` + at(h, m).UTC().Format(time.RFC3339) + `","minutes":30}` }
	for _, tc := range []struct {
		name            string
		notice          time.Duration
		ok, soon        string
		firstFree, wait string
	}{
		{"default", 0, slot(12, 30), slot(12, 15), "12:30", "15 minutes"},
		{"45 minutes", 45 * time.Minute, slot(13, 0), slot(12, 30), "13:00", "45 minutes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvWith(t, nil, func(p *api.Params) { p.Consultations.MinNotice = tc.notice })
			e.skew.Store(int64(time.Until(at(12, 3)))) // lunch time tomorrow
			w := e.world(t)
			e.recommend(t, w.memberA.m, w.memberB.m)
			e.alwaysAvailable(t, w.memberB.m)
			body := func(s string) string {
				return `{"recipient_id":"` + string(w.memberB.m.ID) + `","mode":"online","slots":[` + s + `]}`
			}
			r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/consultations", body(tc.soon))
			if code, field := r.errorCode(t); r.status != 422 || code != "too_soon" || field != "slots[0].start" || !strings.Contains(string(r.body), tc.wait) {
				t.Errorf("a time too soon = %d %s", r.status, r.body)
			}
			var free struct{ Slots []rooms.Slot }
			json.Unmarshal(w.memberA.do(t, "GET", e.srv.URL+"/api/v1/members/"+string(w.memberB.m.ID)+"/free-slots?days=1", "").body, &free)
			if len(free.Slots) == 0 || free.Slots[0].Start.In(tokyo).Format("15:04") != tc.firstFree {
				t.Errorf("free times start at %v, want %s", free.Slots, tc.firstFree)
			}
			if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/consultations", body(tc.ok)); r.status != 201 {
				t.Errorf("the first time allowed = %d %s", r.status, r.body)
			}
		})
	}
}
