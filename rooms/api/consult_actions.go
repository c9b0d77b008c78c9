package api

import (
	"errors"
	"net/http"
	"slices"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

var errStale = &Error{Status: http.StatusConflict, Code: "conflict", Message: "the consultation changed meanwhile; reload it"}

// save writes cs (compare-and-set) and maps a lost race to 409.
func (a *API) save(c *gin.Context, cs *rooms.Consultation) bool {
	if err := a.store.UpdateConsultation(c.Request.Context(), cs); err != nil {
		if errors.Is(err, rooms.ErrConflict) {
			err = errStale
		}
		fail(c, err)
		return false
	}
	return true
}

// bindConsultation decodes the body into req and loads the caller's
// consultation from the path.
func (a *API) bindConsultation(c *gin.Context, req any) (*rooms.Consultation, *rooms.Member, bool) {
	if err := bindJSON(c, req); err != nil {
		fail(c, err)
		return nil, nil, false
	}
	return a.myConsultation(c)
}

// bindOpenConsultation is bindConsultation for actions on an open request
// or an upcoming booking only; verb words the refusal.
func (a *API) bindOpenConsultation(c *gin.Context, req any, verb string) (*rooms.Consultation, *rooms.Member, bool) {
	cs, me, ok := a.bindConsultation(c, req)
	if !ok {
		return nil, nil, false
	}
	if st := cs.StatusAt(a.now()); st != rooms.StatusRequested && st != rooms.StatusBooked {
		fail(c, wrongState("only open requests and upcoming bookings can be "+verb))
		return nil, nil, false
	}
	return cs, me, true
}

func wrongState(msg string) error {
	return &Error{Status: http.StatusConflict, Code: "wrong_state", Message: msg}
}

type acceptRequest struct {
	Slot int `json:"slot"` // index into the proposed slots
}

// acceptConsultation books one of the proposed slots. The time of both
// people is claimed quarter hour by quarter hour in the same atomic step
// as the booking (Store.UpdateConsultationTime), so two bookings that
// overlap for either person can never both succeed, and a crash never
// leaves time held by a booking that does not exist.
func (a *API) acceptConsultation(c *gin.Context) {
	var req acceptRequest
	cs, me, ok := a.bindConsultation(c, &req)
	if !ok {
		return
	}
	if cs.StatusAt(a.now()) == rooms.StatusBooked { // new times proposed for the booking
		a.acceptMove(c, cs, me, req.Slot)
		return
	}
	switch {
	case cs.StatusAt(a.now()) != rooms.StatusRequested || cs.AwaitingID != me.ID:
		fail(c, wrongState("there is no request waiting for your answer"))
		return
	case req.Slot < 0 || req.Slot >= len(cs.Proposed):
		fail(c, rooms.Invalid("slot", "out_of_range", "pick one of the proposed slots"))
		return
	case cs.Proposed[req.Slot].Start.Before(a.now()):
		fail(c, rooms.Invalid("slot", "in_the_past", "this slot has already started"))
		return
	}
	slot := cs.Proposed[req.Slot]
	cs.Status, cs.Booked, cs.Sequence = rooms.StatusBooked, &slot, cs.Sequence+1
	if err := a.saveTime(c, cs, cs.TimeKeys(), nil); err != nil {
		fail(c, a.whoseTime(c, cs, me, slot, err))
		return
	}
	a.sendCalendar(c, cs, rooms.BookingMade, me.ID)
	c.JSON(http.StatusOK, a.viewConsultation(c, cs, me))
}

var errSlotTaken = &Error{Status: http.StatusConflict, Code: "slot_taken", Field: "slot", Message: "one of you is already booked at that time"}

// saveTime writes cs with its time claims taken and freed in one step;
// a taken time is errSlotTaken and a lost race errStale.
func (a *API) saveTime(c *gin.Context, cs *rooms.Consultation, take, free []string) error {
	err := a.store.UpdateConsultationTime(c.Request.Context(), cs, take, free)
	var ce *rooms.ConflictError
	switch {
	case errors.As(err, &ce) && ce.Field == "slot":
		return errSlotTaken
	case errors.Is(err, rooms.ErrConflict):
		return errStale
	}
	return err
}

type declineRequest struct {
	Reason string `json:"reason"`
}

// check caps the reason (kept by the one who declined; a cancel's is dropped).
func (r declineRequest) check() error {
	if utf8.RuneCountInString(r.Reason) > 500 {
		return rooms.Invalid("reason", "too_long", "the reason is longer than 500 characters")
	}
	return nil
}

// declineConsultation says no; the reason stays with the one who declined.
func (a *API) declineConsultation(c *gin.Context) {
	var req declineRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if err := req.check(); err != nil {
		fail(c, err)
		return
	}
	cs, me, ok := a.myConsultation(c)
	if !ok {
		return
	}
	if cs.StatusAt(a.now()) != rooms.StatusRequested || cs.AwaitingID != me.ID {
		fail(c, wrongState("there is no request waiting for your answer"))
		return
	}
	cs.Status, cs.DeclineReason = rooms.StatusDeclined, req.Reason
	if !a.save(c, cs) {
		return
	}
	a.notifyOther(c, cs, me, rooms.EventDeclined, func(other *rooms.Member) rooms.Email { return rooms.DeclinedEmail(other, me.DisplayName) })
	c.JSON(http.StatusOK, a.viewConsultation(c, cs, me))
}

// cancelConsultation withdraws a request or cancels a booking, for either
// side, in one tap and without giving reasons to anyone.
func (a *API) cancelConsultation(c *gin.Context) {
	var req declineRequest
	cs, me, ok := a.bindOpenConsultation(c, &req, "cancelled")
	if !ok {
		return
	}
	if err := req.check(); err != nil {
		fail(c, err)
		return
	}
	wasBooked := cs.Status == rooms.StatusBooked
	held := cs.TimeKeys()
	cs.Cancel(me.ID, a.now())
	if wasBooked {
		cs.Sequence++
	}
	if err := a.saveTime(c, cs, nil, held); err != nil {
		fail(c, err)
		return
	}
	if wasBooked {
		a.sendCalendar(c, cs, rooms.BookingCancelled, me.ID)
	} else {
		a.notifyOther(c, cs, me, rooms.EventCancelled, func(other *rooms.Member) rooms.Email { return rooms.CancelledEmail(other, me.DisplayName) })
	}
	c.JSON(http.StatusOK, a.viewConsultation(c, cs, me))
}

type noShowRequest struct {
	MemberID rooms.MemberID `json:"member_id"`
}

// reportNoShow records that the other person did not come.
func (a *API) reportNoShow(c *gin.Context) {
	var req noShowRequest
	cs, me, ok := a.bindConsultation(c, &req)
	if !ok {
		return
	}
	other, _ := cs.Party(me.ID)
	switch {
	case req.MemberID != other:
		fail(c, rooms.Invalid("member_id", "not_the_other_party", "you can report only the other person"))
		return
	case cs.Status != rooms.StatusBooked || cs.Booked == nil || a.now().Before(cs.Booked.Start):
		fail(c, wrongState("a no-show can be reported once the booked time has begun"))
		return
	case cs.HasJoined(other):
		fail(c, &Error{Status: http.StatusConflict, Code: "peer_joined", Message: "the other person opened the video room"})
		return
	}
	if !slices.Contains(cs.NoShows, other) {
		cs.NoShows = append(cs.NoShows, other)
		if !a.save(c, cs) {
			return
		}
	}
	c.JSON(http.StatusOK, a.viewConsultation(c, cs, me))
}

// notifyOther tells the other party of cs what I did (ev), by her
// preferences; mk words the email.
func (a *API) notifyOther(c *gin.Context, cs *rooms.Consultation, me *rooms.Member, ev rooms.NoticeEvent, mk func(*rooms.Member) rooms.Email) {
	id, _ := cs.Party(me.ID)
	other, err := a.store.GetMember(c.Request.Context(), id)
	if err != nil {
		a.log.WarnContext(c.Request.Context(), "notify: loading the other party", "member_id", id, "err", err)
		return
	}
	mail := mk(other)
	a.notifier.Notify(c.Request.Context(), other, rooms.Notice{Event: ev, Name: me.DisplayName, Path: "/consultations?id=" + string(cs.ID)}, &mail)
}
