package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
)

// lunchtimes gives m weekday windows 12:00-14:00 in Tokyo.
func (e *env) lunchtimes(t *testing.T, m *rooms.Member) *rooms.Availability {
	t.Helper()
	av := &rooms.Availability{MemberID: m.ID, TimeZone: "Asia/Tokyo"}
	for d := 1; d <= 5; d++ {
		av.Weekly = append(av.Weekly, rooms.Window{Weekday: d, Start: "12:00", End: "14:00"})
	}
	if err := e.store.PutAvailability(context.Background(), av); err != nil {
		t.Fatal(err)
	}
	return av
}

func parseFreeSlots(t *testing.T, r response) api.FreeSlotsView {
	t.Helper()
	var v api.FreeSlotsView
	if r.status != 200 || json.Unmarshal(r.body, &v) != nil {
		t.Fatalf("free slots = %d %s", r.status, r.body)
	}
	return v
}

func TestFreeSlotsOfAPeer(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	av := e.lunchtimes(t, w.memberB.m)
	url := e.srv.URL + "/api/v1/members/" + string(w.memberB.m.ID) + "/free-slots"
	if r := w.memberA.do(t, "PATCH", e.srv.URL+"/api/v1/me", `{"time_zone":"Europe/London"}`); r.status != 200 {
		t.Fatalf("PATCH /me = %d %s", r.status, r.body)
	}
	v := parseFreeSlots(t, w.memberA.do(t, "GET", url+"?minutes=60", ""))
	if v.TimeZone != "Europe/London" || v.Minutes != 60 || v.Days != 14 || len(v.Slots) < 10 {
		t.Fatalf("free slots = %+v", v)
	}
	london, _ := time.LoadLocation("Europe/London")
	for _, s := range v.Slots {
		_, off := s.Start.Zone()
		_, want := s.Start.In(london).Zone()
		if off != want || !av.Covers(s.Start, s.End()) || s.Minutes != 60 || s.Start.Before(time.Now().Add(time.Hour)) {
			t.Fatalf("slot %v (offset %d) is not a free hour inside the windows in London time", s.Start, off)
		}
	}
	if strings.Contains(string(v.TimeZone), "Tokyo") || strings.Contains(string(parseRaw(t, w.memberA.do(t, "GET", url, ""))), w.memberB.m.Email) {
		t.Errorf("free slots carry more than times")
	}
	// Book B's first free hour with someone else: it disappears.
	other := e.addMemberIn(t, w.coA.ID, "third@alpha.test")
	first := v.Slots[0]
	booked := &rooms.Consultation{ID: rooms.NewConsultationID(), RequesterID: other.ID, RecipientID: w.memberB.m.ID,
		RequesterCompany: w.coA.ID, RecipientCompany: w.coB.ID, Mode: rooms.ModeOnline, Status: rooms.StatusBooked,
		Proposed: []rooms.Slot{first}, Booked: &first, ExpiresAt: time.Now().Add(time.Hour), NoShows: []rooms.MemberID{}}
	if err := e.store.CreateConsultation(context.Background(), booked); err != nil {
		t.Fatal(err)
	}
	after := parseFreeSlots(t, w.memberA.do(t, "GET", url+"?minutes=30", ""))
	for _, s := range after.Slots {
		if s.Start.Before(first.End()) && first.Start.Before(s.End()) {
			t.Errorf("slot %v overlaps B's booking at %v", s.Start, first.Start)
		}
	}
	// What is offered can be proposed as it is.
	slots, _ := json.Marshal(after.Slots[:3])
	r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/consultations", `{"recipient_id":"`+string(w.memberB.m.ID)+`","mode":"online","slots":`+string(slots)+`}`)
	if r.status != 201 {
		t.Errorf("proposing offered slots = %d %s", r.status, r.body)
	}
}

func parseRaw(t *testing.T, r response) []byte { t.Helper(); return r.body }

func TestFreeSlotsRefusals(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	url := e.srv.URL + "/api/v1/members/" + string(w.memberB.m.ID) + "/free-slots"
	// No availability yet: a code of its own, here and when requesting.
	r := w.memberA.do(t, "GET", url, "")
	if code, field := r.errorCode(t); r.status != 409 || code != "peer_no_availability" || field != "recipient_id" {
		t.Errorf("no availability = %d %s", r.status, r.body)
	}
	r = w.memberA.do(t, "POST", e.srv.URL+"/api/v1/consultations", `{"recipient_id":"`+string(w.memberB.m.ID)+`","mode":"online","slots":[`+slotAt(30)+`]}`)
	if code, field := r.errorCode(t); r.status != 422 || code != "peer_no_availability" || field != "recipient_id" {
		t.Errorf("request to a peer without availability = %d %s", r.status, r.body)
	}
	e.lunchtimes(t, w.memberB.m)
	cases := []struct {
		name, query string
		status      int
		code, field string
	}{
		{"days 0", "?days=0", 400, "out_of_range", "days"},
		{"days 29", "?days=29", 400, "out_of_range", "days"},
		{"days not a number", "?days=x", 400, "out_of_range", "days"},
		{"minutes 20", "?minutes=20", 400, "unknown_value", "minutes"},
		{"unknown parameter", "?where=1", 400, "unknown_field", "where"},
	}
	for _, tc := range cases {
		r := w.memberA.do(t, "GET", url+tc.query, "")
		if code, field := r.errorCode(t); r.status != tc.status || code != tc.code || field != tc.field {
			t.Errorf("%s: = %d %s/%s, want %d %s/%s", tc.name, r.status, code, field, tc.status, tc.code, tc.field)
		}
	}
	// Strangers, colleagues and other roles: the peer does not exist.
	for _, who := range []*actor{w.memberB, w.adminA, w.operator, w.guest} {
		if r := who.do(t, "GET", e.srv.URL+"/api/v1/members/"+string(w.memberA.m.ID)+"/free-slots", ""); r.status != 404 {
			t.Errorf("%s asking about member A = %d", who.m.Email, r.status)
		}
	}
	if r := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/members/mb_$gt/free-slots", ""); r.status != 404 {
		t.Errorf("malformed id = %d", r.status)
	}
}

func TestFreeSlotsPausedAndBlocked(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.lunchtimes(t, w.memberB.m)
	url := e.srv.URL + "/api/v1/members/" + string(w.memberB.m.ID) + "/free-slots"
	p := rooms.NewProfile(w.memberB.m.ID)
	p.Paused = true
	if err := e.store.PutProfile(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if code, _ := w.memberA.do(t, "GET", url, "").errorCode(t); code != "peer_paused" {
		t.Errorf("paused peer: %s", code)
	}
	// ...but a consultation the two already have can still be moved.
	open := &rooms.Consultation{ID: rooms.NewConsultationID(), RequesterID: w.memberA.m.ID, RecipientID: w.memberB.m.ID,
		RequesterCompany: w.coA.ID, RecipientCompany: w.coB.ID, Mode: rooms.ModeOnline, Status: rooms.StatusRequested,
		AwaitingID: w.memberB.m.ID, Proposed: []rooms.Slot{{Start: time.Now().Add(48 * time.Hour).Truncate(time.Hour), Minutes: 30}},
		ExpiresAt: time.Now().Add(time.Hour), NoShows: []rooms.MemberID{}}
	if err := e.store.CreateConsultation(context.Background(), open); err != nil {
		t.Fatal(err)
	}
	parseFreeSlots(t, w.memberA.do(t, "GET", url, ""))
	e.store.CreateBlock(context.Background(), &rooms.Block{BlockerID: w.memberB.m.ID, BlockedID: w.memberA.m.ID})
	if r := w.memberA.do(t, "GET", url, ""); r.status != 404 {
		t.Errorf("blocked by the peer = %d", r.status)
	}
}

func TestPatchMe(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	url := e.srv.URL + "/api/v1/me"
	cases := []struct {
		name, body  string
		status      int
		code, field string
	}{
		{"unknown zone", `{"time_zone":"Mars/Olympus"}`, 422, "unknown_value", "time_zone"},
		{"Local is not a zone", `{"time_zone":"Local"}`, 422, "unknown_value", "time_zone"},
		{"empty zone", `{"time_zone":""}`, 422, "unknown_value", "time_zone"},
		{"unknown locale", `{"locale":"fr"}`, 422, "unknown_value", "locale"},
		{"empty locale", `{"locale":""}`, 422, "unknown_value", "locale"},
		{"operator object", `{"time_zone":{"$gt":""}}`, 400, "wrong_type", "time_zone"},
		{"unknown field", `{"locale":"en","role":"operator"}`, 400, "unknown_field", "role"},
		{"not JSON", `locale=en`, 400, "malformed_json", ""},
	}
	for _, tc := range cases {
		r := w.memberA.do(t, "PATCH", url, tc.body)
		if code, field := r.errorCode(t); r.status != tc.status || code != tc.code || field != tc.field {
			t.Errorf("%s: = %d %s/%s, want %d %s/%s", tc.name, r.status, code, field, tc.status, tc.code, tc.field)
		}
	}
	m, _ := e.store.GetMember(context.Background(), w.memberA.m.ID)
	if m.Version != w.memberA.m.Version || m.Locale != "ja" || m.TimeZone != "Asia/Tokyo" || m.Role != rooms.RoleMember {
		t.Fatalf("rejected changes were written: %+v", m)
	}
	r := w.memberA.do(t, "PATCH", url, `{"locale":"en","time_zone":"America/New_York"}`)
	var v api.MemberView
	if r.status != 200 || json.Unmarshal(r.body, &v) != nil || v.Locale != "en" || v.TimeZone != "America/New_York" {
		t.Fatalf("PATCH /me = %d %s", r.status, r.body)
	}
	if r := w.memberA.do(t, "PATCH", url, `{"locale":"ja"}`); !strings.Contains(string(r.body), `"time_zone":"America/New_York"`) {
		t.Errorf("changing only the locale lost the zone: %s", r.body)
	}
	if r := w.memberA.do(t, "GET", url, ""); !strings.Contains(string(r.body), `"locale":"ja"`) {
		t.Errorf("GET /me after PATCH: %s", r.body)
	}
}

func TestFirstPhotoKeepsProfileVersion(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.alwaysAvailable(t, w.memberB.m)
	put := func(version int64) response {
		return w.memberA.do(t, "PUT", e.srv.URL+"/api/v1/me/profile",
			`{"job_level":2,"work_style":{"hours":"full_time","remote":"remote"},"languages":["ja"],"version":`+itoa(version)+`}`)
	}
	profile := func() *rooms.Profile {
		var p rooms.Profile
		json.Unmarshal(w.memberA.do(t, "GET", e.srv.URL+"/api/v1/me/profile", "").body, &p)
		return &p
	}
	upload := func() {
		r := do(t, w.memberA.c, "PUT", e.srv.URL+"/api/v1/me/photo", "image/png", string(testImage(t, 64, 64, "png")), "X-CSRF-Token", w.memberA.csrf)
		if r.status != 204 {
			t.Fatalf("photo = %d %s", r.status, r.body)
		}
	}
	// Before the first profile save: the photo creates no profile, so the
	// first save still counts as first (and makes a first batch).
	upload()
	if p := profile(); p.Version != 0 || !p.HasPhoto {
		t.Fatalf("after a first photo: version %d, has_photo %v; want 0, true", p.Version, p.HasPhoto)
	}
	if _, err := e.store.GetProfile(context.Background(), w.memberA.m.ID); err == nil {
		t.Errorf("the photo upload wrote a profile")
	}
	if r := put(0); r.status != 200 {
		t.Fatalf("first save after the photo = %d %s", r.status, r.body)
	}
	if _, err := e.store.GetRecommendation(context.Background(), w.memberA.m.ID); err != nil {
		t.Errorf("no first batch after the first save: %v", err)
	}
	// A member who saved first and uploads afterwards keeps the version
	// an open form holds.
	upload()
	if p := profile(); p.Version != 1 || !p.HasPhoto {
		t.Errorf("after another photo: version %d, has_photo %v; want 1, true", p.Version, p.HasPhoto)
	}
	if r := put(1); r.status != 200 {
		t.Errorf("saving the form read before the upload = %d %s", r.status, r.body)
	}
	if p, _ := e.store.GetProfile(context.Background(), w.memberA.m.ID); !p.HasPhoto {
		t.Errorf("the profile save did not record has_photo")
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestFeedbackGivenAndOperatorNames(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.alwaysAvailable(t, w.memberB.m)
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(30))
	if r := w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/accept", `{"slot":0}`); r.status != 200 {
		t.Fatalf("accept = %d %s", r.status, r.body)
	}
	e.skew.Store(int64(4 * 24 * time.Hour))
	given := func(a *actor) bool {
		var v api.ConsultationView
		json.Unmarshal(a.do(t, "GET", e.srv.URL+"/api/v1/consultations/"+cs.ID, "").body, &v)
		if v.Status != rooms.StatusCompleted {
			t.Fatalf("status %s, want completed", v.Status)
		}
		return v.FeedbackGiven
	}
	if given(w.memberA) || given(w.memberB) {
		t.Fatalf("feedback_given before any feedback")
	}
	if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/feedback", `{"rating":4,"report":"遅刻されました"}`); r.status != 201 {
		t.Fatalf("feedback = %d %s", r.status, r.body)
	}
	if !given(w.memberA) || given(w.memberB) {
		t.Errorf("feedback_given: A %v, B %v; want true, false", given(w.memberA), given(w.memberB))
	}
	r := w.operator.do(t, "GET", e.srv.URL+"/api/v1/feedback?days=30", "")
	var list struct{ Feedback []api.FeedbackView }
	if err := json.Unmarshal(r.body, &list); err != nil || len(list.Feedback) != 1 {
		t.Fatalf("operator feedback = %d %s", r.status, r.body)
	}
	f := list.Feedback[0]
	if f.Author.DisplayName != w.memberA.m.DisplayName || f.Author.CompanyName != "Alpha KK" ||
		f.About.DisplayName != w.memberB.m.DisplayName || f.About.CompanyName != "Beta KK" {
		t.Errorf("operator sees %+v / %+v; want names and companies", f.Author, f.About)
	}
	for _, who := range []*actor{w.adminA, w.memberA} {
		if r := who.do(t, "GET", e.srv.URL+"/api/v1/feedback", ""); r.status != 403 || strings.Contains(string(r.body), "Beta KK") {
			t.Errorf("%s reads feedback: %d %s", who.m.Email, r.status, r.body)
		}
	}
}

// inviteWithLink has admin A invite email and returns the invitation's id
// and the token of its emailed link.
func (e *env) inviteWithLink(t *testing.T, w *world, email string) (id, token string) {
	t.Helper()
	return e.invitationID(t, w.adminA, email), e.lastLink(t, email)
}

// acceptLink signs up with an invitation link's token.
func (e *env) acceptLink(t *testing.T, token string) response {
	t.Helper()
	return do(t, client(t), "POST", e.srv.URL+"/api/v1/invitations/accept", "application/json",
		`{"token":"`+token+`","display_name":"新人","password":"long-enough-pw"}`)
}

func TestInvitationRevoke(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	anon := client(t)
	id, token := e.inviteWithLink(t, w, "one@alpha.test")
	base := e.srv.URL + "/api/v1/invitations/" + id
	// Refusals change nothing.
	for _, tc := range []struct {
		who    *actor
		body   string
		status int
		code   string
	}{
		{w.adminB, "", 404, "not_found"},
		{w.memberA, "", 403, "forbidden"},
		{w.adminA, `{"why":"x"}`, 400, "unknown_field"},
	} {
		r := tc.who.do(t, "POST", base+"/revoke", tc.body)
		if code, _ := r.errorCode(t); r.status != tc.status || code != tc.code {
			t.Errorf("%s revoke %s = %d %s", tc.who.m.Email, tc.body, r.status, r.body)
		}
	}
	before, _ := e.store.ListInvitations(context.Background(), "")
	for _, tc := range []struct {
		who  *actor
		body string
	}{{w.adminB, ""}, {w.memberA, ""}, {w.adminA, `{"email":"evil@alpha.test"}`}, {w.adminA, `[]`}} {
		if r := tc.who.do(t, "POST", base+"/resend", tc.body); r.status < 400 {
			t.Errorf("%s resend %s = %d, want a refusal", tc.who.m.Email, tc.body, r.status)
		}
	}
	if after, _ := e.store.ListInvitations(context.Background(), ""); len(after) != len(before) {
		t.Errorf("refused resends wrote invitations: %d before, %d after", len(before), len(after))
	}
	if r := do(t, anon, "GET", e.srv.URL+"/api/v1/invitations/lookup?token="+token, "", ""); r.status != 200 {
		t.Fatalf("refused revokes and resends broke the link: %d %s", r.status, r.body)
	}
	// Revoke: the link now fails with its own code, and only once.
	if r := w.adminA.do(t, "POST", base+"/revoke", ""); r.status != 200 || !strings.Contains(string(r.body), `"status":"revoked"`) {
		t.Fatalf("revoke = %d %s", r.status, r.body)
	}
	for _, r := range []response{do(t, anon, "GET", e.srv.URL+"/api/v1/invitations/lookup?token="+token, "", ""), e.acceptLink(t, token)} {
		if code, _ := r.errorCode(t); r.status != 410 || code != "invitation_revoked" {
			t.Errorf("revoked link = %d %s", r.status, r.body)
		}
	}
	if code, _ := w.adminA.do(t, "POST", base+"/revoke", "").errorCode(t); code != "invitation_revoked" {
		t.Errorf("second revoke: %s", code)
	}
	// A revoked invitation can be sent again.
	if r := w.adminA.do(t, "POST", base+"/resend", ""); r.status != 201 {
		t.Errorf("resend of a revoked invitation = %d %s", r.status, r.body)
	}
}

func TestInvitationResend(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	// Resend: a new link works, the old one is revoked.
	id2, token2 := e.inviteWithLink(t, w, "two@alpha.test")
	r := w.operator.do(t, "POST", e.srv.URL+"/api/v1/invitations/"+id2+"/resend", "")
	var fresh api.InvitationView
	if r.status != 201 || json.Unmarshal(r.body, &fresh) != nil || string(fresh.ID) == id2 || fresh.Status != rooms.InvitationPending {
		t.Fatalf("resend = %d %s", r.status, r.body)
	}
	token3 := e.lastLink(t, "two@alpha.test")
	if code, _ := e.acceptLink(t, token2).errorCode(t); code != "invitation_revoked" || token3 == token2 {
		t.Errorf("old link after resend: %s", code)
	}
	if r := e.acceptLink(t, token3); r.status != 201 {
		t.Fatalf("new link = %d %s", r.status, r.body)
	}
	for _, path := range []string{"/revoke", "/resend"} {
		r := w.adminA.do(t, "POST", e.srv.URL+"/api/v1/invitations/"+string(fresh.ID)+path, "")
		if code, _ := r.errorCode(t); r.status != 409 || code != "invitation_used" {
			t.Errorf("%s of an accepted invitation = %d %s", path, r.status, r.body)
		}
	}
}

// TestRevokeRacesAccept: tabs accepting a link while its inviter revokes
// it; exactly one of all the attempts wins.
func TestRevokeRacesAccept(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	r := w.adminA.do(t, "POST", e.srv.URL+"/api/v1/invitations", `{"email":"race@alpha.test","role":"member"}`)
	var iv api.InvitationView
	json.Unmarshal(r.body, &iv)
	token := e.lastLink(t, "race@alpha.test")
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				statuses[i] = w.adminA.do(t, "POST", e.srv.URL+"/api/v1/invitations/"+string(iv.ID)+"/revoke", "").status
			} else {
				statuses[i] = do(t, client(t), "POST", e.srv.URL+"/api/v1/invitations/accept", "application/json",
					`{"token":"`+token+`","display_name":"X","password":"long-enough-pw"}`).status
			}
		}()
	}
	wg.Wait()
	wins := 0
	for _, s := range statuses {
		if s == 200 || s == 201 {
			wins++
		}
	}
	if wins != 1 {
		t.Errorf("statuses %v: %d winners, want exactly 1", statuses, wins)
	}
	_, err := e.store.GetMemberByEmail(context.Background(), "race@alpha.test")
	got, _ := e.store.GetInvitation(context.Background(), iv.ID)
	if (err == nil) == (got.Status(time.Now()) == rooms.InvitationRevoked) {
		t.Errorf("account exists: %v, invitation %s: exactly one of the two must hold", err == nil, got.Status(time.Now()))
	}
}

// TestControlResponsesMatchTheDocument checks this pass's endpoints (and
// the fields it added) against the OpenAPI document.
func TestControlResponsesMatchTheDocument(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	var doc map[string]any
	json.Unmarshal(do(t, client(t), "GET", e.srv.URL+"/api/v1/openapi.json", "", "").body, &doc)
	check := func(a *actor, method, path, body, route string) response {
		t.Helper()
		r := a.do(t, method, e.srv.URL+path, body)
		op, ok := doc["paths"].(map[string]any)[route].(map[string]any)[strings.ToLower(method)].(map[string]any)
		if !ok || r.status >= 300 {
			t.Fatalf("%s %s = %d %s (documented: %v)", method, path, r.status, r.body, ok)
		}
		resp, ok := op["responses"].(map[string]any)[itoa(int64(r.status))].(map[string]any)
		if !ok {
			t.Fatalf("%s %s: status %d is not documented", method, route, r.status)
		}
		var v any
		json.Unmarshal(r.body, &v)
		schema := resp["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
		if err := validate(doc, schema, v, "$"); err != nil {
			t.Errorf("%s %s does not match the document: %v\n%s", method, route, err, r.body)
		}
		return r
	}
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.lunchtimes(t, w.memberB.m)
	check(w.memberA, "PATCH", "/api/v1/me", `{"time_zone":"Asia/Tokyo","locale":"en"}`, "/api/v1/me")
	check(w.memberA, "GET", "/api/v1/members/"+string(w.memberB.m.ID)+"/free-slots?days=7&minutes=45", "", "/api/v1/members/{id}/free-slots")
	iv1, iv2 := e.invitationID(t, w.adminA, "s1@alpha.test"), e.invitationID(t, w.adminA, "s2@alpha.test")
	check(w.adminA, "POST", "/api/v1/invitations/"+iv1+"/revoke", "", "/api/v1/invitations/{id}/revoke")
	check(w.adminA, "POST", "/api/v1/invitations/"+iv2+"/resend", "", "/api/v1/invitations/{id}/resend")
	check(w.adminA, "GET", "/api/v1/invitations", "", "/api/v1/invitations") // with a revoked one
	e.alwaysAvailable(t, w.memberB.m)
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(30))
	w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/accept", `{"slot":0}`)
	e.skew.Store(int64(4 * 24 * time.Hour))
	w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/feedback", `{"rating":5,"text":"よかった"}`)
	check(w.memberB, "GET", "/api/v1/consultations", "", "/api/v1/consultations")
	if r := check(w.operator, "GET", "/api/v1/feedback", "", "/api/v1/feedback"); !strings.Contains(string(r.body), "Alpha KK") {
		t.Errorf("operator feedback lacks company names: %s", r.body)
	}
}
