package api_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
)

// listPage is one page of GET /api/v1/roundtables.
type listPage struct {
	Roundtables []api.RoundtableView `json:"roundtables"`
	NextCursor  *string              `json:"next_cursor"`
}

func getPage(t *testing.T, e *env, cookie, query string) listPage {
	t.Helper()
	var p listPage
	if err := json.Unmarshal(getBody(t, e.srv.URL+"/api/v1/roundtables?"+query, cookie), &p); err != nil {
		t.Fatal(err)
	}
	if p.NextCursor != nil && *p.NextCursor == "" {
		t.Fatalf("%s: an empty next_cursor (absent on the last page)", query)
	}
	return p
}

// pageKey is a roundtable's place in the list order.
type pageKey struct {
	start time.Time
	id    rooms.RoundtableID
}

func (k pageKey) less(o pageKey) bool {
	return k.start.Before(o.start) || k.start.Equal(o.start) && k.id < o.id
}

// roundtableAt writes a roundtable of mod's starting at start.
func roundtableAt(t *testing.T, s rooms.Store, mod *rooms.Member, start time.Time, title string) *rooms.Roundtable {
	t.Helper()
	r := newRoundtable(mod, start, title)
	if err := s.CreateRoundtable(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

// newRoundtable is a roundtable of mod's for ten, starting at start.
func newRoundtable(mod *rooms.Member, start time.Time, title string) *rooms.Roundtable {
	return &rooms.Roundtable{ID: rooms.NewRoundtableID(), Title: title, Axis: rooms.AxisLife, Start: start.UTC(), Minutes: 60,
		TimeZone: "Asia/Tokyo", Format: rooms.FormatOnline, Capacity: 10, Talk: rooms.TalkSmallRound, Moderators: []rooms.MemberID{mod.ID},
		Speakers: []rooms.MemberID{}, ExcludedCompanies: []rooms.CompanyID{}, CreatedBy: mod.ID}
}

// TestListPages: the upcoming and past lists come a page at a time (50
// by default, ?limit= up to 200), each page after the last of the one
// before, and paging through gives every roundtable of the whole list
// exactly once, in its order — roundtables starting at the same time
// included — as one caller who passes nothing gets the first 50.
func TestListPages(t *testing.T) {
	e := newEnv(t)
	e.api.MountOneByOneList(e.engine)
	ctx := context.Background()
	seed, err := rooms.SeedLoad(ctx, e.store, rooms.LoadSize{Roundtables: 90, Companies: 2, MembersPerCompany: 10, Seed: 5}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	mod := seed.Members[0]
	same := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	for i := range 9 { // one start, ordered by id
		roundtableAt(t, e.store, mod, same, fmt.Sprintf("同時刻 %d", i))
	}
	for i := range 57 { // ended: the past list
		roundtableAt(t, e.store, mod, time.Now().Add(-time.Duration(30+i%19)*time.Hour), fmt.Sprintf("終了 %d", i))
	}
	member, moderator := sessionFor(t, e.store, seed.Members[1]), sessionFor(t, e.store, mod)
	first := getPage(t, e, member, "")
	if len(first.Roundtables) != 50 || first.NextCursor == nil {
		t.Fatalf("the first page without ?limit= holds %d roundtables (next %v); want 50 and a cursor", len(first.Roundtables), first.NextCursor)
	}
	for _, c := range []struct {
		cookie, query string
		least         int // the whole list holds at least
	}{{member, "", 90}, {moderator, "", 95}, {member, "axis=life", 20}, {moderator, "when=past", 57}, {member, "when=past", 0}} {
		var whole listPage
		if err := json.Unmarshal(getBody(t, e.srv.URL+"/test/roundtables?"+c.query, c.cookie), &whole); err != nil {
			t.Fatal(err)
		}
		if len(whole.Roundtables) < c.least {
			t.Fatalf("%q: the whole list holds %d roundtables, want at least %d", c.query, len(whole.Roundtables), c.least)
		}
		for _, limit := range []int{7, 50, 200} {
			got := pageThrough(t, e, c.cookie, c.query, limit, nil)
			if !slices.EqualFunc(got, whole.Roundtables, func(a, b api.RoundtableView) bool { return a.ID == b.ID }) {
				t.Errorf("%q by %d: paging gave %d roundtables, the whole list %d, or another order", c.query, limit, len(got), len(whole.Roundtables))
			}
		}
	}
}

// pageThrough reads every page of the list of query, limit a page, and
// returns their roundtables in order; before runs before each page's
// request with the key the page starts after (nil for the first).
func pageThrough(t *testing.T, e *env, cookie, query string, limit int, before func(after *pageKey)) []api.RoundtableView {
	t.Helper()
	var out []api.RoundtableView
	q := url.Values{"limit": {fmt.Sprint(limit)}}
	var after *pageKey
	for n := 0; ; n++ {
		if before != nil {
			before(after)
		}
		p := getPage(t, e, cookie, q.Encode()+"&"+query)
		if len(p.Roundtables) > limit || (p.NextCursor != nil && len(p.Roundtables) < limit) || n > 1000 {
			t.Fatalf("page %d of %d roundtables (limit %d), next %v", n, len(p.Roundtables), limit, p.NextCursor)
		}
		out = append(out, p.Roundtables...)
		if p.NextCursor == nil {
			return out
		}
		last := p.Roundtables[len(p.Roundtables)-1]
		after = &pageKey{last.Start, last.ID}
		q.Set("cursor", *p.NextCursor)
	}
}

// TestListPagesWhileAdding: roundtables are added, at any place in the
// list, while a reader pages through it (the snapshot is rebuilt under
// each new stamp). The pages never repeat a roundtable and keep the
// order; every roundtable there before she started shows; and every one
// added before she asked for a page, after the place that page starts
// from, shows in that page or a later one.
func TestListPagesWhileAdding(t *testing.T) {
	e := newEnv(t)
	seed, err := rooms.SeedLoad(context.Background(), e.store, rooms.LoadSize{Roundtables: 60, Companies: 1, MembersPerCompany: 10, Seed: 9}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	reader := sessionFor(t, e.store, seed.Members[1])
	ad := startAdding(t, e.store, seed.Members[0], 60)
	type asked struct {
		after *pageKey
		at    time.Time
	}
	var pages []asked
	got := pageThrough(t, e, reader, "", 6, func(after *pageKey) {
		select { // at least one added since the last page, however busy the machine
		case <-ad.one:
		case <-ad.done:
		}
		pages = append(pages, asked{after, time.Now()})
	})
	adds := ad.stop()
	seen := map[rooms.RoundtableID]bool{}
	for i, v := range got {
		if i > 0 && !(pageKey{got[i-1].Start, got[i-1].ID}).less(pageKey{v.Start, v.ID}) {
			t.Fatalf("entry %d (%s) does not follow entry %d (%s): a repeat or out of order", i, v.Title, i-1, got[i-1].Title)
		}
		seen[v.ID] = true
	}
	for _, r := range seed.Roundtables {
		if !r.Cancelled && !slices.Contains(r.ExcludedCompanies, seed.Members[1].CompanyID) && !seen[r.ID] {
			t.Errorf("%s, there before paging began, was skipped", r.Title)
		}
	}
	missed, due := 0, 0
	for _, a := range adds {
		for _, p := range pages {
			if p.at.After(a.written) {
				if p.after == nil || p.after.less(a.key) {
					due++
					if !seen[a.key.id] {
						missed++
					}
				}
				break
			}
		}
	}
	t.Logf("%d pages, %d roundtables added meanwhile, %d of them due", len(pages), len(adds), due)
	if missed > 0 || due == 0 {
		t.Errorf("%d of %d roundtables added ahead of the reader's place did not show", missed, due)
	}
}

// added is a roundtable written while a reader pages.
type added struct {
	key     pageKey
	written time.Time // once CreateRoundtable returned
}

// adder writes up to n roundtables of mod's at random starts, one after
// the other, until stopped; one gets a signal after each.
type adder struct {
	mu        sync.Mutex
	adds      []added // guarded by mu
	one, done chan struct{}
	quit      chan struct{}
}

func startAdding(t *testing.T, s rooms.Store, mod *rooms.Member, n int) *adder {
	ad := &adder{one: make(chan struct{}, 1), done: make(chan struct{}), quit: make(chan struct{})}
	go func() {
		defer close(ad.done)
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range n { // bounded: the reader must reach the end
			select {
			case <-ad.quit:
				return
			default:
			}
			start := time.Now().Add(3*time.Hour + time.Duration(rng.IntN(60*24))*time.Hour).Truncate(time.Hour)
			r := newRoundtable(mod, start, fmt.Sprintf("途中で追加 %d", i))
			if err := s.CreateRoundtable(context.Background(), r); err != nil {
				t.Error(err)
				return
			}
			ad.mu.Lock()
			ad.adds = append(ad.adds, added{pageKey{r.Start, r.ID}, time.Now()})
			ad.mu.Unlock()
			select {
			case ad.one <- struct{}{}:
			default:
			}
		}
	}()
	return ad
}

// stop ends the adding and returns what was added.
func (ad *adder) stop() []added {
	close(ad.quit)
	<-ad.done
	ad.mu.Lock()
	defer ad.mu.Unlock()
	return ad.adds
}

// TestListPageErrors: a bad ?limit= or ?cursor= is refused with 400
// naming the field, and a cursor of one list is refused by the other.
func TestListPageErrors(t *testing.T) {
	e := newEnv(t)
	seed, err := rooms.SeedLoad(context.Background(), e.store, rooms.LoadSize{Roundtables: 3, Companies: 1, MembersPerCompany: 10, Seed: 2}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cookie := sessionFor(t, e.store, seed.Members[1])
	next := getPage(t, e, cookie, "limit=1").NextCursor
	if next == nil {
		t.Fatal("no next_cursor with 3 roundtables, 1 a page")
	}
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, c := range []struct{ query, code, field string }{
		{"limit=0", "out_of_range", "limit"},
		{"limit=201", "out_of_range", "limit"},
		{"limit=-1", "out_of_range", "limit"},
		{"limit=ten", "out_of_range", "limit"},
		{"limit=", "out_of_range", "limit"},
		{"cursor=", "malformed", "cursor"},
		{"cursor=" + url.QueryEscape("not a cursor!"), "malformed", "cursor"},
		{"cursor=" + b64("u1.12.rt_x"), "malformed", "cursor"},
		{"cursor=" + b64("u1.notanumber.rt_"+strings.Repeat("a", 20)), "malformed", "cursor"},
		{"cursor=" + b64("u1.-5."+string(seed.Roundtables[0].ID)), "malformed", "cursor"},
		{"cursor=" + b64(fmt.Sprintf("u1.%d.%s", time.Now().AddDate(5, 0, 0).UnixMilli(), seed.Roundtables[0].ID)), "malformed", "cursor"},
		{"cursor=" + strings.Repeat("A", 400), "malformed", "cursor"},
		{"when=past&cursor=" + *next, "malformed", "cursor"},
	} {
		status, body := getStatus(t, e.srv.URL+"/api/v1/roundtables?"+c.query, cookie)
		var got struct{ Error struct{ Code, Field string } }
		_ = json.Unmarshal(body, &got)
		if status != http.StatusBadRequest || got.Error.Code != c.code || got.Error.Field != c.field {
			t.Errorf("%q: %d %s; want 400 %s on %s", c.query, status, body, c.code, c.field)
		}
	}
}

// getStatus is a GET returning its status and body.
func getStatus(t *testing.T, url, cookie string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Cookie", cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

// stampCounter is the real store, counting reads of the list stamp and
// of standings.
type stampCounter struct {
	rooms.Store
	stamps, standings, builds atomic.Int64
	// onBuild runs in each ListRoundtables (a snapshot build), if set.
	onBuild func()
}

func (s *stampCounter) ListRoundtables(ctx context.Context, from, to time.Time) ([]*rooms.Roundtable, error) {
	s.builds.Add(1)
	if s.onBuild != nil {
		s.onBuild()
	}
	return s.Store.ListRoundtables(ctx, from, to)
}

func (s *stampCounter) ListStamp(ctx context.Context) (string, error) {
	s.stamps.Add(1)
	return s.Store.ListStamp(ctx)
}

func (s *stampCounter) ListStandings(ctx context.Context, m rooms.MemberID) (map[rooms.RoundtableID]rooms.Standing, error) {
	s.standings.Add(1)
	return s.Store.ListStandings(ctx, m)
}

var _ rooms.Store = (*stampCounter)(nil)
