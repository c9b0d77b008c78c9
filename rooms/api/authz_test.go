package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zadankai/zadankai/rooms"
)

// TestAuthorizationMatrix walks role × endpoint × own/other company and
// fails on any status other than the expected one, or on any body that
// carries another company's people or data to someone who may not see it.
func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	// Company B has a pending invitation whose address must never reach A's people.
	if r := w.adminB.do(t, "POST", e.srv.URL+"/api/v1/invitations", `{"email":"secret-hire@beta.test","role":"member"}`); r.status != 201 {
		t.Fatalf("setup: %d %s", r.status, r.body)
	}
	ivB1, ivB2 := e.invitationID(t, w.adminB, "b1@beta.test"), e.invitationID(t, w.adminB, "b2@beta.test")
	ivA1, ivA2 := e.invitationID(t, w.adminA, "a1@alpha.test"), e.invitationID(t, w.adminA, "a2@alpha.test")
	// Member A is recommended member B and, wrongly, a colleague: the
	// colleague's times must stay hidden all the same.
	colleague := e.addMemberIn(t, w.coA.ID, "colleague@alpha.test")
	e.recommend(t, w.memberA.m, w.memberB.m, colleague)
	e.lunchtimes(t, w.memberB.m)
	e.lunchtimes(t, colleague)
	A, B := string(w.coA.ID), string(w.coB.ID)
	actors := []struct {
		name string
		a    *actor
	}{
		{"anonymous", &actor{c: client(t)}},
		{"member A", w.memberA}, {"admin A", w.adminA}, {"guest", w.guest}, {"operator", w.operator},
	}
	type cell = map[string]int // actor name -> status
	rows := []struct {
		method, path, body string
		want               cell
	}{
		{"GET", "/api/v1/me", "", cell{"anonymous": 401, "member A": 200, "admin A": 200, "guest": 200, "operator": 200}},
		{"GET", "/api/v1/companies", "", cell{"anonymous": 401, "member A": 403, "admin A": 403, "guest": 403, "operator": 200}},
		{"POST", "/api/v1/companies", `{"name":"New Co"}`, cell{"anonymous": 401, "member A": 403, "admin A": 403, "guest": 403, "operator": 201}},
		{"GET", "/api/v1/companies/" + A, "", cell{"anonymous": 401, "member A": 200, "admin A": 200, "guest": 404, "operator": 200}},
		{"GET", "/api/v1/companies/" + B, "", cell{"anonymous": 401, "member A": 404, "admin A": 404, "guest": 404, "operator": 200}},
		{"PATCH", "/api/v1/companies/" + B, `{"name":"Beta KK"}`, cell{"anonymous": 401, "member A": 403, "admin A": 403, "guest": 403, "operator": 200}},
		{"GET", "/api/v1/invitations", "", cell{"anonymous": 401, "member A": 403, "admin A": 200, "guest": 403, "operator": 200}},
		{"GET", "/api/v1/invitations?company_id=" + B, "", cell{"anonymous": 401, "member A": 403, "admin A": 404, "guest": 403, "operator": 200}},
		// A company that does not exist answers her exactly as B does: she cannot tell them apart.
		{"GET", "/api/v1/invitations?company_id=" + string(rooms.NewCompanyID()), "", cell{"anonymous": 401, "member A": 403, "admin A": 404, "guest": 403, "operator": 200}},
		{"GET", "/api/v1/invitations?company_id=" + A, "", cell{"anonymous": 401, "member A": 403, "admin A": 200, "guest": 403, "operator": 200}},
		{"GET", "/api/v1/members/" + string(w.memberB.m.ID) + "/photo", "", cell{"anonymous": 401, "member A": 404, "admin A": 404, "guest": 404, "operator": 404}},
		{"GET", "/api/v1/companies/" + A + "/stats", "", cell{"anonymous": 401, "member A": 403, "admin A": 200, "guest": 404, "operator": 200}},
		{"GET", "/api/v1/companies/" + B + "/stats", "", cell{"anonymous": 401, "member A": 404, "admin A": 404, "guest": 404, "operator": 200}},
		{"GET", "/api/v1/stats", "", cell{"anonymous": 401, "member A": 403, "admin A": 403, "guest": 403, "operator": 200}},
		{"GET", "/api/v1/overview", "", cell{"anonymous": 401, "member A": 403, "admin A": 403, "guest": 403, "operator": 200}},
		{"GET", "/api/v1/feedback", "", cell{"anonymous": 401, "member A": 403, "admin A": 403, "guest": 403, "operator": 200}},
		{"GET", "/api/v1/recommendations", "", cell{"anonymous": 401, "member A": 200, "admin A": 200, "guest": 200, "operator": 200}},
		{"GET", "/api/v1/consultations", "", cell{"anonymous": 401, "member A": 200, "admin A": 200, "guest": 200, "operator": 200}},
		{"GET", "/api/v1/me/profile", "", cell{"anonymous": 401, "member A": 200, "admin A": 200, "guest": 200, "operator": 200}},
		{"POST", "/api/v1/invitations", `{"email":"n@beta.test","role":"member","company_id":"` + B + `"}`,
			cell{"anonymous": 401, "member A": 403, "admin A": 404, "guest": 403, "operator": 201}},
		// A role she may not invite is a matter of her role (403), in her own company.
		{"POST", "/api/v1/invitations", `{"email":"hr2@alpha.test","role":"company_admin","company_id":"` + A + `"}`,
			cell{"anonymous": 401, "member A": 403, "admin A": 403, "guest": 403, "operator": 201}},
		// control plane, second pass
		{"PATCH", "/api/v1/me", `{"locale":"ja"}`, cell{"anonymous": 401, "member A": 200, "admin A": 200, "guest": 200, "operator": 200}},
		{"GET", "/api/v1/members/" + string(w.memberB.m.ID) + "/free-slots", "", cell{"anonymous": 401, "member A": 200, "admin A": 404, "guest": 404, "operator": 404}},
		{"GET", "/api/v1/members/" + string(colleague.ID) + "/free-slots", "", cell{"anonymous": 401, "member A": 404, "admin A": 404, "guest": 404, "operator": 404}},
		{"GET", "/api/v1/members/" + string(w.memberA.m.ID) + "/free-slots", "", cell{"anonymous": 401, "member A": 404, "admin A": 404, "guest": 404, "operator": 404}},
		{"POST", "/api/v1/invitations/" + ivA1 + "/revoke", "", cell{"anonymous": 401, "member A": 403, "admin A": 200, "guest": 403, "operator": 409}},
		{"POST", "/api/v1/invitations/" + ivB1 + "/revoke", "", cell{"anonymous": 401, "member A": 403, "admin A": 404, "guest": 403, "operator": 200}},
		{"POST", "/api/v1/invitations/" + ivA2 + "/resend", "", cell{"anonymous": 401, "member A": 403, "admin A": 201, "guest": 403, "operator": 201}},
		{"POST", "/api/v1/invitations/" + ivB2 + "/resend", "", cell{"anonymous": 401, "member A": 403, "admin A": 404, "guest": 403, "operator": 201}},
	}
	rows = append(rows, roundtableMatrixRows(t, e, w)...) // roundtables (issue 6)
	// What company A's people and the guest must never see.
	secrets := []string{"secret-hire@beta.test", "member@beta.test", "admin@beta.test", "b1@beta.test", "b2@beta.test"}
	for _, row := range rows {
		for _, ac := range actors {
			want, ok := row.want[ac.name]
			if !ok {
				t.Fatalf("matrix row %s %s lacks %s", row.method, row.path, ac.name)
			}
			r := ac.a.do(t, row.method, e.srv.URL+row.path, row.body)
			if r.status != want {
				t.Errorf("%s: %s %s = %d, want %d (%s)", ac.name, row.method, row.path, r.status, want, r.body)
			}
			if ac.name == "operator" {
				continue
			}
			for _, s := range secrets {
				if strings.Contains(string(r.body), s) {
					t.Errorf("%s: %s %s leaked %q", ac.name, row.method, row.path, s)
				}
			}
			if r.status >= 400 && r.status != 404 && strings.Contains(string(r.body), "Beta KK") {
				t.Errorf("%s: %s %s leaked company B's name in an error", ac.name, row.method, row.path)
			}
		}
	}
	// The admin of A sees A's invitations only.
	r := w.adminA.do(t, "GET", e.srv.URL+"/api/v1/invitations", "")
	if strings.Contains(string(r.body), B) {
		t.Errorf("admin A's invitation list mentions company B: %s", r.body)
	}
}

// TestCSRFRequiredEverywhere checks that every state-changing route behind
// a session refuses a request without the CSRF header.
func TestCSRFRequiredEverywhere(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	for _, rt := range e.engine.Routes() {
		if rt.Method == "GET" || !strings.HasPrefix(rt.Path, "/api/v1/") || strings.HasPrefix(rt.Path, "/api/v1/auth/") && rt.Path != "/api/v1/auth/logout" || strings.HasPrefix(rt.Path, "/api/v1/invitations/") {
			continue
		}
		path := strings.ReplaceAll(rt.Path, ":id", string(w.coA.ID))
		r := do(t, w.operator.c, rt.Method, e.srv.URL+path, "application/json", `{}`)
		if code, _ := r.errorCode(t); r.status != 403 || code != "csrf_token_invalid" {
			t.Errorf("%s %s without CSRF token = %d %s", rt.Method, rt.Path, r.status, r.body)
		}
	}
}

// invitationID has inviter invite email and returns the invitation's id.
func (e *env) invitationID(t *testing.T, inviter *actor, email string) string {
	t.Helper()
	r := inviter.do(t, "POST", e.srv.URL+"/api/v1/invitations", `{"email":"`+email+`","role":"member"}`)
	var v struct{ ID string }
	if r.status != 201 || json.Unmarshal(r.body, &v) != nil {
		t.Fatalf("invite %s = %d %s", email, r.status, r.body)
	}
	return v.ID
}
