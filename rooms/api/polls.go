package api

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// PollView is a poll with its results as counts only: nobody, moderators
// and operators included, learns who chose what. MyChoices is the
// caller's own ballot, shown to her alone.
type PollView struct {
	ID           rooms.PollID       `json:"id"`
	RoundtableID rooms.RoundtableID `json:"roundtable_id"`
	Title        string             `json:"roundtable_title,omitempty"` // in the operators' list
	Question     string             `json:"question"`
	Choices      []string           `json:"choices"`
	Multiple     bool               `json:"multiple"`
	Closed       bool               `json:"closed"`
	Counts       []int              `json:"counts"`
	Voters       int                `json:"voters"`
	MyChoices    []int              `json:"my_choices"`
	CreatedAt    time.Time          `json:"created_at"`
}

// pollView counts p's ballots; me may be empty (the operators' list).
func (a *API) pollView(c *gin.Context, p *rooms.Poll, me rooms.MemberID) (PollView, error) {
	ballots, err := a.store.ListBallots(c.Request.Context(), p.ID)
	if err != nil {
		return PollView{}, err
	}
	v := PollView{ID: p.ID, RoundtableID: p.RoundtableID, Question: p.Question, Choices: p.Choices, Multiple: p.Multiple,
		Closed: p.Closed, MyChoices: []int{}, CreatedAt: p.CreatedAt}
	v.Counts, v.Voters = p.Tally(ballots)
	for _, b := range ballots {
		if me != "" && b.MemberID == me {
			v.MyChoices = b.Choices
		}
	}
	return v, nil
}

// listPolls shows a roundtable's polls, newest first, to those taking
// part and its organisers; after the end the closed ones stay.
func (a *API) listPolls(c *gin.Context) {
	q, ok := a.qaAccessFor(c)
	if !ok {
		return
	}
	list, err := a.store.ListPolls(c.Request.Context(), q.r.ID, time.Unix(0, 0), farFuture)
	if err != nil {
		fail(c, err)
		return
	}
	out := []PollView{}
	for _, p := range slices.Backward(list) {
		v, err := a.pollView(c, p, q.me.ID)
		if err != nil {
			fail(c, err)
			return
		}
		out = append(out, v)
	}
	c.JSON(http.StatusOK, gin.H{"polls": out, "moderator": q.moderates, "open": q.open()})
}

type pollRequest struct {
	Question string   `json:"question"`
	Choices  []string `json:"choices"`
	Multiple bool     `json:"multiple"`
}

// createPoll lets a moderator ask the room a quick question.
func (a *API) createPoll(c *gin.Context) {
	var req pollRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	q, ok := a.qaAccessFor(c)
	if !ok {
		return
	}
	p := &rooms.Poll{ID: rooms.NewPollID(), RoundtableID: q.r.ID, Question: req.Question, Choices: orEmpty(req.Choices),
		Multiple: req.Multiple, CreatedBy: q.me.ID}
	err := a.pollAllowed(c, q, p)
	if err == nil {
		err = a.store.CreatePoll(c.Request.Context(), p)
	}
	if err == nil {
		err = a.store.AppendAudit(c.Request.Context(), &rooms.AuditEntry{ID: rooms.NewAuditID(), RoundtableID: q.r.ID, ActorID: q.me.ID,
			Action: "poll_open", Detail: string(p.ID), At: a.now()})
	}
	if err != nil {
		fail(c, err)
		return
	}
	a.nudgeQA(c, q.r)
	v, err := a.pollView(c, p, q.me.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, v)
}

// pollAllowed checks a new poll: a moderator, while the roundtable is
// open, valid, and not one too many.
func (a *API) pollAllowed(c *gin.Context, q *qaAccess, p *rooms.Poll) error {
	switch {
	case !q.moderates:
		return rooms.ErrForbidden
	case !q.open():
		return wrongState("the roundtable has ended")
	}
	if err := p.Validate(); err != nil {
		return err
	}
	list, err := a.store.ListPolls(c.Request.Context(), q.r.ID, time.Unix(0, 0), farFuture)
	if err == nil && len(list) >= rooms.MaxPolls {
		err = &Error{Status: http.StatusConflict, Code: "too_many", Field: "question", Message: "no more polls can be opened in this roundtable"}
	}
	return err
}

// thePoll loads the poll in the path, which must belong to the roundtable.
func (a *API) thePoll(c *gin.Context, q *qaAccess) (*rooms.Poll, bool) {
	id := rooms.PollID(c.Param("pid"))
	return inRoundtable(c, id.Valid(), func() (*rooms.Poll, error) { return a.store.GetPoll(c.Request.Context(), id) },
		func(p *rooms.Poll) bool { return p.RoundtableID == q.r.ID })
}

// closePoll ends a poll's voting; its counts stay on the roundtable's page.
func (a *API) closePoll(c *gin.Context) {
	q, ok := a.qaModerator(c)
	if !ok {
		return
	}
	p, ok := a.thePoll(c, q)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	err := a.store.ClosePoll(ctx, p.ID, a.now())
	if err == nil && !p.Closed {
		err = a.store.AppendAudit(ctx, &rooms.AuditEntry{ID: rooms.NewAuditID(), RoundtableID: q.r.ID, ActorID: q.me.ID,
			Action: "poll_close", Detail: string(p.ID), At: a.now()})
	}
	if err == nil {
		a.nudgeQA(c, q.r)
		p, err = a.store.GetPoll(ctx, p.ID)
	}
	a.answerPoll(c, q, p, err)
}

type ballotRequest struct {
	Choices []int `json:"choices"`
}

// votePoll records the caller's ballot, once, while the poll is open.
func (a *API) votePoll(c *gin.Context) {
	var req ballotRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	q, ok := a.qaAccessFor(c)
	if !ok {
		return
	}
	p, ok := a.thePoll(c, q)
	if !ok {
		return
	}
	err := a.voteAllowed(c, q)
	if err == nil && p.Closed {
		err = wrongState("this poll is closed")
	}
	if err == nil {
		err = p.CheckBallot(req.Choices)
	}
	if err == nil {
		err = a.store.CastBallot(c.Request.Context(), &rooms.Ballot{PollID: p.ID, MemberID: q.me.ID, Choices: req.Choices})
	}
	if errors.Is(err, rooms.ErrConflict) {
		err = &Error{Status: http.StatusConflict, Code: "already_voted", Message: "you have already answered this poll"}
	}
	a.answerPoll(c, q, p, err)
}

// answerPoll writes p with its counts, or err.
func (a *API) answerPoll(c *gin.Context, q *qaAccess, p *rooms.Poll, err error) {
	var v PollView
	if err == nil {
		v, err = a.pollView(c, p, q.me.ID)
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// listAllPolls shows operators, in the feedback view, the polls of the
// last ?days= (default 30, at most 365) across roundtables, newest
// first, as counts.
func (a *API) listAllPolls(c *gin.Context) {
	from, to, ok := a.lastDays(c)
	if !ok {
		return
	}
	list, err := a.store.ListPolls(c.Request.Context(), "", from, to)
	if err != nil {
		fail(c, err)
		return
	}
	titles := map[rooms.RoundtableID]string{}
	out := make([]PollView, 0, len(list))
	for _, p := range slices.Backward(list) {
		v, err := a.pollView(c, p, "")
		if err != nil {
			fail(c, err)
			return
		}
		v.Title = a.roundtableTitle(c, titles, p.RoundtableID)
		out = append(out, v)
	}
	c.JSON(http.StatusOK, gin.H{"polls": out})
}
