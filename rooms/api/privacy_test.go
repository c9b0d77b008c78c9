package api_test

import (
	"strings"
	"testing"
)

func TestExportAndDeleteAccount(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	e.alwaysAvailable(t, w.memberB.m)
	w.memberA.do(t, "PUT", e.srv.URL+"/api/v1/me/profile", `{"intro":"MY-INTRO","job_level":2,"work_style":{"hours":"full_time","remote":"remote"},"languages":["ja"],"capacity":2,"version":0}`)
	e.recommend(t, w.memberA.m, w.memberB.m) // after the first profile save, which makes a batch of its own
	cs := e.request(t, w.memberA, w.memberB.m, slotAt(30))
	w.memberB.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/accept", `{"slot":0}`)
	r := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/me/export", "")
	if r.status != 200 || !strings.Contains(string(r.body), "MY-INTRO") || !strings.Contains(string(r.body), cs.ID) {
		t.Fatalf("export = %d %s", r.status, r.body)
	}
	if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/me/delete", `{"password":"wrong"}`); r.status != 403 {
		t.Errorf("delete with a wrong password = %d", r.status)
	}
	if r := w.memberA.do(t, "POST", e.srv.URL+"/api/v1/me/delete", `{"password":"password-123"}`); r.status != 204 {
		t.Fatalf("delete = %d %s", r.status, r.body)
	}
	if r := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/me", ""); r.status != 401 {
		t.Errorf("session survived account deletion: %d", r.status)
	}
	view := w.memberB.do(t, "GET", e.srv.URL+"/api/v1/consultations/"+cs.ID, "")
	if !strings.Contains(string(view.body), `"status":"cancelled"`) || strings.Contains(string(view.body), "MY-INTRO") ||
		strings.Contains(string(view.body), w.memberA.m.DisplayName) {
		t.Errorf("the other side after deletion: %s", view.body)
	}
	bad := do(t, client(t), "POST", e.srv.URL+"/api/v1/auth/login", "application/json", `{"email":"`+w.memberA.m.Email+`","password":"password-123"}`)
	if bad.status != 401 {
		t.Errorf("deleted account can still log in: %d", bad.status)
	}
}
