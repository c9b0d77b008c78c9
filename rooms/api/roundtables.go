package api

import (
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// RoundtableView is a roundtable as a viewer sees it.
type RoundtableView struct {
	ID          rooms.RoundtableID `json:"id"`
	Title       string             `json:"title"`
	Description string             `json:"description"`
	Axis        rooms.Axis         `json:"axis"`
	Themes      []string           `json:"themes"`
	Start       time.Time          `json:"start"`
	Minutes     int                `json:"minutes"`
	TimeZone    string             `json:"time_zone"`
	Format      rooms.Format       `json:"format"`
	Venue       string             `json:"venue,omitempty"`
	Capacity    int                `json:"capacity"`
	SeatsLeft   int                `json:"seats_left"`
	Waitlist    int                `json:"waitlist"`
	Talk        rooms.Talk         `json:"talk"`
	Moderators  []PeerView         `json:"moderators"`
	Speakers    []PeerView         `json:"speakers"`
	Cancelled   bool               `json:"cancelled"`
	ClosesAt    time.Time          `json:"registration_closes_at"`
	MyStatus    string             `json:"my_status"` // "", registered, waitlisted, cancelled, moderator, speaker
	// MyPosition is the caller's place on the waitlist (1 = next), or 0.
	MyPosition int `json:"my_position"`
	// Ended is true once the time is over or a moderator ended it.
	Ended bool `json:"ended"`
	// InRoom is how many people are in its video room now (shown only to
	// those who take part or run it), and LiveNow whether anyone is, while
	// it may be joined: as the media plane's events report them
	// (media.webhook), so 0 without them.
	InRoom  int  `json:"in_room"`
	LiveNow bool `json:"live_now"`
	// FeedbackOpen: the caller took part, it has ended and they have not
	// given feedback yet.
	FeedbackOpen  bool  `json:"feedback_open"`
	FeedbackGiven bool  `json:"feedback_given"`
	Version       int64 `json:"version"`
	// Promoted, in the answer to an organiser's change, is how many people
	// waiting got a seat because the capacity was raised.
	Promoted int `json:"promoted,omitempty"`
	// Organiser-only fields.
	ExcludedCompanies []rooms.CompanyID `json:"excluded_companies,omitempty"`
}

// viewRoundtable is r as me sees it.
func (a *API) viewRoundtable(c *gin.Context, r *rooms.Roundtable, me *rooms.Member) (RoundtableView, error) {
	v, err := a.viewRoundtables(c, []*rooms.Roundtable{r}, me)
	if err != nil {
		return RoundtableView{}, err
	}
	return v[0], nil
}

// organises reports whether m may change r: operators and its moderators.
func (a *API) organises(m *rooms.Member, r *rooms.Roundtable) bool {
	return m.Role == rooms.RoleOperator || r.IsModerator(m.ID)
}

// visibleTo reports whether m may see r at all: guest speakers see only
// their own roundtables; members of an excluded company do not see it.
func visibleTo(m *rooms.Member, r *rooms.Roundtable) bool {
	switch {
	case m.Role == rooms.RoleOperator || r.IsModerator(m.ID) || r.IsSpeaker(m.ID):
		return true
	case m.Role == rooms.RoleGuestSpeaker:
		return false
	}
	return !slices.Contains(r.ExcludedCompanies, m.CompanyID)
}

type roundtableRequest struct {
	Title              string            `json:"title"`
	Description        string            `json:"description"`
	Axis               rooms.Axis        `json:"axis"`
	Themes             []string          `json:"themes"`
	Start              time.Time         `json:"start"`
	Minutes            int               `json:"minutes"`
	TimeZone           string            `json:"time_zone"`
	Format             rooms.Format      `json:"format"`
	Venue              string            `json:"venue"`
	Capacity           int               `json:"capacity"`
	Talk               rooms.Talk        `json:"talk"`
	Moderators         []rooms.MemberID  `json:"moderators"`
	Speakers           []rooms.MemberID  `json:"speakers"`
	ExcludedCompanies  []rooms.CompanyID `json:"excluded_companies"`
	CloseBeforeMinutes int               `json:"close_before_minutes"`
	// Lobby starts the session with the lobby on (set at creation only;
	// moderators switch it during the session).
	Lobby   bool  `json:"lobby"`
	Version int64 `json:"version"`
}

func (req *roundtableRequest) apply(r *rooms.Roundtable) {
	r.Title, r.Description, r.Axis, r.Themes, r.Start, r.Minutes = req.Title, req.Description, req.Axis, orEmpty(req.Themes), req.Start.UTC(), req.Minutes
	r.TimeZone, r.Format, r.Venue, r.Capacity, r.Talk = req.TimeZone, req.Format, req.Venue, req.Capacity, req.Talk
	r.Moderators, r.Speakers, r.ExcludedCompanies = req.Moderators, req.Speakers, req.ExcludedCompanies
	r.CloseBefore = time.Duration(req.CloseBeforeMinutes) * time.Minute
	if r.Speakers == nil {
		r.Speakers = []rooms.MemberID{}
	}
	if r.ExcludedCompanies == nil {
		r.ExcludedCompanies = []rooms.CompanyID{}
	}
}

// checkPeople verifies that moderators can moderate and speakers are
// guest speakers (no one else is put on a stage, shown to everyone and
// given a publishing token). Moderators already named in old stay even if
// their training was taken back since. Counts and repeats are checked by
// Roundtable.Validate.
func (a *API) checkPeople(c *gin.Context, r, old *rooms.Roundtable) error {
	for i, id := range r.Moderators {
		if old != nil && old.IsModerator(id) {
			continue
		}
		m, err := a.store.GetMember(c.Request.Context(), id)
		if errors.Is(err, rooms.ErrNotFound) || (err == nil && !m.CanModerate()) || !id.Valid() {
			return rooms.Invalid("moderators["+itoa(i)+"]", "not_a_moderator", "this person is not a moderator")
		} else if err != nil {
			return err
		}
	}
	for i, id := range r.Speakers {
		m, err := a.store.GetMember(c.Request.Context(), id)
		if errors.Is(err, rooms.ErrNotFound) || !id.Valid() {
			return rooms.Invalid("speakers["+itoa(i)+"]", "unknown_member", "no such account; invite the speaker first")
		} else if err != nil {
			return err
		}
		if m.Role != rooms.RoleGuestSpeaker {
			return rooms.Invalid("speakers["+itoa(i)+"]", "not_a_guest_speaker", "speakers are guest speakers; invite them as such")
		}
	}
	for i, co := range r.ExcludedCompanies {
		if !co.Valid() {
			return rooms.Invalid("excluded_companies["+itoa(i)+"]", "malformed", "not a company id")
		}
	}
	return nil
}

// createRoundtable schedules a roundtable (operators and moderators).
func (a *API) createRoundtable(c *gin.Context) {
	var req roundtableRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	me := currentMember(c)
	if !me.CanModerate() {
		fail(c, rooms.ErrForbidden)
		return
	}
	r := &rooms.Roundtable{ID: rooms.NewRoundtableID(), CreatedBy: me.ID, Live: rooms.LiveState{Lobby: req.Lobby}}
	req.apply(r)
	if err := r.Validate(a.now()); err != nil {
		fail(c, err)
		return
	}
	if err := a.checkPeople(c, r, nil); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.CreateRoundtable(c.Request.Context(), r); err != nil {
		fail(c, err)
		return
	}
	v, err := a.viewRoundtable(c, r, me)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, v)
}

// listRoundtables shows upcoming roundtables the caller may see, filtered
// by ?axis=, ?theme=, ?format=, ?date=YYYY-MM-DD (in the caller's time
// zone) and ?days= ahead (default 90), a page at a time (?limit=,
// ?cursor=: roundtable_page.go). ?when=past lists instead the ones the
// caller took part in (all, for operators) that ended in the last ?days=,
// newest first, for feedback.
func (a *API) listRoundtables(c *gin.Context) {
	me := currentMember(c)
	f, err := parseRoundtableFilter(c, me, a.now())
	if err != nil {
		fail(c, err)
		return
	}
	var stamp stampRead
	if !f.past {
		// Before the turn: callers waiting for turns share a few reads.
		if stamp, err = a.stamps.read(c.Request.Context(), a.store); err != nil {
			fail(c, err)
			return
		}
	}
	release, ok := a.listTurn(c)
	if !ok {
		return
	}
	defer release()
	if !f.past {
		a.listUpcoming(c, me, f, stamp, release)
		return
	}
	a.listPast(c, me, f, release)
}

// listPast is the ?when=past list.
func (a *API) listPast(c *gin.Context, me *rooms.Member, f roundtableFilter, release func()) {
	now := a.now()
	list, err := a.store.ListRoundtables(c.Request.Context(), now.AddDate(0, 0, -f.days).Add(-4*time.Hour), now)
	if err != nil {
		fail(c, err)
		return
	}
	var mine map[rooms.RoundtableID]rooms.Standing
	if me.Role != rooms.RoleOperator {
		if mine, err = a.store.ListStandings(c.Request.Context(), me.ID); err != nil {
			fail(c, err)
			return
		}
	}
	slices.Reverse(list)
	var shown []*rooms.Roundtable
	for _, r := range list {
		// The past list shows only what the caller took part in (operators: all).
		if f.page.follows(r, true) && visibleTo(me, r) && f.match(r) && (r.Live.Ended || !now.Before(r.End())) &&
			(mine == nil || takesPart(me, r, mine)) {
			if shown = append(shown, r); len(shown) > f.page.limit {
				break
			}
		}
	}
	shown, next := f.page.cut(shown, true)
	out, err := a.viewRoundtables(c, shown, me)
	if err != nil {
		fail(c, err)
		return
	}
	release()
	c.JSON(http.StatusOK, roundtablePage{Roundtables: out, NextCursor: next})
}

// roundtablePage is a page of a roundtable list.
type roundtablePage struct {
	Roundtables []RoundtableView `json:"roundtables"`
	NextCursor  string           `json:"next_cursor,omitempty"` // "" on the last page
}

// listTurn waits for one of the turns roundtable lists are built in (one
// per CPU), in arrival order, and returns its release (idempotent);
// false if the caller left meanwhile. Under a crowd of readers, lists
// then take turns instead of all slowing down together, some far more
// than others. The response is written after the release, so a slow
// reader holds no turn.
func (a *API) listTurn(c *gin.Context) (func(), bool) {
	select {
	case a.listTurns <- struct{}{}:
	case <-c.Request.Context().Done():
		return nil, false
	}
	var once sync.Once
	return func() { once.Do(func() { <-a.listTurns }) }, true
}

// listUpcoming cuts the caller's page from the snapshot under stamp (see
// roundtable_cache.go): the roundtables starting from 4 hours ago to
// ?days= ahead that have not ended.
func (a *API) listUpcoming(c *gin.Context, me *rooms.Member, f roundtableFilter, stamp stampRead, release func()) {
	ctx := c.Request.Context()
	snap, err := a.snapshot(ctx, f.days, stamp)
	if err != nil {
		fail(c, err)
		return
	}
	mine, err := snap.standings.of(ctx, a.store, me.ID)
	if err != nil {
		fail(c, err)
		return
	}
	now := a.now()
	from, to := now.Add(-4*time.Hour), now.AddDate(0, 0, f.days)
	var shown []*rooms.Roundtable
	for _, r := range snap.list[snap.after(f.page.after):] {
		ended := r.Live.Ended || !now.Before(r.End())
		if !r.Start.Before(from) && r.Start.Before(to) && visibleTo(me, r) && f.match(r) && !ended {
			if shown = append(shown, r); len(shown) > f.page.limit {
				break
			}
		}
	}
	shown, next := f.page.cut(shown, false)
	ps, err := a.personalise(c, shown, me, mine, now)
	if err != nil {
		fail(c, err)
		return
	}
	if snap.encoded == nil {
		out := viewsOf(shown, ps, snap.shared)
		release()
		c.JSON(http.StatusOK, roundtablePage{Roundtables: out, NextCursor: next})
		return
	}
	buf := listBuffers.Get().(*[]byte)
	defer listBuffers.Put(buf)
	b := append((*buf)[:0], `{"roundtables":[`...)
	for i, r := range shown {
		if i > 0 {
			b = append(b, ',')
		}
		b = snap.encoded[r.ID].appendTo(b, ps[i])
	}
	b = append(b, ']')
	if next != "" {
		b = append(append(append(b, `,"next_cursor":"`...), next...), '"') // base64url: nothing to escape
	}
	b = append(b, '}')
	release()
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
	*buf = b // written by now; kept, grown, for the next list
}

// listBuffers keep lists' JSON buffers (hundreds of KB) for the next.
var listBuffers = sync.Pool{New: func() any { return new([]byte) }}

// myRoundtable loads the roundtable in the path if the caller may see it.
func (a *API) myRoundtable(c *gin.Context) (*rooms.Roundtable, *rooms.Member, bool) {
	id := rooms.RoundtableID(c.Param("id"))
	me := currentMember(c)
	if !id.Valid() {
		fail(c, rooms.ErrNotFound)
		return nil, nil, false
	}
	r, err := a.store.GetRoundtable(c.Request.Context(), id)
	if err == nil && !visibleTo(me, r) {
		err = rooms.ErrNotFound
	}
	if err != nil {
		fail(c, err)
		return nil, nil, false
	}
	return r, me, true
}

func (a *API) getRoundtable(c *gin.Context) {
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	v, err := a.viewRoundtable(c, r, me)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
