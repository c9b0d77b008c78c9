package api

import (
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// SlotView is a proposed time as one party sees it. TakenBy says whose
// other booking has covered it since it was proposed, "me" or "peer", so
// the page marks a time that can no longer be picked instead of refusing
// it on the pick.
type SlotView struct {
	rooms.Slot
	TakenBy string `json:"taken_by,omitempty"`
}

// RescheduleView is new times proposed for a booking, which stands until
// the other party picks one of them.
type RescheduleView struct {
	ByMe      bool       `json:"by_me"`
	Proposed  []SlotView `json:"proposed"`
	Note      string     `json:"note,omitempty"`
	ExpiresAt time.Time  `json:"expires_at"`
}

// Values of SlotView.TakenBy, from the viewer's side.
const (
	takenByMe   = "me"
	takenByPeer = "peer"
)

// bookings reads each member's booked consultations once per request,
// to tell which proposed times a booking has taken since.
type bookings struct {
	a  *API
	c  *gin.Context
	by map[rooms.MemberID][]*rooms.Consultation
}

func (a *API) newBookings(c *gin.Context) *bookings {
	return &bookings{a: a, c: c, by: map[rooms.MemberID][]*rooms.Consultation{}}
}

// of returns m's consultations booked at the time of the request.
func (b *bookings) of(m rooms.MemberID) []*rooms.Consultation {
	if list, ok := b.by[m]; ok {
		return list
	}
	var list []*rooms.Consultation
	all, err := b.a.store.ListMemberConsultations(b.c.Request.Context(), m)
	if err != nil { // the times are then shown unmarked; picking one still checks
		b.a.log.WarnContext(b.c.Request.Context(), "reading bookings", "member_id", m, "err", err)
	}
	now := b.a.now()
	for _, cs := range all {
		if cs.StatusAt(now) == rooms.StatusBooked && cs.Booked != nil {
			list = append(list, cs)
		}
	}
	b.by[m] = list
	return list
}

// covers reports whether m has a booking other than except over s.
func (b *bookings) covers(m rooms.MemberID, except rooms.ConsultationID, s rooms.Slot) bool {
	return slices.ContainsFunc(b.of(m), func(cs *rooms.Consultation) bool { return cs.ID != except && cs.Booked.Overlaps(s) })
}

// takenBy says whose other booking covers s, seen from viewer's side of
// cs: takenByMe, takenByPeer or "".
func (b *bookings) takenBy(cs *rooms.Consultation, viewer rooms.MemberID, s rooms.Slot) string {
	other, _ := cs.Party(viewer)
	switch {
	case b.covers(viewer, cs.ID, s):
		return takenByMe
	case b.covers(other, cs.ID, s):
		return takenByPeer
	}
	return ""
}

// slots marks, for viewer, which of cs's open proposals are taken; times
// already begun are left unmarked (the page says they have passed).
func (b *bookings) slots(cs *rooms.Consultation, viewer rooms.MemberID, slots []rooms.Slot) []SlotView {
	now := b.a.now()
	out := make([]SlotView, len(slots))
	for i, s := range slots {
		out[i].Slot = s
		if s.Start.After(now) {
			out[i].TakenBy = b.takenBy(cs, viewer, s)
		}
	}
	return out
}
