package api

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// Free slots: how far ahead, how many at most, and how far apart starts
// are offered. Thirty minutes apart keeps a fortnight of an all-day
// window under the limit without hiding useful times.
const (
	freeSlotsDefaultDays = 14
	freeSlotsMaxDays     = 28
	freeSlotsLimit       = 300
	freeSlotsStep        = 30 * time.Minute
)

// noAvailability is the stable answer when a peer has not shared any
// times yet: the page says so instead of offering nothing to pick. Asking
// for their times is 409 (their state); proposing times anyway is 422.
func noAvailability(status int) *Error {
	return &Error{Status: status, Code: "peer_no_availability", Field: "recipient_id",
		Message: "this person has not shared when they are available yet"}
}

// FreeSlotsView is when a peer can meet, in the viewer's time zone.
type FreeSlotsView struct {
	TimeZone  string       `json:"time_zone"`
	Minutes   int          `json:"minutes"`
	Days      int          `json:"days"`
	Slots     []rooms.Slot `json:"slots"`
	Truncated bool         `json:"truncated"`
}

// freeSlots lists a recommended or met peer's free times for the next
// ?days= (1-28, default 14) as ?minutes= slots (30, 45, 60): inside their
// windows and exceptions, minus their and the viewer's bookings. Nothing
// else of the peer is shown; to anyone who may not ask them the peer does
// not exist.
func (a *API) freeSlots(c *gin.Context) {
	days, minutes, err := freeSlotsQuery(c)
	if err != nil {
		fail(c, err)
		return
	}
	me, id := currentMember(c), rooms.MemberID(c.Param("id"))
	if err := a.checkAskable(c, me, id); err != nil {
		fail(c, err)
		return
	}
	av, err := a.store.GetAvailability(c.Request.Context(), id)
	if errors.Is(err, rooms.ErrNotFound) || (err == nil && len(av.Weekly) == 0 && !hasExtraWindow(av)) {
		fail(c, noAvailability(http.StatusConflict))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	busy, err := a.bookedSlots(c, id, me.ID)
	if err != nil {
		fail(c, err)
		return
	}
	now := a.now()
	slots, truncated := av.FreeSlots(now.Add(a.cfg.MinNotice), now.Add(time.Duration(days)*24*time.Hour), minutes, freeSlotsStep, busy, freeSlotsLimit)
	loc, lerr := time.LoadLocation(me.TimeZone)
	if lerr != nil {
		loc = tokyo
	}
	for i := range slots {
		slots[i].Start = slots[i].Start.In(loc)
	}
	c.JSON(http.StatusOK, FreeSlotsView{TimeZone: loc.String(), Minutes: minutes, Days: days, Slots: orEmpty(slots), Truncated: truncated})
}

func freeSlotsQuery(c *gin.Context) (days, minutes int, err error) {
	for k := range c.Request.URL.Query() {
		if k != "days" && k != "minutes" {
			return 0, 0, badRequest("unknown_field", k, "unknown query parameter "+k)
		}
	}
	days, err = strconv.Atoi(c.DefaultQuery("days", strconv.Itoa(freeSlotsDefaultDays)))
	if err != nil || days < 1 || days > freeSlotsMaxDays {
		return 0, 0, badRequest("out_of_range", "days", "days must be 1 to 28")
	}
	minutes, err = strconv.Atoi(c.DefaultQuery("minutes", "30"))
	if err != nil || !slices.Contains(rooms.ConsultationMinutes, minutes) {
		return 0, 0, badRequest("unknown_value", "minutes", "minutes must be 30, 45 or 60")
	}
	return days, minutes, nil
}

// checkAskable allows a member to look at the times of a peer they were
// recommended or have met, of another company, with no block either way;
// anyone else gets not_found so ids cannot be probed.
func (a *API) checkAskable(c *gin.Context, me *rooms.Member, id rooms.MemberID) error {
	if me.Role != rooms.RoleMember {
		return rooms.ErrNotFound
	}
	known, err := a.knows(c, me.ID, id)
	if err != nil || !known {
		return errors.Join(err, rooms.ErrNotFound)
	}
	other, err := a.store.GetMember(c.Request.Context(), id)
	if err != nil {
		return err
	}
	if other.Role != rooms.RoleMember || other.CompanyID == me.CompanyID {
		return rooms.ErrNotFound
	}
	if blocked, err := a.blockedEitherWay(c, me.ID, id); err != nil || blocked {
		return errors.Join(err, rooms.ErrNotFound)
	}
	p, err := a.store.GetProfile(c.Request.Context(), id)
	if err != nil || !p.Paused {
		return nil
	}
	// A break stops new requests, not moving a consultation the two
	// already have: its reschedule form needs the times too.
	if open, err := a.openTogether(c, me.ID, id); err != nil || open {
		return err
	}
	return &Error{Status: http.StatusConflict, Code: "peer_paused", Field: "recipient_id", Message: "this person is taking a break from consultations"}
}

// openTogether reports whether me and other have a request or booking
// that is still open.
func (a *API) openTogether(c *gin.Context, me, other rooms.MemberID) (bool, error) {
	list, err := a.store.ListMemberConsultations(c.Request.Context(), me)
	if err != nil {
		return false, err
	}
	now := a.now()
	return slices.ContainsFunc(list, func(cs *rooms.Consultation) bool {
		o, _ := cs.Party(me)
		st := cs.StatusAt(now)
		return o == other && (st == rooms.StatusRequested || st == rooms.StatusBooked)
	}), nil
}

func hasExtraWindow(av *rooms.Availability) bool {
	return slices.ContainsFunc(av.Exceptions, func(x rooms.Exception) bool { return !x.Unavailable })
}

// bookedSlots are the booked, not yet ended times of the given members.
func (a *API) bookedSlots(c *gin.Context, members ...rooms.MemberID) ([]rooms.Slot, error) {
	var out []rooms.Slot
	now := a.now()
	for _, m := range members {
		list, err := a.store.ListMemberConsultations(c.Request.Context(), m)
		if err != nil {
			return nil, err
		}
		for _, cs := range list {
			if cs.StatusAt(now) == rooms.StatusBooked && cs.Booked != nil {
				out = append(out, *cs.Booked)
			}
		}
	}
	return out, nil
}

type patchMeRequest struct {
	TimeZone *string `json:"time_zone"`
	Locale   *string `json:"locale"`
}

// patchMe changes the caller's time zone (IANA) and language (ja, en).
// The account is re-read so a change made in another tab is not undone.
func (a *API) patchMe(c *gin.Context) {
	var req patchMeRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	m, err := a.store.GetMember(c.Request.Context(), currentMember(c).ID)
	if err != nil {
		fail(c, err)
		return
	}
	if req.TimeZone != nil {
		if *req.TimeZone == "" {
			fail(c, rooms.Invalid("time_zone", "unknown_value", "time zone must be an IANA name such as Asia/Tokyo"))
			return
		}
		m.TimeZone = *req.TimeZone
	}
	if req.Locale != nil {
		if *req.Locale == "" {
			fail(c, rooms.Invalid("locale", "unknown_value", "locale must be ja or en"))
			return
		}
		m.Locale = *req.Locale
	}
	if err := m.Validate(); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.UpdateMember(c.Request.Context(), m); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewMember(m))
}
