package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

type registration struct {
	Status     string `json:"status"`
	Position   int    `json:"position"`
	Roundtable struct {
		ID         string `json:"id"`
		SeatsLeft  int    `json:"seats_left"`
		Waitlist   int    `json:"waitlist"`
		MyStatus   string `json:"my_status"`
		MyPosition int    `json:"my_position"`
	} `json:"roundtable"`
}

// TestRegisteringSaysWhereYouStand: the answer to a registration carries
// the seat or the place on the waitlist and the roundtable as she now
// sees it, so the page needs no second call.
func TestRegisteringSaysWhereYouStand(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	rt := e.createRoundtable(t, w.operator, roundtableBody(48, 1, "small_round", w.operator.m.ID, ""))
	want := []struct {
		who      *actor
		status   string
		position int
	}{
		{w.memberA, "registered", 0},
		{w.memberB, "waitlisted", 1},
		{e.extraMember(t, w.coA.ID, "x@alpha.test"), "waitlisted", 2},
	}
	for _, tc := range want {
		var got registration
		r := tc.who.do(t, "POST", e.srv.URL+"/api/v1/roundtables/"+rt.ID+"/register", "")
		if err := json.Unmarshal(r.body, &got); err != nil || r.status != 200 {
			t.Fatalf("register = %d %s", r.status, r.body)
		}
		if got.Status != tc.status || got.Position != tc.position || got.Roundtable.ID != rt.ID || got.Roundtable.MyStatus != tc.status ||
			got.Roundtable.MyPosition != tc.position || got.Roundtable.SeatsLeft != 0 {
			t.Errorf("%s registered: %+v; want %s at %d", tc.who.m.Email, got, tc.status, tc.position)
		}
	}
}

// TestRaisedCapacitySeatsTheWaitlist: an organiser who adds seats while
// people wait seats them in the order they queued, each with the usual
// email and calendar entry; the capacity still never drops below the
// seats taken.
func TestRaisedCapacitySeatsTheWaitlist(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	op := w.operator.m.ID
	rt := e.createRoundtable(t, w.operator, roundtableBody(48, 1, "small_round", op, ""))
	x := e.extraMember(t, w.coA.ID, "x@alpha.test")
	for _, p := range []*actor{w.memberA, w.memberB, x} { // one seat, then two waiting in this order
		p.do(t, "POST", e.srv.URL+"/api/v1/roundtables/"+rt.ID+"/register", "")
	}
	version := rt.Version
	edit := func(capacity int) response {
		t.Helper()
		r := w.operator.do(t, "PUT", e.srv.URL+"/api/v1/roundtables/"+rt.ID, roundtableBody(48, capacity, "small_round", op, fmt.Sprintf(`,"version":%d`, version)))
		var v struct {
			Version  int64 `json:"version"`
			Promoted int   `json:"promoted"`
		}
		json.Unmarshal(r.body, &v)
		if r.status == 200 {
			version = v.Version
		}
		return r
	}
	mark := len(e.outbox.Messages())
	r := edit(2)
	if r.status != 200 || !strings.Contains(string(r.body), `"promoted":1`) || !strings.Contains(string(r.body), `"waitlist":1`) {
		t.Fatalf("capacity 1 → 2 with two waiting = %d %s; want the first seated", r.status, r.body)
	}
	got := e.mailSince(mark, w.memberB.m.Email)
	if len(got) != 1 || !strings.Contains(got[0].Subject, "席が空きました") || len(got[0].Attachments) != 1 ||
		!strings.Contains(string(got[0].Attachments[0].Data), "METHOD:REQUEST") {
		t.Errorf("the first waiting got %+v; want the seat email with the calendar entry", got)
	}
	if n := len(e.mailSince(mark, x.m.Email)); n != 0 {
		t.Errorf("the second waiting got %d emails", n)
	}
	var mine registration
	json.Unmarshal(x.do(t, "GET", e.srv.URL+"/api/v1/roundtables/"+rt.ID, "").body, &mine.Roundtable)
	if mine.Roundtable.MyStatus != "waitlisted" || mine.Roundtable.MyPosition != 1 {
		t.Errorf("the second waiting now: %+v; want first in the queue", mine.Roundtable)
	}
	r = edit(1)
	if code, field := r.errorCode(t); r.status != 422 || code != "capacity_locked" || field != "capacity" {
		t.Errorf("capacity 2 → 1 with two seated = %d %s/%s", r.status, code, field)
	}
	if r := edit(10); r.status != 200 || !strings.Contains(string(r.body), `"promoted":1`) || !strings.Contains(string(r.body), `"seats_left":7`) {
		t.Errorf("capacity 2 → 10 = %d %s; want the last one seated and 7 seats left", r.status, r.body)
	}
	json.Unmarshal(x.do(t, "GET", e.srv.URL+"/api/v1/roundtables/"+rt.ID, "").body, &mine.Roundtable)
	if mine.Roundtable.MyStatus != "registered" {
		t.Errorf("the last one waiting: %+v", mine.Roundtable)
	}
}
