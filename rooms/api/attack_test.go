package api_test

// The API's attack tests: one test per hole an outside tester found, each
// named for what it defends. A reviewer reads this file as the list of
// what the control plane holds against abuse (issue 12). The
// authorization matrix lives in authz_test.go.

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms/api"
)

// clientFrom is a browser whose connections come from ip, one of the
// many loopback addresses: a real, distinct peer address for the server.
func clientFrom(t *testing.T, ip string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: tr}
}

func loginBody(email, password string) string {
	return `{"email":"` + email + `","password":"` + password + `"}`
}

func (e *env) tryLogin(t *testing.T, c *http.Client, email, password string, header ...string) response {
	t.Helper()
	return do(t, c, "POST", e.srv.URL+"/api/v1/auth/login", "application/json", loginBody(email, password), header...)
}

// wantLimited checks a 429 rate_limited with a Retry-After of at least min seconds.
func wantLimited(t *testing.T, r response, min int, what string) {
	t.Helper()
	code, _ := r.errorCode(t)
	secs, _ := strconv.Atoi(r.header.Get("Retry-After"))
	if r.status != 429 || code != "rate_limited" || secs < min {
		t.Errorf("%s = %d %s (Retry-After %q), want 429 rate_limited, Retry-After ≥ %d", what, r.status, r.body, r.header.Get("Retry-After"), min)
	}
}

// A client-supplied X-Forwarded-For must not make one address look like
// many: the per-address login limit holds (Gin trusted every proxy).
func TestAttackSpoofedForwardedForDoesNotEscapeIPLimit(t *testing.T) {
	e := newEnvWith(t, nil, func(p *api.Params) { p.Login.PerIPPerMinute = 5 })
	// Behind a configured proxy, its X-Forwarded-For names the client.
	proxied := newEnvWith(t, nil, func(p *api.Params) {
		p.Login.PerIPPerMinute = 5
		p.TrustedProxies = []string{"127.0.0.0/8"}
	})
	var victims []string
	for i := range 7 {
		m := e.addMember(t, fmt.Sprintf("victim%d@example.com", i), "victim's password")
		proxied.addMember(t, m.Email, "victim's password")
		victims = append(victims, m.Email)
	}
	c := clientFrom(t, "127.0.0.2")
	for i := range 5 {
		if r := e.tryLogin(t, c, victims[i], "guess-guess", "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i)); r.status != 401 {
			t.Fatalf("attempt %d = %d %s, want 401", i, r.status, r.body)
		}
	}
	r := e.tryLogin(t, c, victims[5], "guess-guess", "X-Forwarded-For", "198.51.100.77", "X-Real-IP", "198.51.100.78")
	wantLimited(t, r, 1, "6th attempt from one address behind a spoofed X-Forwarded-For")
	for i := range 7 {
		r := proxied.tryLogin(t, c, victims[i], "guess-guess", "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		if r.status != 401 {
			t.Fatalf("attempt %d through a trusted proxy = %d %s, want 401 (each client has its own limit)", i, r.status, r.body)
		}
	}
}

// A stranger hammering an account from her address locks only herself
// out, with a growing wait; the owner logs in from elsewhere at once.
func TestAttackStrangerCannotLockOwnerOut(t *testing.T) {
	e := newEnv(t)
	owner := e.addMember(t, "hanako@example.com", "correct horse")
	stranger := clientFrom(t, "127.0.0.2")
	for i := range 5 {
		if r := e.tryLogin(t, stranger, owner.Email, "guess-"+strconv.Itoa(i)); r.status != 401 {
			t.Fatalf("stranger's failure %d = %d %s", i, r.status, r.body)
		}
	}
	for range 15 {
		wantLimited(t, e.tryLogin(t, stranger, owner.Email, "guess-again"), 25, "stranger after 5 failures")
	}
	wantLimited(t, e.tryLogin(t, stranger, owner.Email, "correct horse"), 25, "the right password from the locked-out source")
	if r := e.tryLogin(t, clientFrom(t, "127.0.0.3"), owner.Email, "correct horse"); r.status != 200 {
		t.Fatalf("owner from her own address during the attack = %d %s, want 200", r.status, r.body)
	}
	// The wait doubles with each further failure.
	e.skew.Store(int64(31 * time.Second))
	if r := e.tryLogin(t, stranger, owner.Email, "guess-after-wait"); r.status != 401 {
		t.Fatalf("stranger after her wait = %d %s, want one more try (401)", r.status, r.body)
	}
	wantLimited(t, e.tryLogin(t, stranger, owner.Email, "guess-again"), 55, "stranger after her 6th failure")
}

// Stuffing spread over many addresses meets a ceiling per account, but
// the owner still gets in from an address or browser she used before.
func TestAttackDistributedStuffingMeetsAccountCeiling(t *testing.T) {
	e := newEnvWith(t, nil, func(p *api.Params) { p.Login.AccountFailures = 10 })
	owner := e.addMember(t, "hanako@example.com", "correct horse")
	home := clientFrom(t, "127.0.0.9")
	if r := e.tryLogin(t, home, owner.Email, "correct horse"); r.status != 200 {
		t.Fatalf("owner's earlier login = %d %s", r.status, r.body)
	}
	phone := clientFrom(t, "127.0.0.8") // her phone: its address will change
	if r := e.tryLogin(t, phone, owner.Email, "correct horse"); r.status != 200 {
		t.Fatalf("owner's earlier phone login = %d %s", r.status, r.body)
	}
	for i := range 10 {
		if r := e.tryLogin(t, clientFrom(t, fmt.Sprintf("127.0.1.%d", i+1)), owner.Email, "stuffed-"+strconv.Itoa(i)); r.status != 401 {
			t.Fatalf("stuffing attempt %d = %d %s", i, r.status, r.body)
		}
	}
	wantLimited(t, e.tryLogin(t, clientFrom(t, "127.0.2.1"), owner.Email, "stuffed-next"), 60, "a new address above the ceiling")
	wantLimited(t, e.tryLogin(t, clientFrom(t, "127.0.2.2"), owner.Email, "correct horse"), 60, "the right password from a never-seen address above the ceiling")
	if r := e.tryLogin(t, home, owner.Email, "correct horse"); r.status != 200 {
		t.Errorf("owner from the address she used before = %d %s, want 200", r.status, r.body)
	}
	moved := clientFrom(t, "127.0.3.1")
	moved.Jar = phone.Jar // the same phone browser, on a new network
	if r := e.tryLogin(t, moved, owner.Email, "correct horse"); r.status != 200 {
		t.Errorf("owner's browser that logged in before, from a new address = %d %s, want 200", r.status, r.body)
	}
}

// A login storm is bounded: password checks beyond the slots wait a
// moment and are then refused with 503 server_busy, and other requests
// are still answered meanwhile.
func TestAttackLoginStormIsBoundedNotStarving(t *testing.T) {
	e := newEnvWith(t, nil, func(p *api.Params) { p.Login.PasswordChecks, p.Login.PasswordWait = 1, 200*time.Millisecond })
	const n = 16
	statuses := make([]response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c := clientFrom(t, fmt.Sprintf("127.0.4.%d", i+1))
			statuses[i] = e.tryLogin(t, c, fmt.Sprintf("nobody%d@example.com", i), "some-guess")
		})
	}
	var slowest time.Duration
	for range 5 {
		begin := time.Now()
		if r := do(t, client(t), "GET", e.srv.URL+"/healthz", "", ""); r.status != 200 {
			t.Errorf("/healthz during the storm = %d", r.status)
		}
		slowest = max(slowest, time.Since(begin))
	}
	wg.Wait()
	count := map[int]int{}
	for _, r := range statuses {
		count[r.status]++
		if r.status == 503 {
			if code, _ := r.errorCode(t); code != "server_busy" || r.header.Get("Retry-After") == "" {
				t.Errorf("busy answer = %s, Retry-After %q; want server_busy with Retry-After", code, r.header.Get("Retry-After"))
			}
		}
	}
	if count[401] == 0 || count[503] == 0 || count[401]+count[503] != n {
		t.Errorf("statuses %v: want some 401 (checked) and some 503 (refused when saturated), nothing else", count)
	}
	if slowest > 2*time.Second {
		t.Errorf("/healthz took %v during the storm", slowest)
	}
	t.Logf("storm of %d with one slot: %v; slowest /healthz %v", n, count, slowest)
}

// shape is a JSON object's keys with their values, except the ones that
// differ between any two invitations.
func shape(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not a JSON object: %s", body)
	}
	for _, k := range []string{"id", "email", "created_at", "expires_at"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("%s lacks %q", body, k)
		}
		m[k] = "…"
	}
	return m
}

// A company admin cannot learn whether an address has an account (in any
// company) by inviting it: the answer, the list and the inviter's mail
// are the same as for a new address; only the account's owner hears of
// it, with no sign-up link.
func TestAttackInvitationDoesNotRevealAccounts(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	url := e.srv.URL + "/api/v1/invitations"
	taken := w.adminA.do(t, "POST", url, `{"email":"Member@Beta.test","role":"member"}`)
	fresh := w.adminA.do(t, "POST", url, `{"email":"newcomer@alpha.test","role":"member"}`)
	if taken.status != fresh.status || taken.status != 201 {
		t.Fatalf("existing address = %d %s, new address = %d %s; want the same 201", taken.status, taken.body, fresh.status, fresh.body)
	}
	if a, b := shape(t, taken.body), shape(t, fresh.body); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("answers differ:\nexisting: %v\nnew:      %v", a, b)
	}
	var id struct{ ID string }
	json.Unmarshal(taken.body, &id)
	resent := w.adminA.do(t, "POST", url+"/"+id.ID+"/resend", "")
	if resent.status != 201 {
		t.Errorf("resend to the existing address = %d %s, want 201 as for anyone", resent.status, resent.body)
	}
	list := w.adminA.do(t, "GET", url, "")
	if strings.Count(string(list.body), `"status":"pending"`) != 2 || !strings.Contains(string(list.body), `"status":"revoked"`) {
		t.Errorf("the inviter's list tells them apart: %s", list.body)
	}
	notes := 0
	for _, s := range e.outbox.Messages() {
		if s.Email.To == "member@beta.test" {
			notes++
			if strings.Contains(s.Email.Text, "/invite?token=") {
				t.Errorf("an existing account was sent a sign-up link: %s", s.Email.Text)
			}
			if !strings.Contains(s.Email.Text, "/reset") {
				t.Errorf("the owner's note lacks the way back in: %s", s.Email.Text)
			}
		}
	}
	if notes != 1 {
		t.Errorf("%d notes to the existing account, want 1 (at most one a day)", notes)
	}
	if tok := e.lastLink(t, "newcomer@alpha.test"); tok == "" {
		t.Errorf("the new address got no link")
	}
}

// Using one password reset link voids every other outstanding link of the
// account (a leaked older email can no longer take the account), and
// ends every session.
func TestAttackResetLinkVoidsTheOthers(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	var links []string
	for range 2 {
		if r := do(t, client(t), "POST", e.srv.URL+"/api/v1/auth/password-reset", "application/json", `{"email":"member@alpha.test"}`); r.status != 202 {
			t.Fatalf("reset request = %d %s", r.status, r.body)
		}
		links = append(links, e.lastLink(t, "member@alpha.test"))
	}
	if links[0] == links[1] {
		t.Fatal("two requests gave the same link")
	}
	confirm := func(token, pw string) response {
		return do(t, client(t), "POST", e.srv.URL+"/api/v1/auth/password-reset/confirm", "application/json", `{"token":"`+token+`","password":"`+pw+`"}`)
	}
	if r := confirm(links[1], "the owner's new password"); r.status != 204 {
		t.Fatalf("owner's reset = %d %s", r.status, r.body)
	}
	r := confirm(links[0], "the thief's new password")
	if code, field := r.errorCode(t); r.status != 410 || code != "reset_link_invalid" || field != "token" {
		t.Errorf("the other, older link after a reset = %d %s, want 410 reset_link_invalid/token", r.status, r.body)
	}
	if r := w.memberA.do(t, "GET", e.srv.URL+"/api/v1/me", ""); r.status != 401 {
		t.Errorf("a session survived the reset: /me = %d", r.status)
	}
	e.login(t, w.memberA.m, "the owner's new password")
}

// Dates far in the future (year 9999) are refused wherever the API takes
// a date, with a stable code and the field, and nothing is stored.
func TestAttackFarFutureDatesRefused(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	op := w.operator.m.ID
	far := regexp.MustCompile(`"start":"[^"]*"`).ReplaceAllString(roundtableBody(48, 10, "stage", op, ""), `"start":"9999-12-31T10:00:00Z"`)
	cases := []struct {
		name, method, path, body string
		status                   int
		code, field              string
	}{
		{"roundtable start", "POST", "/api/v1/roundtables", far, 422, "too_far", "start"},
		{"availability exception", "PUT", "/api/v1/me/availability",
			`{"time_zone":"Asia/Tokyo","exceptions":[{"date":"9999-12-31","unavailable":true}],"version":0}`, 422, "too_far", "exceptions[0].date"},
		{"roundtable list date", "GET", "/api/v1/roundtables?date=9999-12-31", "", 400, "too_far", "date"},
		{"audit cursor", "GET", "/api/v1/audit?before=253402300799000.au_x", "", 400, "malformed", "before"},
		{"consultation slot", "POST", "/api/v1/consultations",
			`{"recipient_id":"` + string(w.memberB.m.ID) + `","mode":"online","slots":[{"start":"9999-12-31T10:00:00Z","minutes":30}]}`, 422, "too_far", "slots[0].start"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			who := w.operator
			if strings.HasPrefix(tc.path, "/api/v1/me/") || strings.HasPrefix(tc.path, "/api/v1/consultations") {
				who = w.memberA
			}
			r := who.do(t, tc.method, e.srv.URL+tc.path, tc.body)
			if code, field := r.errorCode(t); r.status != tc.status || code != tc.code || field != tc.field {
				t.Errorf("= %d %s/%s, want %d %s/%s (%s)", r.status, code, field, tc.status, tc.code, tc.field, r.body)
			}
		})
	}
	if list := w.operator.do(t, "GET", e.srv.URL+"/api/v1/roundtables?days=365", ""); strings.Contains(string(list.body), "9999") {
		t.Errorf("a far-future roundtable was stored: %s", list.body)
	}
}

// Names and titles made only of invisible characters (zero-width, blank
// letters, controls, white space) are refused as missing, and line
// breaks or direction overrides inside them are refused; honest names
// with joiners and accents are kept as typed.
func TestAttackInvisibleNamesRefused(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	op := w.operator.m.ID
	title := func(s string) string {
		return strings.Replace(roundtableBody(48, 10, "stage", op, ""), `"title":"管理職という選択"`, `"title":`+strconv.Quote(s), 1)
	}
	accept := func(name string) response {
		email := fmt.Sprintf("n%d@alpha.test", time.Now().UnixNano())
		if r := w.adminA.do(t, "POST", e.srv.URL+"/api/v1/invitations", `{"email":"`+email+`","role":"member"}`); r.status != 201 {
			t.Fatalf("invite = %d %s", r.status, r.body)
		}
		body, _ := json.Marshal(map[string]string{"token": e.lastLink(t, email), "display_name": name, "password": "long enough pw"})
		return do(t, client(t), "POST", e.srv.URL+"/api/v1/invitations/accept", "application/json", string(body))
	}
	names := []struct{ name, value, code string }{
		{"zero-width", "\u200b\u200c\u200d\ufeff", "required"},
		{"Hangul fillers", "\u3164\u3164", "required"},
		{"controls and spaces", " \u0000\t\u00a0\u2028 ", "required"},
		{"a line break inside", "Hanako\nOperator", "invalid_characters"},
		{"a right-to-left override", "Hanako \u202egnp.exe", "invalid_characters"},
	}
	for _, tc := range names {
		r := accept(tc.value)
		if code, field := r.errorCode(t); r.status != 422 || code != tc.code || field != "display_name" {
			t.Errorf("display name of %s = %d %s/%s, want 422 %s/display_name", tc.name, r.status, code, field, tc.code)
		}
	}
	others := []struct{ name, path, body, field string }{
		{"braille-blank title", "/api/v1/roundtables", title("\u2800\u2800\u2800"), "title"},
		{"title of combining marks only", "/api/v1/roundtables", title("\u0301\u0301"), "title"},
		{"invisible company name", "/api/v1/companies", `{"name":"\u200b \u2060"}`, "name"},
	}
	for _, tc := range others {
		r := w.operator.do(t, "POST", e.srv.URL+tc.path, tc.body)
		if code, field := r.errorCode(t); r.status != 422 || code != "required" || field != tc.field {
			t.Errorf("%s = %d %s/%s, want 422 required/%s", tc.name, r.status, code, field, tc.field)
		}
	}
	r := accept("\u200bZoe\u0301 👩\u200d👧\u200b")
	if r.status != 201 || !strings.Contains(string(r.body), "\"display_name\":\"Zoe\u0301 👩\u200d👧\"") {
		t.Errorf("an honest name with an accent and a joined emoji = %d %s, want it kept (edges trimmed)", r.status, r.body)
	}
}

// Every answer (API, errors, health) carries the security headers: a
// policy with no inline script, no framing, no sniffing, no referrer.
func TestAttackSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/healthz", "/api/v1/me", "/api/v1/no-such-thing", "/metrics"} {
		r := do(t, client(t), "GET", e.srv.URL+path, "", "")
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self';", "style-src 'self';", "frame-ancestors 'none'",
			"connect-src 'self' ws://media.test http://media.test;", "object-src 'none'", "worker-src 'self'", "manifest-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s (%d): policy %q lacks %q", path, r.status, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: policy allows inline code: %q", path, csp)
		}
		for k, v := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
	}
}

// With a token set, /metrics answers only to it.
func TestAttackMetricsNeedTheirToken(t *testing.T) {
	e := newEnvWith(t, nil, func(p *api.Params) { p.MetricsToken = "a-metrics-token-of-some-length" })
	r := do(t, client(t), "GET", e.srv.URL+"/metrics", "", "")
	if code, _ := r.errorCode(t); r.status != 401 || code != "metrics_token_required" || strings.Contains(string(r.body), "go_goroutines") {
		t.Errorf("/metrics without the token = %d %s, want 401 metrics_token_required", r.status, r.body)
	}
	r = do(t, client(t), "GET", e.srv.URL+"/metrics", "", "", "Authorization", "Bearer wrong-token-of-some-length")
	if r.status != 401 {
		t.Errorf("/metrics with a wrong token = %d", r.status)
	}
	r = do(t, client(t), "GET", e.srv.URL+"/metrics", "", "", "Authorization", "Bearer a-metrics-token-of-some-length")
	if r.status != 200 || !strings.Contains(string(r.body), "zadankai_http_requests_total") {
		t.Errorf("/metrics with the token = %d %.200s", r.status, r.body)
	}
}

// Defended at the process level (cmd/zadankai/safety_test.go): a fresh
// deployment starts only through `zadankai operator add`, whose second run
// for an address is refused (TestOperatorAddStartsAFreshDeployment, and
// …OnMongoDB); serve refuses to run without a public URL
// (TestServeRefusesWithoutPublicURL); Secure cookies and HSTS behind https
// (TestServeHTTPSPublicURLSecuresCookiesAndHeaders); slow bodies cut and
// connections per address capped, descriptors bounded
// (TestServeCutsSlowBodiesAndCapsConnectionsPerIP); /metrics off the
// public port (TestServeMetricsElsewhereBehindToken). Media tokens without
// exp: signaling/expiry_test.go. No CSP violation in real pages:
// web/e2e/login.test.mjs and consultation.test.mjs.
