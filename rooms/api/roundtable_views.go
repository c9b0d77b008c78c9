package api

import (
	"context"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// listShared is what the views of many roundtables share, whoever looks:
// each part read from the store once for all of them (a list of hundreds
// used to cost several reads per roundtable).
type listShared struct {
	counts map[rooms.RoundtableID]rooms.SeatCount
	peers  map[rooms.MemberID]PeerView
}

// readShared reads the seat counts of list and its moderators and
// speakers.
func (a *API) readShared(ctx context.Context, list []*rooms.Roundtable) (*listShared, error) {
	ids := make([]rooms.RoundtableID, len(list))
	var people []rooms.MemberID
	for i, r := range list {
		ids[i] = r.ID
		people = append(append(people, r.Moderators...), r.Speakers...)
	}
	slices.Sort(people)
	people = slices.Compact(people) // the same few moderators run most roundtables
	counts, err := a.store.CountSeats(ctx, ids)
	if err != nil {
		return nil, err
	}
	peers, err := a.peers(ctx, people)
	if err != nil {
		return nil, err
	}
	return &listShared{counts: counts, peers: peers}, nil
}

// viewRoundtables returns the views of list for me, in its order, read
// afresh.
func (a *API) viewRoundtables(c *gin.Context, list []*rooms.Roundtable, me *rooms.Member) ([]RoundtableView, error) {
	sh, err := a.readShared(c.Request.Context(), list)
	if err != nil {
		return nil, err
	}
	mine, err := a.store.ListStandings(c.Request.Context(), me.ID)
	if err != nil {
		return nil, err
	}
	ps, err := a.personalise(c, list, me, mine, a.now())
	if err != nil {
		return nil, err
	}
	return viewsOf(list, ps, sh), nil
}

// viewsOf puts the views of shown together.
func viewsOf(shown []*rooms.Roundtable, ps []personal, sh *listShared) []RoundtableView {
	out := make([]RoundtableView, len(shown))
	for i, r := range shown {
		out[i] = staticView(r, sh)
		ps[i].apply(&out[i], r)
	}
	return out
}

// personal is what of a roundtable's view depends on who looks, and when.
type personal struct {
	status                             string
	position                           int
	ended, feedbackOpen, feedbackGiven bool
	organiser                          bool // sees the excluded companies
	inRoom                             int  // see liveState
	liveNow                            bool
}

func (p personal) apply(v *RoundtableView, r *rooms.Roundtable) {
	v.MyStatus, v.MyPosition, v.Ended, v.FeedbackOpen, v.FeedbackGiven = p.status, p.position, p.ended, p.feedbackOpen, p.feedbackGiven
	v.InRoom, v.LiveNow = p.inRoom, p.liveNow
	if p.organiser {
		v.ExcludedCompanies = r.ExcludedCompanies
	}
}

// personalise returns what of each roundtable of list is me's.
func (a *API) personalise(c *gin.Context, list []*rooms.Roundtable, me *rooms.Member, mine map[rooms.RoundtableID]rooms.Standing,
	now time.Time) ([]personal, error) {
	var given map[rooms.RoundtableID]bool // the feedback me gave, read when first needed
	out := make([]personal, 0, len(list))
	for _, r := range list {
		st, moderates, speaks := mine[r.ID], r.IsModerator(me.ID), r.IsSpeaker(me.ID)
		in := takesPart(me, r, mine)
		p := personal{status: string(st.Status), position: st.Place, ended: r.Live.Ended || !now.Before(r.End()),
			organiser: a.organises(me, r)}
		switch {
		case moderates:
			p.status = "moderator"
		case speaks:
			p.status = "speaker"
		}
		if in && r.FeedbackOpen(now) {
			if given == nil {
				var err error
				if given, err = a.feedbackGiven(c, me); err != nil {
					return nil, err
				}
			}
			p.feedbackGiven, p.feedbackOpen = given[r.ID], !given[r.ID]
		}
		if err := a.liveState(c, r, &p, now); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// takesPart reports whether me moderates, speaks at or has a seat at r,
// where mine is her standings.
func takesPart(me *rooms.Member, r *rooms.Roundtable, mine map[rooms.RoundtableID]rooms.Standing) bool {
	return r.IsModerator(me.ID) || r.IsSpeaker(me.ID) || mine[r.ID].Status == rooms.Registered
}

// liveState fills whether anyone is in r's video room now, while it may
// be joined, and for those who take part or run it how many: anyone else
// (an HR admin watching) must not see one person's coming and going.
// Presence is read afresh for each view, never kept in a list snapshot
// (it changes by the second while a room runs, and writes no list
// stamp); only the few roundtables in their join window read it.
func (a *API) liveState(c *gin.Context, r *rooms.Roundtable, p *personal, now time.Time) error {
	if from, _ := r.JoinWindow(); p.ended || r.Cancelled || now.Before(from) {
		return nil
	}
	present, err := rooms.RoundtablePresence(c.Request.Context(), a.store, r, now)
	if err != nil {
		return err
	}
	p.liveNow = len(present) > 0
	if p.status == string(rooms.Registered) || p.status == "moderator" || p.status == "speaker" || p.organiser {
		p.inRoom = len(present)
	}
	return nil
}

// staticView is r as anybody sees it; personal.apply adds the rest.
func staticView(r *rooms.Roundtable, sh *listShared) RoundtableView {
	seats := sh.counts[r.ID]
	v := RoundtableView{ID: r.ID, Title: r.Title, Description: r.Description, Axis: r.Axis, Themes: r.Themes, Start: r.Start,
		Minutes: r.Minutes, TimeZone: r.TimeZone, Format: r.Format, Venue: r.Venue, Capacity: r.Capacity, Talk: r.Talk,
		Cancelled: r.Cancelled, ClosesAt: r.Start.Add(-r.CloseBefore), Version: r.Version,
		Moderators: make([]PeerView, 0, len(r.Moderators)), Speakers: make([]PeerView, 0, len(r.Speakers)),
		SeatsLeft: max(r.Capacity-seats.Seated, 0), Waitlist: seats.Waiting}
	for _, id := range r.Moderators {
		v.Moderators = append(v.Moderators, PeerView{ID: id, DisplayName: sh.peers[id].DisplayName})
	}
	for _, id := range r.Speakers {
		v.Speakers = append(v.Speakers, sh.peers[id])
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
func (a *API) peers(ctx context.Context, ids []rooms.MemberID) (map[rooms.MemberID]PeerView, error) {
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
