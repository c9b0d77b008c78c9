package api

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/livekit/protocol/auth"

	"github.com/zadankai/zadankai/rooms"
)

func itoa(i int) string { return strconv.Itoa(i) }

func atoiRange(s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, errors.New("out of range")
	}
	return n, nil
}

// updateRoundtable changes a roundtable (its organisers). Capacity never
// drops below the seats already given; raised, it seats the first people
// waiting, who get the usual email with the calendar entry.
func (a *API) updateRoundtable(c *gin.Context) {
	var req roundtableRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	if !a.organises(me, r) {
		fail(c, rooms.ErrForbidden)
		return
	}
	if req.Version != r.Version {
		fail(c, errStale)
		return
	}
	old := *r
	req.apply(r)
	if err := r.Validate(a.now()); err != nil {
		fail(c, err)
		return
	}
	if err := a.checkPeople(c, r, &old); err != nil {
		fail(c, err)
		return
	}
	// The store applies the capacity to the seats in the step that writes
	// it: a check here would race with registrations.
	promoted, err := a.store.UpdateRoundtable(c.Request.Context(), r)
	if err != nil {
		switch {
		case rooms.IsCapacityLocked(err):
			err = rooms.Invalid("capacity", "capacity_locked", "capacity cannot drop below the seats already taken")
		case errors.Is(err, rooms.ErrConflict):
			err = errStale
		}
		fail(c, err)
		return
	}
	seated := make([]rooms.MemberID, len(promoted))
	for i, p := range promoted {
		seated[i] = p.MemberID
		a.sendRoundtableCalendar(c, r, p.MemberID, rooms.SeatPromoted)
	}
	if !r.Start.Equal(old.Start) || r.Minutes != old.Minutes || r.Venue != old.Venue || r.Format != old.Format || r.Title != old.Title {
		a.tellRegistered(c, r, rooms.Changed, seated...) // the newly seated have the new entry already
	}
	v, err := a.viewRoundtable(c, r, me)
	if err != nil {
		fail(c, err)
		return
	}
	v.Promoted = len(promoted)
	c.JSON(http.StatusOK, v)
}

// cancelRoundtable calls a roundtable off and tells everyone registered.
func (a *API) cancelRoundtable(c *gin.Context) {
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	if !a.organises(me, r) {
		fail(c, rooms.ErrForbidden)
		return
	}
	if r.Cancelled {
		c.Status(http.StatusNoContent)
		return
	}
	r.Cancelled = true
	if _, err := a.store.UpdateRoundtable(c.Request.Context(), r); err != nil {
		fail(c, err)
		return
	}
	a.tellRegistered(c, r, rooms.CalledOff)
	c.Status(http.StatusNoContent)
}

// tellRegistered sends everyone with a seat (but those in skip) the
// updated calendar entry; when the roundtable is called off, the people
// waiting hear it too.
func (a *API) tellRegistered(c *gin.Context, r *rooms.Roundtable, news rooms.SeatNews, skip ...rooms.MemberID) {
	regs, err := a.store.ListRegistrations(c.Request.Context(), r.ID)
	if err != nil {
		a.log.WarnContext(c.Request.Context(), "roundtable calendar: listing registrations", "roundtable_id", r.ID, "err", err)
		return
	}
	for _, reg := range regs {
		if slices.Contains(skip, reg.MemberID) {
			continue
		}
		if reg.Status == rooms.Registered || (news == rooms.CalledOff && reg.Status == rooms.Waitlisted) {
			a.sendRoundtableCalendar(c, r, reg.MemberID, news)
		}
	}
}

// registerRoundtable takes a seat or a place on the waitlist.
func (a *API) registerRoundtable(c *gin.Context) {
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	if me.Role != rooms.RoleMember {
		fail(c, &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "members register; speakers and moderators are already in"})
		return
	}
	if r.IsModerator(me.ID) || r.IsSpeaker(me.ID) {
		fail(c, &Error{Status: http.StatusConflict, Code: "already_in", Message: "you moderate or speak at this roundtable; no seat is needed"})
		return
	}
	reg, err := rooms.Register(c.Request.Context(), a.store, r, me, a.now())
	if err != nil {
		fail(c, err)
		return
	}
	if reg.Status == rooms.Registered {
		a.sendRoundtableCalendar(c, r, me.ID, rooms.SeatTaken)
	}
	// The roundtable as she now sees it, with her place in the queue, so
	// the page needs no second call.
	v, err := a.viewRoundtable(c, r, me)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, RegistrationView{Status: reg.Status, Position: v.MyPosition, Roundtable: v})
}

// RegistrationView answers a registration: where she stands (a seat, or
// her place on the waitlist, 1 = next) and the roundtable as she now sees
// it.
type RegistrationView struct {
	Status     rooms.RegistrationStatus `json:"status"`
	Position   int                      `json:"position"`
	Roundtable RoundtableView           `json:"roundtable"`
}

// withdrawRoundtable gives the seat back; the first on the waitlist gets
// it and an email.
func (a *API) withdrawRoundtable(c *gin.Context) {
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	was, promoted, err := rooms.Withdraw(c.Request.Context(), a.store, r, me.ID)
	if errors.Is(err, rooms.ErrNotFound) {
		err = wrongState("you are not registered")
	}
	if err != nil {
		fail(c, err)
		return
	}
	if was == rooms.Registered {
		a.sendRoundtableCalendar(c, r, me.ID, rooms.SeatGivenUp)
	}
	if promoted != nil {
		a.sendRoundtableCalendar(c, r, promoted.MemberID, rooms.SeatPromoted)
	}
	c.JSON(http.StatusOK, gin.H{"status": rooms.Withdrawn})
}

// sendRoundtableCalendar emails the member the roundtable's calendar
// entry with words for what happened.
func (a *API) sendRoundtableCalendar(c *gin.Context, r *rooms.Roundtable, id rooms.MemberID, news rooms.SeatNews) {
	m, err := a.store.GetMember(c.Request.Context(), id)
	if err != nil {
		a.log.WarnContext(c.Request.Context(), "roundtable calendar: loading member", "member_id", id, "err", err)
		return
	}
	method := rooms.MethodRequest
	if news == rooms.SeatGivenUp || news == rooms.CalledOff {
		method = rooms.MethodCancel
	}
	ev := a.roundtableEvent(r, m)
	mail := rooms.RoundtableSeatEmail(m, news, r.Title, rooms.LocalTime(m, r.Start), ev.URL, rooms.ICS(ev, method, a.now()), method)
	switch news {
	case rooms.SeatPromoted: // news she did not make herself: worth a push
		a.notifier.Notify(c.Request.Context(), m, rooms.Notice{Event: rooms.EventSeat, Name: r.Title, Path: "/roundtables?id=" + string(r.ID)}, &mail)
	case rooms.CalledOff:
		a.notifier.Notify(c.Request.Context(), m, rooms.Notice{Event: rooms.EventCalledOff, Name: r.Title, Path: "/roundtables?id=" + string(r.ID)}, &mail)
	default:
		a.notify(c, m, mail)
	}
}

// Roles in a roundtable's media room, carried in the token's attributes.
const (
	roomRoleModerator = "moderator"
	roomRoleSpeaker   = "speaker"
	roomRoleAudience  = "audience"
	roomRoleMember    = "participant"
)

// joinRoundtable mints a media token in the join window (15 minutes before
// to the end) for registered members, speakers and moderators, with the
// grants of their role: stage audiences subscribe and chat but do not
// publish until promoted. Nobody gets RoomService power (roomAdmin):
// moderators moderate through the audited API.
func (a *API) joinRoundtable(c *gin.Context) {
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	role, err := a.roomRole(c, r, me)
	if err != nil {
		fail(c, err)
		return
	}
	_, to := r.JoinWindow()
	now := a.now()
	entry := r.EntryFor(me.ID)
	if err := entryError(entry); err != nil {
		fail(c, err)
		return
	}
	if err := joinWindowError(r, now); err != nil {
		fail(c, err)
		return
	}
	room, group, err := a.joinTarget(c, r, me, now)
	if err != nil {
		fail(c, err)
		return
	}
	// With the lobby on, everyone not on stage and not yet admitted waits
	// in it, early arrivals included: connected, allowed nothing, until a
	// moderator admits them. In a group, where a moderator placed her, no
	// lobby holds her; a stage's audience speaks there only if the
	// moderator allowed it when opening the groups.
	publish := role != roomRoleAudience
	if group != "main" {
		entry.Lobby = false
		publish = publish || r.OnStage(me.ID) || r.Live.Breakout.Speak
	}
	publish, sub := publish && !entry.Lobby, !entry.Lobby
	jwt, valid, err := a.roundtableToken(me, room, role, publish, sub, entry.Lobby, to.Sub(now))
	if err != nil {
		fail(c, err)
		return
	}
	url, err := a.mediaURLFor(c.Request.Context(), room)
	if err != nil {
		fail(c, err)
		return
	}
	bv, err := a.breakoutView(c.Request.Context(), r, &me.ID, now)
	if err != nil {
		fail(c, err)
		return
	}
	a.recordAttendance(c.Request.Context(), r, me, role, now)
	// Who moderates and who speaks, for the room page: a participant on a
	// LiveKit server may set any attribute on herself, so the page reads
	// roles from here and from the room metadata (promotions), never from
	// participants' attributes.
	c.JSON(http.StatusOK, gin.H{"url": url, "room": room, "token": jwt, "role": role, "lobby": entry.Lobby,
		"expires_at": now.Add(valid), "talk": r.Talk, "moderators": orEmpty(r.Moderators), "speakers": orEmpty(r.Speakers),
		"group": group, "breakout": bv})
}

// joinWindowError refuses a join outside r's join window.
func joinWindowError(r *rooms.Roundtable, now time.Time) error {
	switch from, to := r.JoinWindow(); {
	case now.Before(from):
		return &Error{Status: http.StatusForbidden, Code: "too_early", Message: "the room opens 15 minutes before the start"}
	case !now.Before(to):
		return &Error{Status: http.StatusForbidden, Code: "ended", Message: "this roundtable has ended"}
	}
	return nil
}

// roundtableToken mints a join token for room with these grants, valid
// for joinTokenTTL at most and never long past the end (left away).
func (a *API) roundtableToken(me *rooms.Member, room, role string, publish, sub, lobby bool, left time.Duration) (string, time.Duration, error) {
	// Own metadata: the page sets the raised-hand attribute (with its time)
	// and the "stepping away" status itself.
	selfMeta := true
	grant := &auth.VideoGrant{RoomJoin: true, Room: room, CanPublish: &publish, CanSubscribe: &sub, CanPublishData: &sub,
		CanUpdateOwnMetadata: &selfMeta}
	attrs := map[string]string{"role": role}
	if lobby {
		attrs["lobby"] = "1"
	}
	valid := min(left+5*time.Minute, joinTokenTTL)
	tok := auth.NewAccessToken(a.media.APIKey, a.media.APISecret).SetIdentity(string(me.ID)).SetName(me.DisplayName).
		SetValidFor(valid).SetVideoGrant(grant).SetAttributes(attrs)
	jwt, err := tok.ToJWT()
	return jwt, valid, err
}

// joinTokenTTL keeps join tokens short-lived: the room page fetches
// one right before it connects, and connected clients get refreshed
// tokens from the media plane. A remote LiveKit cannot revoke a token, so
// a token minted before a lock, a lobby, a removal or the end is usable
// for this long at most (plus LiveKit's minute of clock leeway), and the
// media webhook receiver removes whoever joins against the rules even
// then (see remotemedia.Receiver).
const joinTokenTTL = time.Minute

// entryError is the API's answer when a roundtable's live rules refuse
// someone.
func entryError(e rooms.Entry) error {
	switch e.Refused {
	case rooms.EntryNoRoom:
		return wrongState("this roundtable has no online room")
	case rooms.EntryEnded:
		return &Error{Status: http.StatusForbidden, Code: "ended", Message: "this roundtable has ended"}
	case rooms.EntryRemoved:
		return &Error{Status: http.StatusForbidden, Code: "removed", Message: "a moderator removed you from this session"}
	case rooms.EntryLocked:
		return &Error{Status: http.StatusForbidden, Code: "locked", Message: "the moderators have locked the room"}
	case rooms.EntryBreakoutClosed:
		return &Error{Status: http.StatusConflict, Code: rooms.EntryBreakoutClosed, Field: "group", Message: "the groups are not open"}
	case rooms.EntryNotInGroup:
		return &Error{Status: http.StatusForbidden, Code: rooms.EntryNotInGroup, Field: "group", Message: "you are not in this group"}
	}
	return nil
}

func (a *API) roomRole(c *gin.Context, r *rooms.Roundtable, me *rooms.Member) (string, error) {
	switch {
	case r.IsModerator(me.ID):
		return roomRoleModerator, nil
	case r.IsSpeaker(me.ID) && me.Role == rooms.RoleGuestSpeaker: // a speaker named before roles were checked gets no stage
		return roomRoleSpeaker, nil
	}
	reg, err := a.store.GetRegistration(c.Request.Context(), r.ID, me.ID)
	if errors.Is(err, rooms.ErrNotFound) || (err == nil && reg.Status != rooms.Registered) {
		return "", &Error{Status: http.StatusForbidden, Code: "not_registered", Message: "register for this roundtable to join"}
	} else if err != nil {
		return "", err
	}
	if r.Talk == rooms.TalkStage {
		return roomRoleAudience, nil
	}
	return roomRoleMember, nil
}

// listRegistrations shows organisers who is coming, in queue order.
func (a *API) listRegistrations(c *gin.Context) {
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	if !a.organises(me, r) {
		fail(c, rooms.ErrForbidden)
		return
	}
	regs, err := a.store.ListRegistrations(c.Request.Context(), r.ID)
	if err != nil {
		fail(c, err)
		return
	}
	type entry struct {
		Member PeerView                 `json:"member"`
		Status rooms.RegistrationStatus `json:"status"`
		Since  time.Time                `json:"since"`
	}
	out := []entry{}
	for _, reg := range regs {
		out = append(out, entry{Member: PeerView{ID: reg.MemberID, DisplayName: a.peer(c, reg.MemberID).DisplayName}, Status: reg.Status, Since: reg.QueuedAt})
	}
	c.JSON(http.StatusOK, gin.H{"registrations": out})
}
