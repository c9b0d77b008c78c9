package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// errPeerUnavailable answers a reschedule between two people one of whom
// has since blocked the other, without saying who did what.
var errPeerUnavailable = &Error{Status: http.StatusForbidden, Code: "peer_unavailable",
	Message: "new times cannot be proposed to this person; you can cancel instead"}

type rescheduleRequest struct {
	Slots []rooms.Slot `json:"slots"`
	Note  string       `json:"note"`
}

// rescheduleConsultation proposes new times. For a booking, the booked
// time stands until the other person picks one of them (accept), keeps
// the current time, or the proposal lapses (see rooms.Reschedule): a
// change of plan never silently cancels. For a request not yet answered,
// the new times replace the old ones and the other person picks.
func (a *API) rescheduleConsultation(c *gin.Context) {
	var req rescheduleRequest
	cs, me, ok := a.bindOpenConsultation(c, &req, "rescheduled")
	if !ok {
		return
	}
	if cs.Status == rooms.StatusBooked && !a.now().Before(cs.Booked.Start) {
		fail(c, wrongState("this consultation has begun; it can no longer be moved"))
		return
	}
	other, _ := cs.Party(me.ID)
	// The same rules as a new request: a reschedule also emails the
	// other person and asks for their time.
	p := proposal{me: me, peer: other, note: req.Note, slots: req.Slots, existing: true, refused: errPeerUnavailable}
	if err := a.checkProposal(c, p); err != nil {
		fail(c, err)
		return
	}
	if cs.Status == rooms.StatusBooked {
		a.proposeMove(c, cs, me, req)
		return
	}
	cs.AwaitingID, cs.Proposed, cs.ExpiresAt = other, req.Slots, a.now().Add(a.cfg.RequestTTL)
	if note := strings.TrimSpace(req.Note); note != "" {
		cs.Note = note
	}
	if !a.save(c, cs) {
		return
	}
	a.notifyOther(c, cs, me, rooms.EventRescheduled, func(o *rooms.Member) rooms.Email {
		return rooms.RescheduleEmail(o, me.DisplayName, a.publicURL+"/consultations")
	})
	c.JSON(http.StatusOK, a.viewConsultation(c, cs, me))
}

// proposeMove records new times for a booking and asks the other person,
// in one calm email, whether it may move; nothing else changes yet.
func (a *API) proposeMove(c *gin.Context, cs *rooms.Consultation, me *rooms.Member, req rescheduleRequest) {
	cs.ProposeReschedule(me.ID, req.Slots, req.Note, a.now(), a.cfg.RequestTTL)
	if !a.save(c, cs) {
		return
	}
	a.notifyOther(c, cs, me, rooms.EventRescheduled, func(o *rooms.Member) rooms.Email {
		times := make([]string, len(req.Slots))
		for i, s := range req.Slots {
			times[i] = rooms.LocalSlot(o, s)
		}
		return rooms.MoveProposedEmail(o, me.DisplayName, rooms.LocalSlot(o, *cs.Booked), times, cs.Reschedule.Note,
			a.publicURL+"/consultations?id="+string(cs.ID))
	})
	c.JSON(http.StatusOK, a.viewConsultation(c, cs, me))
}

// acceptMove moves a booking to the proposed time at index i: the new
// time is claimed and the old one freed in the same step as the booking
// changes (Store.UpdateConsultationTime), and both get the calendar
// entry again with a higher SEQUENCE.
func (a *API) acceptMove(c *gin.Context, cs *rooms.Consultation, me *rooms.Member, i int) {
	p := cs.PendingReschedule(a.now())
	switch {
	case p == nil || p.By == me.ID:
		fail(c, wrongState("no new times are waiting for your answer"))
		return
	case i < 0 || i >= len(p.Slots):
		fail(c, rooms.Invalid("slot", "out_of_range", "pick one of the proposed slots"))
		return
	case !p.Slots[i].Start.After(a.now()):
		fail(c, rooms.Invalid("slot", "in_the_past", "this slot has already started"))
		return
	}
	slot := p.Slots[i]
	take, free := cs.MoveTo(slot)
	if err := a.saveTime(c, cs, take, free); err != nil {
		fail(c, a.whoseTime(c, cs, me, slot, err))
		return
	}
	a.sendCalendar(c, cs, rooms.BookingMoved, me.ID)
	c.JSON(http.StatusOK, a.viewConsultation(c, cs, me))
}

// keepBookedTime answers proposed new times with the time already
// booked: the other person keeps it, or the proposer takes her proposal
// back. The booking does not change; the other party is told.
func (a *API) keepBookedTime(c *gin.Context) {
	cs, me, ok := a.myConsultation(c)
	if !ok {
		return
	}
	p := cs.PendingReschedule(a.now())
	if p == nil {
		fail(c, wrongState("no new times are waiting for an answer"))
		return
	}
	withdrawn := p.By == me.ID
	cs.Reschedule = nil
	if !a.save(c, cs) {
		return
	}
	a.notifyOther(c, cs, me, rooms.EventTimeKept, func(o *rooms.Member) rooms.Email {
		return rooms.MoveOffEmail(o, me.DisplayName, rooms.LocalSlot(o, *cs.Booked), withdrawn)
	})
	c.JSON(http.StatusOK, a.viewConsultation(c, cs, me))
}

// Refusals of a time that is no longer free, saying whose time it is.
var (
	errYouAreBooked = &Error{Status: http.StatusConflict, Code: "you_are_booked", Field: "slot",
		Message: "you have another consultation at that time"}
	errPeerIsBooked = &Error{Status: http.StatusConflict, Code: "peer_is_booked", Field: "slot",
		Message: "the other person has booked another consultation at that time since proposing it"}
)

// whoseTime turns errSlotTaken, for a booking of s by me, into the
// refusal that says whose other booking holds the time.
func (a *API) whoseTime(c *gin.Context, cs *rooms.Consultation, me *rooms.Member, s rooms.Slot, err error) error {
	if err != errSlotTaken {
		return err
	}
	switch a.newBookings(c).takenBy(cs, me.ID, s) {
	case takenByMe:
		return errYouAreBooked
	case takenByPeer:
		return errPeerIsBooked
	}
	return err
}
