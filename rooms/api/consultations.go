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

// PeerView is the minimal profile of a recommended or matched peer: the
// only personal data of another company's member the API ever returns.
type PeerView struct {
	ID          rooms.MemberID `json:"id"`
	DisplayName string         `json:"display_name"`
	HasPhoto    bool           `json:"has_photo"`
	Intro       string         `json:"intro,omitempty"`
	Industry    string         `json:"industry,omitempty"`
	JobFunction string         `json:"job_function,omitempty"`
	Themes      []string       `json:"themes,omitempty"`
}

// ConsultationView is a consultation as one of its two parties sees it.
type ConsultationView struct {
	ID            rooms.ConsultationID     `json:"id"`
	Status        rooms.ConsultationStatus `json:"status"`
	Role          string                   `json:"role"` // "requester" or "recipient": the viewer's side
	Peer          PeerView                 `json:"peer"`
	Note          string                   `json:"note"`
	Mode          rooms.Mode               `json:"mode"`
	Place         string                   `json:"place,omitempty"`
	AwaitingMe    bool                     `json:"awaiting_me"` // a request or new times wait for the viewer's answer
	Proposed      []SlotView               `json:"proposed"`
	Booked        *rooms.Slot              `json:"booked,omitempty"`
	Reschedule    *RescheduleView          `json:"reschedule,omitempty"`     // new times proposed for the booking
	DeclineReason string                   `json:"decline_reason,omitempty"` // only to the one who declined
	NoShows       []rooms.MemberID         `json:"no_shows"`
	PeerJoined    bool                     `json:"peer_joined"`    // the other person opened the video room
	LiveNow       bool                     `json:"live_now"`       // someone is in its video room now, as the media plane's events say (media.webhook)
	PeerInRoom    bool                     `json:"peer_in_room"`   // the other person is in it now (same source)
	FeedbackGiven bool                     `json:"feedback_given"` // the viewer has given feedback on it
	CreatedAt     time.Time                `json:"created_at"`
	ExpiresAt     time.Time                `json:"expires_at"`
	Version       int64                    `json:"version"`
}

func (a *API) viewConsultation(c *gin.Context, cs *rooms.Consultation, viewer *rooms.Member) ConsultationView {
	return a.viewConsultationWith(c, cs, viewer, a.newBookings(c))
}

// viewConsultationWith is viewConsultation reading bookings through busy,
// which a list shares among its consultations.
func (a *API) viewConsultationWith(c *gin.Context, cs *rooms.Consultation, viewer *rooms.Member, busy *bookings) ConsultationView {
	other, _ := cs.Party(viewer.ID)
	v := ConsultationView{ID: cs.ID, Status: cs.StatusAt(a.now()), Role: "recipient", Peer: a.peer(c, other), Note: cs.Note,
		Mode: cs.Mode, Place: cs.Place, AwaitingMe: cs.Awaits(viewer.ID, a.now()), Booked: cs.Booked, NoShows: cs.NoShows,
		CreatedAt: cs.CreatedAt, ExpiresAt: cs.ExpiresAt, Version: cs.Version}
	if cs.RequesterID == viewer.ID {
		v.Role = "requester"
	}
	if v.Status == rooms.StatusRequested { // still to be picked: mark the times taken since
		v.Proposed = busy.slots(cs, viewer.ID, cs.Proposed)
	} else {
		v.Proposed = make([]SlotView, len(cs.Proposed))
		for i, s := range cs.Proposed {
			v.Proposed[i].Slot = s
		}
	}
	if p := cs.PendingReschedule(a.now()); p != nil {
		v.Reschedule = &RescheduleView{ByMe: p.By == viewer.ID, Proposed: busy.slots(cs, viewer.ID, p.Slots), Note: p.Note, ExpiresAt: p.ExpiresAt}
	}
	v.PeerJoined = cs.HasJoined(other)
	a.presence(c, cs, other, &v)
	if cs.Status == rooms.StatusDeclined && cs.AwaitingID == viewer.ID { // the decliner
		v.DeclineReason = cs.DeclineReason
	}
	if v.NoShows == nil {
		v.NoShows = []rooms.MemberID{}
	}
	if v.Status == rooms.StatusCompleted { // feedback opens only then
		given, err := a.store.HasFeedback(c.Request.Context(), cs.ID, viewer.ID)
		if err != nil {
			a.log.WarnContext(c.Request.Context(), "reading feedback state", "consultation_id", cs.ID, "err", err)
		}
		v.FeedbackGiven = given
	}
	return v
}

// presence fills who is in cs's video room now, while it may be joined.
func (a *API) presence(c *gin.Context, cs *rooms.Consultation, other rooms.MemberID, v *ConsultationView) {
	from, to, online := cs.JoinWindow()
	if now := a.now(); !online || cs.Status != rooms.StatusBooked || now.Before(from) || !now.Before(to) {
		return
	}
	present, err := rooms.PresenceOf(c.Request.Context(), a.store, cs.RoomName())
	if err != nil {
		a.log.WarnContext(c.Request.Context(), "reading who is in the room", "consultation_id", cs.ID, "err", err)
	}
	v.LiveNow, v.PeerInRoom = len(present) > 0, slices.Contains(present, string(other))
}

// peer returns the minimal profile of m (a name at least, even if the
// profile cannot be read).
func (a *API) peer(c *gin.Context, m rooms.MemberID) PeerView {
	mem, _ := a.store.GetMember(c.Request.Context(), m)
	p, _ := a.store.GetProfile(c.Request.Context(), m)
	photo := false
	if p == nil || !p.HasPhoto {
		photo, _ = a.photoExists(c, m)
	}
	return peerView(m, mem, p, photo)
}

// peerView is what others see of m from her account, her profile and
// whether a photo is stored (any of them may be missing).
func peerView(m rooms.MemberID, mem *rooms.Member, p *rooms.Profile, photo bool) PeerView {
	v := PeerView{ID: m}
	if mem != nil {
		v.DisplayName = mem.DisplayName
	}
	if p != nil {
		v.HasPhoto, v.Intro, v.Industry, v.JobFunction, v.Themes = p.HasPhoto, p.Intro, p.Industry, p.JobFunction, p.Themes
	}
	v.HasPhoto = v.HasPhoto || photo // uploaded since the last profile save
	return v
}

type createConsultationRequest struct {
	RecipientID rooms.MemberID `json:"recipient_id"`
	Note        string         `json:"note"`
	Slots       []rooms.Slot   `json:"slots"`
	Mode        rooms.Mode     `json:"mode"`
	Place       string         `json:"place"`
}

// createConsultation asks a recommended peer for a consultation.
func (a *API) createConsultation(c *gin.Context) {
	var req createConsultationRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	me := currentMember(c)
	cs := &rooms.Consultation{ID: rooms.NewConsultationID(), RequesterID: me.ID, RecipientID: req.RecipientID,
		RequesterCompany: me.CompanyID, Note: req.Note, Mode: req.Mode, Place: req.Place, Status: rooms.StatusRequested,
		AwaitingID: req.RecipientID, Proposed: req.Slots, ExpiresAt: a.now().Add(a.cfg.RequestTTL), NoShows: []rooms.MemberID{}}
	if err := cs.ValidateRequest(a.now(), a.cfg.MinNotice); err != nil {
		fail(c, err)
		return
	}
	recipient, err := a.checkRequest(c, me, req.RecipientID)
	if err != nil {
		fail(c, err)
		return
	}
	open, err := a.openConsultations(c, me.ID)
	if err == nil && open[recipient.ID] != nil {
		err = errOpenConsultation
	}
	if err != nil {
		fail(c, err)
		return
	}
	if err := a.checkProposal(c, proposal{me: me, peer: recipient.ID, note: cs.Note, slots: cs.Proposed, refused: errNotRecommended}); err != nil {
		fail(c, err)
		return
	}
	cs.RecipientCompany = recipient.CompanyID
	if err := a.store.CreateConsultation(c.Request.Context(), cs); err != nil {
		fail(c, err)
		return
	}
	mail := rooms.RequestReceivedEmail(recipient, me.DisplayName, a.publicURL+"/consultations")
	a.notifier.Notify(c.Request.Context(), recipient, rooms.Notice{Event: rooms.EventRequest, Name: me.DisplayName, Path: "/consultations"}, &mail)
	c.JSON(http.StatusCreated, a.viewConsultation(c, cs, me))
}

// errOpenConsultation refuses a second request between two people who
// already have one open (or a booking to come): the page leads to it.
var errOpenConsultation = &Error{Status: http.StatusConflict, Code: "open_consultation", Field: "recipient_id",
	Message: "you two already have an open request or a booking; answer or change that one"}

// errNotRecommended answers a request to someone the requester may not
// ask, whatever the reason (a block among them).
var errNotRecommended = &Error{Status: http.StatusForbidden, Code: "not_recommended", Field: "recipient_id",
	Message: "you can ask people from your current recommendations"}

// checkRequest enforces whom a member may ask at all: a member of another
// company who is in their current recommendations. checkProposal adds
// the rules of every proposal.
func (a *API) checkRequest(c *gin.Context, me *rooms.Member, to rooms.MemberID) (*rooms.Member, error) {
	if !to.Valid() || to == me.ID {
		return nil, rooms.Invalid("recipient_id", "malformed", "recipient_id is not a member id")
	}
	if me.Role != rooms.RoleMember {
		return nil, &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "only members request consultations"}
	}
	rec, err := a.store.GetRecommendation(c.Request.Context(), me.ID)
	if errors.Is(err, rooms.ErrNotFound) || (err == nil && !rec.Has(to)) {
		return nil, errNotRecommended
	} else if err != nil {
		return nil, err
	}
	other, err := a.store.GetMember(c.Request.Context(), to)
	if errors.Is(err, rooms.ErrNotFound) || (err == nil && (other.Role != rooms.RoleMember || other.CompanyID == me.CompanyID)) {
		return nil, errNotRecommended
	} else if err != nil {
		return nil, err
	}
	return other, nil
}

// proposal is times a member proposes to a peer: a new request, or new
// times for a consultation the two already have.
type proposal struct {
	me    *rooms.Member
	peer  rooms.MemberID
	note  string
	slots []rooms.Slot
	// existing: the two already have this consultation, which the peer's
	// break from new requests does not stop (see checkAskable).
	existing bool
	// refused answers a block either way without saying it is one.
	refused error
}

// checkProposal is the one set of rules for proposing times, whether in
// a new request or a reschedule: a short note and valid slots, no block
// either way, no break (for new requests), slots inside the peer's
// availability, and the daily limit on proposals, counted last so that a
// refused proposal costs nothing.
func (a *API) checkProposal(c *gin.Context, p proposal) error {
	if err := rooms.ValidateProposal(p.note, p.slots, a.now(), a.cfg.MinNotice); err != nil {
		return err
	}
	if blocked, err := a.blockedEitherWay(c, p.me.ID, p.peer); err != nil || blocked {
		return errors.Join(err, p.refused)
	}
	if prof, err := a.store.GetProfile(c.Request.Context(), p.peer); err == nil && prof.Paused && !p.existing {
		return &Error{Status: http.StatusConflict, Code: "peer_paused", Field: "recipient_id", Message: "this person is taking a break from consultations"}
	}
	if err := a.checkSlotsAvailable(c, p.peer, p.slots); err != nil {
		return err
	}
	if !a.requestLimit.allow("requester:" + string(p.me.ID)) {
		return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "too many requests today"}
	}
	return nil
}

func (a *API) blockedEitherWay(c *gin.Context, x, y rooms.MemberID) (bool, error) {
	blocks, err := a.store.ListBlocks(c.Request.Context(), x)
	if err != nil {
		return false, err
	}
	for _, b := range blocks {
		if b.BlockerID == y || b.BlockedID == y {
			return true, nil
		}
	}
	return false, nil
}

// checkSlotsAvailable requires every proposal inside who's availability.
func (a *API) checkSlotsAvailable(c *gin.Context, who rooms.MemberID, slots []rooms.Slot) error {
	av, err := a.store.GetAvailability(c.Request.Context(), who)
	if errors.Is(err, rooms.ErrNotFound) || (err == nil && len(av.Weekly) == 0 && !hasExtraWindow(av)) {
		return noAvailability(http.StatusUnprocessableEntity)
	} else if err != nil {
		return err
	}
	for i, s := range slots {
		if !av.Covers(s.Start, s.End()) {
			return rooms.Invalid("slots["+strconv.Itoa(i)+"]", "outside_availability", "this slot is outside the times they are available")
		}
	}
	return nil
}

func (a *API) listConsultations(c *gin.Context) {
	me := currentMember(c)
	list, err := a.store.ListMemberConsultations(c.Request.Context(), me.ID)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]ConsultationView, len(list))
	busy := a.newBookings(c)
	for i, cs := range list {
		out[i] = a.viewConsultationWith(c, cs, me, busy)
	}
	c.JSON(http.StatusOK, gin.H{"consultations": out})
}

// myConsultation loads the consultation in the path if the caller takes
// part in it; to anyone else it does not exist.
func (a *API) myConsultation(c *gin.Context) (*rooms.Consultation, *rooms.Member, bool) {
	id := rooms.ConsultationID(c.Param("id"))
	me := currentMember(c)
	if !id.Valid() {
		fail(c, rooms.ErrNotFound)
		return nil, nil, false
	}
	cs, err := a.store.GetConsultation(c.Request.Context(), id)
	if err == nil {
		if _, ok := cs.Party(me.ID); !ok {
			err = rooms.ErrNotFound
		}
	}
	if err != nil {
		fail(c, err)
		return nil, nil, false
	}
	return cs, me, true
}

func (a *API) getConsultation(c *gin.Context) {
	if cs, me, ok := a.myConsultation(c); ok {
		c.JSON(http.StatusOK, a.viewConsultation(c, cs, me))
	}
}

// notify emails m and logs (not fails) when mail cannot go out: the
// action has happened and the page shows it.
func (a *API) notify(c *gin.Context, m *rooms.Member, e rooms.Email) {
	if err := a.mailer.Send(c.Request.Context(), e); err != nil {
		a.log.WarnContext(c.Request.Context(), "notification email failed", "member_id", m.ID, "err", err)
	}
}
