package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/mongostore"
	"github.com/zadankai/zadankai/rooms/mongostore/ferrettest"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
)

// The kill-and-restart test: members register for and withdraw from
// roundtables and book, cancel and reschedule consultations through the
// HTTP API of the real binary, which is killed (SIGKILL) at a random
// moment and restarted, again and again. After every restart the data must
// be whole: no roundtable over capacity, nobody left waiting while a seat
// is free, no time held by a booking that does not exist (or two bookings
// of one time), and every change that was answered 2xx still there.

// crashKills is how many times a run kills the server; ZADANKAI_CRASH_KILLS
// overrides it for longer hunts.
func crashKills(t *testing.T, def int) int {
	if s := os.Getenv("ZADANKAI_CRASH_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("ZADANKAI_CRASH_KILLS=%q is not a positive number", s)
		}
		return n
	}
	if testing.Short() {
		return 3
	}
	return def
}

func TestCrashKeepsSeatsAndBookingsWholeSQLite(t *testing.T) {
	dir := t.TempDir()
	open := func(t *testing.T) rooms.Store {
		s, err := sqlitestore.Open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	runCrashes(t, open, crashKills(t, 20), 30, 330, "--data-dir", dir)
}

func TestCrashKeepsSeatsAndBookingsWholeMongoDB(t *testing.T) {
	srv, err := ferrettest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	// One connection on both sides: FerretDB loses concurrent updates of
	// one document otherwise (storage.md); a real MongoDB needs no such cap.
	uri := strings.TrimSuffix(srv.URI, "/") + "/?maxPoolSize=1"
	open := func(t *testing.T) rooms.Store {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		s, err := mongostore.Open(ctx, uri, "zadankai", mongostore.Options{MaxPoolSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// FerretDB answers in milliseconds where SQLite takes microseconds,
	// and far slower in a race-detecting test process: fewer kills (the
	// code before the fix leaked claims at 6 to 9 kills of 10).
	runCrashes(t, open, crashKills(t, 6), 5, 80, "--data-dir", t.TempDir(), "--mongo-uri", uri)
}

// runCrashes seeds a world through open, then kills and restarts serve
// (with args) kills times, each time once a random number of changes in
// [lo, hi) have been answered (counted, not timed, so that a busy machine
// cuts as deep), checking the data after each restart.
func runCrashes(t *testing.T, open func(*testing.T) rooms.Store, kills, lo, hi int, args ...string) {
	s := open(t)
	w := seedCrashWorld(t, s)
	s.Close(context.Background())
	begin, ops, repaired := time.Now(), 0, 0
	for run := range kills + 1 {
		p := start(t, append([]string{"--dev"}, args...)...)
		waitReady(t, p.url)
		if strings.Contains(p.logs(), "freed time that no booking held") {
			repaired++
		}
		s := open(t) // closed before the next kill: the server alone writes then
		problems := w.check(t, s)
		s.Close(context.Background())
		if len(problems) > 0 {
			t.Fatalf("after kill %d of %d (%d changes answered before):\n%s\nserver log:\n%s", run, kills, ops, strings.Join(problems, "\n"), tail(p.logs(), 20))
		}
		if run < kills {
			ops += w.drive(t, p, lo+rand.IntN(hi-lo))
		}
	}
	t.Logf("%d kills, %d changes answered 2xx, %d start-ups freed time left claimed, %v", kills, ops, repaired, time.Since(begin).Round(time.Millisecond))
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// crashWorld is the seeded data and what the test knows the server said.
type crashWorld struct {
	members     []*rooms.Member
	roundtables []*rooms.Roundtable
	consults    map[rooms.MemberID][]rooms.ConsultationID // each member's, as either party
	slots       []rooms.Slot                              // overlapping times to book
	sessions    map[rooms.MemberID]crashSession

	mu sync.Mutex
	// seats holds, per member and roundtable, the last answered change
	// ("register", "withdraw") and one sent without an answer.
	seats map[string]*seatLedger
	// acked holds, per consultation, the highest version a 2xx answer
	// showed and its status.
	acked map[rooms.ConsultationID]consultAck
}

type crashSession struct{ cookie, csrf string }

type seatLedger struct{ last, unsure string }

type consultAck struct {
	version int64
	status  string
}

const crashPassword = "crash-test-password"

// seedCrashWorld stores ten members of two companies, two small
// roundtables and requests between members of different companies, all
// proposing times that overlap.
func seedCrashWorld(t *testing.T, s rooms.Store) *crashWorld {
	ctx := context.Background()
	w := &crashWorld{consults: map[rooms.MemberID][]rooms.ConsultationID{}, sessions: map[rooms.MemberID]crashSession{},
		seats: map[string]*seatLedger{}, acked: map[rooms.ConsultationID]consultAck{}}
	hashed, err := bcrypt.GenerateFromPassword([]byte(crashPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	hash := string(hashed)
	cos := []*rooms.Company{{ID: rooms.NewCompanyID(), Name: "Sakura", Status: rooms.CompanyActive}, {ID: rooms.NewCompanyID(), Name: "Kaede", Status: rooms.CompanyActive}}
	for _, co := range cos {
		must(t, s.CreateCompany(ctx, co))
	}
	for i := range 10 {
		m := &rooms.Member{ID: rooms.NewMemberID(), CompanyID: cos[i%2].ID, Email: fmt.Sprintf("m%d@crash.example", i),
			DisplayName: fmt.Sprintf("Member %d", i), Role: rooms.RoleMember, PasswordHash: hash}
		must(t, m.Validate())
		must(t, s.CreateMember(ctx, m))
		must(t, s.PutAvailability(ctx, allDay(m.ID)))
		w.members = append(w.members, m)
	}
	op := &rooms.Member{ID: rooms.NewMemberID(), Email: "op@crash.example", DisplayName: "Operator", Role: rooms.RoleOperator, Moderator: true, PasswordHash: hash}
	must(t, op.Validate())
	must(t, s.CreateMember(ctx, op))
	start := time.Now().UTC().Add(72 * time.Hour).Truncate(24 * time.Hour).Add(10 * time.Hour) // 19:00 in Tokyo
	for i, capacity := range []int{2, 3} {
		r := &rooms.Roundtable{ID: rooms.NewRoundtableID(), Title: fmt.Sprintf("Crash %d", i), Axis: rooms.AxisCareer, Themes: []string{},
			Start: start.Add(time.Duration(i) * 24 * time.Hour), Minutes: 60, TimeZone: "Asia/Tokyo", Format: rooms.FormatOnline,
			Capacity: capacity, Talk: rooms.TalkSmallRound, Moderators: []rooms.MemberID{op.ID}, Speakers: []rooms.MemberID{},
			ExcludedCompanies: []rooms.CompanyID{}, CreatedBy: op.ID}
		must(t, s.CreateRoundtable(ctx, r))
		w.roundtables = append(w.roundtables, r)
	}
	for i, minutes := range []int{60, 30, 45, 60, 30, 60} {
		w.slots = append(w.slots, rooms.Slot{Start: start.Add(time.Duration(i) * 30 * time.Minute), Minutes: minutes})
	}
	for i, m := range w.members {
		rec := &rooms.Recommendation{MemberID: m.ID, MadeAt: time.Now()}
		for j := 1; j < len(w.members); j += 2 { // odd distance: the other company
			rec.Candidates = append(rec.Candidates, rooms.Candidate{MemberID: w.members[(i+j)%len(w.members)].ID, Score: 1})
		}
		must(t, s.SaveRecommendation(ctx, rec))
		for _, d := range []int{1, 3} {
			peer := w.members[(i+d)%len(w.members)]
			c := &rooms.Consultation{ID: rooms.NewConsultationID(), RequesterID: m.ID, RecipientID: peer.ID, RequesterCompany: m.CompanyID,
				RecipientCompany: peer.CompanyID, Note: "crash", Mode: rooms.ModeOnline, Status: rooms.StatusRequested, AwaitingID: peer.ID,
				Proposed: []rooms.Slot{w.slots[rand.IntN(len(w.slots))]}, ExpiresAt: time.Now().Add(60 * 24 * time.Hour), NoShows: []rooms.MemberID{}}
			must(t, s.CreateConsultation(ctx, c))
			w.consults[m.ID] = append(w.consults[m.ID], c.ID)
			w.consults[peer.ID] = append(w.consults[peer.ID], c.ID)
		}
	}
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func allDay(m rooms.MemberID) *rooms.Availability {
	av := &rooms.Availability{MemberID: m, TimeZone: "Asia/Tokyo"}
	for d := range 7 {
		av.Weekly = append(av.Weekly, rooms.Window{Weekday: d, Start: "00:00", End: "24:00"})
	}
	return av
}

// drive logs everyone in (once: sessions live in the store), lets every
// member act at once, kills the server as soon as n changes have been
// answered 2xx and waits for it to die; it returns how many changes were
// answered 2xx.
func (w *crashWorld) drive(t *testing.T, p *proc, n int) int {
	if len(w.sessions) == 0 {
		for _, m := range w.members {
			w.sessions[m.ID] = crashLogin(t, p.url, m.Email)
		}
	}
	var wg sync.WaitGroup
	var answered atomic.Int64
	stop, due := make(chan struct{}), make(chan struct{})
	for _, m := range w.members {
		wg.Go(func() {
			w.act(p.url, m, stop, func() {
				if answered.Add(1) == int64(n) {
					close(due)
				}
			})
		})
	}
	select {
	case <-due:
	case <-time.After(2 * time.Minute):
		t.Fatalf("%d of %d changes answered in 2 minutes:\n%s", answered.Load(), n, tail(p.logs(), 20))
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("serve still running 30 s after SIGKILL")
	}
	close(stop)
	wg.Wait()
	return int(answered.Load())
}

func crashLogin(t *testing.T, url, email string) crashSession {
	res, err := http.Post(url+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"`+email+`","password":"`+crashPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var v struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil || res.StatusCode != 200 {
		t.Fatalf("login %s = %d (%v)", email, res.StatusCode, err)
	}
	for _, c := range res.Cookies() {
		if c.Name == "zadankai_session" {
			return crashSession{cookie: c.Name + "=" + c.Value, csrf: v.CSRF}
		}
	}
	t.Fatalf("login %s set no session cookie", email)
	return crashSession{}
}

var errKilled = errors.New("no answer")

// call sends one request as m; errKilled means no HTTP answer came.
func (w *crashWorld) call(url string, m rooms.MemberID, method, path, body string, out any) (int, error) {
	req, err := http.NewRequest(method, url+path, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	s := w.sessions[m]
	req.Header.Set("Cookie", s.cookie)
	req.Header.Set("X-CSRF-Token", s.csrf)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := crashClient.Do(req)
	if err != nil {
		return 0, errKilled
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, errKilled
	}
	if res.StatusCode/100 == 2 && out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return 0, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return res.StatusCode, nil
}

var crashClient = &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 20}}

// act has m register, withdraw, accept, cancel and reschedule at random
// until the server stops answering, calling done after each change
// answered 2xx.
func (w *crashWorld) act(url string, m *rooms.Member, stop <-chan struct{}, done func()) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		var err error
		var ok bool
		if rand.IntN(2) == 0 {
			ok, err = w.seatOp(url, m.ID, w.roundtables[rand.IntN(len(w.roundtables))].ID)
		} else {
			ok, err = w.consultOp(url, m.ID)
		}
		if err != nil {
			return
		}
		if ok {
			done()
		}
	}
}

func seatKey(m rooms.MemberID, r rooms.RoundtableID) string { return string(m) + "/" + string(r) }

func (w *crashWorld) seatOp(url string, m rooms.MemberID, r rooms.RoundtableID) (bool, error) {
	op := []string{"register", "withdraw"}[rand.IntN(2)]
	w.mu.Lock()
	l := w.seats[seatKey(m, r)]
	if l == nil {
		l = &seatLedger{}
		w.seats[seatKey(m, r)] = l
	}
	l.unsure = op
	w.mu.Unlock()
	code, err := w.call(url, m, "POST", "/api/v1/roundtables/"+string(r)+"/"+op, "", nil)
	if err != nil {
		return false, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case code/100 == 2:
		l.last, l.unsure = op, ""
	case code/100 == 4:
		l.unsure = "" // refused: nothing changed
	}
	return code/100 == 2, nil
}

type consultView struct {
	ID         rooms.ConsultationID `json:"id"`
	Status     string               `json:"status"`
	AwaitingMe bool                 `json:"awaiting_me"`
	Version    int64                `json:"version"`
	Peer       struct {
		ID rooms.MemberID `json:"id"`
	} `json:"peer"`
}

// consultOp looks at one of m's consultations and acts on it: accepts a
// request or new times waiting for her (a move frees one time and claims
// another), cancels a booking or proposes new times for it or for a
// request, or asks the same person again once it is over.
func (w *crashWorld) consultOp(url string, m rooms.MemberID) (bool, error) {
	w.mu.Lock()
	mine := w.consults[m]
	id := mine[rand.IntN(len(mine))]
	w.mu.Unlock()
	path := "/api/v1/consultations/" + string(id)
	var v consultView
	if code, err := w.call(url, m, "GET", path, "", &v); err != nil || code != 200 {
		return false, err
	}
	slot := w.slots[rand.IntN(len(w.slots))]
	slots := fmt.Sprintf(`"slots":[{"start":%q,"minutes":%d}]`, slot.Start.Format(time.RFC3339), slot.Minutes)
	action, body := path, "{"+slots+"}"
	switch {
	case v.AwaitingMe && v.Status != "booked" || v.AwaitingMe && rand.IntN(2) == 0:
		action, body = path+"/accept", `{"slot":0}`
	case v.Status == "booked" && rand.IntN(4) == 0:
		action, body = path+"/cancel", `{}`
	case v.Status == "booked" || v.Status == "requested" && rand.IntN(3) == 0:
		action += "/reschedule"
	case v.Status == "cancelled" || v.Status == "declined" || v.Status == "expired":
		action, body = "/api/v1/consultations", `{"recipient_id":"`+string(v.Peer.ID)+`","note":"again","mode":"online",`+slots+`}`
	default:
		return false, nil
	}
	var after consultView
	code, err := w.call(url, m, "POST", action, body, &after)
	if err != nil || code/100 != 2 {
		return false, err
	}
	w.mu.Lock()
	if after.Version > w.acked[after.ID].version {
		w.acked[after.ID] = consultAck{version: after.Version, status: after.Status}
	}
	w.mu.Unlock()
	return true, nil
}
