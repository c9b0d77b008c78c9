package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"

	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
)

// recommend puts peers into m's current batch.
func (e *env) recommend(t *testing.T, m *rooms.Member, peers ...*rooms.Member) {
	t.Helper()
	r := &rooms.Recommendation{MemberID: m.ID, MadeAt: time.Now()}
	for _, p := range peers {
		r.Candidates = append(r.Candidates, rooms.Candidate{MemberID: p.ID, Score: 1,
			Reasons: []rooms.Reason{{Code: "shared_themes", Params: map[string]string{"n": "2"}}}})
	}
	if err := e.store.SaveRecommendation(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

// alwaysAvailable gives m availability all day every day.
func (e *env) alwaysAvailable(t *testing.T, m *rooms.Member) {
	t.Helper()
	av := &rooms.Availability{MemberID: m.ID, TimeZone: "Asia/Tokyo"}
	if cur, err := e.store.GetAvailability(context.Background(), m.ID); err == nil {
		av.Version = cur.Version
	}
	for d := range 7 {
		av.Weekly = append(av.Weekly, rooms.Window{Weekday: d, Start: "00:00", End: "24:00"})
	}
	if err := e.store.PutAvailability(context.Background(), av); err != nil {
		t.Fatal(err)
	}
}

// slotAt is a 30-minute slot about h hours from now: on that day in
// Tokyo, at noon plus (h mod 8) quarter hours, so it never crosses local
// midnight (availability windows are per day) and different h give
// different times. h = 0 gives a slot up to 15 minutes from now (too soon).
func slotAt(h int) string {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Now()
	var start time.Time
	if h == 0 {
		start = now.Truncate(15 * time.Minute).Add(15 * time.Minute)
	} else {
		day := now.Add(time.Duration(h) * time.Hour).In(tokyo)
		start = time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, tokyo).Add(time.Duration(h%8) * 15 * time.Minute)
		if start.Before(now.Add(90 * time.Minute)) {
			start = start.AddDate(0, 0, 1)
		}
	}
	return fmt.Sprintf(`{"start":%q,"minutes":30}`, start.UTC().Format(time.RFC3339))
}

type consultation struct {
	ID         string       `json:"id"`
	Status     string       `json:"status"`
	AwaitingMe bool         `json:"awaiting_me"`
	Booked     *rooms.Slot  `json:"booked"`
	Peer       api.PeerView `json:"peer"`
	Decline    string       `json:"decline_reason"`
	PeerJoined bool         `json:"peer_joined"`
}

func parseConsultation(t *testing.T, r response) consultation {
	t.Helper()
	return decodeBody[consultation](t, r)
}

func (e *env) request(t *testing.T, from *actor, to *rooms.Member, slots ...string) consultation {
	t.Helper()
	r := from.do(t, "POST", e.srv.URL+"/api/v1/consultations",
		`{"recipient_id":"`+string(to.ID)+`","note":"育休復帰について","mode":"online","slots":[`+strings.Join(slots, ",")+`]}`)
	if r.status != 201 {
		t.Fatalf("request = %d %s", r.status, r.body)
	}
	return parseConsultation(t, r)
}

func TestConsultationFlow(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.alwaysAvailable(t, w.memberB.m)
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(30), slotAt(50))
	url := e.srv.URL + "/api/v1/consultations/" + cs.ID
	if cs.Status != "requested" || cs.AwaitingMe || cs.Peer.DisplayName != w.memberB.m.DisplayName {
		t.Errorf("requester's view: %+v", cs)
	}
	seen := parseConsultation(t, w.memberB.do(t, "GET", url, ""))
	if !seen.AwaitingMe || seen.Peer.ID != w.memberA.m.ID {
		t.Errorf("recipient's view: %+v", seen)
	}
	if r := w.memberA.do(t, "POST", url+"/accept", `{"slot":0}`); r.status != 409 {
		t.Errorf("requester accepting own request = %d, want 409", r.status)
	}
	if r := w.adminA.do(t, "GET", url, ""); r.status != 404 {
		t.Errorf("a third person sees the consultation: %d", r.status)
	}
	r := w.memberB.do(t, "POST", url+"/accept", `{"slot":1}`)
	booked := parseConsultation(t, r)
	if r.status != 200 || booked.Status != "booked" || booked.Booked == nil || booked.Booked.Minutes != 30 {
		t.Fatalf("accept = %d %s", r.status, r.body)
	}
	for _, who := range []*actor{w.memberA, w.memberB} {
		msgs := e.outbox.Messages()
		found := false
		for _, m := range msgs {
			if m.Email.To == who.m.Email && len(m.Email.Attachments) == 1 {
				ics := string(m.Email.Attachments[0].Data)
				found = strings.Contains(ics, "METHOD:REQUEST") && strings.Contains(ics, "SEQUENCE:1")
				other := w.memberA.m.Email
				if who == w.memberA {
					other = w.memberB.m.Email
				}
				if strings.Contains(ics, other) {
					t.Errorf("%s's calendar entry carries the other person's address", who.m.Email)
				}
				break
			}
		}
		if !found {
			t.Errorf("%s got no calendar invitation", who.m.Email)
		}
	}
	ics := w.memberA.do(t, "GET", url+"/calendar.ics", "")
	if ics.status != 200 || !strings.HasPrefix(ics.header.Get("Content-Type"), "text/calendar") || !strings.Contains(string(ics.body), "UID:"+cs.ID+"@zadankai") {
		t.Errorf("calendar.ics = %d %s", ics.status, ics.body)
	}
	r = w.memberB.do(t, "POST", url+"/cancel", `{}`)
	if parseConsultation(t, r).Status != "cancelled" {
		t.Fatalf("cancel = %d %s", r.status, r.body)
	}
	last := e.outbox.Messages()[0]
	if len(last.Email.Attachments) != 1 || !strings.Contains(string(last.Email.Attachments[0].Data), "METHOD:CANCEL") ||
		!strings.Contains(string(last.Email.Attachments[0].Data), "SEQUENCE:2") {
		t.Errorf("cancellation calendar message: %+v", last.Email)
	}
	// The time is free again: a new request for the same slot can be booked.
	again := e.request(t, w.memberA, w.memberB.m, slotAt(50))
	if r := w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+again.ID+"/accept", `{"slot":0}`); r.status != 200 {
		t.Errorf("booking the freed slot = %d %s", r.status, r.body)
	}
}

func TestConsultationRequestRules(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.alwaysAvailable(t, w.memberB.m)
	body := func(to rooms.MemberID, extra string) string {
		return `{"recipient_id":"` + string(to) + `","mode":"online","slots":[` + slotAt(30) + `]` + extra + `}`
	}
	if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/consultations", body(w.memberB.m.ID, "")); r.status != 403 {
		t.Errorf("request to someone not recommended = %d, want 403", r.status)
	}
	e.recommend(t, w.memberA.m, w.memberB.m)
	cases := []struct {
		name, body string
		status     int
		code       string
		field      string
	}{
		{"no slots", `{"recipient_id":"` + string(w.memberB.m.ID) + `","mode":"online","slots":[]}`, 422, "out_of_range", "slots"},
		{"too soon", `{"recipient_id":"` + string(w.memberB.m.ID) + `","mode":"online","slots":[` + slotAt(0) + `]}`, 422, "too_soon", "slots[0].start"},
		{"odd length", strings.Replace(body(w.memberB.m.ID, ""), `"minutes":30`, `"minutes":25`, 1), 422, "unknown_value", "slots[0].minutes"},
		{"in person without place", strings.Replace(body(w.memberB.m.ID, ""), "online", "in_person", 1), 422, "required", "place"},
		{"same company", body(w.adminA.m.ID, ""), 403, "not_recommended", "recipient_id"},
		{"malformed id", body("mb_$gt", ""), 422, "malformed", "recipient_id"},
		{"unknown field", body(w.memberB.m.ID, `,"priority":"high"`), 400, "unknown_field", "priority"},
	}
	for _, tc := range cases {
		r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/consultations", tc.body)
		if code, field := r.errorCode(t); r.status != tc.status || code != tc.code || field != tc.field {
			t.Errorf("%s: = %d %s/%s, want %d %s/%s", tc.name, r.status, code, field, tc.status, tc.code, tc.field)
		}
	}
	// Outside the recipient's availability.
	narrow := &rooms.Availability{MemberID: w.memberB.m.ID, TimeZone: "Asia/Tokyo", Version: 1,
		Weekly: []rooms.Window{{Weekday: 0, Start: "03:00", End: "03:30"}}}
	e.store.PutAvailability(context.Background(), narrow)
	r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/consultations", body(w.memberB.m.ID, ""))
	if code, _ := r.errorCode(t); r.status != 422 || code != "outside_availability" {
		t.Errorf("outside availability = %d %s", r.status, r.body)
	}
	if list, _ := e.store.ListMemberConsultations(context.Background(), w.memberB.m.ID); len(list) != 0 {
		t.Errorf("refused requests stored %d consultations", len(list))
	}
	// Blocking removes the peer from recommendations and refuses requests.
	e.alwaysAvailable(t, w.memberB.m)
	if r := w.memberB.do(t, "POST", e.srv.URL+"/api/v1/blocks", `{"member_id":"`+string(w.memberA.m.ID)+`"}`); r.status != 422 {
		t.Errorf("blocking a stranger = %d, want 422 (ids of strangers cannot be probed)", r.status)
	}
	if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/blocks", `{"member_id":"`+string(w.memberB.m.ID)+`"}`); r.status != 204 {
		t.Fatalf("block = %d %s", r.status, r.body)
	}
	if r := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/recommendations", ""); strings.Contains(string(r.body), string(w.memberB.m.ID)) {
		t.Errorf("blocked peer still recommended: %s", r.body)
	}
	if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/consultations", body(w.memberB.m.ID, "")); r.status != 403 {
		t.Errorf("request to a blocked peer = %d", r.status)
	}
}

// TestBookingIsAtomic has one recipient accept, at the same moment, three
// requests for the same time from three people, and one request from many
// tabs: exactly one booking may win each time.
func TestBookingIsAtomic(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.alwaysAvailable(t, w.memberB.m)
	hashBytes, _ := bcrypt.GenerateFromPassword([]byte("password-123"), bcrypt.MinCost)
	hash := string(hashBytes)
	var ids []string
	for i := range 3 {
		m := &rooms.Member{ID: rooms.NewMemberID(), CompanyID: w.coA.ID, Email: fmt.Sprintf("req%d@alpha.test", i), DisplayName: "Req", Role: rooms.RoleMember, PasswordHash: hash}
		m.Validate()
		e.store.CreateMember(context.Background(), m)
		e.recommend(t, m, w.memberB.m)
		ids = append(ids, e.request(t, e.login(t, m, "password-123"), w.memberB.m, slotAt(40)).ID)
	}
	results := make([]int, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			results[i] = w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+id+"/accept", `{"slot":0}`).status
		})
	}
	wg.Wait()
	if count(results, 200) != 1 || count(results, 409) != 2 {
		t.Fatalf("concurrent accepts of one time: %v, want one 200 and two 409", results)
	}
	e.recommend(t, w.memberA.m, w.memberB.m)
	one := e.request(t, w.memberA, w.memberB.m, slotAt(60))
	tabs := make([]int, 8)
	for i := range tabs {
		wg.Go(func() {
			tabs[i] = w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+one.ID+"/accept", `{"slot":0}`).status
		})
	}
	wg.Wait()
	if count(tabs, 200) != 1 {
		t.Fatalf("one request accepted from 8 tabs: %v, want exactly one 200", tabs)
	}
}

func count(xs []int, v int) int {
	n := 0
	for _, x := range xs {
		if x == v {
			n++
		}
	}
	return n
}

func TestJoinWindowAndFeedback(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.alwaysAvailable(t, w.memberB.m)
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(2))
	url := e.srv.URL + "/api/v1/consultations/" + cs.ID
	b := parseConsultation(t, w.memberB.do(t, "POST", url+"/accept", `{"slot":0}`))
	if r := w.memberA.do(t, "POST", url+"/join", ""); r.status != 403 {
		t.Errorf("join two hours early = %d %s", r.status, r.body)
	}
	e.skew.Store(int64(time.Until(b.Booked.Start) - 5*time.Minute))
	r := w.memberA.do(t, "POST", url+"/join", "")
	var jt struct{ URL, Room, Token string }
	json.Unmarshal(r.body, &jt)
	if r.status != 200 || jt.Room != "consultation-"+cs.ID {
		t.Fatalf("join five minutes early = %d %s", r.status, r.body)
	}
	tok, err := auth.ParseAPIToken(jt.Token)
	if err != nil {
		t.Fatal(err)
	}
	claims, grants, err := tok.Verify("testsecret-testsecret-testsecret")
	if err != nil || grants.Identity != string(w.memberA.m.ID) || grants.Video.Room != jt.Room || !grants.Video.RoomJoin || grants.Video.RoomAdmin {
		t.Fatalf("token grants %+v, %v", grants, err)
	}
	// A media plane that cannot revoke tokens (LiveKit) honours one for
	// as long as it lives: the page fetches it right before connecting.
	if left := time.Until(claims.ExpiresAt.Time); left > 70*time.Second {
		t.Errorf("the consultation's join token is valid for %v; want about a minute", left.Round(time.Second))
	}
	if r := w.adminA.do(t, "POST", url+"/join", ""); r.status != 404 {
		t.Errorf("a third person got a token: %d", r.status)
	}
	if r := w.memberA.do(t, "POST", url+"/feedback", `{"rating":5}`); r.status != 409 {
		t.Errorf("feedback before the end = %d", r.status)
	}
	e.skew.Store(int64(time.Until(b.Booked.End()) + time.Minute))
	if r := w.memberA.do(t, "POST", url+"/join", ""); r.status != 403 {
		t.Errorf("join after the end = %d", r.status)
	}
	fb := `{"rating":4,"tags":["helpful"],"text":"PRIVATE-FEEDBACK-TEXT","would_meet_again":true}`
	if r := w.memberA.do(t, "POST", url+"/feedback", fb); r.status != 201 {
		t.Fatalf("feedback = %d %s", r.status, r.body)
	}
	if r := w.memberA.do(t, "POST", url+"/feedback", fb); r.status != 409 {
		t.Errorf("second feedback = %d", r.status)
	}
	if r := w.memberA.do(t, "POST", url+"/feedback", `{"rating":9}`); r.status != 409 && r.status != 422 {
		t.Errorf("bad rating = %d", r.status)
	}
	for _, who := range []*actor{w.memberA, w.memberB, w.adminA, w.adminB} {
		for _, path := range []string{"/api/v1/consultations", "/api/v1/consultations/" + cs.ID} {
			if r := who.do(t, "GET", e.srv.URL+path, ""); strings.Contains(string(r.body), "PRIVATE-FEEDBACK-TEXT") {
				t.Errorf("%s sees feedback text at %s", who.m.Email, path)
			}
		}
	}
	// A opened the room, so B cannot say A did not come; B never did, so A can.
	if v := parseConsultation(t, w.memberB.do(t, "GET", url, "")); !v.PeerJoined {
		t.Errorf("B is not told that A joined: %+v", v)
	}
	if r := w.memberB.do(t, "POST", url+"/no-show", `{"member_id":"`+string(w.memberA.m.ID)+`"}`); r.status != 409 ||
		!strings.Contains(string(r.body), "peer_joined") {
		t.Errorf("reporting someone who joined = %d %s", r.status, r.body)
	}
	if r := w.memberA.do(t, "POST", url+"/no-show", `{"member_id":"`+string(w.memberB.m.ID)+`"}`); r.status != 200 ||
		!strings.Contains(string(r.body), string(w.memberB.m.ID)) {
		t.Errorf("no-show report = %d %s", r.status, r.body)
	}
	if r := w.memberB.do(t, "POST", url+"/no-show", `{"member_id":"`+string(w.memberB.m.ID)+`"}`); r.status != 422 {
		t.Errorf("reporting oneself = %d", r.status)
	}
	_ = http.StatusOK
}

func TestRescheduleAndDecline(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.alwaysAvailable(t, w.memberB.m)
	e.alwaysAvailable(t, w.memberA.m)
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(30))
	url := e.srv.URL + "/api/v1/consultations/" + cs.ID
	// Before any time is booked, the recipient may answer with times of
	// her own; then the requester picks.
	r := w.memberB.do(t, "POST", url+"/reschedule", `{"slots":[`+slotAt(70)+`,`+slotAt(80)+`]}`)
	got := parseConsultation(t, r)
	if r.status != 200 || got.Status != "requested" || got.AwaitingMe || got.Booked != nil {
		t.Fatalf("reschedule = %d %s", r.status, r.body)
	}
	mine := parseConsultation(t, w.memberA.do(t, "GET", url, ""))
	if !mine.AwaitingMe {
		t.Errorf("after new times the requester should pick: %+v", mine)
	}
	r = w.memberA.do(t, "POST", url+"/decline", `{"reason":"PRIVATE-REASON"}`)
	if r.status != 200 {
		t.Fatalf("decline = %d %s", r.status, r.body)
	}
	if v := w.memberB.do(t, "GET", url, ""); strings.Contains(string(v.body), "PRIVATE-REASON") {
		t.Errorf("the decline reason reached the other side: %s", v.body)
	}
	if v := parseConsultation(t, w.memberA.do(t, "GET", url, "")); v.Decline != "PRIVATE-REASON" || v.Status != "declined" {
		t.Errorf("decliner's own view: %+v", v)
	}
}

// TestReminders checks that each reminder goes out once per booking and
// offset, to both people, at the right time.
func TestReminders(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.alwaysAvailable(t, w.memberB.m)
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(30))
	b := parseConsultation(t, w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/accept", `{"slot":0}`))
	ctx := context.Background()
	reminders := func() int {
		n := 0
		for _, m := range e.outbox.Messages() {
			if strings.Contains(m.Email.Subject, "まもなく") || strings.Contains(m.Email.Subject, "reminder") {
				n++
			}
		}
		return n
	}
	e.api.SendDueReminders(ctx)
	if n := reminders(); n != 0 {
		t.Fatalf("%d reminders 30 h ahead", n)
	}
	e.skew.Store(int64(time.Until(b.Booked.Start) - 24*time.Hour + time.Minute))
	e.api.SendDueReminders(ctx)
	e.api.SendDueReminders(ctx) // a second run must not repeat them
	if n := reminders(); n != 2 {
		t.Fatalf("%d reminders at T-24h, want 2 (one each)", n)
	}
	e.skew.Store(int64(time.Until(b.Booked.Start) - 15*time.Minute))
	e.api.SendDueReminders(ctx)
	if n := reminders(); n != 4 {
		t.Fatalf("%d reminders after T-15min, want 4", n)
	}
}

func TestCompanyStatsShowNoIndividuals(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.alwaysAvailable(t, w.memberB.m)
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(2))
	b := parseConsultation(t, w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/accept", `{"slot":0}`))
	e.skew.Store(int64(time.Until(b.Booked.End()) + time.Minute))
	w.memberA.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/feedback", `{"rating":5,"text":"SECRET-TEXT"}`)
	r := w.adminA.do(t, "GET", e.srv.URL+"/api/v1/companies/"+string(w.coA.ID)+"/stats?months=2", "")
	if r.status != 200 {
		t.Fatalf("stats = %d %s", r.status, r.body)
	}
	for _, leak := range []string{"SECRET-TEXT", string(w.memberA.m.ID), string(w.memberB.m.ID), w.memberA.m.DisplayName, cs.ID} {
		if strings.Contains(string(r.body), leak) {
			t.Errorf("company stats reveal %q: %s", leak, r.body)
		}
	}
	if strings.Contains(string(r.body), `"value":1`) {
		t.Errorf("a figure from one person is shown: %s", r.body)
	}
	if r := w.adminA.do(t, "GET", e.srv.URL+"/api/v1/companies/"+string(w.coA.ID)+"/stats?months=99", ""); r.status != 400 {
		t.Errorf("months=99 = %d", r.status)
	}
	ops := w.operator.do(t, "GET", e.srv.URL+"/api/v1/feedback", "")
	if !strings.Contains(string(ops.body), "SECRET-TEXT") {
		t.Errorf("operators do not see feedback text: %s", ops.body)
	}
}
