package api

import (
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// listContext is what the views of many roundtables share, each part
// read from the store once for all of them (a list of hundreds used to
// cost several reads per roundtable).
type listContext struct {
	now      time.Time
	seats    map[rooms.RoundtableID]rooms.Seats
	peers    map[rooms.MemberID]PeerView
	feedback map[rooms.RoundtableID]bool // the caller gave hers
}

// viewRoundtables returns the views of list for me, in its order. With
// onlyTookPart, it leaves out those me did not take part in.
func (a *API) viewRoundtables(c *gin.Context, list []*rooms.Roundtable, me *rooms.Member, onlyTookPart bool) ([]RoundtableView, error) {
	ctx := c.Request.Context()
	lc := listContext{now: a.now()}
	ids := make([]rooms.RoundtableID, len(list))
	var people []rooms.MemberID
	for i, r := range list {
		ids[i] = r.ID
		people = append(append(people, r.Moderators...), r.Speakers...)
	}
	slices.Sort(people)
	people = slices.Compact(people) // the same few moderators run most roundtables
	var err error
	if lc.seats, err = a.store.ListSeats(ctx, ids, me.ID); err != nil {
		return nil, err
	}
	if lc.peers, err = a.peers(c, people); err != nil {
		return nil, err
	}
	out := []RoundtableView{}
	for _, r := range list {
		in := r.IsModerator(me.ID) || r.IsSpeaker(me.ID) || lc.seats[r.ID].Mine == rooms.Registered
		if onlyTookPart && !in {
			continue
		}
		v := a.roundtableView(r, me, &lc)
		if in && r.FeedbackOpen(lc.now) {
			if lc.feedback == nil {
				if lc.feedback, err = a.feedbackGiven(c, me); err != nil {
					return nil, err
				}
			}
			v.FeedbackGiven = lc.feedback[r.ID]
			v.FeedbackOpen = !v.FeedbackGiven
		}
		out = append(out, v)
	}
	return out, nil
}

// roundtableView is r as me sees it, all but the feedback state.
func (a *API) roundtableView(r *rooms.Roundtable, me *rooms.Member, lc *listContext) RoundtableView {
	seats := lc.seats[r.ID]
	v := RoundtableView{ID: r.ID, Title: r.Title, Description: r.Description, Axis: r.Axis, Themes: r.Themes, Start: r.Start,
		Minutes: r.Minutes, TimeZone: r.TimeZone, Format: r.Format, Venue: r.Venue, Capacity: r.Capacity, Talk: r.Talk,
		Cancelled: r.Cancelled, ClosesAt: r.Start.Add(-r.CloseBefore), Version: r.Version,
		Moderators: make([]PeerView, 0, len(r.Moderators)), Speakers: make([]PeerView, 0, len(r.Speakers)),
		SeatsLeft: max(r.Capacity-seats.Seated, 0), Waitlist: seats.Waiting, MyStatus: string(seats.Mine), MyPosition: seats.Place,
		Ended: r.Live.Ended || !lc.now.Before(r.End())}
	for _, id := range r.Moderators {
		v.Moderators = append(v.Moderators, PeerView{ID: id, DisplayName: lc.peers[id].DisplayName})
	}
	for _, id := range r.Speakers {
		v.Speakers = append(v.Speakers, lc.peers[id])
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
	return v
}

// feedbackGiven returns the roundtables me gave feedback on.
func (a *API) feedbackGiven(c *gin.Context, me *rooms.Member) (map[rooms.RoundtableID]bool, error) {
	fs, err := a.store.ListRoundtableFeedbackBy(c.Request.Context(), me.ID)
	if err != nil {
		return nil, err
	}
	out := make(map[rooms.RoundtableID]bool, len(fs))
	for _, f := range fs {
		out[f.RoundtableID] = true
	}
	return out, nil
}

// peers returns what others see of each of ids (PeerView), in three
// reads whatever their number.
func (a *API) peers(c *gin.Context, ids []rooms.MemberID) (map[rooms.MemberID]PeerView, error) {
	ctx := c.Request.Context()
	members, err := a.store.GetMembers(ctx, ids)
	if err != nil {
		return nil, err
	}
	profiles, err := a.store.GetProfiles(ctx, ids)
	if err != nil {
		return nil, err
	}
	photos, err := a.store.PhotoOwners(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[rooms.MemberID]PeerView, len(ids))
	for _, id := range ids {
		out[id] = peerView(id, members[id], profiles[id], photos[id])
	}
	return out, nil
}
