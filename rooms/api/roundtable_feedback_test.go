package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
)

// matrixRow is a row of TestAuthorizationMatrix.
type matrixRow = struct {
	method, path, body string
	want               map[string]int
}

// roundtableMatrixRows adds the roundtable endpoints to the authorization
// matrix: a stage roundtable open to everyone (member A has a seat, the
// guest speaks, the operator moderates) and one that excludes company A.
func roundtableMatrixRows(t *testing.T, e *env, w *world) []matrixRow {
	t.Helper()
	open := e.createRoundtable(t, w.operator, roundtableBody(48, 10, "stage", w.operator.m.ID, `,"speakers":["`+string(w.guest.m.ID)+`"]`))
	closed := e.createRoundtable(t, w.operator, roundtableBody(72, 10, "small_round", w.operator.m.ID, `,"excluded_companies":["`+string(w.coA.ID)+`"]`))
	if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/roundtables/"+open.ID+"/register", ""); r.status != 200 {
		t.Fatalf("setup: register = %d %s", r.status, r.body)
	}
	if r := w.memberB.do(t, "POST", e.srv.URL+"/api/v1/roundtables/"+closed.ID+"/register", ""); r.status != 200 {
		t.Fatalf("setup: register B = %d %s", r.status, r.body)
	}
	o, x := "/api/v1/roundtables/"+open.ID, "/api/v1/roundtables/"+closed.ID
	c := func(anon, member, admin, guest, op int) map[string]int {
		return map[string]int{"anonymous": anon, "member A": member, "admin A": admin, "guest": guest, "operator": op}
	}
	return []matrixRow{
		{"GET", "/api/v1/roundtables", "", c(401, 200, 200, 200, 200)},
		{"GET", "/api/v1/roundtables?when=past", "", c(401, 200, 200, 200, 200)},
		{"GET", o, "", c(401, 200, 200, 200, 200)},
		{"GET", x, "", c(401, 404, 404, 404, 200)},
		{"POST", o + "/feedback", `{"rating":5}`, c(401, 409, 403, 409, 409)}, // not ended yet
		{"POST", x + "/feedback", `{"rating":5}`, c(401, 404, 404, 404, 409)},
		{"GET", o + "/feedback", "", c(401, 403, 403, 403, 200)},
		{"GET", x + "/feedback", "", c(401, 403, 403, 403, 200)},
		{"GET", "/api/v1/feedback/roundtables", "", c(401, 403, 403, 403, 200)},
		{"GET", "/api/v1/audit", "", c(401, 403, 403, 403, 200)},
		{"GET", "/api/v1/audit?roundtable_id=" + closed.ID, "", c(401, 403, 403, 403, 200)},
		{"GET", o + "/calendar.ics", "", c(401, 200, 403, 200, 200)},
		{"GET", x + "/calendar.ics", "", c(401, 404, 404, 404, 200)},
		{"GET", "/api/v1/roundtable-people", "", c(401, 403, 403, 403, 200)},
		{"POST", "/api/v1/roundtable-people/moderators", `{"email":"member@beta.test","moderator":false}`, c(401, 403, 403, 403, 200)},
		{"GET", o + "/registrations", "", c(401, 403, 403, 403, 200)},
		{"GET", x + "/registrations", "", c(401, 404, 404, 404, 200)},
		{"GET", o + "/audit", "", c(401, 403, 403, 403, 200)},
	}
}

// endedRoundtable schedules a small round in two hours with memberA
// registered and memberB waitlisted behind a full seat, then moves the
// clock past its end.
func endedRoundtable(t *testing.T, e *env, w *world) string {
	t.Helper()
	e.makeModerator(t, w.memberB)
	rt := e.createRoundtable(t, w.operator, roundtableBody(2, 1, "small_round", w.operator.m.ID, `,"speakers":["`+string(w.guest.m.ID)+`"]`))
	url := e.srv.URL + "/api/v1/roundtables/" + rt.ID
	for _, a := range []*actor{w.memberA, w.adminA} {
		if r := a.do(t, "POST", url+"/register", ""); r.status != 200 && r.status != 403 {
			t.Fatalf("register %s = %d %s", a.m.Email, r.status, r.body)
		}
	}
	e.skew.Store(int64(3*time.Hour + time.Minute))
	return rt.ID
}

func TestRoundtableFeedbackFlow(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	rt := e.createRoundtable(t, w.operator, roundtableBody(2, 1, "small_round", w.operator.m.ID, `,"speakers":["`+string(w.guest.m.ID)+`"]`))
	url := e.srv.URL + "/api/v1/roundtables/" + rt.ID
	w.memberA.do(t, "POST", url+"/register", "")
	w.memberB.do(t, "POST", url+"/register", "") // waitlisted: the only seat is taken
	body := `{"rating":5,"tags":["informative","felt_safe"],"text":"とても参考になりました secret-note","want_more":true}`
	if r := w.memberA.do(t, "POST", url+"/feedback", body); r.status != 409 {
		t.Errorf("feedback before the end = %d %s", r.status, r.body)
	}
	e.skew.Store(int64(3*time.Hour + time.Minute))
	if r := w.memberB.do(t, "POST", url+"/feedback", body); r.status != 403 {
		t.Errorf("feedback from the waitlist = %d %s", r.status, r.body)
	}
	var v struct {
		FeedbackOpen  bool `json:"feedback_open"`
		FeedbackGiven bool `json:"feedback_given"`
		Ended         bool
	}
	json.Unmarshal(w.memberA.do(t, "GET", url, "").body, &v)
	if !v.FeedbackOpen || v.FeedbackGiven || !v.Ended {
		t.Errorf("before giving feedback: %+v", v)
	}
	for _, a := range []*actor{w.memberA, w.guest, w.operator} {
		b := body
		if a != w.memberA {
			b = `{"rating":3,"want_more":false}`
		}
		if r := a.do(t, "POST", url+"/feedback", b); r.status != 201 {
			t.Errorf("%s feedback = %d %s", a.m.Email, r.status, r.body)
		}
	}
	r := w.memberA.do(t, "POST", url+"/feedback", `{"rating":1}`)
	if code, _ := r.errorCode(t); r.status != 409 || code != "already_given" {
		t.Errorf("second feedback = %d %s", r.status, r.body)
	}
	json.Unmarshal(w.memberA.do(t, "GET", url, "").body, &v)
	if v.FeedbackOpen || !v.FeedbackGiven {
		t.Errorf("after giving feedback: %+v", v)
	}
	// The past list shows it to the participant, not to someone who was only waiting.
	if r := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/roundtables?when=past", ""); !strings.Contains(string(r.body), rt.ID) {
		t.Errorf("past list of a participant lacks the roundtable: %s", r.body)
	}
	if r := w.memberB.do(t, "GET", e.srv.URL+"/api/v1/roundtables?when=past", ""); strings.Contains(string(r.body), rt.ID) {
		t.Errorf("past list of a waitlisted member shows the roundtable: %s", r.body)
	}
	checkOperatorFeedback(t, e, w, url)
}

// checkOperatorFeedback reads the roundtable's feedback as an operator
// (figures and text) and checks that nobody else can read the text.
func checkOperatorFeedback(t *testing.T, e *env, w *world, url string) {
	t.Helper()
	var one struct {
		Summary struct {
			Responses int
			Rating    float64 `json:"average_rating"`
			WantMore  int     `json:"want_more"`
		}
		Feedback []struct{ Text string }
	}
	json.Unmarshal(w.operator.do(t, "GET", url+"/feedback", "").body, &one)
	if one.Summary.Responses != 3 || one.Summary.WantMore != 1 || fmt.Sprintf("%.2f", one.Summary.Rating) != "3.67" || len(one.Feedback) != 3 {
		t.Errorf("operator's roundtable feedback: %+v", one)
	}
	var all struct {
		ByTheme []rooms.ThemeDemand `json:"by_theme"`
	}
	r := w.operator.do(t, "GET", e.srv.URL+"/api/v1/feedback/roundtables?days=7", "")
	json.Unmarshal(r.body, &all)
	if !strings.Contains(string(r.body), "secret-note") || len(all.ByTheme) != 1 || all.ByTheme[0] != (rooms.ThemeDemand{Theme: "promotion", Responses: 3, WantMore: 1, Rating: 11.0 / 3}) {
		t.Errorf("operator's report: %s", r.body)
	}
	// Feedback text never reaches company admins, members or guests; only
	// its author gets her own words back, in her data export (issue 12).
	for _, a := range []*actor{w.adminA, w.adminB, w.memberA, w.guest} {
		for _, p := range []string{url + "/feedback", e.srv.URL + "/api/v1/feedback/roundtables", e.srv.URL + "/api/v1/feedback",
			e.srv.URL + "/api/v1/companies/" + string(w.coA.ID) + "/stats", url, e.srv.URL + "/api/v1/me/export"} {
			if a == w.memberA && strings.HasSuffix(p, "/me/export") {
				continue
			}
			if r := a.do(t, "GET", p, ""); strings.Contains(string(r.body), "secret-note") {
				t.Errorf("%s reads feedback text at %s", a.m.Email, p)
			}
		}
	}
}

func TestRoundtableFeedbackBadInputWritesNothing(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	rt := endedRoundtable(t, e, w)
	url := e.srv.URL + "/api/v1/roundtables/" + rt + "/feedback"
	cases := []struct {
		name, ct, body string
		status         int
		code, field    string
	}{
		{"unknown field", "application/json", `{"rating":4,"admin":true}`, 400, "unknown_field", "admin"},
		{"wrong type", "application/json", `{"rating":{"$gt":0}}`, 400, "wrong_type", "rating"},
		{"text as number", "application/json", `{"rating":4,"text":5}`, 400, "wrong_type", "text"},
		{"two objects", "application/json", `{"rating":4}{}`, 400, "malformed_json", ""},
		{"form", "application/x-www-form-urlencoded", `rating=4`, 415, "unsupported_media_type", ""},
		{"no rating", "application/json", `{"want_more":true}`, 422, "out_of_range", "rating"},
		{"rating 6", "application/json", `{"rating":6}`, 422, "out_of_range", "rating"},
		{"unknown tag", "application/json", `{"rating":4,"tags":["informative","boring"]}`, 422, "unknown_value", "tags[1]"},
		{"tag twice", "application/json", `{"rating":4,"tags":["felt_safe","felt_safe"]}`, 422, "duplicate", "tags[1]"},
		{"long text", "application/json", `{"rating":4,"text":"` + strings.Repeat("あ", 2001) + `"}`, 413, "body_too_large", ""},
	}
	for _, tc := range cases {
		r := do(t, w.memberA.c, "POST", url, tc.ct, tc.body, "X-CSRF-Token", w.memberA.csrf)
		if code, field := r.errorCode(t); r.status != tc.status || code != tc.code || field != tc.field {
			t.Errorf("%s: = %d %s/%s, want %d %s/%s", tc.name, r.status, code, field, tc.status, tc.code, tc.field)
		}
	}
	long := `{"rating":4,"text":"` + strings.Repeat("a", 2001) + `"}`
	if r := w.memberA.do(t, "POST", url, long); r.status != 422 {
		t.Errorf("2001 characters = %d %s", r.status, r.body)
	}
	if list, err := e.store.ListRoundtableFeedback(context.Background(), "", time.Unix(0, 0), time.Now().Add(24*time.Hour)); err != nil || len(list) != 0 {
		t.Fatalf("refused feedback was written: %d entries (%v)", len(list), err)
	}
	if r := w.memberA.do(t, "POST", url, `{"rating":4,"tags":[]}`); r.status != 201 {
		t.Errorf("valid feedback after the refusals = %d %s", r.status, r.body)
	}
}

func TestRoundtableListFiltersAndPosition(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	rt := e.createRoundtable(t, w.operator, roundtableBody(48, 1, "stage", w.operator.m.ID, ""))
	life := e.createRoundtable(t, w.operator, strings.Replace(strings.Replace(roundtableBody(96, 5, "small_round", w.operator.m.ID, ""),
		`"axis":"career","themes":["promotion"]`, `"axis":"life","themes":["work_life_balance"]`, 1), `"format":"online"`, `"format":"hybrid","venue":"渋谷"`, 1))
	url := e.srv.URL + "/api/v1/roundtables"
	w.memberA.do(t, "POST", url+"/"+rt.ID+"/register", "")
	w.memberB.do(t, "POST", url+"/"+rt.ID+"/register", "")
	third := e.extraMember(t, w.coB.ID, "third@beta.test")
	third.do(t, "POST", url+"/"+rt.ID+"/register", "")
	e.makeModerator(t, w.memberB)
	modded := e.createRoundtable(t, w.operator, roundtableBody(60, 5, "stage", w.memberB.m.ID, ""))
	if r := w.memberB.do(t, "POST", url+"/"+modded.ID+"/register", ""); r.status != 409 {
		t.Errorf("a moderator registers for her own roundtable = %d %s", r.status, r.body)
	}
	var v struct {
		MyStatus   string `json:"my_status"`
		MyPosition int    `json:"my_position"`
	}
	json.Unmarshal(third.do(t, "GET", url+"/"+rt.ID, "").body, &v)
	if v.MyStatus != "waitlisted" || v.MyPosition != 2 {
		t.Errorf("third to register for one seat: %+v, want waitlisted at 2", v)
	}
	day := time.Now().Add(96 * time.Hour).In(mustZone(t, "Asia/Tokyo")).Format(time.DateOnly)
	for q, want := range map[string][2]bool{
		"?axis=life": {false, true}, "?theme=promotion": {true, false}, "?format=hybrid": {false, true},
		"?date=" + day: {false, true}, "?axis=career&format=online": {true, false}, "": {true, true},
	} {
		body := string(w.memberA.do(t, "GET", url+q, "").body)
		if strings.Contains(body, rt.ID) != want[0] || strings.Contains(body, life.ID) != want[1] {
			t.Errorf("list%s: career %v, life %v; want %v", q, strings.Contains(body, rt.ID), strings.Contains(body, life.ID), want)
		}
	}
	badQueries(t, w.memberA, url, map[string]string{"?axis=work": "axis", "?theme=nope": "theme", "?format=zoom": "format",
		"?date=2026-13-01": "date", "?days=0": "days", "?when=later": "when"})
	r := w.memberA.do(t, "GET", url+"/"+rt.ID+"/calendar.ics", "")
	ics := strings.ReplaceAll(string(r.body), "\r\n ", "") // unfold long lines
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/calendar") || !strings.Contains(ics, "BEGIN:VEVENT") ||
		!strings.Contains(ics, w.memberA.m.Email) || strings.Contains(ics, w.memberB.m.Email) {
		t.Errorf("calendar file = %d %s", r.status, r.body)
	}
	if r := third.do(t, "GET", url+"/"+rt.ID+"/calendar.ics", ""); r.status != 403 {
		t.Errorf("calendar file from the waitlist = %d", r.status)
	}
}

// extraMember adds a logged-in member to company co.
func (e *env) extraMember(t *testing.T, co rooms.CompanyID, email string) *actor {
	t.Helper()
	hash, _ := bcrypt.GenerateFromPassword([]byte("password-123"), bcrypt.MinCost)
	m := &rooms.Member{ID: rooms.NewMemberID(), CompanyID: co, Email: email, DisplayName: "Extra", Role: rooms.RoleMember, PasswordHash: string(hash)}
	m.Validate()
	if err := e.store.CreateMember(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return e.login(t, m, "password-123")
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestOperatorAuditListing(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	r1 := e.createRoundtable(t, w.operator, roundtableBody(48, 5, "stage", w.operator.m.ID, ""))
	r2 := e.createRoundtable(t, w.operator, roundtableBody(50, 5, "stage", w.operator.m.ID, ""))
	base := time.Now().Add(-time.Hour)
	for i := range 5 {
		rt := rooms.RoundtableID(r1.ID)
		if i%2 == 1 {
			rt = rooms.RoundtableID(r2.ID)
		}
		en := &rooms.AuditEntry{ID: rooms.NewAuditID(), RoundtableID: rt, ActorID: w.operator.m.ID, Action: fmt.Sprintf("act%d", i),
			TargetID: w.memberA.m.ID, At: base.Add(time.Duration(i) * time.Minute)}
		if err := e.store.AppendAudit(context.Background(), en); err != nil {
			t.Fatal(err)
		}
	}
	type page struct {
		Entries []struct {
			Title string `json:"roundtable_title"`
			Act   string `json:"action"`
			Actor struct {
				DisplayName string `json:"display_name"`
			}
			Target *struct {
				DisplayName string `json:"display_name"`
			}
		}
		Next string
	}
	var got []string
	next := ""
	for range 4 {
		var p page
		r := w.operator.do(t, "GET", e.srv.URL+"/api/v1/audit?limit=2&before="+next, "")
		if r.status != 200 {
			t.Fatalf("audit page = %d %s", r.status, r.body)
		}
		json.Unmarshal(r.body, &p)
		for _, en := range p.Entries {
			got = append(got, en.Act)
			if en.Title != "管理職という選択" || en.Actor.DisplayName == "" || en.Target == nil || en.Target.DisplayName == "" {
				t.Errorf("entry lacks names: %+v", en)
			}
		}
		if next = p.Next; next == "" {
			break
		}
	}
	if strings.Join(got, ",") != "act4,act3,act2,act1,act0" {
		t.Errorf("paged audit = %v, want newest first", got)
	}
	var only page
	json.Unmarshal(w.operator.do(t, "GET", e.srv.URL+"/api/v1/audit?roundtable_id="+r2.ID, "").body, &only)
	if len(only.Entries) != 2 || only.Entries[0].Act != "act3" || only.Next != "" {
		t.Errorf("audit of one roundtable: %+v", only)
	}
	badQueries(t, w.operator, e.srv.URL+"/api/v1/audit", map[string]string{"?limit=0": "limit", "?limit=abc": "limit",
		"?before=123": "before", "?before=x.au_1": "before", "?roundtable_id=../x": "roundtable_id"})
}

// badQueries checks that each query is refused with 400 on its field.
func badQueries(t *testing.T, a *actor, url string, queries map[string]string) {
	t.Helper()
	for q, field := range queries {
		r := a.do(t, "GET", url+q, "")
		if code, f := r.errorCode(t); r.status != 400 || f != field || code == "" {
			t.Errorf("GET %s%s = %d %s/%s, want 400 on %s", url, q, r.status, code, f, field)
		}
	}
}

func TestRoundtablePeople(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.makeModerator(t, w.memberB)
	var p struct {
		Moderators, Speakers []struct{ ID, Email string }
	}
	json.Unmarshal(w.operator.do(t, "GET", e.srv.URL+"/api/v1/roundtable-people", "").body, &p)
	if len(p.Moderators) != 2 || len(p.Speakers) != 1 || p.Speakers[0].ID != string(w.guest.m.ID) || p.Speakers[0].Email == "" {
		t.Errorf("operator's people: %+v", p)
	}
	// A moderator from a company sees names, not emails.
	r := w.memberB.do(t, "GET", e.srv.URL+"/api/v1/roundtable-people", "")
	if r.status != 200 || strings.Contains(string(r.body), "@") {
		t.Errorf("moderator's people = %d %s", r.status, r.body)
	}
}

// TestOperatorNamesModerators marks a member as a moderator by email and
// takes it back; refused requests change nobody.
func TestOperatorNamesModerators(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	url := e.srv.URL + "/api/v1/roundtable-people/moderators"
	cases := []struct {
		name, body  string
		status      int
		code, field string
	}{
		{"unknown field", `{"email":"member@alpha.test","moderator":true,"role":"operator"}`, 400, "unknown_field", "role"},
		{"wrong type", `{"email":"member@alpha.test","moderator":"yes"}`, 400, "wrong_type", "moderator"},
		{"no flag", `{"email":"member@alpha.test"}`, 422, "required", "moderator"},
		{"no email", `{"moderator":true}`, 422, "required", "email"},
		{"unknown email", `{"email":"ghost@alpha.test","moderator":true}`, 422, "unknown_member", "email"},
		{"company admin", `{"email":"admin@alpha.test","moderator":true}`, 422, "not_a_member", "email"},
		{"guest", `{"email":"guest@outside.test","moderator":true}`, 422, "not_a_member", "email"},
	}
	for _, tc := range cases {
		r := w.operator.do(t, "POST", url, tc.body)
		if code, field := r.errorCode(t); r.status != tc.status || code != tc.code || field != tc.field {
			t.Errorf("%s: = %d %s/%s, want %d %s/%s", tc.name, r.status, code, field, tc.status, tc.code, tc.field)
		}
	}
	for _, id := range []rooms.MemberID{w.memberA.m.ID, w.adminA.m.ID, w.guest.m.ID} {
		if m, _ := e.store.GetMember(context.Background(), id); m.Moderator {
			t.Errorf("a refused request made %s a moderator", m.Email)
		}
	}
	create := func() int {
		return w.memberA.do(t, "POST", e.srv.URL+"/api/v1/roundtables", roundtableBody(48, 5, "stage", w.memberA.m.ID, "")).status
	}
	if s := create(); s != 403 {
		t.Fatalf("a plain member organises: %d", s)
	}
	if r := w.operator.do(t, "POST", url, `{"email":" Member@Alpha.test ","moderator":true}`); r.status != 200 || !strings.Contains(string(r.body), `"moderator":true`) {
		t.Fatalf("name a moderator = %d %s", r.status, r.body)
	}
	if s := create(); s != 201 {
		t.Errorf("a named moderator cannot organise: %d", s)
	}
	w.operator.do(t, "POST", url, `{"email":"member@alpha.test","moderator":false}`)
	if s := create(); s != 403 {
		t.Errorf("a moderator taken back still organises: %d", s)
	}
}

// TestRoundtableResponsesMatchTheDocument checks the new endpoints'
// success responses against the OpenAPI document.
func TestRoundtableResponsesMatchTheDocument(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	var doc map[string]any
	json.Unmarshal(do(t, client(t), "GET", e.srv.URL+"/api/v1/openapi.json", "", "").body, &doc)
	rt := endedRoundtable(t, e, w)
	e.store.AppendAudit(context.Background(), &rooms.AuditEntry{ID: rooms.NewAuditID(), RoundtableID: rooms.RoundtableID(rt),
		ActorID: w.operator.m.ID, Action: "mute", TargetID: w.memberA.m.ID, Detail: "microphone", At: time.Now()})
	if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/roundtables/"+rt+"/feedback", `{"rating":4,"want_more":true}`); r.status != 201 {
		t.Fatalf("feedback = %d %s", r.status, r.body)
	}
	for _, c := range []struct {
		a           *actor
		path, route string
	}{
		{w.memberA, "/api/v1/roundtables/" + rt, "/api/v1/roundtables/{id}"},
		{w.memberA, "/api/v1/roundtables?when=past", "/api/v1/roundtables"},
		{w.operator, "/api/v1/roundtables/" + rt + "/feedback", "/api/v1/roundtables/{id}/feedback"},
		{w.operator, "/api/v1/feedback/roundtables", "/api/v1/feedback/roundtables"},
		{w.operator, "/api/v1/audit?limit=1", "/api/v1/audit"},
		{w.operator, "/api/v1/roundtable-people", "/api/v1/roundtable-people"},
		{w.operator, "/api/v1/roundtables/" + rt + "/registrations", "/api/v1/roundtables/{id}/registrations"},
		{w.operator, "/api/v1/roundtables/" + rt + "/audit", "/api/v1/roundtables/{id}/audit"},
	} {
		r := c.a.do(t, "GET", e.srv.URL+c.path, "")
		if r.status != 200 {
			t.Fatalf("GET %s = %d %s", c.path, r.status, r.body)
		}
		op := doc["paths"].(map[string]any)[c.route].(map[string]any)["get"].(map[string]any)
		schema := op["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
		var v any
		json.Unmarshal(r.body, &v)
		if err := validate(doc, schema, v, "$"); err != nil {
			t.Errorf("GET %s does not match the document: %v\n%s", c.route, err, r.body)
		}
	}
}

// TestRoundtableCreateRefusalsWriteNothing sends malformed and invalid
// roundtables: each is refused with its code and field, and none is stored.
func TestRoundtableCreateRefusalsWriteNothing(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	op := w.operator.m.ID
	good := roundtableBody(48, 10, "stage", op, "")
	cases := []struct {
		name, body  string
		status      int
		code, field string
	}{
		{"unknown field", strings.Replace(good, `"talk"`, `"owner":"x","talk"`, 1), 400, "unknown_field", "owner"},
		{"capacity as text", strings.Replace(good, `"capacity":10`, `"capacity":"ten"`, 1), 400, "wrong_type", "capacity"},
		{"operator object", strings.Replace(good, `"title":"管理職という選択"`, `"title":{"$ne":""}`, 1), 400, "wrong_type", "title"},
		{"no title", strings.Replace(good, `"title":"管理職という選択"`, `"title":"  "`, 1), 422, "required", "title"},
		{"unknown theme", strings.Replace(good, `["promotion"]`, `["promotion","astrology"]`, 1), 422, "unknown_value", "themes[1]"},
		{"no moderators", strings.Replace(good, `"moderators":["`+string(op)+`"]`, `"moderators":[]`, 1), 422, "required", "moderators"},
		{"unknown speaker", roundtableBody(48, 10, "stage", op, `,"speakers":["mb_nobody"]`), 422, "unknown_member", "speakers[0]"},
		{"close a month before", strings.Replace(good, `"close_before_minutes":30`, `"close_before_minutes":50000`, 1), 422, "out_of_range", "close_before"},
		{"bad excluded company", roundtableBody(48, 10, "stage", op, `,"excluded_companies":["../x"]`), 422, "malformed", "excluded_companies[0]"},
	}
	for _, tc := range cases {
		r := w.operator.do(t, "POST", e.srv.URL+"/api/v1/roundtables", tc.body)
		if code, field := r.errorCode(t); r.status != tc.status || code != tc.code || field != tc.field {
			t.Errorf("%s: = %d %s/%s, want %d %s/%s", tc.name, r.status, code, field, tc.status, tc.code, tc.field)
		}
	}
	if list, err := e.store.ListRoundtables(context.Background(), time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0)); err != nil || len(list) != 0 {
		t.Fatalf("refused roundtables were stored: %d (%v)", len(list), err)
	}
}

// TestRoundtableEmailsSayRoundtable follows one seat: registered, given
// back (the first on the waitlist gets it), and the roundtable called
// off; each email names the roundtable, says what happened and carries
// the right calendar method.
func TestRoundtableEmailsSayRoundtable(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	rt := e.createRoundtable(t, w.operator, roundtableBody(48, 1, "small_round", w.operator.m.ID, ""))
	url := e.srv.URL + "/api/v1/roundtables/" + rt.ID
	w.memberA.do(t, "POST", url+"/register", "")
	w.memberB.do(t, "POST", url+"/register", "")
	w.memberA.do(t, "POST", url+"/withdraw", "")
	var v roundtable
	json.Unmarshal(w.operator.do(t, "GET", url, "").body, &v)
	moved := roundtableBody(50, 1, "small_round", w.operator.m.ID, fmt.Sprintf(`,"version":%d`, v.Version))
	if r := w.operator.do(t, "PUT", url, moved); r.status != 200 {
		t.Fatalf("move = %d %s", r.status, r.body)
	}
	w.memberA.do(t, "POST", url+"/register", "") // the seat is B's: A waits
	if r := w.operator.do(t, "POST", url+"/cancel", ""); r.status != 204 {
		t.Fatalf("cancel = %d %s", r.status, r.body)
	}
	type want struct{ to, subject, method string }
	var got []want
	for _, m := range e.outbox.Messages() {
		if strings.Contains(m.Email.Text, "相談") {
			t.Errorf("a roundtable email speaks of a consultation: %s", m.Email.Subject)
		}
		method := ""
		for _, a := range m.Email.Attachments {
			method = a.ContentType[strings.LastIndex(a.ContentType, "=")+1:]
		}
		got = append(got, want{m.Email.To, m.Email.Subject, method})
	}
	for _, w := range []want{
		{w.memberA.m.Email, "座談会: 「管理職という選択」に参加登録しました", "REQUEST"},
		{w.memberA.m.Email, "座談会: 「管理職という選択」をキャンセルしました", "CANCEL"},
		{w.memberB.m.Email, "座談会: 席が空きました「管理職という選択」", "REQUEST"},
		{w.memberB.m.Email, "座談会: 「管理職という選択」の日時・場所が変わりました", "REQUEST"},
		{w.memberB.m.Email, "座談会: 「管理職という選択」は中止になりました", "CANCEL"},
		{w.memberA.m.Email, "座談会: 「管理職という選択」は中止になりました", "CANCEL"}, // from the waitlist
	} {
		found := false
		for _, g := range got {
			found = found || (g.to == w.to && strings.HasPrefix(g.subject, w.subject) && g.method == w.method)
		}
		if !found {
			t.Errorf("no email %+v among %+v", w, got)
		}
	}
}
