package api_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
)

type overview struct {
	Overview struct {
		Companies []struct {
			Name    string
			Members int
			Active  int
		}
		Consultations struct{ Requested, Held, Cancelled int }
		Roundtables   struct{ Held, Seats, Attended int }
		Reports       int
	}
}

func (e *env) overview(t *testing.T, op *actor, days int) overview {
	t.Helper()
	r := op.do(t, "GET", e.srv.URL+"/api/v1/overview?days="+itoa(int64(days)), "")
	var o overview
	if r.status != 200 || json.Unmarshal(r.body, &o) != nil {
		t.Fatalf("overview = %d %s", r.status, r.body)
	}
	return o
}

// TestOverviewCountsRoundtableAttendance: the operators' overview counts
// the seats of a roundtable held in the period and the people who opened
// its room (once each, however often they come back), not its
// moderators or guests.
func TestOverviewCountsRoundtableAttendance(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.makeModerator(t, w.memberB)
	rt := e.createRoundtable(t, w.operator, roundtableBody(2, 10, "stage", w.memberB.m.ID, `,"speakers":["`+string(w.guest.m.ID)+`"]`))
	url := e.srv.URL + "/api/v1/roundtables/" + rt.ID
	other := e.login(t, e.addMember(t, "other@alpha.test", "password-123"), "password-123")
	for _, a := range []*actor{w.memberA, other} {
		if r := a.do(t, "POST", url+"/register", ""); r.status >= 300 {
			t.Fatalf("register = %d %s", r.status, r.body)
		}
	}
	e.skew.Store(int64(2*time.Hour - 10*time.Minute))
	for _, a := range []*actor{w.memberA, w.memberA, w.memberB, w.guest} { // she comes back once
		if r := a.do(t, "POST", url+"/join", ""); r.status != 200 {
			t.Fatalf("%s join = %d %s", a.m.Email, r.status, r.body)
		}
	}
	e.skew.Store(int64(2*time.Hour + 5*time.Minute)) // it has started
	got := e.overview(t, w.operator, 7).Overview.Roundtables
	if got.Held != 1 || got.Seats != 2 || got.Attended != 1 {
		t.Errorf("roundtables = %+v, want 1 held, 2 seats, 1 came", got)
	}
	if r := w.adminA.do(t, "GET", e.srv.URL+"/api/v1/overview", ""); r.status != 403 {
		t.Errorf("a company admin reads the overview: %d", r.status)
	}
	if r := w.operator.do(t, "GET", e.srv.URL+"/api/v1/overview?days=0", ""); r.status != 400 {
		t.Errorf("days=0: %d %s", r.status, r.body)
	}
}

// seedDemo loads the demo data into e's store.
func (e *env) seedDemo(t *testing.T) {
	t.Helper()
	hash := func(p string) (string, error) {
		b, err := bcrypt.GenerateFromPassword([]byte(p), bcrypt.MinCost)
		return string(b), err
	}
	if _, err := rooms.SeedDemo(context.Background(), e.store, hash); err != nil {
		t.Fatal(err)
	}
}

func (e *env) demoLogin(t *testing.T, email string) *actor {
	t.Helper()
	m, err := e.store.GetMemberByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return e.login(t, m, rooms.DemoPassword)
}

type figure struct {
	Value      *float64
	Suppressed bool
}

// lastMonth reads the closed month before this one as admin sees it.
func (e *env) lastMonth(t *testing.T, admin *actor) map[string]figure {
	t.Helper()
	r := admin.do(t, "GET", e.srv.URL+"/api/v1/companies/"+string(admin.m.CompanyID)+"/stats?months=1", "")
	var s struct{ Months []map[string]json.RawMessage }
	if r.status != 200 || json.Unmarshal(r.body, &s) != nil || len(s.Months) != 1 {
		t.Fatalf("stats = %d %s", r.status, r.body)
	}
	out := map[string]figure{}
	for k, v := range s.Months[0] {
		var f figure
		if json.Unmarshal(v, &f) == nil {
			out[k] = f
		}
	}
	return out
}

// TestDemoShowsHRAReadableMonth: with the demo data the HR of さくら精密
// reads real figures for last month (six members joined — not counting
// her own account, the revoked or the open invitation — five held a
// consultation and rated it), while a figure from one person (the one
// cancellation) and the small company next door stay hidden; the
// operators' overview shows who uses the platform.
func TestDemoShowsHRAReadableMonth(t *testing.T) {
	e := newEnv(t)
	e.seedDemo(t)
	e.seedDemo(t) // seeding again adds nothing
	sakura := e.lastMonth(t, e.demoLogin(t, "hr@sakura.example"))
	value := func(f figure) float64 {
		if f.Value == nil || f.Suppressed {
			return -1
		}
		return *f.Value
	}
	if v := value(sakura["members_joined"]); v != 6 {
		t.Errorf("members joined = %v, want 6", v)
	}
	for _, k := range []string{"members_active", "consultations_held"} {
		if v := value(sakura[k]); v < 5 {
			t.Errorf("%s = %v, want at least 5", k, v)
		}
	}
	if v := value(sakura["average_rating"]); v < 4 || v > 5 {
		t.Errorf("average rating = %v, want the demo's 4–5", v)
	}
	if f := sakura["consultations_cancelled"]; !f.Suppressed || f.Value != nil {
		t.Errorf("one person's cancellation must stay hidden: %+v", f)
	}
	if f := e.lastMonth(t, e.demoLogin(t, "hr@minato.example"))["members_active"]; !f.Suppressed {
		t.Errorf("みなと商事 has two active members; the figure must stay hidden: %+v", f)
	}
	o := e.overview(t, e.demoLogin(t, "operator@zadankai.example"), 62).Overview
	if len(o.Companies) != 3 || o.Companies[0].Name != "さくら精密株式会社" || o.Companies[0].Members != 6 || o.Companies[0].Active < 5 {
		t.Errorf("companies by activity = %+v, want さくら精密 first with 6 members, 5 or more active", o.Companies)
	}
	if o.Consultations.Held < 5 || o.Roundtables.Attended < 5 || o.Reports < 1 {
		t.Errorf("overview = %+v, want the demo's last month in it", o)
	}
}
