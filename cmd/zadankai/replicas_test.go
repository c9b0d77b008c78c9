package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/mongostore"
)

// Two `zadankai serve` processes on one MongoDB-wire store behave as one
// service: a session made on one is good on the other, a request made
// through one is accepted through the other, a media room lives on one
// of them whichever one people ask, the jobs run once between them (and
// one whose replica died is taken over), and killing one in the middle of a burst of changes loses and
// doubles nothing.
func TestReplicasShareOneStore(t *testing.T) {
	uri, db := replicaStore(t)
	s := openReplicaStore(t, uri, db)
	w := seedCrashWorld(t, s)
	x := seedPair(t, s)
	s.Close(context.Background())

	reps := []*replica{startReplica(t, uri, db, "a"), startReplica(t, uri, db, "b")}
	begin := time.Now()
	w.sessionsAcross(t, reps)
	sessionGoodEverywhere(t, w, reps)
	bookOnOneAcceptOnAnother(t, w, reps)
	roomLivesOnOneNode(t, x, reps)
	reminderOfDeadReplica(t, uri, db, x, reps)
	w.burstKillingOne(t, reps, 30, 30)
	jobsRanOnce(t, x, reps)

	// b comes back (as an orchestrator restarts it) and frees, first thing,
	// the time b was between a booking's writes of when it was killed.
	reps[1] = startReplica(t, uri, db, "b")
	for _, r := range reps { // graceful drains
		if err := r.stop(t); err != nil {
			t.Fatalf("a replica after SIGTERM: %v\n%s", err, tail(r.logs(), 20))
		}
	}
	s = openReplicaStore(t, uri, db)
	defer s.Close(context.Background())
	leftBehind(t, s)
	if problems := w.check(t, s); len(problems) > 0 {
		t.Fatalf("after killing replica b mid-burst:\n%s", strings.Join(problems, "\n"))
	}
	t.Logf("two replicas, one killed mid-burst: %v", time.Since(begin).Round(time.Millisecond))
}

// replicaStore is the store the replicas share: the MongoDB of
// ZADANKAI_TEST_MONGO_URI, or FerretDB as a process of its own behind a
// funnel (funnel_test.go),
// and a database of this run's own.
func replicaStore(t *testing.T) (uri, db string) {
	db = "replicas_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if uri := os.Getenv("ZADANKAI_TEST_MONGO_URI"); uri != "" {
		return uri, db
	}
	return newFunnel(t, ferretProcess(t)).uri(), db
}

func openReplicaStore(t *testing.T, uri, db string) rooms.Store {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := mongostore.Open(ctx, uri, db, mongostore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// replica is one serve process and the address of its embedded SFU.
type replica struct {
	*proc
	node string // ws://…, its cluster.node_url
}

// startReplica runs serve on the shared store, its rooms reached at its
// own address, with three-second leases.
func startReplica(t *testing.T, uri, db, name string) *replica {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a free port, named before serve starts
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	node := "ws://127.0.0.1:" + port
	p := startEnv(t, []string{"ZADANKAI_STORAGE_MONGO_DATABASE=" + db, "ZADANKAI_CLUSTER_NODE_ID=" + name,
		"ZADANKAI_CLUSTER_NODE_URL=" + node, "ZADANKAI_CLUSTER_LEASE=3s"},
		"--dev", "--mongo-uri", uri, "--port", port)
	waitReady(t, p.url)
	return &replica{proc: p, node: node}
}

// pair is two members apart from the crash world, of two companies, with
// a consultation under way and one starting in 13 minutes (its reminder
// is due).
type pair struct {
	p, q      *rooms.Member
	live, due rooms.ConsultationID
}

func seedPair(t *testing.T, s rooms.Store) *pair {
	ctx := context.Background()
	hash, err := bcrypt.GenerateFromPassword([]byte(crashPassword), bcrypt.MinCost)
	must(t, err)
	x := &pair{}
	for i, m := range []**rooms.Member{&x.p, &x.q} {
		co := &rooms.Company{ID: rooms.NewCompanyID(), Name: fmt.Sprintf("Pair %d", i), Status: rooms.CompanyActive}
		must(t, s.CreateCompany(ctx, co))
		*m = &rooms.Member{ID: rooms.NewMemberID(), CompanyID: co.ID, Email: fmt.Sprintf("pair%d@replicas.example", i),
			DisplayName: fmt.Sprintf("Pair %d", i), Role: rooms.RoleMember, PasswordHash: string(hash)}
		must(t, (*m).Validate())
		must(t, s.CreateMember(ctx, *m))
	}
	now := time.Now().UTC().Truncate(time.Minute)
	for _, b := range []struct {
		id    *rooms.ConsultationID
		start time.Time
	}{{&x.live, now.Add(-5 * time.Minute)}, {&x.due, now.Add(13 * time.Minute)}} {
		slot := rooms.Slot{Start: b.start, Minutes: 30}
		c := &rooms.Consultation{ID: rooms.NewConsultationID(), RequesterID: x.p.ID, RecipientID: x.q.ID, RequesterCompany: x.p.CompanyID,
			RecipientCompany: x.q.CompanyID, Note: "replicas", Mode: rooms.ModeOnline, Status: rooms.StatusBooked, Proposed: []rooms.Slot{slot},
			Booked: &slot, Sequence: 1, ExpiresAt: now.Add(24 * time.Hour), NoShows: []rooms.MemberID{}}
		must(t, s.CreateConsultation(ctx, c))
		*b.id = c.ID
	}
	return x
}

// sessionsAcross logs the world's members in, half on each replica.
func (w *crashWorld) sessionsAcross(t *testing.T, reps []*replica) {
	for i, m := range w.members {
		w.sessions[m.ID] = crashLogin(t, reps[i%2].url, m.Email)
	}
}

// sessionGoodEverywhere: logged in on one replica, a member acts on the
// other, and logging out on that one logs her out of both.
func sessionGoodEverywhere(t *testing.T, w *crashWorld, reps []*replica) {
	m := w.members[0] // logged in on a
	if code, err := w.call(reps[1].url, m.ID, "GET", "/api/v1/consultations", "", nil); code != 200 {
		t.Fatalf("session made on replica a, used on b: %d %v", code, err)
	}
	if code, err := w.call(reps[1].url, m.ID, "POST", "/api/v1/auth/logout", "", nil); code/100 != 2 {
		t.Fatalf("logout on b: %d %v", code, err)
	}
	if code, _ := w.call(reps[0].url, m.ID, "GET", "/api/v1/consultations", "", nil); code != 401 {
		t.Fatalf("after logging out on b, a answered %d, want 401", code)
	}
	w.sessions[m.ID] = crashLogin(t, reps[0].url, m.Email)
}

// bookOnOneAcceptOnAnother: a request sent through replica a is
// accepted through b and shown booked by a.
func bookOnOneAcceptOnAnother(t *testing.T, w *crashWorld, reps []*replica) {
	asker, peer := w.members[0], w.members[5] // two companies, no request between them yet
	slot := w.slots[0]
	body := fmt.Sprintf(`{"recipient_id":%q,"note":"across","mode":"online","slots":[{"start":%q,"minutes":%d}]}`, peer.ID, slot.Start.Format(time.RFC3339), slot.Minutes)
	var asked, accepted, seen consultView
	if code, err := w.call(reps[0].url, asker.ID, "POST", "/api/v1/consultations", body, &asked); code != 201 && code != 200 {
		t.Fatalf("request through a: %d %v", code, err)
	}
	path := "/api/v1/consultations/" + string(asked.ID)
	if code, err := w.call(reps[1].url, peer.ID, "POST", path+"/accept", `{"slot":0}`, &accepted); code != 200 || accepted.Status != "booked" {
		t.Fatalf("accept through b: %d %v %+v", code, err, accepted)
	}
	if code, _ := w.call(reps[0].url, asker.ID, "GET", path, "", &seen); code != 200 || seen.Status != "booked" || seen.Version != accepted.Version {
		t.Fatalf("a shows the request accepted through b as %d %+v, want booked at version %d", code, seen, accepted.Version)
	}
	w.mu.Lock()
	w.acked[asked.ID] = consultAck{version: accepted.Version, status: accepted.Status}
	w.consults[asker.ID] = append(w.consults[asker.ID], asked.ID)
	w.consults[peer.ID] = append(w.consults[peer.ID], asked.ID)
	w.mu.Unlock()
}

// leftBehind fails when a replica drained gracefully kept a lease that
// others would have to wait out: its presence, a room, a job under way.
func leftBehind(t *testing.T, s rooms.Store) {
	t.Helper()
	leases, err := s.ListLeases(context.Background(), "")
	must(t, err)
	kinds := map[string]int{}
	for _, l := range leases {
		kind, _, _ := strings.Cut(l.Key, ":")
		kinds[kind]++
		if !l.Done && l.Live(time.Now()) {
			t.Errorf("after both replicas drained, %s still holds %q until %s", l.Holder, l.Key, l.Until.Format(time.TimeOnly))
		}
	}
	if kinds["reminder"] == 0 || kinds["recommend-round"] == 0 {
		t.Errorf("no done lease of the start-up jobs was kept (%v): they could run again", kinds)
	}
}
