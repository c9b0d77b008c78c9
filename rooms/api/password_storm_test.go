package api_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms/api"
)

// storm is clients logging in again and again until stopped, counting
// the answers by status and error code.
type storm struct {
	mu       sync.Mutex
	outcomes map[string]int
	stop     chan struct{}
	wg       sync.WaitGroup
}

func startStorm(url, email, password string, clients int) *storm {
	s := &storm{outcomes: map[string]int{}, stop: make(chan struct{})}
	for range clients {
		s.wg.Go(func() {
			c := &http.Client{Timeout: 2 * time.Minute}
			for {
				select {
				case <-s.stop:
					return
				default:
				}
				s.record(c.Post(url+"/api/v1/auth/login", "application/json", strings.NewReader(loginBody(email, password))))
			}
		})
	}
	return s
}

func (s *storm) record(res *http.Response, err error) {
	outcome := "transport error"
	if err == nil {
		var b struct{ Error struct{ Code string } }
		json.NewDecoder(res.Body).Decode(&b)
		res.Body.Close()
		outcome = strconv.Itoa(res.StatusCode) + " " + b.Error.Code
		if res.StatusCode == 503 && res.Header.Get("Retry-After") == "" {
			outcome += " without Retry-After"
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outcomes[strings.TrimSpace(outcome)]++
}

func (s *storm) snapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.outcomes)
}

// A login storm does not stop other requests: while more clients log in
// again and again than the one password slot and its queue of two take,
// every /api/v1/me is answered 200, and the logins beyond the queue are
// refused at once with 503 server_busy (a slot is waited for up to a
// minute here, so a 503 can only come from the full queue).
func TestLoginStormLeavesMeAnswering(t *testing.T) {
	e := newEnvWith(t, nil, func(p *api.Params) {
		p.Login.PerIPPerMinute, p.Login.PasswordChecks, p.Login.PasswordQueue = 1_000_000, 1, 2
	})
	reader := e.login(t, e.addMember(t, "reader@example.com", "correct horse"), "correct horse")
	e.addMember(t, "storm@example.com", "storm password")
	s := startStorm(e.srv.URL, "storm@example.com", "storm password", 8)
	defer func() { close(s.stop); s.wg.Wait() }()
	deadline := time.Now().Add(time.Minute)
	for seen := s.snapshot(); seen["200"] == 0 || seen["503 server_busy"] == 0; seen = s.snapshot() {
		if time.Now().After(deadline) {
			t.Fatalf("the storm never both logged in and was refused for a full queue: %v", seen)
		}
		time.Sleep(5 * time.Millisecond) // polling the storm's counts
	}
	// Ask /me until five more passwords were checked (logins answered
	// 200): every one of those asks ran while logins did.
	seen := s.snapshot()
	before, asked := seen["200"], 0
	for ; seen["200"] < before+5 || asked < 20; seen = s.snapshot() {
		if time.Now().After(deadline) {
			t.Fatalf("the storm logged in %d times in a minute", seen["200"]-before)
		}
		if r := reader.do(t, "GET", e.srv.URL+"/api/v1/me", ""); r.status != 200 {
			t.Fatalf("/me during the login storm = %d %s", r.status, r.body)
		}
		asked++
	}
	for outcome := range seen {
		if outcome != "200" && outcome != "503 server_busy" {
			t.Errorf("login during the storm: %d × %q, want only 200 or 503 server_busy with Retry-After", seen[outcome], outcome)
		}
	}
	t.Logf("/me answered 200 %d times during the storm; logins %v", asked, seen)
}
