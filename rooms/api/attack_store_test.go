package api_test

// Attacks on what the store keeps (issue 12, "nothing lost, nothing
// leaked"): each test is one hole that was open, read as the list of what
// is defended. Crashes in the middle of a write are the kill-and-restart
// test's (cmd/zadankai/crash_test.go).

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// registrationsOf returns the statuses of a roundtable's registrations by
// member, as its organisers see them.
func registrationsOf(t *testing.T, e *env, organiser *actor, id string) map[rooms.MemberID]string {
	t.Helper()
	r := organiser.do(t, "GET", e.srv.URL+"/api/v1/roundtables/"+id+"/registrations", "")
	var v struct {
		Registrations []struct {
			Member struct {
				ID rooms.MemberID `json:"id"`
			} `json:"member"`
			Status string `json:"status"`
		} `json:"registrations"`
	}
	if err := json.Unmarshal(r.body, &v); r.status != 200 || err != nil {
		t.Fatalf("registrations = %d %s", r.status, r.body)
	}
	out := map[rooms.MemberID]string{}
	for _, reg := range v.Registrations {
		out[reg.Member.ID] = reg.Status
	}
	return out
}

func countStatus(regs map[rooms.MemberID]string, status string) int {
	n := 0
	for _, s := range regs {
		if s == status {
			n++
		}
	}
	return n
}

// A roundtable for three with the first seat given back is lowered to
// two (two seats are taken, so it is allowed); a newcomer then took the
// freed lowest seat and three people sat in two seats.
func TestAttackStoreCapacityLoweredThenLowSeatRetaken(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	rt := e.createRoundtable(t, w.operator, roundtableBody(48, 3, "small_round", w.operator.m.ID, ""))
	url := e.srv.URL + "/api/v1/roundtables/" + rt.ID
	people := []*actor{w.memberA, w.memberB, e.extraMember(t, w.coA.ID, "c@alpha.test"), e.extraMember(t, w.coB.ID, "d@beta.test")}
	for _, a := range people[:3] {
		if r := a.do(t, "POST", url+"/register", ""); r.status != 200 || !strings.Contains(string(r.body), "registered") {
			t.Fatalf("register %s = %d %s", a.m.Email, r.status, r.body)
		}
	}
	if r := people[0].do(t, "POST", url+"/withdraw", ""); r.status != 200 {
		t.Fatalf("withdraw = %d %s", r.status, r.body)
	}
	var cur roundtable
	json.Unmarshal(w.operator.do(t, "GET", url, "").body, &cur)
	body := strings.TrimSuffix(roundtableBody(48, 2, "small_round", w.operator.m.ID, ""), "}") + `,"version":` + itoa(cur.Version) + `}`
	if r := w.operator.do(t, "PUT", url, body); r.status != 200 {
		t.Fatalf("lowering the capacity to the two seats taken = %d %s", r.status, r.body)
	}
	r := people[3].do(t, "POST", url+"/register", "")
	if r.status != 200 || !strings.Contains(string(r.body), `"waitlisted"`) {
		t.Errorf("a newcomer at a full roundtable of two = %d %s, want waitlisted", r.status, r.body)
	}
	regs := registrationsOf(t, e, w.operator, rt.ID)
	if n := countStatus(regs, "registered"); n != 2 {
		t.Errorf("%d people hold a seat at a roundtable for 2: %v", n, regs)
	}
	json.Unmarshal(w.operator.do(t, "GET", url, "").body, &cur)
	if cur.SeatsLeft != 0 || cur.Waitlist != 1 {
		t.Errorf("after the newcomer: %d seats left, %d waiting; want 0 and 1", cur.SeatsLeft, cur.Waitlist)
	}
}

// Deleting an account left her seat held by "former member": nobody on
// the waitlist was promoted.
func TestAttackStoreDeletedAccountKeepsSeat(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	rt := e.createRoundtable(t, w.operator, roundtableBody(48, 1, "small_round", w.operator.m.ID, ""))
	url := e.srv.URL + "/api/v1/roundtables/" + rt.ID
	w.memberA.do(t, "POST", url+"/register", "")
	if r := w.memberB.do(t, "POST", url+"/register", ""); !strings.Contains(string(r.body), "waitlisted") {
		t.Fatalf("second registration = %d %s, want waitlisted", r.status, r.body)
	}
	if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/me/delete", `{"password":"password-123"}`); r.status != 204 {
		t.Fatalf("delete = %d %s", r.status, r.body)
	}
	regs := registrationsOf(t, e, w.operator, rt.ID)
	if regs[w.memberB.m.ID] != "registered" || regs[w.memberA.m.ID] == "registered" {
		t.Errorf("after the seat holder deleted her account: %v; want the waiting member promoted", regs)
	}
	if !mailedAbout(e, w.memberB.m.Email, "席が空きました") {
		t.Errorf("the promoted member got no email")
	}
}

// mailedAbout reports whether to got an email whose subject contains s.
func mailedAbout(e *env, to, s string) bool {
	for _, m := range e.outbox.Messages() {
		if m.Email.To == to && strings.Contains(m.Email.Subject, s) {
			return true
		}
	}
	return false
}

// Deleting an account kept her in other members' current recommendations
// (as "former member").
func TestAttackStoreDeletedAccountStillRecommended(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberB.m, w.memberA.m)
	if r := w.memberB.do(t, "GET", e.srv.URL+"/api/v1/recommendations", ""); !strings.Contains(string(r.body), string(w.memberA.m.ID)) {
		t.Fatalf("recommendations before = %s", r.body)
	}
	if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/me/delete", `{"password":"password-123"}`); r.status != 204 {
		t.Fatalf("delete = %d %s", r.status, r.body)
	}
	if r := w.memberB.do(t, "GET", e.srv.URL+"/api/v1/recommendations", ""); strings.Contains(string(r.body), string(w.memberA.m.ID)) {
		t.Errorf("a deleted account is still recommended: %s", r.body)
	}
	rec, err := e.store.GetRecommendation(t.Context(), w.memberB.m.ID)
	if err != nil || rec.Has(w.memberA.m.ID) {
		t.Errorf("the stored batch still names the deleted account (%v)", err)
	}
}

// Deleting an account cancelled her open requests without a word to the
// person who was asked, who kept waiting for nothing.
func TestAttackStoreDeletedAccountCancelsSilently(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.alwaysAvailable(t, w.memberB.m)
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(30))
	if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/me/delete", `{"password":"password-123"}`); r.status != 204 {
		t.Fatalf("delete = %d %s", r.status, r.body)
	}
	got := parseConsultation(t, w.memberB.do(t, "GET", e.srv.URL+"/api/v1/consultations/"+cs.ID, ""))
	if got.Status != "cancelled" || got.AwaitingMe {
		t.Errorf("the request after the requester left: %+v", got)
	}
	if !mailedAbout(e, w.memberB.m.Email, "キャンセル") {
		t.Errorf("the person asked got no notice; mails: %v", e.outbox.Messages())
	}
}

// The data export lacked roundtable registrations and the feedback the
// member gave (on consultations and on roundtables).
func TestAttackStoreExportMissesRegistrationsAndFeedback(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.alwaysAvailable(t, w.memberB.m)
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(2))
	if r := w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/accept", `{"slot":0}`); r.status != 200 {
		t.Fatalf("accept = %d %s", r.status, r.body)
	}
	rt := e.createRoundtable(t, w.operator, roundtableBody(2, 5, "small_round", w.operator.m.ID, ""))
	later := e.createRoundtable(t, w.operator, roundtableBody(24*7, 5, "stage", w.operator.m.ID, ""))
	for _, id := range []string{rt.ID, later.ID} {
		if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/roundtables/"+id+"/register", ""); r.status != 200 {
			t.Fatalf("register = %d %s", r.status, r.body)
		}
	}
	e.skew.Store(int64(60 * time.Hour))
	for _, f := range []struct{ url, body string }{
		{"/api/v1/consultations/" + cs.ID + "/feedback", `{"rating":4,"text":"MY-CONSULTATION-NOTE"}`},
		{"/api/v1/roundtables/" + rt.ID + "/feedback", `{"rating":5,"text":"MY-ROUNDTABLE-NOTE"}`},
	} {
		if r := w.memberA.do(t, "POST", e.srv.URL+f.url, f.body); r.status != 201 {
			t.Fatalf("feedback %s = %d %s", f.url, r.status, r.body)
		}
	}
	if r := w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/feedback", `{"rating":2,"text":"HER-PEER-NOTE"}`); r.status != 201 {
		t.Fatalf("peer feedback = %d %s", r.status, r.body)
	}
	r := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/me/export", "")
	if r.status != 200 {
		t.Fatalf("export = %d %s", r.status, r.body)
	}
	body := string(r.body)
	for _, want := range []string{rt.ID, later.ID, "MY-CONSULTATION-NOTE", "MY-ROUNDTABLE-NOTE", `"status":"registered"`} {
		if !strings.Contains(body, want) {
			t.Errorf("export lacks %q: %s", want, body)
		}
	}
	if strings.Contains(body, "HER-PEER-NOTE") {
		t.Errorf("export holds what the other person said about her: %s", body)
	}
}
