package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// exportMyData returns, as one JSON file, everything the platform keeps
// about the caller that the caller may see: account, profile,
// availability, photo, consultations, roundtable registrations, the
// feedback she gave, whom she blocked and the questions she asked.
func (a *API) exportMyData(c *gin.Context) {
	me := currentMember(c)
	ctx := c.Request.Context()
	out := gin.H{"exported_at": a.now().UTC().Format(time.RFC3339), "account": viewMember(me)}
	if p, err := a.store.GetProfile(ctx, me.ID); err == nil {
		out["profile"] = p
	}
	if av, err := a.store.GetAvailability(ctx, me.ID); err == nil {
		out["availability"] = av
	}
	if jpeg, err := a.store.GetPhoto(ctx, me.ID); err == nil {
		out["photo"] = "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(jpeg)
	}
	list, err := a.store.ListMemberConsultations(ctx, me.ID)
	if err != nil {
		fail(c, err)
		return
	}
	views := make([]ConsultationView, len(list))
	for i, cs := range list {
		views[i] = a.viewConsultation(c, cs, me)
	}
	out["consultations"] = views
	if err := a.exportTheRest(c, me, out); err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="zadankai-export.json"`)
	c.JSON(http.StatusOK, out)
}

// exportedRegistration is one roundtable registration in the export.
type exportedRegistration struct {
	RoundtableID rooms.RoundtableID       `json:"roundtable_id"`
	Title        string                   `json:"title"`
	Start        time.Time                `json:"start"`
	Status       rooms.RegistrationStatus `json:"status"`
	QueuedAt     time.Time                `json:"queued_at"`
}

// exportTheRest adds registrations, feedback given and blocks to out.
func (a *API) exportTheRest(c *gin.Context, me *rooms.Member, out gin.H) error {
	ctx := c.Request.Context()
	regs, err := a.store.ListMemberRegistrations(ctx, me.ID)
	if err != nil {
		return err
	}
	exported := []exportedRegistration{}
	for _, reg := range regs {
		e := exportedRegistration{RoundtableID: reg.RoundtableID, Status: reg.Status, QueuedAt: reg.QueuedAt}
		if r, err := a.store.GetRoundtable(ctx, reg.RoundtableID); err == nil {
			e.Title, e.Start = r.Title, r.Start
		}
		exported = append(exported, e)
	}
	out["roundtable_registrations"] = exported
	fb, err := a.store.ListFeedbackBy(ctx, me.ID)
	if err != nil {
		return err
	}
	rfb, err := a.store.ListRoundtableFeedbackBy(ctx, me.ID)
	if err != nil {
		return err
	}
	// [] rather than null when none, whichever store answers.
	out["feedback_given"], out["roundtable_feedback_given"] = orEmpty(fb), orEmpty(rfb)
	blocks, err := a.store.ListBlocks(ctx, me.ID)
	if err != nil {
		return err
	}
	blocked := []rooms.MemberID{}
	for _, b := range blocks {
		if b.BlockerID == me.ID {
			blocked = append(blocked, b.BlockedID)
		}
	}
	out["blocked"] = blocked
	return a.exportQuestions(c, me, out)
}

// exportedQuestion is one question she asked, anonymous or not: her own
// words are hers to take away.
type exportedQuestion struct {
	RoundtableID rooms.RoundtableID  `json:"roundtable_id"`
	Title        string              `json:"roundtable_title"`
	Text         string              `json:"text"`
	Anonymous    bool                `json:"anonymous"`
	State        rooms.QuestionState `json:"state"`
	CreatedAt    time.Time           `json:"created_at"`
}

// exportQuestions adds the questions she asked to out.
func (a *API) exportQuestions(c *gin.Context, me *rooms.Member, out gin.H) error {
	ctx := c.Request.Context()
	qs, err := a.store.ListQuestionsBy(ctx, me.ID)
	if err != nil {
		return err
	}
	titles := map[rooms.RoundtableID]string{}
	exported := []exportedQuestion{}
	for _, q := range qs {
		title, ok := titles[q.RoundtableID]
		if !ok {
			if r, err := a.store.GetRoundtable(ctx, q.RoundtableID); err == nil {
				title = r.Title
			}
			titles[q.RoundtableID] = title
		}
		exported = append(exported, exportedQuestion{RoundtableID: q.RoundtableID, Title: title, Text: q.Text,
			Anonymous: q.Anonymous, State: q.State, CreatedAt: q.CreatedAt})
	}
	out["questions_asked"] = exported
	return nil
}

type deleteRequest struct {
	Password string `json:"password"`
}

// deleteMyAccount gives up her seats at roundtables still to come (the
// waitlist moves up), cancels what is still open with a notice to the
// other person, deletes the profile and everything around it (her place in
// others' recommendations too), and anonymises the account record (kept
// only so past consultations of the other person stay coherent).
func (a *API) deleteMyAccount(c *gin.Context) {
	var req deleteRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	me := currentMember(c)
	match, err := a.comparePassword(c, []byte(me.PasswordHash), req.Password)
	if err != nil {
		fail(c, err)
		return
	}
	if !match {
		fail(c, &Error{Status: http.StatusForbidden, Code: "wrong_password", Field: "password", Message: "confirm with your password"})
		return
	}
	for _, step := range []func(*gin.Context, *rooms.Member) error{a.leaveRoundtables, a.cancelOpenConsultations} {
		if err := step(c, me); err != nil {
			fail(c, err)
			return
		}
	}
	if err := a.store.DeleteMemberData(c.Request.Context(), me.ID); err != nil {
		fail(c, err)
		return
	}
	me.Email = "deleted+" + string(me.ID) + "@zadankai.invalid"
	me.DisplayName, me.PasswordHash, me.Moderator = "退会したメンバー / Former member", "", false
	if err := a.store.UpdateMember(c.Request.Context(), me); err != nil {
		fail(c, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	c.Status(http.StatusNoContent)
}

// leaveRoundtables withdraws me from every roundtable not yet over; a
// seat she held goes to the first person waiting, who is told.
func (a *API) leaveRoundtables(c *gin.Context, me *rooms.Member) error {
	regs, err := a.store.ListMemberRegistrations(c.Request.Context(), me.ID)
	if err != nil {
		return err
	}
	for _, reg := range regs {
		if reg.Status == rooms.Withdrawn {
			continue
		}
		r, err := a.store.GetRoundtable(c.Request.Context(), reg.RoundtableID)
		if err != nil {
			return err
		}
		if r.Cancelled || r.Live.Ended || !a.now().Before(r.End()) {
			continue // over: her place there is history
		}
		was, promoted, err := rooms.Withdraw(c.Request.Context(), a.store, r, me.ID)
		if err != nil {
			return err
		}
		if was == rooms.Registered {
			a.sendRoundtableCalendar(c, r, me.ID, rooms.SeatGivenUp)
		}
		if promoted != nil {
			a.sendRoundtableCalendar(c, r, promoted.MemberID, rooms.SeatPromoted)
		}
	}
	return nil
}

// cancelOpenConsultations cancels her open requests and upcoming
// bookings, freeing the other person's time, and tells the other person
// calmly (a calendar cancellation for a booking, a short note otherwise).
func (a *API) cancelOpenConsultations(c *gin.Context, me *rooms.Member) error {
	list, err := a.store.ListMemberConsultations(c.Request.Context(), me.ID)
	if err != nil {
		return err
	}
	for _, cs := range list {
		st := cs.StatusAt(a.now())
		if st != rooms.StatusRequested && st != rooms.StatusBooked {
			continue
		}
		wasBooked, held := cs.Status == rooms.StatusBooked, cs.TimeKeys()
		cs.Cancel(me.ID, a.now())
		cs.Sequence++
		err := a.store.UpdateConsultationTime(c.Request.Context(), cs, nil, held)
		if errors.Is(err, rooms.ErrConflict) {
			continue // changed meanwhile: the other person acted on it
		} else if err != nil {
			return err
		}
		if wasBooked {
			a.sendCalendar(c, cs, rooms.BookingCancelled, me.ID)
		} else {
			a.notifyOther(c, cs, me, rooms.EventCancelled, func(other *rooms.Member) rooms.Email { return rooms.CancelledEmail(other, me.DisplayName) })
		}
	}
	return nil
}
