package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
)

// TestListNotStale: the upcoming list is served from a snapshot, yet
// every change shows in the next list, on both stores — a registration
// through the API (the seat count and her own status), and writes
// straight into the store as another server process would make them (a
// seat, a moderator's new name, a new title) and people coming into and
// leaving a roundtable's video room (the media plane's events) — each
// list equal to the one-by-one reference.
func TestListNotStale(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { checkNotStale(t, newEnv(t)) })
	t.Run("FerretDB", func(t *testing.T) { checkNotStale(t, newFerretEnv(t)) })
}

func checkNotStale(t *testing.T, e *env) {
	ctx := context.Background()
	e.api.MountOneByOneList(e.engine)
	seed, err := rooms.SeedLoad(ctx, e.store, rooms.LoadSize{Roundtables: 2, Companies: 1, MembersPerCompany: 10, Seed: 3}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	mod := seed.Members[0] // a moderator (rooms.SeedLoad)
	r := &rooms.Roundtable{ID: rooms.NewRoundtableID(), Title: "一席だけの座談会", Axis: rooms.AxisLife, Start: time.Now().Add(24 * time.Hour),
		Minutes: 60, TimeZone: "Asia/Tokyo", Format: rooms.FormatOnline, Capacity: 1, Talk: rooms.TalkSmallRound,
		Moderators: []rooms.MemberID{mod.ID}, Speakers: []rooms.MemberID{}, ExcludedCompanies: []rooms.CompanyID{}, CreatedBy: mod.ID}
	if err := e.store.CreateRoundtable(ctx, r); err != nil {
		t.Fatal(err)
	}
	a, b, c := sessionFor(t, e.store, seed.Members[1]), sessionFor(t, e.store, seed.Members[2]), seed.Members[3]
	if v := listEntry(t, e, a, r.ID); v.SeatsLeft != 1 || v.Waitlist != 0 {
		t.Fatalf("a new roundtable for one shows %d seats left, %d waiting", v.SeatsLeft, v.Waitlist)
	}
	listEntry(t, e, b, r.ID) // her own standing is kept too
	if res := post(t, e.srv.URL+"/api/v1/roundtables/"+string(r.ID)+"/register", b); res != http.StatusOK && res != http.StatusCreated {
		t.Fatalf("register = %d", res)
	}
	if v := listEntry(t, e, a, r.ID); v.SeatsLeft != 0 {
		t.Errorf("after she took the only seat the list shows %d seats left", v.SeatsLeft)
	}
	if mine := listEntry(t, e, b, r.ID); mine.MyStatus != "registered" {
		t.Errorf("she took the seat; her list says %q", mine.MyStatus)
	}
	if err := e.store.RegisterSeat(ctx, &rooms.Registration{RoundtableID: r.ID, MemberID: c.ID, CompanyID: c.CompanyID, QueuedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if v := listEntry(t, e, a, r.ID); v.Waitlist != 1 {
		t.Errorf("a registration written in the store directly does not show: %d waiting", v.Waitlist)
	}
	mod.DisplayName = "改名した司会者"
	if err := e.store.UpdateMember(ctx, mod); err != nil {
		t.Fatal(err)
	}
	if v := listEntry(t, e, a, r.ID); v.Moderators[0].DisplayName != mod.DisplayName {
		t.Errorf("the moderator's new name does not show: %q", v.Moderators[0].DisplayName)
	}
	r.Title = "新しい題名"
	if _, err := e.store.UpdateRoundtable(ctx, r); err != nil {
		t.Fatal(err)
	}
	if v := listEntry(t, e, a, r.ID); v.Title != r.Title {
		t.Errorf("the new title does not show: %q", v.Title)
	}
	checkLiveNotStale(t, e, r, a, b, sessionFor(t, e.store, mod))
}

// checkLiveNotStale: once r is under way, each list shows whether anyone
// is in its room as people come and go, and how many only to those who
// take part (b, seated) or run it (its moderator), not to a.
func checkLiveNotStale(t *testing.T, e *env, r *rooms.Roundtable, a, b, moderator string) {
	r = underWay(t, e.store, []*rooms.Roundtable{r})
	if v := listEntry(t, e, b, r.ID); v.LiveNow || v.InRoom != 0 {
		t.Fatalf("an empty room shows live %v, %d in it", v.LiveNow, v.InRoom)
	}
	for i, who := range []rooms.MemberID{r.Moderators[0], "mb_guest"} {
		mediaEvent(t, e.store, rooms.MediaJoined, r, who)
		for _, cookie := range []string{b, moderator} {
			if v := listEntry(t, e, cookie, r.ID); !v.LiveNow || v.InRoom != i+1 {
				t.Errorf("%d came in; a list shows live %v, %d in the room", i+1, v.LiveNow, v.InRoom)
			}
		}
		if v := listEntry(t, e, a, r.ID); !v.LiveNow || v.InRoom != 0 {
			t.Errorf("%d came in; an onlooker's list shows live %v, %d in the room (want live, no count)", i+1, v.LiveNow, v.InRoom)
		}
	}
	for _, who := range []rooms.MemberID{r.Moderators[0], "mb_guest"} {
		mediaEvent(t, e.store, rooms.MediaLeft, r, who)
	}
	if v := listEntry(t, e, moderator, r.ID); v.LiveNow || v.InRoom != 0 {
		t.Errorf("everyone left; the list shows live %v, %d in the room", v.LiveNow, v.InRoom)
	}
}

// listEntry reads the caller's upcoming list, checks it against the
// one-by-one reference and returns roundtable id's entry.
func listEntry(t *testing.T, e *env, cookie string, id rooms.RoundtableID) api.RoundtableView {
	t.Helper()
	got := getBody(t, e.srv.URL+"/api/v1/roundtables", cookie)
	if want := getBody(t, e.srv.URL+"/test/roundtables", cookie); !bytes.Equal(got, want) {
		t.Fatalf("list differs from the reference: %s", firstDiff(got, want))
	}
	var b struct {
		Roundtables []api.RoundtableView `json:"roundtables"`
	}
	if err := json.Unmarshal(got, &b); err != nil {
		t.Fatal(err)
	}
	for _, v := range b.Roundtables {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("roundtable %s not in the list", id)
	return api.RoundtableView{}
}

// post sends an empty POST with the session's CSRF token (sessionFor's).
func post(t *testing.T, url, cookie string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", url, nil)
	req.Header.Set("Cookie", cookie)
	req.Header.Set("X-CSRF-Token", "x")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
