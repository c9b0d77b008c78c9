package api_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// slotStart is when slotAt(h) starts.
func slotStart(t *testing.T, h int) time.Time {
	t.Helper()
	var s rooms.Slot
	if err := json.Unmarshal([]byte(slotAt(h)), &s); err != nil {
		t.Fatal(err)
	}
	return s.Start
}

// mailSince returns the emails to addr sent after the outbox held n, oldest first.
func (e *env) mailSince(n int, addr string) []rooms.Email {
	all := e.outbox.Messages() // newest first
	var out []rooms.Email
	for i := len(all) - n - 1; i >= 0; i-- {
		if all[i].Email.To == addr {
			out = append(out, all[i].Email)
		}
	}
	return out
}

// book has from ask to for slotAt(h) and to accept it.
func (e *env) book(t *testing.T, from, to *actor, h int) consultation {
	t.Helper()
	cs := e.request(t, from, to.m, slotAt(h))
	r := to.do(t, "POST", e.srv.URL+"/api/v1/consultations/"+cs.ID+"/accept", `{"slot":0}`)
	if r.status != 200 {
		t.Fatalf("accept = %d %s", r.status, r.body)
	}
	return parseConsultation(t, r)
}

// bookedPair is a world where A asked B for slotAt(30), which B accepted;
// both are available all day. It returns the booking and its URL.
func bookedPair(t *testing.T) (*env, *world, consultation, string) {
	t.Helper()
	e := newEnv(t)
	w := e.world(t)
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.alwaysAvailable(t, w.memberA.m)
	e.alwaysAvailable(t, w.memberB.m)
	cs := e.book(t, w.memberA, w.memberB, 30)
	return e, w, cs, e.srv.URL + "/api/v1/consultations/" + cs.ID
}

type rescheduleView struct {
	Status     string      `json:"status"`
	AwaitingMe bool        `json:"awaiting_me"`
	Booked     *rooms.Slot `json:"booked"`
	Reschedule *struct {
		ByMe     bool         `json:"by_me"`
		Proposed []rooms.Slot `json:"proposed"`
		Note     string       `json:"note"`
	} `json:"reschedule"`
}

func parseReschedule(t *testing.T, r response) rescheduleView {
	t.Helper()
	return decodeBody[rescheduleView](t, r)
}

// decodeBody decodes a response body into a T.
func decodeBody[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	return v
}

// TestRescheduleKeepsTheBookingUntilAccepted: new times proposed for a
// booking leave it standing (its time stays claimed, its calendar file
// stays the same, nobody is told it is cancelled) until the other person
// picks one; then it moves, the old time is free again, and both get the
// calendar entry with a higher SEQUENCE.
func TestRescheduleKeepsTheBookingUntilAccepted(t *testing.T) {
	e := newEnv(t)
	w := e.world(t)
	third := e.extraMember(t, w.coA.ID, "third@alpha.test")
	e.recommend(t, w.memberA.m, w.memberB.m)
	e.recommend(t, third.m, w.memberB.m)
	e.alwaysAvailable(t, w.memberA.m)
	e.alwaysAvailable(t, w.memberB.m)
	cs := e.book(t, w.memberA, w.memberB, 30)
	url := e.srv.URL + "/api/v1/consultations/" + cs.ID
	mark := len(e.outbox.Messages())
	r := w.memberB.do(t, "POST", url+"/reschedule", `{"slots":[`+slotAt(70)+`,`+slotAt(80)+`],"note":"子どもの行事が入りました"}`)
	got := parseReschedule(t, r)
	if r.status != 200 || got.Status != "booked" || !got.Booked.Start.Equal(slotStart(t, 30)) || got.Reschedule == nil || !got.Reschedule.ByMe {
		t.Fatalf("proposing new times for a booking = %d %s; want it still booked at the old time", r.status, r.body)
	}
	theirs := parseReschedule(t, w.memberA.do(t, "GET", url, ""))
	if !theirs.AwaitingMe || theirs.Reschedule == nil || theirs.Reschedule.ByMe || len(theirs.Reschedule.Proposed) != 2 ||
		theirs.Reschedule.Note != "子どもの行事が入りました" {
		t.Errorf("the other person's view: %+v", theirs)
	}
	if ics := w.memberA.do(t, "GET", url+"/calendar.ics", ""); ics.status != 200 || !strings.Contains(string(ics.body), "SEQUENCE:1") ||
		!strings.Contains(string(ics.body), "DTSTART:"+slotStart(t, 30).UTC().Format("20060102T150405Z")) {
		t.Errorf("calendar file while new times wait = %d %s; want the booking as it was", ics.status, ics.body)
	}
	mails := e.mailSince(mark, w.memberA.m.Email)
	if len(mails) != 1 || !strings.Contains(mails[0].Subject, "新しい日時の候補") || len(mails[0].Attachments) != 0 ||
		strings.Contains(mails[0].Subject+mails[0].Text, "キャンセル") || !strings.Contains(mails[0].Text, "子どもの行事が入りました") {
		t.Fatalf("emails to the other person = %+v; want one calm email with the new times", mails)
	}
	if got := e.mailSince(mark, w.memberB.m.Email); len(got) != 0 {
		t.Errorf("the proposer got %d emails", len(got))
	}
	// The old time is still hers: someone else cannot book it.
	other := e.request(t, third, w.memberB.m, slotAt(30))
	otherURL := e.srv.URL + "/api/v1/consultations/" + other.ID
	if r := w.memberB.do(t, "POST", otherURL+"/accept", `{"slot":0}`); r.status != 409 {
		t.Errorf("booking the time of a booking with new times proposed = %d %s", r.status, r.body)
	}
	if r := w.memberB.do(t, "POST", url+"/accept", `{"slot":0}`); r.status != 409 {
		t.Errorf("the proposer accepting her own times = %d %s", r.status, r.body)
	}
	mark = len(e.outbox.Messages())
	r = w.memberA.do(t, "POST", url+"/accept", `{"slot":1}`)
	moved := parseReschedule(t, r)
	if r.status != 200 || moved.Status != "booked" || !moved.Booked.Start.Equal(slotStart(t, 80)) || moved.Reschedule != nil || moved.AwaitingMe {
		t.Fatalf("accepting a new time = %d %s", r.status, r.body)
	}
	for _, who := range []*actor{w.memberA, w.memberB} {
		got := e.mailSince(mark, who.m.Email)
		if len(got) != 1 || len(got[0].Attachments) != 1 || !strings.Contains(got[0].Subject, "変わりました") {
			t.Fatalf("emails to %s after the move = %+v", who.m.Email, got)
		}
		ics := string(got[0].Attachments[0].Data)
		if !strings.Contains(ics, "METHOD:REQUEST") || !strings.Contains(ics, "SEQUENCE:2") || !strings.Contains(ics, "UID:"+cs.ID+"@zadankai") {
			t.Errorf("the moved calendar entry for %s:\n%s", who.m.Email, ics)
		}
	}
	if r := w.memberB.do(t, "POST", otherURL+"/accept", `{"slot":0}`); r.status != 200 {
		t.Errorf("booking the time the move freed = %d %s", r.status, r.body)
	}
}

// TestRescheduleCanBeDeclinedWithdrawnOrLapse: new times the other person
// does not want, or the proposer takes back, leave the booking as it was
// and tell the other one; they lapse when the meeting begins.
func TestRescheduleCanBeDeclinedWithdrawnOrLapse(t *testing.T) {
	e, w, _, url := bookedPair(t)
	propose := func(by *actor) {
		t.Helper()
		if r := by.do(t, "POST", url+"/reschedule", `{"slots":[`+slotAt(70)+`]}`); r.status != 200 {
			t.Fatalf("reschedule = %d %s", r.status, r.body)
		}
	}
	if r := w.memberB.do(t, "DELETE", url+"/reschedule", ""); r.status != 409 {
		t.Errorf("keeping the time with nothing proposed = %d %s", r.status, r.body)
	}
	propose(w.memberA)
	mark := len(e.outbox.Messages())
	r := w.memberB.do(t, "DELETE", url+"/reschedule", "")
	if v := parseReschedule(t, r); r.status != 200 || v.Status != "booked" || !v.Booked.Start.Equal(slotStart(t, 30)) || v.Reschedule != nil {
		t.Fatalf("keeping the current time = %d %s", r.status, r.body)
	}
	if got := e.mailSince(mark, w.memberA.m.Email); len(got) != 1 || !strings.Contains(got[0].Text, "今の日時のまま") {
		t.Errorf("the proposer is not told the time stays: %+v", got)
	}
	if r := w.memberB.do(t, "POST", url+"/accept", `{"slot":0}`); r.status != 409 {
		t.Errorf("accepting declined times = %d %s", r.status, r.body)
	}
	propose(w.memberA)
	mark = len(e.outbox.Messages())
	if r := w.memberA.do(t, "DELETE", url+"/reschedule", ""); r.status != 200 {
		t.Fatalf("taking the proposal back = %d %s", r.status, r.body)
	}
	if got := e.mailSince(mark, w.memberB.m.Email); len(got) != 1 || !strings.Contains(got[0].Text, "取り下げ") {
		t.Errorf("the other person is not told the proposal was taken back: %+v", got)
	}
	propose(w.memberB)
	if r := w.memberA.do(t, "POST", url+"/accept", `{"slot":3}`); r.status != 422 {
		t.Errorf("accepting a time that was not proposed = %d", r.status)
	}
	e.skew.Store(int64(time.Until(slotStart(t, 30)) + time.Minute)) // the meeting has begun
	v := parseReschedule(t, w.memberA.do(t, "GET", url, ""))
	if v.Reschedule != nil || v.AwaitingMe || !v.Booked.Start.Equal(slotStart(t, 30)) {
		t.Errorf("new times outlive the start of the meeting: %+v", v)
	}
	if r := w.memberA.do(t, "POST", url+"/accept", `{"slot":0}`); r.status != 409 {
		t.Errorf("accepting lapsed times = %d %s", r.status, r.body)
	}
	if r := w.memberA.do(t, "POST", url+"/reschedule", `{"slots":[`+slotAt(70)+`]}`); r.status != 409 {
		t.Errorf("moving a meeting under way = %d %s", r.status, r.body)
	}
}

// TestMoveIsAtomic accepts one move from eight tabs at once: exactly one
// succeeds, and the booking holds exactly the new time.
func TestMoveIsAtomic(t *testing.T) {
	e, w, cs, url := bookedPair(t)
	if r := w.memberA.do(t, "POST", url+"/reschedule", `{"slots":[`+slotAt(70)+`,`+slotAt(80)+`]}`); r.status != 200 {
		t.Fatalf("reschedule = %d %s", r.status, r.body)
	}
	tabs := make([]int, 8)
	var wg sync.WaitGroup
	for i := range tabs {
		wg.Go(func() {
			tabs[i] = w.memberB.do(t, "POST", url+"/accept", `{"slot":`+[]string{"0", "1"}[i%2]+`}`).status
		})
	}
	wg.Wait()
	if count(tabs, 200) != 1 || count(tabs, 200)+count(tabs, 409) != len(tabs) {
		t.Fatalf("one move accepted from 8 tabs: %v, want one 200 and the rest 409", tabs)
	}
	got, err := e.store.GetConsultation(t.Context(), rooms.ConsultationID(cs.ID))
	if err != nil {
		t.Fatal(err)
	}
	claims, err := e.store.ListClaims(t.Context(), rooms.TimeClaimPrefix, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(claims) != len(got.TimeKeys()) {
		t.Errorf("%d quarter hours claimed, want the %d of the booking", len(claims), len(got.TimeKeys()))
	}
	for _, cl := range claims {
		if !got.Holds(cl.Key) {
			t.Errorf("claim %s is not the booking's (booked %v)", cl.Key, got.Booked.Start)
		}
	}
}
