package main

// Process tests of what the binary holds for a safe deployment (issue 12):
// how a fresh deployment gets its first operator, the refusal to run
// without a public URL, Secure cookies, HTTP timeouts and the per-address
// connection cap, and /metrics kept private.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/gorilla/websocket"
)

const prodKeys = "ZADANKAI_KEYS=prodkey: a-long-production-secret"

// runBinary runs the binary to completion and returns its output and
// exit status.
func runBinary(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errOut.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), 0
}

// post sends a JSON body and returns the status and body.
func post(t *testing.T, c *http.Client, url, body string) (int, string, http.Header) {
	t.Helper()
	res, err := c.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

var setPasswordLink = regexp.MustCompile(`(https?://\S+)/reset\?token=([a-z2-7]+)`)

// firstOperator runs `operator add` on a fresh store, starts serve on it,
// follows the printed link through the API to set a password and logs in
// as the operator; a second run for the address is refused.
func firstOperator(t *testing.T, storeArgs ...string) {
	env := []string{"ZADANKAI_SERVER_PUBLIC_URL=https://zadankai.example.com"}
	out, errOut, code := runBinary(t, env, append([]string{"operator", "add", "Ops@Example.com"}, storeArgs...)...)
	m := setPasswordLink.FindStringSubmatch(out)
	if code != 0 || m == nil || m[1] != "https://zadankai.example.com" {
		t.Fatalf("operator add = exit %d, stdout %q, stderr %q; want a set-password link on the public URL", code, out, errOut)
	}
	p := startEnv(t, append(env, prodKeys), storeArgs...)
	waitReady(t, p.url)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	if status, body, _ := post(t, c, p.url+"/api/v1/auth/login", `{"email":"ops@example.com","password":"not-yet-set"}`); status != 401 {
		t.Errorf("login before the password is set = %d %s, want 401", status, body)
	}
	if status, body, _ := post(t, c, p.url+"/api/v1/auth/password-reset/confirm", `{"token":"`+m[2]+`","password":"the first operator's password"}`); status != 204 {
		t.Fatalf("setting the password through the link = %d %s", status, body)
	}
	if status, body, _ := post(t, c, p.url+"/api/v1/auth/login", `{"email":"ops@example.com","password":"the first operator's password"}`); status != 200 {
		t.Fatalf("operator login = %d %s", status, body)
	}
	res, err := c.Get(p.url + "/api/v1/companies") // operators only
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("the new operator lists companies: %v %v", res.Status, err)
	}
	res.Body.Close()
	out, errOut, code = runBinary(t, env, append([]string{"operator", "add", "ops@example.com"}, storeArgs...)...)
	if lines := strings.Split(strings.TrimSpace(errOut), "\n"); code != 1 || !strings.Contains(lines[len(lines)-1], "ops@example.com already has an account") || setPasswordLink.MatchString(out) {
		t.Errorf("second operator add = exit %d, stdout %q, stderr %q; want exit 1 saying the account exists, and no link", code, out, errOut)
	}
	if status, body, _ := post(t, c, p.url+"/api/v1/auth/login", `{"email":"ops@example.com","password":"the first operator's password"}`); status != 200 {
		t.Errorf("the operator's password after the refused second run = %d %s, want unchanged", status, body)
	}
}

func TestOperatorAddStartsAFreshDeployment(t *testing.T) {
	firstOperator(t, "--data-dir", t.TempDir())
}

func TestServeRefusesWithoutPublicURL(t *testing.T) {
	_, errOut, code := runBinary(t, []string{prodKeys, "ZADANKAI_SERVER_PUBLIC_URL="},
		"serve", "--bind", "0.0.0.0", "--port", "0", "--udp-port", "0", "--tcp-port", "0", "--data-dir", t.TempDir())
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if code != 1 || len(lines) != 1 || !strings.Contains(lines[0], "config: server.public_url: required outside dev mode") {
		t.Errorf("serve on 0.0.0.0 without a public URL = exit %d:\n%s\nwant exit 1 and one line naming server.public_url", code, errOut)
	}
}

// Behind an https public URL the session cookie is Secure and browsers
// are told to stay on https; every response carries the security headers.
func TestServeHTTPSPublicURLSecuresCookiesAndHeaders(t *testing.T) {
	p := startEnv(t, []string{prodKeys, "ZADANKAI_SERVER_PUBLIC_URL=https://zadankai.example.com"}, "--demo", "--data-dir", t.TempDir())
	waitReady(t, p.url)
	status, body, h := post(t, http.DefaultClient, p.url+"/api/v1/auth/login", `{"email":"hanako@sakura.example","password":"zadankai-demo"}`)
	if status != 200 {
		t.Fatalf("login = %d %s", status, body)
	}
	for _, ck := range h.Values("Set-Cookie") {
		if !strings.Contains(ck, "; Secure") {
			t.Errorf("cookie without Secure behind an https public URL: %s", ck)
		}
	}
	for _, path := range []string{"/", "/assets/app.css", "/api/v1/me", "/no-such-page"} {
		res, err := http.Get(p.url + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for _, k := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Strict-Transport-Security"} {
			if res.Header.Get(k) == "" {
				t.Errorf("%s (%d) lacks %s", path, res.StatusCode, k)
			}
		}
	}
}

// fds counts the server process's open file descriptors.
func fds(t *testing.T, p *proc) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// Slow-body connections are cut at read_timeout, and one address holds
// at most max_connections_per_ip of them: the rest are answered 429 at
// once, and the server's file descriptors stay bounded throughout.
func TestServeCutsSlowBodiesAndCapsConnectionsPerIP(t *testing.T) {
	const n, perIP, readTimeout = 100, 20, 3 * time.Second
	p := startEnv(t, []string{"ZADANKAI_SERVER_READ_HEADER_TIMEOUT=1s", "ZADANKAI_SERVER_READ_TIMEOUT=" + readTimeout.String(),
		fmt.Sprintf("ZADANKAI_SERVER_MAX_CONNECTIONS_PER_IP=%d", perIP)}, "--dev", "--data-dir", t.TempDir())
	waitReady(t, p.url)
	base := fds(t, p)
	type fate struct {
		refused bool
		after   time.Duration
	}
	fates := make(chan fate, n)
	begin := time.Now()
	attacker := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}} // not the address of the test's own requests
	for range n {
		c, err := attacker.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// Headers announce a body that never comes.
		fmt.Fprint(c, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"email\":")
		go func() {
			_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
			b, _ := io.ReadAll(c)
			fates <- fate{refused: bytes.HasPrefix(b, []byte("HTTP/1.1 429")), after: time.Since(begin)}
		}()
	}
	var got []fate
	for len(got) < n-perIP { // those over the cap, answered at once
		got = append(got, <-fates) // (or after the read deadline above, and the test fails)
	}
	held := fds(t, p) - base
	if held > perIP+5 {
		t.Errorf("%d more descriptors open with %d slow connections, want about %d", held, n, perIP)
	}
	for len(got) < n {
		got = append(got, <-fates) // the read deadline above bounds the wait
	}
	refused := 0
	for _, f := range got {
		if f.refused {
			refused++
		} else if f.after > readTimeout+5*time.Second {
			t.Errorf("a slow-body connection lived %v, want it cut at about %v", f.after, readTimeout)
		}
	}
	if refused != n-perIP {
		t.Errorf("%d connections refused with 429, want %d (all beyond the cap)", refused, n-perIP)
	}
	t.Logf("%d slow-body connections from one address: %d refused at once, +%d descriptors while the rest were held, the last cut after %v",
		n, refused, held, got[len(got)-1].after.Round(time.Millisecond))
	waitFor(t, 10*time.Second, func() string {
		if extra := fds(t, p) - base; extra > 2 {
			return fmt.Sprintf("%d descriptors still open after the slow connections were cut", extra)
		}
		return ""
	})
	if res, err := http.Get(p.url + "/healthz"); err != nil || res.StatusCode != 200 {
		t.Errorf("/healthz after the attack: %v %v", res, err)
	}
}

// waitFor polls cond until it returns "" or d passes.
func waitFor(t *testing.T, d time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		msg := cond()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The signal WebSocket keeps its own deadlines: HTTP timeouts far shorter
// than its life do not cut it.
func TestServeWebSocketOutlivesHTTPTimeouts(t *testing.T) {
	p := startEnv(t, []string{"ZADANKAI_SERVER_READ_HEADER_TIMEOUT=1s", "ZADANKAI_SERVER_READ_TIMEOUT=1s",
		"ZADANKAI_SERVER_WRITE_TIMEOUT=1s", "ZADANKAI_SERVER_IDLE_TIMEOUT=1s"}, "--dev", "--data-dir", t.TempDir())
	waitReady(t, p.url)
	res, err := http.Get(p.url + "/dev/token?room=timeouts&name=ws")
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ URL, Token string }
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(p.url, "http")+"/rtc?access_token="+tok.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	opened := time.Now()
	pongs, closed := make(chan struct{}, 1), make(chan error, 1)
	ws.SetPongHandler(func(string) error { pongs <- struct{}{}; return nil })
	go func() {
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				closed <- err
				return
			}
		}
	}()
	select { // outlive every HTTP timeout, three times over
	case err := <-closed:
		t.Fatalf("the signal connection was closed after %v: %v", time.Since(opened), err)
	case <-time.After(3 * time.Second):
	}
	if err := ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-pongs:
	case err := <-closed:
		t.Fatalf("the signal connection was cut: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no pong on the signal connection after the HTTP timeouts passed")
	}
}

var metricsLine = regexp.MustCompile(`msg="metrics listening" url=(http://\S+)`)

// /metrics can move off the public port and ask for a bearer token.
func TestServeMetricsElsewhereBehindToken(t *testing.T) {
	const token = "a-metrics-token-of-some-length"
	p := startEnv(t, []string{"ZADANKAI_SERVER_METRICS_LISTEN=127.0.0.1:0", "ZADANKAI_SERVER_METRICS_TOKEN=" + token}, "--dev", "--data-dir", t.TempDir())
	waitReady(t, p.url)
	m := metricsLine.FindStringSubmatch(p.logs())
	if m == nil {
		t.Fatalf("no metrics address in the log:\n%s", p.logs())
	}
	get := func(url, auth string) int {
		req, _ := http.NewRequest("GET", url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := get(p.url+"/metrics", "Bearer "+token); code != 404 {
		t.Errorf("/metrics on the public port = %d, want 404", code)
	}
	if code := get(m[1], ""); code != 401 {
		t.Errorf("/metrics without the token = %d, want 401", code)
	}
	if code := get(m[1], "Bearer "+token); code != 200 {
		t.Errorf("/metrics with the token = %d, want 200", code)
	}
}

// The same on MongoDB: a FerretDB server started in this test process
// (the only MongoDB-wire server on these machines).
func TestOperatorAddStartsAFreshDeploymentOnMongoDB(t *testing.T) {
	dir := t.TempDir()
	f, err := ferretdb.New(&ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}, Handler: "sqlite",
		SQLiteURL: "file:" + dir + "/", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = f.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	firstOperator(t, "--mongo-uri", f.MongoDBURI())
}
