package api

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// This file keeps the roundtable list as it was before issue 13 — several
// store reads per roundtable — as the reference the batched list must
// match byte for byte (TestListMatchesOneByOne).

// MountOneByOneList serves the reference list at GET /test/roundtables,
// behind the same session check as the real one.
func (a *API) MountOneByOneList(r *gin.Engine) {
	r.GET("/test/roundtables", a.requireSession, a.listOneByOne)
}

func (a *API) listOneByOne(c *gin.Context) {
	me := currentMember(c)
	f, err := parseRoundtableFilter(c, me, a.now())
	if err != nil {
		fail(c, err)
		return
	}
	now := a.now()
	from, to := now.Add(-4*time.Hour), now.AddDate(0, 0, f.days)
	if f.past {
		from, to = now.AddDate(0, 0, -f.days).Add(-4*time.Hour), now
	}
	list, err := a.store.ListRoundtables(c.Request.Context(), from, to)
	if err != nil {
		fail(c, err)
		return
	}
	if f.past {
		slices.Reverse(list)
	}
	out := []RoundtableView{}
	for _, r := range list {
		if !visibleTo(me, r) || !f.match(r) || f.past != (r.Live.Ended || !now.Before(r.End())) {
			continue
		}
		if f.past && me.Role != rooms.RoleOperator {
			if in, err := a.tookPart(c, r, me); err != nil {
				fail(c, err)
				return
			} else if !in {
				continue
			}
		}
		v, err := a.viewOneByOne(c, r, me)
		if err != nil {
			fail(c, err)
			return
		}
		out = append(out, v)
	}
	c.JSON(http.StatusOK, gin.H{"roundtables": out})
}

func (a *API) viewOneByOne(c *gin.Context, r *rooms.Roundtable, me *rooms.Member) (RoundtableView, error) {
	regs, err := a.store.ListRegistrations(c.Request.Context(), r.ID)
	if err != nil {
		return RoundtableView{}, err
	}
	v := RoundtableView{ID: r.ID, Title: r.Title, Description: r.Description, Axis: r.Axis, Themes: r.Themes, Start: r.Start,
		Minutes: r.Minutes, TimeZone: r.TimeZone, Format: r.Format, Venue: r.Venue, Capacity: r.Capacity, Talk: r.Talk,
		Cancelled: r.Cancelled, ClosesAt: r.Start.Add(-r.CloseBefore), Version: r.Version, Moderators: []PeerView{}, Speakers: []PeerView{}}
	registered := 0
	for _, reg := range regs {
		switch reg.Status {
		case rooms.Registered:
			registered++
		case rooms.Waitlisted:
			v.Waitlist++
		}
		if reg.MemberID == me.ID {
			v.MyStatus = string(reg.Status)
			if reg.Status == rooms.Waitlisted {
				v.MyPosition = v.Waitlist
			}
		}
	}
	v.Ended = r.Live.Ended || !a.now().Before(r.End())
	v.SeatsLeft = max(r.Capacity-registered, 0)
	for _, id := range r.Moderators {
		v.Moderators = append(v.Moderators, PeerView{ID: id, DisplayName: a.peer(c, id).DisplayName})
	}
	for _, id := range r.Speakers {
		v.Speakers = append(v.Speakers, a.peer(c, id))
	}
	switch {
	case r.IsModerator(me.ID):
		v.MyStatus = "moderator"
	case r.IsSpeaker(me.ID):
		v.MyStatus = "speaker"
	}
	if a.organises(me, r) {
		v.ExcludedCompanies = r.ExcludedCompanies
	}
	if err := a.liveOneByOne(c, r, me, &v); err != nil {
		return RoundtableView{}, err
	}
	return v, a.feedbackOneByOne(c, r, me, &v)
}

// liveOneByOne is the single view's live state as it was before the
// batched list took it over: presence read for r alone.
func (a *API) liveOneByOne(c *gin.Context, r *rooms.Roundtable, me *rooms.Member, v *RoundtableView) error {
	if from, _ := r.JoinWindow(); v.Ended || r.Cancelled || a.now().Before(from) {
		return nil
	}
	present, err := rooms.PresenceOf(c.Request.Context(), a.store, r.RoomName())
	if err != nil {
		return err
	}
	v.LiveNow = len(present) > 0
	if v.MyStatus == string(rooms.Registered) || v.MyStatus == "moderator" || v.MyStatus == "speaker" || a.organises(me, r) {
		v.InRoom = len(present)
	}
	return nil
}

func (a *API) feedbackOneByOne(c *gin.Context, r *rooms.Roundtable, me *rooms.Member, v *RoundtableView) error {
	if !r.FeedbackOpen(a.now()) {
		return nil
	}
	in, err := a.tookPart(c, r, me)
	if err != nil || !in {
		return err
	}
	_, err = a.store.GetRoundtableFeedback(c.Request.Context(), r.ID, me.ID)
	switch {
	case err == nil:
		v.FeedbackGiven = true
	case errors.Is(err, rooms.ErrNotFound):
		v.FeedbackOpen = true
	default:
		return err
	}
	return nil
}
