package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/storetest"
)

// actor is a logged-in browser.
type actor struct {
	m    *rooms.Member
	c    *http.Client
	csrf string
}

func (e *env) login(t *testing.T, m *rooms.Member, password string) *actor {
	t.Helper()
	c := client(t)
	r := do(t, c, "POST", e.srv.URL+"/api/v1/auth/login", "application/json", `{"email":"`+m.Email+`","password":"`+password+`"}`)
	if r.status != 200 {
		t.Fatalf("login %s = %d %s", m.Email, r.status, r.body)
	}
	var s struct {
		CSRFToken string `json:"csrf_token"`
	}
	json.Unmarshal(r.body, &s)
	return &actor{m: m, c: c, csrf: s.CSRFToken}
}

func (a *actor) do(t *testing.T, method, url, body string) response {
	t.Helper()
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	return do(t, a.c, method, url, ct, body, "X-CSRF-Token", a.csrf)
}

// world is two companies with an admin and a member each, an operator and
// an outside guest speaker, all logged in.
type world struct {
	coA, coB                                   *rooms.Company
	operator, adminA, memberA, adminB, memberB *actor
	guest                                      *actor
}

func (e *env) world(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{coA: storetest.NewCompany("Alpha KK"), coB: storetest.NewCompany("Beta KK")}
	for _, co := range []*rooms.Company{w.coA, w.coB} {
		if err := e.store.CreateCompany(ctx, co); err != nil {
			t.Fatal(err)
		}
	}
	hashBytes, _ := bcrypt.GenerateFromPassword([]byte("password-123"), bcrypt.MinCost)
	hash := string(hashBytes)
	mk := func(email string, role rooms.Role, co rooms.CompanyID) *actor {
		m := &rooms.Member{ID: rooms.NewMemberID(), CompanyID: co, Email: email, DisplayName: "Name " + strings.Split(email, "@")[0], Role: role, PasswordHash: hash}
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		if err := e.store.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		return e.login(t, m, "password-123")
	}
	w.operator = mk("op@zadankai.test", rooms.RoleOperator, "")
	w.adminA = mk("admin@alpha.test", rooms.RoleCompanyAdmin, w.coA.ID)
	w.memberA = mk("member@alpha.test", rooms.RoleMember, w.coA.ID)
	w.adminB = mk("admin@beta.test", rooms.RoleCompanyAdmin, w.coB.ID)
	w.memberB = mk("member@beta.test", rooms.RoleMember, w.coB.ID)
	w.guest = mk("guest@outside.test", rooms.RoleGuestSpeaker, "")
	return w
}

var linkToken = regexp.MustCompile(`token=([a-z2-7]+)`)

// lastLink returns the token of the newest email to addr.
func (e *env) lastLink(t *testing.T, addr string) string {
	t.Helper()
	for _, s := range e.outbox.Messages() {
		if s.Email.To == addr {
			if m := linkToken.FindStringSubmatch(s.Email.Text); m != nil {
				return m[1]
			}
		}
	}
	t.Fatalf("no email with a link to %s", addr)
	return ""
}

func TestInvitationFlow(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	r := w.operator.do(t, "POST", e.srv.URL+"/api/v1/invitations", `{"email":"New.Admin@Alpha.test","role":"company_admin","company_id":"`+string(w.coA.ID)+`"}`)
	if r.status != 201 || !strings.Contains(string(r.body), `"status":"pending"`) || strings.Contains(string(r.body), "token") {
		t.Fatalf("invite = %d %s", r.status, r.body)
	}
	token := e.lastLink(t, "new.admin@alpha.test")
	anon := client(t)
	r = do(t, anon, "GET", e.srv.URL+"/api/v1/invitations/lookup?token="+token, "", "")
	if r.status != 200 || !strings.Contains(string(r.body), "Alpha KK") || !strings.Contains(string(r.body), "company_admin") {
		t.Fatalf("lookup = %d %s", r.status, r.body)
	}
	r = do(t, anon, "POST", e.srv.URL+"/api/v1/invitations/accept", "application/json", `{"token":"`+token+`","display_name":"Aiko","password":"short"}`)
	if code, field := r.errorCode(t); r.status != 422 || code != "too_short" || field != "password" {
		t.Fatalf("accept with a short password = %d %s", r.status, r.body)
	}
	if _, err := e.store.GetMemberByEmail(context.Background(), "new.admin@alpha.test"); err == nil {
		t.Fatal("a refused accept created the account")
	}
	r = do(t, anon, "POST", e.srv.URL+"/api/v1/invitations/accept", "application/json", `{"token":"`+token+`","display_name":"Aiko","password":"long enough pw","locale":"en"}`)
	if r.status != 201 || r.header.Get("Set-Cookie") == "" {
		t.Fatalf("accept = %d %s", r.status, r.body)
	}
	if me := do(t, anon, "GET", e.srv.URL+"/api/v1/me", "", ""); me.status != 200 || !strings.Contains(string(me.body), `"role":"company_admin"`) {
		t.Errorf("new account /me = %d %s", me.status, me.body)
	}
	r = do(t, client(t), "POST", e.srv.URL+"/api/v1/invitations/accept", "application/json", `{"token":"`+token+`","display_name":"Again","password":"long enough pw"}`)
	if code, _ := r.errorCode(t); r.status != 410 || code != "invitation_used" {
		t.Errorf("second accept = %d %s, want 410 invitation_used", r.status, r.body)
	}
	list := w.operator.do(t, "GET", e.srv.URL+"/api/v1/invitations", "")
	if !strings.Contains(string(list.body), `"status":"accepted"`) {
		t.Errorf("invitation not shown accepted: %s", list.body)
	}
}

func TestInvitationAcceptRace(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	if r := w.adminA.do(t, "POST", e.srv.URL+"/api/v1/invitations", `{"email":"racer@alpha.test","role":"member"}`); r.status != 201 {
		t.Fatalf("invite = %d %s", r.status, r.body)
	}
	token := e.lastLink(t, "racer@alpha.test")
	const n = 8
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/invitations/accept",
				strings.NewReader(`{"token":"`+token+`","display_name":"Racer","password":"long enough pw"}`))
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err == nil {
				codes[i] = res.StatusCode
				res.Body.Close()
			}
		})
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		if c == 201 {
			created++
		} else if c != 410 && c != 409 {
			t.Errorf("unexpected status %d", c)
		}
	}
	if created != 1 {
		t.Fatalf("%d accepts succeeded (%v), want exactly 1", created, codes)
	}
}

func TestInvitationRules(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	ended := storetest.NewCompany("Gone KK")
	ended.Status = rooms.CompanyEnded
	e.store.CreateCompany(context.Background(), ended)
	cases := []struct {
		name   string
		who    *actor
		body   string
		status int
		code   string
		field  string
	}{
		{"admin invites a member of own company", w.adminA, `{"email":"m1@alpha.test","role":"member"}`, 201, "", ""},
		{"admin invites into another company", w.adminA, `{"email":"m2@beta.test","role":"member","company_id":"` + string(w.coB.ID) + `"}`, 404, "not_found", ""},
		{"admin invites an admin", w.adminA, `{"email":"m3@alpha.test","role":"company_admin"}`, 403, "forbidden", ""},
		{"admin invites an operator", w.adminA, `{"email":"m4@alpha.test","role":"operator"}`, 403, "forbidden", ""},
		{"member invites", w.memberA, `{"email":"m5@alpha.test","role":"member"}`, 403, "forbidden", ""},
		{"guest invites", w.guest, `{"email":"m6@alpha.test","role":"guest_speaker"}`, 403, "forbidden", ""},
		{"ended company", w.operator, `{"email":"x@gone.test","role":"member","company_id":"` + string(ended.ID) + `"}`, 422, "company_ended", "company_id"},
		{"unknown company", w.operator, `{"email":"x@nowhere.test","role":"member","company_id":"` + string(rooms.NewCompanyID()) + `"}`, 422, "unknown_company", "company_id"},
		{"member without company", w.operator, `{"email":"x@nowhere.test","role":"member"}`, 422, "required", "company_id"},
		{"bad email", w.operator, `{"email":"not-an-email","role":"guest_speaker"}`, 422, "malformed", "email"},
		{"unknown role", w.operator, `{"email":"x@y.test","role":"king"}`, 422, "unknown_value", "role"},
		{"operator invites a guest speaker", w.operator, `{"email":"speaker@outside.test","role":"guest_speaker"}`, 201, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(e.outbox.Messages())
			r := tc.who.do(t, "POST", e.srv.URL+"/api/v1/invitations", tc.body)
			if r.status != tc.status {
				t.Fatalf("= %d %s, want %d", r.status, r.body, tc.status)
			}
			if tc.code != "" {
				if code, field := r.errorCode(t); code != tc.code || field != tc.field {
					t.Errorf("= %s/%s, want %s/%s", code, field, tc.code, tc.field)
				}
				if len(e.outbox.Messages()) != before {
					t.Errorf("a refused invitation sent an email")
				}
			}
		})
	}
	all, _ := e.store.ListInvitations(context.Background(), "")
	if len(all) != 2 {
		t.Errorf("%d invitations stored, want 2 (refused ones must write nothing)", len(all))
	}
}

func TestInvitationExpiry(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	w.adminA.do(t, "POST", e.srv.URL+"/api/v1/invitations", `{"email":"late@alpha.test","role":"member"}`)
	token := e.lastLink(t, "late@alpha.test")
	e.skew.Store(int64(rooms.InvitationTTL + time.Minute))
	r := do(t, client(t), "POST", e.srv.URL+"/api/v1/invitations/accept", "application/json", `{"token":"`+token+`","display_name":"Late","password":"long enough pw"}`)
	if code, _ := r.errorCode(t); r.status != 410 || code != "invitation_expired" {
		t.Errorf("expired accept = %d %s", r.status, r.body)
	}
	r = do(t, client(t), "GET", e.srv.URL+"/api/v1/invitations/lookup?token=nosuchtoken", "", "")
	if code, _ := r.errorCode(t); r.status != 404 || code != "invitation_not_found" {
		t.Errorf("unknown token lookup = %d %s", r.status, r.body)
	}
}

func TestPasswordReset(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	other := e.login(t, w.memberA.m, "password-123") // a second browser
	r := do(t, client(t), "POST", e.srv.URL+"/api/v1/auth/password-reset", "application/json", `{"email":"MEMBER@alpha.test"}`)
	if r.status != 202 {
		t.Fatalf("reset request = %d %s", r.status, r.body)
	}
	unknown := do(t, client(t), "POST", e.srv.URL+"/api/v1/auth/password-reset", "application/json", `{"email":"nobody@alpha.test"}`)
	if unknown.status != 202 || string(unknown.body) != string(r.body) {
		t.Errorf("unknown address answered differently: %d %s", unknown.status, unknown.body)
	}
	token := e.lastLink(t, "member@alpha.test")
	confirm := func(pw string) response {
		return do(t, client(t), "POST", e.srv.URL+"/api/v1/auth/password-reset/confirm", "application/json", `{"token":"`+token+`","password":"`+pw+`"}`)
	}
	if r := confirm("short"); r.status != 422 {
		t.Errorf("short new password = %d", r.status)
	}
	if r := confirm("a brand new password"); r.status != 204 {
		t.Fatalf("confirm = %d %s", r.status, r.body)
	}
	if r := confirm("another new password"); r.status != 410 {
		t.Errorf("reused link = %d %s, want 410", r.status, r.body)
	}
	if r := other.do(t, "GET", e.srv.URL+"/api/v1/me", ""); r.status != 401 {
		t.Errorf("old session survived the reset: %d", r.status)
	}
	bad := do(t, client(t), "POST", e.srv.URL+"/api/v1/auth/login", "application/json", `{"email":"member@alpha.test","password":"password-123"}`)
	if bad.status != 401 {
		t.Errorf("old password still works: %d", bad.status)
	}
	e.login(t, w.memberA.m, "a brand new password")
}
