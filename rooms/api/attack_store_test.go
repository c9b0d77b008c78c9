package api_test

// Attacks on what the store keeps (issue 12, "nothing lost, nothing
// leaked"): each test is one hole that was open, read as the list of what
// is defended. Crashes in the middle of a write are the kill-and-restart
// test's (cmd/zadankai/crash_test.go).

import (
	"encoding/json"
	"strings"
	"testing"

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
