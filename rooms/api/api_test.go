package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
	"github.com/zadankai/zadankai/rooms/mail"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
	"github.com/zadankai/zadankai/rooms/storetest"
)

// env is a real API on a real SQLite store behind a real HTTP server.
type env struct {
	srv    *httptest.Server
	store  rooms.Store
	engine *gin.Engine
	outbox *mail.Outbox
	skew   atomic.Int64 // added to the API's clock, to test expiry
	api    *api.API
}

func newEnv(t testing.TB) *env { t.Helper(); return newEnvMailer(t, nil) }

// newEnvMailer is newEnv sending mail through m (nil: the outbox).
func newEnvMailer(t testing.TB, m rooms.Mailer) *env {
	t.Helper()
	return newEnvWith(t, m, nil)
}

// newEnvWith is newEnvMailer with the API's parameters adjusted first.
func newEnvWith(t testing.TB, m rooms.Mailer, adjust func(*api.Params)) *env {
	t.Helper()
	store, err := sqlitestore.OpenFile(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(context.Background()) })
	return newEnvStore(t, store, m, adjust)
}

// newEnvStore is a real API on store behind a real HTTP server, sending
// mail through m (nil: the outbox), its parameters adjusted first.
func newEnvStore(t testing.TB, store rooms.Store, m rooms.Mailer, adjust func(*api.Params)) *env {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	outbox := mail.NewOutbox(log, 100)
	e := &env{store: store, outbox: outbox}
	if m == nil {
		m = outbox
	}
	p := api.Params{Store: store, Logger: log, Registry: prometheus.NewRegistry(), Version: "test",
		MaxBodyBytes: 4096, Mailer: m, PublicURL: "http://zadankai.test", DevOutbox: outbox,
		PasswordCost: bcrypt.MinCost,
		Media:        api.MediaConfig{URL: "ws://media.test", APIKey: "testkey", APISecret: "testsecret-testsecret-testsecret"},
		Now:          func() time.Time { return time.Now().Add(time.Duration(e.skew.Load())) },
		// A busy machine under the race detector may take seconds per hash.
		Login: api.LoginLimits{PasswordWait: time.Minute}}
	if adjust != nil {
		adjust(&p)
	}
	a, err := api.New(p)
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	a.Register(engine)
	e.srv = httptest.NewServer(engine)
	t.Cleanup(e.srv.Close)
	e.engine, e.api = engine, a
	return e
}

// addMemberIn stores a member of company (no password).
func (e *env) addMemberIn(t testing.TB, company rooms.CompanyID, email string) *rooms.Member {
	t.Helper()
	m := storetest.NewMember(company, email)
	if err := e.store.CreateMember(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

// addMember stores a member of a new company with a password.
func (e *env) addMember(t testing.TB, email, password string) *rooms.Member {
	t.Helper()
	ctx := context.Background()
	co := storetest.NewCompany("Co " + email)
	if err := e.store.CreateCompany(ctx, co); err != nil {
		t.Fatal(err)
	}
	m := storetest.NewMember(co.ID, email)
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	m.PasswordHash = string(hash)
	if err := e.store.CreateMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	return m
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) errorCode(t *testing.T) (code, field string) {
	t.Helper()
	var b struct {
		Error struct {
			Code, Message, Field string
		}
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal(r.body, &b); err != nil || b.Error.Code == "" || b.Error.Message == "" || b.RequestID == "" {
		t.Fatalf("error body %q is not the JSON error shape (%v)", r.body, err)
	}
	return b.Error.Code, b.Error.Field
}

func do(t *testing.T, c *http.Client, method, url, contentType, body string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// client is a browser. Its timeout allows for a password check at
// bcrypt's default cost (unknown accounts are checked against one), which
// takes seconds under the race detector and over ten on a busy machine.
func client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: time.Minute}
}

func TestHealthAndReadiness(t *testing.T) {
	e := newEnv(t)
	c := client(t)
	if r := do(t, c, "GET", e.srv.URL+"/healthz", "", ""); r.status != 200 || !bytes.Contains(r.body, []byte(`"ok"`)) {
		t.Errorf("/healthz = %d %s", r.status, r.body)
	}
	if r := do(t, c, "GET", e.srv.URL+"/readyz", "", ""); r.status != 200 {
		t.Errorf("/readyz with a live store = %d %s", r.status, r.body)
	}
	e.store.Close(context.Background())
	r := do(t, c, "GET", e.srv.URL+"/readyz", "", "")
	if code, _ := r.errorCode(t); r.status != 503 || code != "store_unavailable" {
		t.Errorf("/readyz with a closed store = %d %s, want 503 store_unavailable", r.status, r.body)
	}
	if r := do(t, c, "GET", e.srv.URL+"/healthz", "", ""); r.status != 200 {
		t.Errorf("/healthz must not depend on the store: %d", r.status)
	}
}

func TestNotFoundShapeAndRequestID(t *testing.T) {
	e := newEnv(t)
	c := client(t)
	r := do(t, c, "GET", e.srv.URL+"/api/v1/no-such-thing", "", "")
	code, _ := r.errorCode(t)
	if r.status != 404 || code != "not_found" {
		t.Errorf("unknown route = %d %s, want 404 not_found", r.status, r.body)
	}
	id := r.header.Get("X-Request-ID")
	if len(id) < 16 || !bytes.Contains(r.body, []byte(id)) {
		t.Errorf("generated request id %q missing from header or body %s", id, r.body)
	}
	r = do(t, c, "GET", e.srv.URL+"/healthz", "", "", "X-Request-ID", "proxy-abc.123")
	if got := r.header.Get("X-Request-ID"); got != "proxy-abc.123" {
		t.Errorf("incoming request id not kept: %q", got)
	}
	r = do(t, c, "GET", e.srv.URL+"/healthz", "", "", "X-Request-ID", "evil\"<script>")
	if got := r.header.Get("X-Request-ID"); got == "" || strings.ContainsAny(got, "\"<") {
		t.Errorf("unsafe request id echoed: %q", got)
	}
	r = do(t, c, "DELETE", e.srv.URL+"/healthz", "", "")
	if r.status != 404 && r.status != 405 {
		t.Errorf("DELETE /healthz = %d", r.status)
	}
}

func TestMetricsExposition(t *testing.T) {
	e := newEnv(t)
	c := client(t)
	do(t, c, "GET", e.srv.URL+"/healthz", "", "")
	do(t, c, "GET", e.srv.URL+"/api/v1/me", "", "")
	r := do(t, c, "GET", e.srv.URL+"/metrics", "", "")
	for _, want := range []string{
		`zadankai_http_requests_total{code="200",method="GET",route="/healthz"} 1`,
		`zadankai_http_requests_total{code="401",method="GET",route="/api/v1/me"} 1`,
		`zadankai_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"} 1`,
		"zadankai_http_requests_in_flight 1",
	} {
		if !bytes.Contains(r.body, []byte(want)) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Errorf("/metrics = %d %s", r.status, r.header.Get("Content-Type"))
	}
}

func TestLoginMeLogout(t *testing.T) {
	e := newEnv(t)
	m := e.addMember(t, "hanako@example.com", "correct horse")
	c := client(t)
	r := do(t, c, "POST", e.srv.URL+"/api/v1/auth/login", "application/json", `{"email":"Hanako@Example.com","password":"correct horse"}`)
	if r.status != 200 {
		t.Fatalf("login = %d %s", r.status, r.body)
	}
	var s struct {
		Member    api.MemberView
		CSRFToken string `json:"csrf_token"`
	}
	if err := json.Unmarshal(r.body, &s); err != nil || s.Member.ID != m.ID || s.CSRFToken == "" {
		t.Fatalf("login body %s (%v)", r.body, err)
	}
	if ck := r.header.Get("Set-Cookie"); !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
		t.Errorf("session cookie lacks HttpOnly/SameSite: %s", ck)
	}
	if strings.Contains(string(r.body), "$2a$") {
		t.Errorf("password hash leaked in %s", r.body)
	}
	if r := do(t, c, "GET", e.srv.URL+"/api/v1/me", "", ""); r.status != 200 || !bytes.Contains(r.body, []byte(m.Email)) {
		t.Errorf("/me = %d %s", r.status, r.body)
	}
	r = do(t, c, "POST", e.srv.URL+"/api/v1/auth/logout", "", "")
	if code, _ := r.errorCode(t); r.status != 403 || code != "csrf_token_invalid" {
		t.Errorf("logout without CSRF token = %d %s, want 403 csrf_token_invalid", r.status, r.body)
	}
	if r := do(t, c, "GET", e.srv.URL+"/api/v1/me", "", ""); r.status != 200 {
		t.Errorf("refused logout ended the session anyway: /me = %d", r.status)
	}
	if r := do(t, c, "POST", e.srv.URL+"/api/v1/auth/logout", "", "", "X-CSRF-Token", s.CSRFToken); r.status != 204 {
		t.Errorf("logout = %d %s", r.status, r.body)
	}
	r = do(t, c, "GET", e.srv.URL+"/api/v1/me", "", "")
	if code, _ := r.errorCode(t); r.status != 401 || code != "unauthenticated" {
		t.Errorf("/me after logout = %d %s", r.status, r.body)
	}
}

func TestLoginRejectsBadInput(t *testing.T) {
	e := newEnv(t)
	e.addMember(t, "hanako@example.com", "correct horse")
	cases := []struct {
		name, contentType, body string
		status                  int
		code, field             string
	}{
		{"wrong password", "application/json", `{"email":"hanako@example.com","password":"nope"}`, 401, "invalid_credentials", ""},
		{"unknown email looks the same", "application/json", `{"email":"ghost@example.com","password":"nope"}`, 401, "invalid_credentials", ""},
		{"unknown field", "application/json", `{"email":"hanako@example.com","password":"x","admin":true}`, 400, "unknown_field", "admin"},
		{"operator object instead of string", "application/json", `{"email":{"$gt":""},"password":"x"}`, 400, "wrong_type", "email"},
		{"not JSON", "application/json", `email=hanako`, 400, "malformed_json", ""},
		{"two objects", "application/json", `{"email":"a@b.c","password":"x"}{}`, 400, "malformed_json", ""},
		{"form content type", "application/x-www-form-urlencoded", `email=a&password=b`, 415, "unsupported_media_type", ""},
		{"missing email", "application/json", `{"password":"x"}`, 422, "required", "email"},
		{"missing password", "application/json", `{"email":"hanako@example.com"}`, 422, "required", "password"},
		{"oversize body", "application/json", `{"email":"` + strings.Repeat("a", 5000) + `","password":"x"}`, 413, "body_too_large", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, client(t), "POST", e.srv.URL+"/api/v1/auth/login", tc.contentType, tc.body)
			code, field := r.errorCode(t)
			if r.status != tc.status || code != tc.code || field != tc.field {
				t.Errorf("= %d %s/%s, want %d %s/%s (%s)", r.status, code, field, tc.status, tc.code, tc.field, r.body)
			}
			if r.header.Get("Set-Cookie") != "" {
				t.Errorf("a refused login set a cookie")
			}
		})
	}
	// Nothing is written on a rejected request: no session exists.
	if n, err := e.store.DeleteExpiredSessions(context.Background(), time.Now().Add(1e6*time.Hour)); err != nil || n != 0 {
		t.Errorf("%d sessions stored after only rejected logins (%v)", n, err)
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t)
	e.addMember(t, "hanako@example.com", "correct horse")
	var last response
	for range 11 {
		last = do(t, client(t), "POST", e.srv.URL+"/api/v1/auth/login", "application/json", `{"email":"hanako@example.com","password":"guess"}`)
	}
	if code, _ := last.errorCode(t); last.status != 429 || code != "rate_limited" {
		t.Fatalf("11th wrong attempt in a minute = %d %s, want 429 rate_limited", last.status, last.body)
	}
	r := do(t, client(t), "POST", e.srv.URL+"/api/v1/auth/login", "application/json", `{"email":"hanako@example.com","password":"correct horse"}`)
	if r.status != 429 {
		t.Errorf("the right password during the lock-out = %d, want 429", r.status)
	}
}

func TestSessionCookieTampering(t *testing.T) {
	e := newEnv(t)
	for _, v := range []string{"garbage", strings.Repeat("x", 500), "' OR 1=1 --"} {
		r := do(t, client(t), "GET", e.srv.URL+"/api/v1/me", "", "", "Cookie", "zadankai_session="+v)
		if code, _ := r.errorCode(t); r.status != 401 || code != "unauthenticated" {
			t.Errorf("cookie %.20q: /me = %d %s, want 401", v, r.status, r.body)
		}
	}
}
