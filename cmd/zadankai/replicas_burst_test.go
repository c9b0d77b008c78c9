package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// roomLivesOnOneNode: the two parties of a consultation join through
// different replicas and are both sent to the node that hosts its room
// (placed at the first join); the other node's SFU refuses the room with
// 421 and says where it lives. Pages from either replica may connect to
// both nodes (their Content-Security-Policy).
func roomLivesOnOneNode(t *testing.T, x *pair, reps []*replica) {
	for i, r := range reps {
		other := reps[1-i].node
		waitFor(t, 15*time.Second, func() string {
			res, err := http.Get(r.url + "/healthz")
			if err != nil {
				return err.Error()
			}
			res.Body.Close()
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' ") || !strings.Contains(csp, other+" ") {
				return fmt.Sprintf("pages from %s may not connect to the other node %s: %s", r.url, other, csp)
			}
			return ""
		})
	}
	pw := &crashWorld{sessions: map[rooms.MemberID]crashSession{}}
	pw.sessions[x.p.ID] = crashLogin(t, reps[0].url, x.p.Email)
	pw.sessions[x.q.ID] = crashLogin(t, reps[1].url, x.q.Email)
	type joined struct{ URL, Room, Token string }
	var viaA, viaB joined
	path := "/api/v1/consultations/" + string(x.live) + "/join"
	if code, err := pw.call(reps[0].url, x.p.ID, "POST", path, "", &viaA); code != 200 {
		t.Fatalf("join through a: %d %v", code, err)
	}
	if code, err := pw.call(reps[1].url, x.q.ID, "POST", path, "", &viaB); code != 200 {
		t.Fatalf("join through b: %d %v", code, err)
	}
	if viaA.URL != reps[0].node || viaB.URL != reps[0].node {
		t.Fatalf("join answers sent the parties to %q (through a) and %q (through b), want both to a's node %q", viaA.URL, viaB.URL, reps[0].node)
	}
	validate := func(r *replica, token string) (int, string) {
		res, err := http.Get(r.url + "/rtc/validate?access_token=" + token)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := validate(reps[1], viaB.Token); code != http.StatusMisdirectedRequest || !strings.Contains(body, reps[0].node) {
		t.Fatalf("b's SFU asked for a room hosted on a: %d %q, want 421 naming %s", code, body, reps[0].node)
	}
	if code, body := validate(reps[0], viaB.Token); code != 200 {
		t.Fatalf("a's SFU refused its own room: %d %q", code, body)
	}
}

// burstKillingOne has every member act through either replica at once,
// kills replica b (SIGKILL) once before changes were answered, and goes
// on through a until after more were: a keeps answering throughout.
func (w *crashWorld) burstKillingOne(t *testing.T, reps []*replica, before, after int) {
	var answered, onB, aSilent atomic.Int64
	var killed atomic.Bool
	dead, due, stop := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for _, m := range w.members {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := reps[0]
				if !killed.Load() && rand2() {
					r = reps[1]
				}
				ok, err := w.randomOp(r.url, m.ID)
				switch {
				case err != nil && r == reps[0]:
					aSilent.Add(1)
				case ok && r == reps[1]:
					onB.Add(1)
				}
				if ok {
					n := answered.Add(1)
					if n == int64(before) {
						close(dead)
					}
					if n == int64(before+after) && killed.Load() {
						once.Do(func() { close(due) })
					}
				}
			}
		})
	}
	waitClosed(t, dead, 2*time.Minute, "changes before the kill", reps[1].proc)
	if err := reps[1].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-reps[1].done
	killed.Store(true)
	answered.Store(int64(before)) // count again from here: only a answers now
	waitClosed(t, due, 2*time.Minute, "changes after the kill", reps[0].proc)
	close(stop)
	wg.Wait()
	if onB.Load() == 0 {
		t.Fatalf("no change went through replica b before it was killed")
	}
	if aSilent.Load() > 0 {
		t.Fatalf("replica a left %d requests unanswered", aSilent.Load())
	}
	t.Logf("%d changes through b before the kill, %d+%d in all", onB.Load(), before, after)
}

func rand2() bool { return rand.IntN(2) == 0 }

// randomOp is one seat or consultation change as m, like the crash test.
func (w *crashWorld) randomOp(url string, m rooms.MemberID) (bool, error) {
	if rand2() {
		return w.seatOp(url, m, w.roundtables[rand.IntN(len(w.roundtables))].ID)
	}
	return w.consultOp(url, m)
}

func waitClosed(t *testing.T, ch chan struct{}, d time.Duration, what string, p *proc) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(d):
		t.Fatalf("%s not answered within %v:\n%s", what, d, tail(p.logs(), 20))
	}
}

var reminderLine = regexp.MustCompile(`dev mail \(not sent\)" to=(\S+) subject="([^"]*(まもなく相談|reminder, consultation)[^"]*)"`)

// reminders counts the reminder emails the replicas sent, by address and
// subject (which names the time).
func reminders(reps []*replica) map[[2]string]int {
	n := map[[2]string]int{}
	for _, r := range reps {
		for _, m := range reminderLine.FindAllStringSubmatch(r.logs(), -1) {
			n[[2]string{m[1], m[2]}]++
		}
	}
	return n
}

// reminderOfDeadReplica: a replica died while sending the pair's
// reminder of a new booking (its lease taken, never renewed nor done).
// The other party's goes out at once, and the dead replica's is taken
// over once its lease ran out.
func reminderOfDeadReplica(t *testing.T, uri, db string, x *pair, reps []*replica) {
	s := openReplicaStore(t, uri, db)
	defer s.Close(context.Background())
	before := len(reminders(reps))
	slot := rooms.Slot{Start: time.Now().UTC().Truncate(time.Minute).Add(15 * time.Minute), Minutes: 30}
	c := &rooms.Consultation{ID: rooms.NewConsultationID(), RequesterID: x.p.ID, RecipientID: x.q.ID, RequesterCompany: x.p.CompanyID,
		RecipientCompany: x.q.CompanyID, Note: "ghost", Mode: rooms.ModeOnline, Status: rooms.StatusBooked, Proposed: []rooms.Slot{slot},
		Booked: &slot, Sequence: 1, ExpiresAt: slot.Start.Add(24 * time.Hour), NoShows: []rooms.MemberID{}}
	// The key SendDueReminders gives p's reminder of c at the 15m offset.
	key := "reminder:" + string(c.ID) + ":15m0s:1:" + string(x.p.ID)
	now := time.Now()
	if _, err := s.TakeLease(context.Background(), &rooms.Lease{Key: key, Holder: "ghost", Until: now.Add(3 * time.Second)}, now); err != nil {
		t.Fatal(err)
	}
	must(t, s.CreateConsultation(context.Background(), c))
	waitFor(t, 30*time.Second, func() string {
		if n := len(reminders(reps)); n != before+2 {
			return fmt.Sprintf("%d reminders of the booking whose sender died, want 2: %v", n-before, reminders(reps))
		}
		return ""
	})
}

// jobsRanOnce: the jobs of both replicas ran once between them: one
// recommendation round, one reminder to each party of each booking.
func jobsRanOnce(t *testing.T, x *pair, reps []*replica) {
	rounds := 0
	for _, r := range reps {
		rounds += strings.Count(r.logs(), "recommendation round done")
	}
	if rounds != 1 {
		t.Errorf("%d recommendation rounds ran between the replicas, want 1", rounds)
	}
	got := reminders(reps)
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s got %q %d times, want once", k[0], k[1], n)
		}
	}
	if len(got) != 4 {
		t.Errorf("reminders: %v, want one to each of %s and %s for each of two bookings", got, x.p.Email, x.q.Email)
	}
}
