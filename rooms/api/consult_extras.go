package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/livekit/protocol/auth"

	"github.com/zadankai/zadankai/rooms"
)

// calendarEvent describes cs for member m (their own copy).
func (a *API) calendarEvent(cs *rooms.Consultation, m *rooms.Member, peer string) rooms.CalendarEvent {
	ev := rooms.CalendarEvent{UID: string(cs.ID) + "@zadankai", Sequence: cs.Sequence, Start: cs.Booked.Start, End: cs.Booked.End(),
		Summary: "座談会 1:1 / Zadankai: " + peer, Description: cs.Note, URL: a.publicURL + "/consultations",
		Organizer: a.fromAddress, Attendee: m.Email, AttendeeCN: m.DisplayName}
	if cs.Mode == rooms.ModeInPerson {
		ev.Location = cs.Place
	} else {
		ev.Location = a.publicURL + "/consultations"
	}
	return ev
}

// bookingEvents is the notification of each booking news for the person
// who did not act.
var bookingEvents = map[rooms.BookingNews]rooms.NoticeEvent{rooms.BookingMade: rooms.EventAccepted,
	rooms.BookingMoved: rooms.EventRescheduled, rooms.BookingCancelled: rooms.EventCancelled}

// sendCalendar emails both parties their calendar entry for cs with
// words for the news; the one who did not act (actor did) is notified
// too, by her preferences.
func (a *API) sendCalendar(c *gin.Context, cs *rooms.Consultation, news rooms.BookingNews, actor rooms.MemberID) {
	req, err1 := a.store.GetMember(c.Request.Context(), cs.RequesterID)
	rec, err2 := a.store.GetMember(c.Request.Context(), cs.RecipientID)
	if err := errors.Join(err1, err2); err != nil {
		a.log.WarnContext(c.Request.Context(), "calendar: loading parties", "consultation_id", cs.ID, "err", err)
		return
	}
	for _, pair := range [][2]*rooms.Member{{req, rec}, {rec, req}} {
		m, peer := pair[0], pair[1]
		ics := rooms.ICS(a.calendarEvent(cs, m, peer.DisplayName), news.Method(), a.now())
		mail := rooms.ConsultationCalendarEmail(m, peer.DisplayName, rooms.LocalTime(m, cs.Booked.Start), news, ics)
		if m.ID == actor {
			a.notify(c, m, mail)
			continue
		}
		a.notifier.Notify(c.Request.Context(), m, rooms.Notice{Event: bookingEvents[news], Name: peer.DisplayName,
			Path: "/consultations?id=" + string(cs.ID)}, &mail)
	}
}

// consultationICS downloads the calendar entry of a booked consultation.
func (a *API) consultationICS(c *gin.Context) {
	cs, me, ok := a.myConsultation(c)
	if !ok {
		return
	}
	if cs.Booked == nil {
		fail(c, wrongState("nothing is booked yet"))
		return
	}
	method := rooms.MethodRequest
	if cs.Status == rooms.StatusCancelled {
		method = rooms.MethodCancel
	}
	other, _ := cs.Party(me.ID)
	c.Header("Content-Disposition", `attachment; filename="zadankai-`+string(cs.ID)+`.ics"`)
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", rooms.ICS(a.calendarEvent(cs, me, a.peer(c, other).DisplayName), method, a.now()))
}

// joinConsultation mints a media-room token for one of the two parties,
// only from ten minutes before the slot until it ends.
func (a *API) joinConsultation(c *gin.Context) {
	cs, me, ok := a.myConsultation(c)
	if !ok {
		return
	}
	from, to, online := cs.JoinWindow()
	now := a.now()
	switch {
	case cs.Status != rooms.StatusBooked || !online:
		fail(c, wrongState("only booked online consultations have a video room"))
		return
	case now.Before(from):
		fail(c, &Error{Status: http.StatusForbidden, Code: "too_early", Message: "the room opens 10 minutes before the start"})
		return
	case !now.Before(to):
		fail(c, &Error{Status: http.StatusForbidden, Code: "ended", Message: "this consultation has ended"})
		return
	}
	yes := true
	valid := min(to.Sub(now)+5*time.Minute, joinTokenTTL) // fetched right before connecting, as for roundtables
	tok := auth.NewAccessToken(a.media.APIKey, a.media.APISecret).SetIdentity(string(me.ID)).SetName(me.DisplayName).
		SetValidFor(valid).
		SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: cs.RoomName(), CanPublish: &yes, CanSubscribe: &yes, CanPublishData: &yes,
			CanUpdateOwnMetadata: &yes}) // "stepping away" is an attribute the page sets
	jwt, err := tok.ToJWT()
	if err != nil {
		fail(c, err)
		return
	}
	url, err := a.mediaURLFor(c.Request.Context(), cs.RoomName())
	if err != nil {
		fail(c, err)
		return
	}
	a.markJoined(c.Request.Context(), cs, me.ID)
	c.JSON(http.StatusOK, gin.H{"url": url, "room": cs.RoomName(), "token": jwt, "expires_at": now.Add(valid)})
}

// markJoined records, once, that m opened the consultation's room, so
// the other person is not offered to report that m did not come; failing
// to record never keeps m out. With the media plane's events, her
// participant_joined records it instead.
func (a *API) markJoined(ctx context.Context, cs *rooms.Consultation, m rooms.MemberID) {
	if a.media.EventsRecordAttendance {
		return
	}
	if err := rooms.RecordJoined(ctx, a.store, cs.ID, m); err != nil {
		a.log.WarnContext(ctx, "recording who joined", "consultation_id", cs.ID, "err", err)
	}
}

type feedbackRequest struct {
	Rating         int      `json:"rating"`
	Tags           []string `json:"tags"`
	Text           string   `json:"text"`
	WouldMeetAgain bool     `json:"would_meet_again"`
	Report         string   `json:"report"`
	Block          bool     `json:"block"` // also block the other person
}

// createFeedback records one participant's feedback after the slot ends.
func (a *API) createFeedback(c *gin.Context) {
	var req feedbackRequest
	cs, me, ok := a.bindConsultation(c, &req)
	if !ok {
		return
	}
	if cs.StatusAt(a.now()) != rooms.StatusCompleted {
		fail(c, wrongState("feedback opens when the consultation has ended"))
		return
	}
	f := &rooms.Feedback{ConsultationID: cs.ID, AuthorID: me.ID, AuthorCompany: me.CompanyID, Rating: req.Rating,
		Tags: orEmpty(req.Tags), Text: req.Text, WouldMeetAgain: req.WouldMeetAgain, Report: req.Report}
	if err := f.Validate(); err != nil {
		fail(c, err)
		return
	}
	if err := a.store.CreateFeedback(c.Request.Context(), f); err != nil {
		if errors.Is(err, rooms.ErrConflict) {
			err = &Error{Status: http.StatusConflict, Code: "already_given", Message: "you have already given feedback for this consultation"}
		}
		fail(c, err)
		return
	}
	if req.Block {
		other, _ := cs.Party(me.ID)
		if err := a.store.CreateBlock(c.Request.Context(), &rooms.Block{BlockerID: me.ID, BlockedID: other}); err != nil && !errors.Is(err, rooms.ErrConflict) {
			fail(c, err)
			return
		}
	}
	c.Status(http.StatusCreated)
}

// SendDueReminders emails both parties of bookings starting at each offset
// from now, and the people of roundtables. Each email is a job of its own
// (per booking, offset, calendar sequence and person), run once across
// restarts and replicas; a failed one is tried again at the next run
// while its time is still due.
func (a *API) SendDueReminders(ctx context.Context) {
	now := a.now()
	for _, off := range a.cfg.ReminderOffsets {
		list, err := a.store.ListBookedBetween(ctx, now.Add(off-5*time.Minute), now.Add(off+time.Minute))
		if err != nil {
			a.log.WarnContext(ctx, "reminders: listing bookings", "err", err)
			return
		}
		for _, cs := range list {
			if !cs.Booked.Start.Before(now) {
				a.remind(ctx, "reminder:"+string(cs.ID)+":"+off.String()+":"+strconv.Itoa(cs.Sequence), cs, off)
			}
		}
	}
	a.sendRoundtableReminders(ctx, now)
}

// sendRoundtableReminders emails registered people, speakers and
// moderators before a roundtable, once per roundtable, offset, version
// and person.
func (a *API) sendRoundtableReminders(ctx context.Context, now time.Time) {
	for _, off := range a.cfg.ReminderOffsets {
		list, err := a.store.ListRoundtables(ctx, now.Add(off-5*time.Minute), now.Add(off+time.Minute))
		if err != nil {
			a.log.WarnContext(ctx, "reminders: listing roundtables", "err", err)
			return
		}
		for _, r := range list {
			if !r.Cancelled && !r.Start.Before(now) {
				a.remindRoundtable(ctx, "reminder:"+string(r.ID)+":"+off.String()+":"+strconv.FormatInt(r.Version, 10), r, off)
			}
		}
	}
}

func (a *API) remindRoundtable(ctx context.Context, key string, r *rooms.Roundtable, off time.Duration) {
	regs, err := a.store.ListRegistrations(ctx, r.ID)
	if err != nil {
		a.log.WarnContext(ctx, "reminders: registrations", "roundtable_id", r.ID, "err", err)
		return
	}
	people := append(append([]rooms.MemberID{}, r.Moderators...), r.Speakers...)
	for _, reg := range regs {
		if reg.Status == rooms.Registered {
			people = append(people, reg.MemberID)
		}
	}
	for _, id := range people {
		a.once(ctx, key+":"+string(id), reminderKeep, func(ctx context.Context) error {
			m, err := a.store.GetMember(ctx, id)
			if errors.Is(err, rooms.ErrNotFound) {
				return nil // gone meanwhile: nobody to remind
			}
			if err != nil {
				return err
			}
			mail := rooms.RoundtableReminderEmail(m, r.Title, rooms.LocalTime(m, r.Start), a.publicURL+"/roundtables?id="+string(r.ID))
			return a.remindBy(ctx, m, off, rooms.Notice{Event: rooms.EventRoundtableSoon, Name: r.Title, Path: "/roundtables?id=" + string(r.ID)}, mail)
		})
	}
}

func (a *API) remind(ctx context.Context, key string, cs *rooms.Consultation, off time.Duration) {
	for _, pair := range [][2]rooms.MemberID{{cs.RequesterID, cs.RecipientID}, {cs.RecipientID, cs.RequesterID}} {
		a.once(ctx, key+":"+string(pair[0]), reminderKeep, func(ctx context.Context) error {
			m, err1 := a.store.GetMember(ctx, pair[0])
			peer, err2 := a.store.GetMember(ctx, pair[1])
			if err := errors.Join(err1, err2); err != nil {
				return err
			}
			mail := rooms.ReminderEmail(m, peer.DisplayName, rooms.LocalTime(m, cs.Booked.Start), a.publicURL+"/consultations")
			return a.remindBy(ctx, m, off, rooms.Notice{Event: rooms.EventConsultationSoon, Name: peer.DisplayName, Path: "/consultations?id=" + string(cs.ID)}, mail)
		})
	}
}

// soonReminder is the longest offset whose reminder means "the room opens
// now": those go by her preferences (push even in quiet hours); earlier
// ones (the day before) stay emails.
const soonReminder = 30 * time.Minute

// remindBy sends a reminder: a starting-soon one through the notifier
// (which falls back to email itself), an earlier one by email, whose
// failure makes the job try again.
func (a *API) remindBy(ctx context.Context, m *rooms.Member, off time.Duration, n rooms.Notice, mail rooms.Email) error {
	if off <= soonReminder {
		a.notifier.Notify(ctx, m, n, &mail)
		return nil
	}
	return a.mailer.Send(ctx, mail)
}

// blocks lists whom the caller has blocked.
func (a *API) listBlocks(c *gin.Context) {
	me := currentMember(c)
	list, err := a.store.ListBlocks(c.Request.Context(), me.ID)
	if err != nil {
		fail(c, err)
		return
	}
	out := []PeerView{}
	for _, b := range list {
		if b.BlockerID == me.ID { // who blocked *me* stays unknown to me
			out = append(out, PeerView{ID: b.BlockedID, DisplayName: a.peer(c, b.BlockedID).DisplayName})
		}
	}
	c.JSON(http.StatusOK, gin.H{"blocked": out})
}

type blockRequest struct {
	MemberID rooms.MemberID `json:"member_id"`
}

// createBlock hides the two from each other's recommendations. Only
// people one has been recommended or has met can be blocked, so ids of
// strangers cannot be probed.
func (a *API) createBlock(c *gin.Context) {
	var req blockRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	me := currentMember(c)
	known, err := a.knows(c, me.ID, req.MemberID)
	if err != nil {
		fail(c, err)
		return
	}
	if !known {
		fail(c, rooms.Invalid("member_id", "unknown_peer", "you can block people you were recommended or have met"))
		return
	}
	if err := a.store.CreateBlock(c.Request.Context(), &rooms.Block{BlockerID: me.ID, BlockedID: req.MemberID}); err != nil && !errors.Is(err, rooms.ErrConflict) {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// knows reports whether other is in me's recommendations or consultations.
func (a *API) knows(c *gin.Context, me, other rooms.MemberID) (bool, error) {
	if !other.Valid() || other == me {
		return false, nil
	}
	if rec, err := a.store.GetRecommendation(c.Request.Context(), me); err == nil && rec.Has(other) {
		return true, nil
	} else if err != nil && !errors.Is(err, rooms.ErrNotFound) {
		return false, err
	}
	list, err := a.store.ListMemberConsultations(c.Request.Context(), me)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(list, func(cs *rooms.Consultation) bool { o, _ := cs.Party(me); return o == other }), nil
}

func (a *API) deleteBlock(c *gin.Context) {
	me := currentMember(c)
	if err := a.store.DeleteBlock(c.Request.Context(), me.ID, rooms.MemberID(c.Param("id"))); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
