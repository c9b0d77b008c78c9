package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
)

// roundtableBody is a valid roundtable request starting h hours from now.
func roundtableBody(h, capacity int, talk string, moderator rooms.MemberID, extra string) string {
	start := time.Now().Add(time.Duration(h) * time.Hour).UTC().Truncate(time.Minute).Format(time.RFC3339)
	return fmt.Sprintf(`{"title":"管理職という選択","description":"先輩ママに聞く","axis":"career","themes":["promotion"],"start":%q,
		"minutes":60,"time_zone":"Asia/Tokyo","format":"online","capacity":%d,"talk":%q,"moderators":[%q],"close_before_minutes":30%s}`,
		start, capacity, talk, moderator, extra)
}

func (e *env) makeModerator(t *testing.T, a *actor) {
	t.Helper()
	a.m.Moderator = true
	m, _ := e.store.GetMember(context.Background(), a.m.ID)
	m.Moderator = true
	if err := e.store.UpdateMember(context.Background(), m); err != nil {
		t.Fatal(err)
	}
}

type roundtable struct {
	ID        string `json:"id"`
	SeatsLeft int    `json:"seats_left"`
	Waitlist  int    `json:"waitlist"`
	MyStatus  string `json:"my_status"`
	Version   int64  `json:"version"`
}

func (e *env) createRoundtable(t *testing.T, by *actor, body string) roundtable {
	t.Helper()
	r := by.do(t, "POST", e.srv.URL+"/api/v1/roundtables", body)
	if r.status != 201 {
		t.Fatalf("create roundtable = %d %s", r.status, r.body)
	}
	var rt roundtable
	json.Unmarshal(r.body, &rt)
	return rt
}

func TestRoundtableValidationAndVisibility(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	op := w.operator.m.ID
	cases := []struct{ name, body, code, field string }{
		{"past start", strings.Replace(roundtableBody(-2, 10, "stage", op, ""), `"minutes":60`, `"minutes":60`, 1), "in_the_past", "start"},
		{"zero capacity", roundtableBody(48, 0, "stage", op, ""), "out_of_range", "capacity"},
		{"bad zone", strings.Replace(roundtableBody(48, 10, "stage", op, ""), "Asia/Tokyo", "Mars/Base", 1), "unknown_value", "time_zone"},
		{"too long", strings.Replace(roundtableBody(48, 10, "stage", op, ""), `"minutes":60`, `"minutes":600`, 1), "out_of_range", "minutes"},
		{"unknown talk", roundtableBody(48, 10, "panel", op, ""), "unknown_value", "talk"},
		{"moderator not trained", roundtableBody(48, 10, "stage", w.memberA.m.ID, ""), "not_a_moderator", "moderators[0]"},
		{"venue missing", strings.Replace(roundtableBody(48, 10, "stage", op, ""), `"format":"online"`, `"format":"hybrid"`, 1), "required", "venue"},
	}
	for _, tc := range cases {
		r := w.operator.do(t, "POST", e.srv.URL+"/api/v1/roundtables", tc.body)
		if code, field := r.errorCode(t); r.status != 422 || code != tc.code || field != tc.field {
			t.Errorf("%s: = %d %s/%s, want 422 %s/%s", tc.name, r.status, code, field, tc.code, tc.field)
		}
	}
	if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/roundtables", roundtableBody(48, 10, "stage", op, "")); r.status != 403 {
		t.Errorf("a plain member schedules a roundtable: %d", r.status)
	}
	open := e.createRoundtable(t, w.operator, roundtableBody(48, 10, "stage", op, `,"speakers":["`+string(w.guest.m.ID)+`"]`))
	closed := e.createRoundtable(t, w.operator, roundtableBody(72, 10, "small_round", op, `,"excluded_companies":["`+string(w.coB.ID)+`"]`))
	list := func(a *actor) string { return string(a.do(t, "GET", e.srv.URL+"/api/v1/roundtables", "").body) }
	if l := list(w.memberB); !strings.Contains(l, open.ID) || strings.Contains(l, closed.ID) {
		t.Errorf("member of an excluded company: %s", l)
	}
	if r := w.memberB.do(t, "POST", e.srv.URL+"/api/v1/roundtables/"+closed.ID+"/register", ""); r.status != 404 {
		t.Errorf("excluded company registers: %d", r.status)
	}
	if l := list(w.guest); !strings.Contains(l, open.ID) || strings.Contains(l, closed.ID) {
		t.Errorf("guest speaker sees other roundtables: %s", l)
	}
	if l := list(w.memberA); !strings.Contains(l, open.ID) || !strings.Contains(l, closed.ID) {
		t.Errorf("member A's list: %s", l)
	}
	if r := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/roundtables?axis=life", ""); strings.Contains(string(r.body), open.ID) {
		t.Errorf("axis filter ignored")
	}
	if r := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/roundtables/"+open.ID+"/registrations", ""); r.status != 403 {
		t.Errorf("a member lists registrations: %d", r.status)
	}
}

// TestRoundtableCapacityAndWaitlist registers more people than seats at
// once through the API, then checks promotion from the waitlist.
func TestRoundtableCapacityAndWaitlist(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	rt := e.createRoundtable(t, w.operator, roundtableBody(48, 3, "stage", w.operator.m.ID, ""))
	hash, _ := bcrypt.GenerateFromPassword([]byte("password-123"), bcrypt.MinCost)
	var people []*actor
	for i := range 8 {
		m := &rooms.Member{ID: rooms.NewMemberID(), CompanyID: w.coA.ID, Email: fmt.Sprintf("rt%d@alpha.test", i), DisplayName: "RT", Role: rooms.RoleMember, PasswordHash: string(hash)}
		m.Validate()
		e.store.CreateMember(context.Background(), m)
		people = append(people, e.login(t, m, "password-123"))
	}
	statuses := make([]string, len(people))
	var wg sync.WaitGroup
	for i, p := range people {
		wg.Go(func() {
			var s struct{ Status string }
			json.Unmarshal(p.do(t, "POST", e.srv.URL+"/api/v1/roundtables/"+rt.ID+"/register", "").body, &s)
			statuses[i] = s.Status
		})
	}
	wg.Wait()
	reg, wait := 0, 0
	for _, s := range statuses {
		switch s {
		case "registered":
			reg++
		case "waitlisted":
			wait++
		}
	}
	if reg != 3 || wait != 5 {
		t.Fatalf("concurrent registrations: %v, want 3 registered and 5 waitlisted", statuses)
	}
	var first *actor
	for i, s := range statuses {
		if s == "registered" {
			first = people[i]
			break
		}
	}
	before := len(e.outbox.Messages())
	if r := first.do(t, "POST", e.srv.URL+"/api/v1/roundtables/"+rt.ID+"/withdraw", ""); r.status != 200 {
		t.Fatalf("withdraw = %d %s", r.status, r.body)
	}
	var v roundtable
	json.Unmarshal(w.operator.do(t, "GET", e.srv.URL+"/api/v1/roundtables/"+rt.ID, "").body, &v)
	if v.SeatsLeft != 0 || v.Waitlist != 4 {
		t.Errorf("after one withdrawal: %d seats left, %d waiting; want 0 and 4", v.SeatsLeft, v.Waitlist)
	}
	if len(e.outbox.Messages()) < before+2 {
		t.Errorf("no emails for the withdrawal and the promotion")
	}
	// Capacity can never drop below the seats taken.
	body := strings.Replace(roundtableBody(48, 2, "stage", w.operator.m.ID, fmt.Sprintf(`,"version":%d`, v.Version)), "", "", 1)
	if r := w.operator.do(t, "PUT", e.srv.URL+"/api/v1/roundtables/"+rt.ID, body); r.status != 422 {
		t.Errorf("shrinking below the seats taken = %d %s", r.status, r.body)
	}
}

func TestRoundtableJoinGrants(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.makeModerator(t, w.memberB)
	rt := e.createRoundtable(t, w.operator, roundtableBody(2, 10, "stage", w.memberB.m.ID, `,"speakers":["`+string(w.guest.m.ID)+`"]`))
	url := e.srv.URL + "/api/v1/roundtables/" + rt.ID
	w.memberA.do(t, "POST", url+"/register", "")
	if r := w.memberA.do(t, "POST", url+"/join", ""); r.status != 403 {
		t.Errorf("join two hours early = %d", r.status)
	}
	e.skew.Store(int64(2*time.Hour - 10*time.Minute))
	grants := func(a *actor) *auth.ClaimGrants {
		g, _ := joinGrants(t, a, url)
		return g
	}
	aud := grants(w.memberA)
	if aud.Video.GetCanPublish() || !aud.Video.GetCanSubscribe() || !aud.Video.GetCanPublishData() || aud.Video.RoomAdmin ||
		aud.Attributes["role"] != "audience" || !aud.Video.GetCanUpdateOwnMetadata() {
		t.Errorf("stage audience grants: %+v", aud.Video)
	}
	mod := grants(w.memberB)
	if mod.Video.RoomAdmin || !mod.Video.GetCanPublish() || mod.Attributes["role"] != "moderator" {
		t.Errorf("moderator grants: %+v", mod.Video)
	}
	sp := grants(w.guest)
	if sp.Video.RoomAdmin || !sp.Video.GetCanPublish() || sp.Video.Room != aud.Video.Room {
		t.Errorf("speaker grants: %+v", sp.Video)
	}
	if r := w.adminA.do(t, "POST", url+"/join", ""); r.status != 403 {
		t.Errorf("unregistered join = %d", r.status)
	}
	if r := w.memberA.do(t, "POST", url+"/register", ""); r.status != 422 {
		t.Errorf("registering after registration closed = %d %s", r.status, r.body)
	}
}

func TestRoundtableLobbyTokensAndModerationRules(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.makeModerator(t, w.memberB)
	rt := e.createRoundtable(t, w.operator, roundtableBody(2, 10, "small_round", w.memberB.m.ID, `,"lobby":true`))
	url := e.srv.URL + "/api/v1/roundtables/" + rt.ID
	w.memberA.do(t, "POST", url+"/register", "")
	e.skew.Store(int64(2*time.Hour - 10*time.Minute))
	r := w.memberA.do(t, "POST", url+"/join", "")
	var jt struct {
		Token string
		Lobby bool
	}
	json.Unmarshal(r.body, &jt)
	tok, _ := auth.ParseAPIToken(jt.Token)
	_, g, _ := tok.Verify("testsecret-testsecret-testsecret")
	if r.status != 200 || !jt.Lobby || g.Video.GetCanSubscribe() || g.Video.GetCanPublish() || g.Attributes["lobby"] != "1" {
		t.Errorf("early arrival with the lobby on: %d lobby=%v grants %+v", r.status, jt.Lobby, g)
	}
	// Moderation: only organisers; without a media plane the action is refused cleanly.
	if r := w.memberA.do(t, "POST", url+"/moderation", `{"action":"end"}`); r.status != 403 {
		t.Errorf("a participant moderates: %d", r.status)
	}
	if r := w.memberB.do(t, "POST", url+"/moderation", `{"action":"explode"}`); r.status != 422 {
		t.Errorf("unknown action: %d", r.status)
	}
	if r := w.memberB.do(t, "POST", url+"/moderation", `{"action":"end"}`); r.status != 503 {
		t.Errorf("no media plane: %d %s", r.status, r.body)
	}
	other := e.createRoundtable(t, w.operator, roundtableBody(3, 10, "stage", w.operator.m.ID, ""))
	if r := w.memberB.do(t, "POST", e.srv.URL+"/api/v1/roundtables/"+other.ID+"/moderation", `{"action":"end"}`); r.status != 403 {
		t.Errorf("moderator of one roundtable moderates another: %d", r.status)
	}
	if r := w.memberB.do(t, "GET", url+"/audit", ""); r.status != 200 || !strings.Contains(string(r.body), `"entries":[]`) {
		t.Errorf("refused actions were audited or audit unreadable: %d %s", r.status, r.body)
	}
}

func TestRoundtableReminders(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	rt := e.createRoundtable(t, w.operator, roundtableBody(30, 10, "stage", w.operator.m.ID, ""))
	w.memberA.do(t, "POST", e.srv.URL+"/api/v1/roundtables/"+rt.ID+"/register", "")
	count := func(to string) int {
		n := 0
		for _, m := range e.outbox.Messages() {
			if m.Email.To == to && strings.Contains(m.Email.Text, "管理職という選択") && (strings.Contains(m.Email.Subject, "まもなく") || strings.Contains(m.Email.Subject, "reminder")) {
				n++
			}
		}
		return n
	}
	e.skew.Store(int64(6*time.Hour + time.Minute))
	e.api.SendDueReminders(context.Background())
	e.api.SendDueReminders(context.Background())
	if count(w.memberA.m.Email) != 1 || count(w.operator.m.Email) != 1 || count(w.memberB.m.Email) != 0 {
		t.Errorf("24-hour roundtable reminders: member %d, moderator %d, stranger %d; want 1, 1, 0",
			count(w.memberA.m.Email), count(w.operator.m.Email), count(w.memberB.m.Email))
	}
}

// TestRoundtableKeepsAModeratorWhoseTrainingEnded: taking a moderator's
// training back leaves her on the roundtables she already runs, and those
// can still be edited; she cannot be named to new ones.
func TestRoundtableKeepsAModeratorWhoseTrainingEnded(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.makeModerator(t, w.memberA)
	op := w.operator.m.ID
	two := strings.Replace(roundtableBody(48, 10, "stage", op, ""), idList(op), idList(op, w.memberA.m.ID), 1)
	rt := e.createRoundtable(t, w.operator, two)
	if r := w.operator.do(t, "POST", e.srv.URL+"/api/v1/roundtable-people/moderators", `{"email":"`+w.memberA.m.Email+`","moderator":false}`); r.status != 200 {
		t.Fatalf("untraining = %d %s", r.status, r.body)
	}
	edit := strings.Replace(two, "{", fmt.Sprintf(`{"version":%d,`, rt.Version), 1)
	if r := w.operator.do(t, "PUT", e.srv.URL+"/api/v1/roundtables/"+rt.ID, strings.Replace(edit, "管理職という選択", "管理職という選択 2", 1)); r.status != 200 {
		t.Errorf("editing her roundtable = %d %s, want 200", r.status, r.body)
	}
	if r := w.operator.do(t, "POST", e.srv.URL+"/api/v1/roundtables", two); r.status != 422 || !strings.Contains(string(r.body), "not_a_moderator") {
		t.Errorf("naming her to a new roundtable = %d %s, want 422 not_a_moderator", r.status, r.body)
	}
}
