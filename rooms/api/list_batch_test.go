package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
	"github.com/zadankai/zadankai/rooms/mongostore"
	"github.com/zadankai/zadankai/rooms/mongostore/ferrettest"
)

// TestListMatchesOneByOne checks that the roundtable list, now read in a
// few batched store reads (past) or cut from a snapshot with its JSON
// (upcoming), shows every viewer exactly what the former list (several
// reads per roundtable, kept in list_reference_test.go) showed: same
// bytes, for the demo data and generated roundtables (waitlists,
// withdrawals, excluded companies, cancelled, ended, past with and
// without feedback, one under way with people in its video room: live
// for all, how many only for those who take part or run it), on both
// stores.
func TestListMatchesOneByOne(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		checkListMatches(t, newEnv(t), rooms.LoadSize{Roundtables: 30, Companies: 3, MembersPerCompany: 8}, 4, listQueries)
	})
	t.Run("FerretDB", func(t *testing.T) {
		// FerretDB reads slowly (storage.md), and the reference list makes
		// hundreds of reads: fewer roundtables, viewers and filters.
		checkListMatches(t, newFerretEnv(t), rooms.LoadSize{Roundtables: 8, Companies: 2, MembersPerCompany: 6}, 0, listQueries[:2])
	})
}

// newFerretEnv is newEnv on the MongoDB store, on a FerretDB of its own.
func newFerretEnv(t *testing.T) *env {
	t.Helper()
	srv, err := ferrettest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// One connection: FerretDB loses concurrent updates otherwise (storage.md).
	s, err := mongostore.Open(ctx, srv.URI, "list", mongostore.Options{MaxPoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return newEnvStore(t, s, nil, nil)
}

// listQueries are the filters the comparison runs with.
var listQueries = []string{"", "?when=past", "?axis=life", "?when=past&days=30", "?format=hybrid&days=20"}

// checkListMatches seeds the demo and generated roundtables of size and
// compares both lists for the demo accounts and generated members
// (readers of them, and one who waits and one who withdrew), for each of
// queries.
func checkListMatches(t *testing.T, e *env, size rooms.LoadSize, readers int, queries []string) {
	ctx := context.Background()
	e.api.MountOneByOneList(e.engine)
	hash := func(pw string) (string, error) {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		return string(h), err
	}
	logins, err := rooms.SeedDemo(ctx, e.store, hash)
	if err != nil {
		t.Fatal(err)
	}
	size.Fill, size.Seed = 1, 7
	seed, err := rooms.SeedLoad(ctx, e.store, size, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ended := seed.Roundtables[1] // ended early by its moderator
	ended.Live.Ended = true
	if _, err := e.store.UpdateRoundtable(ctx, ended); err != nil {
		t.Fatal(err)
	}
	live := underWay(t, e.store, seed.Roundtables)
	for _, id := range []rooms.MemberID{live.Moderators[0], seed.Members[len(seed.Members)-1].ID, "mb_left"} {
		mediaEvent(t, e.store, rooms.MediaJoined, live, id)
	}
	mediaEvent(t, e.store, rooms.MediaLeft, live, "mb_left") // gone: not counted
	viewers := append([]*rooms.Member{}, seed.Speakers[0])
	for _, l := range logins {
		if readers == 0 && !strings.Contains("operator hanako speaker yoko keiko", strings.Split(l.Email, "@")[0]) {
			continue // the demo accounts of every kind, with and without feedback given
		}
		m, err := e.store.GetMemberByEmail(ctx, l.Email)
		if err != nil {
			t.Fatal(err)
		}
		viewers = append(viewers, m)
	}
	viewers = append(viewers, readersOf(t, e.store, seed.Members, readers)...)
	var seen listFeatures
	for _, m := range viewers {
		cookie := sessionFor(t, e.store, m)
		for _, q := range queries {
			want := getBody(t, e.srv.URL+"/test/roundtables"+q, cookie)
			got := getBody(t, e.srv.URL+"/api/v1/roundtables"+q, cookie)
			if !bytes.Equal(got, want) {
				t.Fatalf("%s (%s) %q: %s", m.Email, m.Role, q, firstDiff(got, want))
			}
			seen.add(t, want)
		}
	}
	if missing := seen.missing(); missing != "" {
		t.Errorf("the data never showed %s: the comparison proves less than it claims", missing)
	}
}

// underWay moves the first of list that nobody ended or cancelled and
// that excludes no company to have started ten minutes ago, in its join
// window, and returns it.
func underWay(t *testing.T, s rooms.Store, list []*rooms.Roundtable) *rooms.Roundtable {
	t.Helper()
	for _, r := range list {
		if r.Cancelled || r.Live.Ended || len(r.ExcludedCompanies) > 0 {
			continue
		}
		r.Start = time.Now().Add(-10 * time.Minute)
		if _, err := s.UpdateRoundtable(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	t.Fatal("no roundtable to start")
	return nil
}

// mediaEvent records that who joined or left r's video room, as the media
// plane's webhook reports it.
func mediaEvent(t *testing.T, s rooms.Store, kind string, r *rooms.Roundtable, who rooms.MemberID) {
	t.Helper()
	ev := rooms.MediaEvent{Kind: kind, Room: r.RoomName(), RoomSID: "RM_1", SID: "PA_" + string(who), Identity: string(who), At: time.Now()}
	if err := (rooms.RoomEvents{Store: s}).Record(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
}

// readersOf returns n of members and, among the others, the first who
// waits somewhere and the first who withdrew somewhere.
func readersOf(t *testing.T, s rooms.Store, members []*rooms.Member, n int) []*rooms.Member {
	t.Helper()
	out := members[:n]
	for _, want := range []rooms.RegistrationStatus{rooms.Waitlisted, rooms.Withdrawn} {
		for _, m := range members[n:] {
			regs, err := s.ListMemberRegistrations(context.Background(), m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(regs, func(r *rooms.Registration) bool { return r.Status == want }) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// firstDiff names the first roundtable whose entries differ.
func firstDiff(got, want []byte) string {
	var g, w struct {
		Roundtables []json.RawMessage `json:"roundtables"`
	}
	json.Unmarshal(got, &g)
	json.Unmarshal(want, &w)
	for i := range min(len(g.Roundtables), len(w.Roundtables)) {
		if !bytes.Equal(g.Roundtables[i], w.Roundtables[i]) {
			return fmt.Sprintf("entry %d:\nbatched:    %s\none by one: %s", i, g.Roundtables[i], w.Roundtables[i])
		}
	}
	return fmt.Sprintf("%d entries, one by one %d", len(g.Roundtables), len(w.Roundtables))
}

func getBody(t *testing.T, url, cookie string) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Cookie", cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", url, res.StatusCode, b.Bytes())
	}
	return b.Bytes()
}

// listFeatures records which kinds of entries the compared lists held.
type listFeatures map[string]bool

func (f *listFeatures) add(t *testing.T, body []byte) {
	t.Helper()
	if *f == nil {
		*f = listFeatures{}
	}
	var b struct {
		Roundtables []api.RoundtableView `json:"roundtables"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	for _, v := range b.Roundtables {
		for k, ok := range map[string]bool{"a waitlist place": v.MyPosition > 0, "a withdrawn registration": v.MyStatus == "cancelled",
			"a seat": v.MyStatus == "registered", "a guest speaker's view": v.MyStatus == "speaker", "a moderator's view": v.MyStatus == "moderator",
			"feedback open": v.FeedbackOpen, "feedback given": v.FeedbackGiven, "a full roundtable": v.SeatsLeft == 0 && v.Waitlist > 0,
			"a cancelled roundtable": v.Cancelled, "an ended roundtable": v.Ended, "excluded companies": len(v.ExcludedCompanies) > 0,
			"a speaker with a photo": hasPhoto(v.Speakers), "people in the room, counted": v.LiveNow && v.InRoom == 2,
			"a live room, not counted for an onlooker": v.LiveNow && v.InRoom == 0} {
			(*f)[k] = (*f)[k] || ok
		}
	}
}

func (f listFeatures) missing() string {
	for k, ok := range f {
		if !ok {
			return k
		}
	}
	return ""
}

func hasPhoto(ps []api.PeerView) bool {
	for _, p := range ps {
		if p.HasPhoto {
			return true
		}
	}
	return false
}
