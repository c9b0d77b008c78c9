package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// maxBreakoutPeople bounds the ids one request may carry: a full
// roundtable with its moderators and speakers, and some.
const maxBreakoutPeople = 1200

// errRoundtableStale answers a write that lost a race with another
// moderator's: nothing changed, and trying again works.
var errRoundtableStale = &Error{Status: http.StatusConflict, Code: "conflict", Message: "the roundtable changed meanwhile; try again"}

// breakoutCtx is one moderator's breakout request being carried out.
type breakoutCtx struct {
	r   *rooms.Roundtable
	me  *rooms.Member
	now time.Time
}

// breakoutModerator loads the roundtable of a moderator's breakout
// request: only its organisers may, and only while it runs.
func (a *API) breakoutModerator(c *gin.Context) (*breakoutCtx, bool) {
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return nil, false
	}
	now := a.now()
	from, to := r.JoinWindow()
	switch {
	case !a.organises(me, r):
		fail(c, rooms.ErrForbidden)
		return nil, false
	case r.Cancelled || r.Format == rooms.FormatInPerson:
		fail(c, wrongState("this roundtable has no online room"))
		return nil, false
	case r.Live.Ended || !now.Before(to):
		fail(c, &Error{Status: http.StatusConflict, Code: "ended", Message: "this roundtable has ended"})
		return nil, false
	case now.Before(from):
		fail(c, &Error{Status: http.StatusConflict, Code: "too_early", Message: "the room opens 15 minutes before the start"})
		return nil, false
	}
	return &breakoutCtx{r: r, me: me, now: now}, true
}

// openBreakout returns the open breakout, or the error saying none is.
func (b *breakoutCtx) openBreakout() (*rooms.Breakout, error) {
	if br := b.r.Live.Breakout; br.Open(b.now) {
		return br, nil
	}
	return nil, &Error{Status: http.StatusConflict, Code: rooms.EntryBreakoutClosed, Message: "the groups are not open"}
}

// saveBreakout stores the roundtable's changed breakout, audits the
// action, tells every room and answers with the state.
func (a *API) saveBreakout(c *gin.Context, b *breakoutCtx, action string, target rooms.MemberID, detail string) {
	ctx := c.Request.Context()
	if _, err := a.store.UpdateRoundtable(ctx, b.r); err != nil {
		if errors.Is(err, rooms.ErrConflict) {
			err = errRoundtableStale
		}
		fail(c, err)
		return
	}
	entry := &rooms.AuditEntry{ID: rooms.NewAuditID(), RoundtableID: b.r.ID, ActorID: b.me.ID, Action: action,
		TargetID: target, Detail: detail, At: b.now}
	if err := a.store.AppendAudit(ctx, entry); err != nil {
		fail(c, err)
		return
	}
	a.tellBreakout(ctx, b.r)
	v, err := a.breakoutView(ctx, b.r, &b.me.ID, b.now)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// participants returns who takes part in r (registered, speaking or
// moderating) and is not removed.
func (a *API) participants(ctx context.Context, r *rooms.Roundtable) (map[rooms.MemberID]bool, error) {
	regs, err := a.store.ListRegistrations(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	in := map[rooms.MemberID]bool{}
	for _, reg := range regs {
		in[reg.MemberID] = reg.Status == rooms.Registered
	}
	for _, m := range append(slices.Clone(r.Moderators), r.Speakers...) {
		in[m] = true
	}
	for _, m := range r.Live.Removed {
		in[m] = false
	}
	return in, nil
}

// checkPeople checks ids named in field: each a participant of r, named
// once.
func checkPeople(in map[rooms.MemberID]bool, field string, ids []rooms.MemberID, seen map[rooms.MemberID]bool) error {
	for i, id := range ids {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case !in[id]:
			return rooms.Invalid(f, "not_a_participant", "this person does not take part in this roundtable (or was removed)")
		case seen[id]:
			return rooms.Invalid(f, "duplicate", "this person is named twice")
		}
		seen[id] = true
	}
	return nil
}

type breakoutOpenRequest struct {
	Groups  [][]rooms.MemberID `json:"groups"`
	Seconds int                `json:"seconds"`
	Speak   bool               `json:"speak"`
}

// validate checks the request's shape, naming the field at fault.
func (req *breakoutOpenRequest) validate() error {
	total := 0
	for i, g := range req.Groups {
		if len(g) == 0 {
			return rooms.Invalid(fmt.Sprintf("groups[%d]", i), "empty", "a group needs someone in it")
		}
		total += len(g)
	}
	switch {
	case len(req.Groups) < rooms.MinBreakoutGroups || len(req.Groups) > rooms.MaxBreakoutGroups:
		return rooms.Invalid("groups", "out_of_range", fmt.Sprintf("open %d to %d groups", rooms.MinBreakoutGroups, rooms.MaxBreakoutGroups))
	case total > maxBreakoutPeople:
		return rooms.Invalid("groups", "too_many", "too many people")
	}
	return checkSeconds(req.Seconds)
}

func checkSeconds(s int) error {
	if s < rooms.MinBreakoutSeconds || s > rooms.MaxBreakoutSeconds {
		return rooms.Invalid("seconds", "out_of_range", fmt.Sprintf("groups last %d to %d seconds", rooms.MinBreakoutSeconds, rooms.MaxBreakoutSeconds))
	}
	return nil
}

// openBreakoutGroups opens a new round of groups.
func (a *API) openBreakoutGroups(c *gin.Context) {
	var req breakoutOpenRequest
	b, ok := a.breakoutRequest(c, &req)
	if !ok {
		return
	}
	if err := req.validate(); err != nil {
		fail(c, err)
		return
	}
	if b.r.Live.Breakout.Open(b.now) {
		fail(c, &Error{Status: http.StatusConflict, Code: "breakout_open", Message: "groups are open already; call everyone back first"})
		return
	}
	in, err := a.participants(c.Request.Context(), b.r)
	if err != nil {
		fail(c, err)
		return
	}
	seen, sizes := map[rooms.MemberID]bool{}, make([]string, len(req.Groups))
	for i, g := range req.Groups {
		if err := checkPeople(in, fmt.Sprintf("groups[%d]", i), g, seen); err != nil {
			fail(c, err)
			return
		}
		sizes[i] = fmt.Sprint(len(g))
	}
	round := 1
	if old := b.r.Live.Breakout; old != nil {
		round = old.Round + 1
	}
	b.r.Live.Breakout = &rooms.Breakout{Round: round, Groups: rooms.NewBreakoutGroups(req.Groups), OpenedBy: b.me.ID,
		OpenedAt: b.now.UTC(), EndsAt: b.now.UTC().Add(time.Duration(req.Seconds) * time.Second).Truncate(time.Millisecond),
		Speak: req.Speak && b.r.Talk == rooms.TalkStage}
	detail := fmt.Sprintf("round %d: %d groups (%s people), %d s", round, len(req.Groups), strings.Join(sizes, "+"), req.Seconds)
	a.saveBreakout(c, b, "breakout_open", "", detail)
}

// change is what a moderator's change of the open groups did, for the
// moderation log.
type change struct {
	action string
	target rooms.MemberID
	detail string
}

// changeBreakout carries out a moderator's change of the open groups:
// decodes req (nil: no body), checks who asks and that groups are open,
// lets apply change them (or refuse, changing nothing), then stores,
// audits and tells every room.
func (a *API) changeBreakout(c *gin.Context, req any, apply func(b *breakoutCtx, br *rooms.Breakout) (change, error)) {
	b, ok := a.breakoutRequest(c, req)
	if !ok {
		return
	}
	br, err := b.openBreakout()
	if err != nil {
		fail(c, err)
		return
	}
	ch, err := apply(b, br)
	if err != nil {
		fail(c, err)
		return
	}
	a.saveBreakout(c, b, ch.action, ch.target, ch.detail)
}

// breakoutRequest decodes a moderator's request into req (nil: no body)
// and loads its roundtable (breakoutModerator).
func (a *API) breakoutRequest(c *gin.Context, req any) (*breakoutCtx, bool) {
	if req != nil {
		if err := bindJSON(c, req); err != nil {
			fail(c, err)
			return nil, false
		}
	}
	return a.breakoutModerator(c)
}

type breakoutMoveRequest struct {
	MemberID rooms.MemberID `json:"member_id"`
	Group    string         `json:"group"`
}

// moveBreakout moves one person to another group ("main": out of every
// group) while the groups are open; her page follows the state.
func (a *API) moveBreakout(c *gin.Context) {
	var req breakoutMoveRequest
	a.changeBreakout(c, &req, func(b *breakoutCtx, br *rooms.Breakout) (change, error) {
		if _, ok := br.Group(req.Group); !ok && req.Group != "main" {
			return change{}, rooms.Invalid("group", "unknown_value", "no such group")
		}
		in, err := a.participants(c.Request.Context(), b.r)
		if err != nil {
			return change{}, err
		}
		if !in[req.MemberID] {
			return change{}, rooms.Invalid("member_id", "not_a_participant", "this person does not take part in this roundtable (or was removed)")
		}
		br.Move(req.MemberID, req.Group)
		return change{"breakout_move", req.MemberID, "group " + req.Group}, nil
	})
}

type breakoutBroadcastRequest struct {
	Message string `json:"message"`
}

// broadcastBreakout shows a short message in every group ("two minutes
// left"). Its text is not audited: the log says that one was sent.
func (a *API) broadcastBreakout(c *gin.Context) {
	var req breakoutBroadcastRequest
	a.changeBreakout(c, &req, func(b *breakoutCtx, br *rooms.Breakout) (change, error) {
		msg, err := rooms.CleanBreakoutMessage(req.Message)
		if err != nil {
			return change{}, err
		}
		br.Message, br.MessageAt = msg, b.now.UTC()
		return change{action: "breakout_broadcast"}, nil
	})
}

type breakoutExtendRequest struct {
	Seconds int `json:"seconds"`
}

// extendBreakout gives the groups more time.
func (a *API) extendBreakout(c *gin.Context) {
	var req breakoutExtendRequest
	a.changeBreakout(c, &req, func(_ *breakoutCtx, br *rooms.Breakout) (change, error) {
		if err := checkSeconds(req.Seconds); err != nil {
			return change{}, err
		}
		br.EndsAt = br.EndsAt.Add(time.Duration(req.Seconds) * time.Second)
		return change{action: "breakout_extend", detail: fmt.Sprintf("+%d s", req.Seconds)}, nil
	})
}

// closeBreakout calls everyone back to the main room.
func (a *API) closeBreakout(c *gin.Context) {
	a.changeBreakout(c, nil, func(_ *breakoutCtx, br *rooms.Breakout) (change, error) {
		br.Closed = true
		return change{action: "breakout_close", detail: fmt.Sprintf("round %d", br.Round)}, nil
	})
}
