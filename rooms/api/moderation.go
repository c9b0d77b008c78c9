package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// Data-channel topics the room page listens to.
const (
	topicAskUnmute = "zadankai.ask-unmute"
	topicNotice    = "zadankai.notice"
)

type moderationRequest struct {
	Action   string         `json:"action"`
	Identity rooms.MemberID `json:"identity"`
	Source   string         `json:"source"` // microphone or camera, for mute and ask_unmute
	On       *bool          `json:"on"`     // for lobby and lock
}

// moderationActions routes each action; every one is audited.
var moderationActions = map[string]func(a *API, m *modCtx) error{
	"mute": (*API).modMute, "ask_unmute": (*API).modAskUnmute, "mute_all": (*API).modMuteAll,
	"spotlight": (*API).modSpotlight, "lower_hand": (*API).modLowerHand, "lower_all_hands": (*API).modLowerAllHands,
	"promote": (*API).modPromote, "demote": (*API).modDemote, "remove": (*API).modRemove,
	"lobby": (*API).modLobby, "admit": (*API).modAdmit, "admit_all": (*API).modAdmitAll,
	"lock": (*API).modLock, "end": (*API).modEnd,
}

// modCtx is one moderation request being carried out.
type modCtx struct {
	ctx    context.Context
	r      *rooms.Roundtable
	me     *rooms.Member
	req    moderationRequest
	people []rooms.MediaParticipant // who is in the room now, and in its open breakout groups' rooms
	// where names the rooms each identity is in (the main room, a group's,
	// or both for a moment while she moves).
	where  map[string][]string
	detail string
	// affected counts the people the action changed, so the moderator is
	// told what happened ("3 muted", or that nobody was).
	affected int
}

// target returns the participant the request names, who must be in the room.
func (m *modCtx) target() (rooms.MediaParticipant, error) {
	for _, p := range m.people {
		if p.Identity == string(m.req.Identity) && m.req.Identity != "" {
			return p, nil
		}
	}
	return rooms.MediaParticipant{}, rooms.Invalid("identity", "not_in_room", "this person is not in the room")
}

// moderate carries out a moderator's action in a roundtable's live room.
// Only the roundtable's moderators (and operators) may; the target must be
// in that room; nothing changes on a refused request.
func (a *API) moderate(c *gin.Context) {
	var req moderationRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	act, known := moderationActions[req.Action]
	switch {
	case !a.organises(me, r):
		fail(c, rooms.ErrForbidden)
		return
	case !known:
		fail(c, rooms.Invalid("action", "unknown_value", "unknown moderation action"))
		return
	case a.mediaPlane == nil:
		fail(c, &Error{Status: http.StatusServiceUnavailable, Code: "media_unavailable", Message: "no media plane is configured"})
		return
	}
	m := &modCtx{ctx: c.Request.Context(), r: r, me: me, req: req, affected: -1, where: map[string][]string{}}
	if err := a.listRoomPeople(m); err != nil {
		fail(c, err)
		return
	}
	if err := act(a, m); err != nil {
		fail(c, err)
		return
	}
	entry := &rooms.AuditEntry{ID: rooms.NewAuditID(), RoundtableID: r.ID, ActorID: me.ID, Action: req.Action,
		TargetID: req.Identity, Detail: m.detail, At: a.now()}
	if err := a.store.AppendAudit(m.ctx, entry); err != nil {
		fail(c, err)
		return
	}
	if m.affected < 0 { // an action on one person or on the room itself
		m.affected = 1
	}
	c.JSON(http.StatusOK, gin.H{"live": r.Live, "affected": m.affected})
}

// listRoomPeople lists who is in the roundtable's room and, while groups
// are open, in its groups' rooms: a moderator acts on people wherever
// they are (a removal reaches her in her group).
func (a *API) listRoomPeople(m *modCtx) error {
	names := []string{m.r.RoomName()}
	if m.r.Live.Breakout.Open(a.now()) {
		names = append(names, m.r.BreakoutRoomNames()...)
	}
	for _, room := range names {
		people, err := a.mediaPlane.ListParticipants(m.ctx, room)
		if err != nil && !errors.Is(err, rooms.ErrNotFound) {
			return err
		}
		for _, p := range people {
			if len(m.where[p.Identity]) == 0 {
				m.people = append(m.people, p)
			}
			m.where[p.Identity] = append(m.where[p.Identity], room)
		}
	}
	return nil
}

// room is the room identity is in (the main room if she is in it).
func (m *modCtx) room(identity string) string {
	if in := m.where[identity]; len(in) > 0 {
		return in[0]
	}
	return m.r.RoomName()
}

// saveLive stores the live state and mirrors it into the room metadata
// that every client follows.
func (a *API) saveLive(m *modCtx) error {
	if _, err := a.store.UpdateRoundtable(m.ctx, m.r); err != nil {
		if errors.Is(err, rooms.ErrConflict) {
			return errStale
		}
		return err
	}
	meta, _ := json.Marshal(map[string]any{"spotlight": m.r.Live.Spotlight, "lobby": m.r.Live.Lobby,
		"locked": m.r.Live.Locked, "ended": m.r.Live.Ended, "talk": m.r.Talk, "promoted": m.r.Live.Promoted})
	if err := a.mediaPlane.SetRoomMetadata(m.ctx, m.r.RoomName(), string(meta)); err != nil && !errors.Is(err, rooms.ErrNotFound) {
		return err
	}
	if m.r.Live.Breakout.Open(a.now()) {
		for _, room := range m.r.BreakoutRoomNames() { // best effort: the main room's is the record
			_ = a.mediaPlane.SetRoomMetadata(m.ctx, room, string(meta))
		}
	}
	return nil
}

func sourceTrack(p rooms.MediaParticipant, source string) (rooms.MediaTrack, bool) {
	for _, t := range p.Tracks {
		if t.Source == source {
			return t, true
		}
	}
	return rooms.MediaTrack{}, false
}

func (a *API) modMute(m *modCtx) error {
	p, err := m.target()
	if err != nil {
		return err
	}
	if m.req.Source != "microphone" && m.req.Source != "camera" {
		return rooms.Invalid("source", "unknown_value", "source must be microphone or camera")
	}
	t, ok := sourceTrack(p, m.req.Source)
	if !ok {
		return rooms.Invalid("source", "no_such_track", "this person publishes no such track")
	}
	m.detail = m.req.Source
	return a.mediaPlane.MuteTrack(m.ctx, m.room(p.Identity), p.Identity, t.SID)
}

// modAskUnmute asks; it never unmutes anyone. The page shows the request
// and the person decides.
func (a *API) modAskUnmute(m *modCtx) error {
	p, err := m.target()
	if err != nil {
		return err
	}
	if m.req.Source != "microphone" && m.req.Source != "camera" {
		return rooms.Invalid("source", "unknown_value", "source must be microphone or camera")
	}
	switch t, published := sourceTrack(p, m.req.Source); {
	case !p.Permission.CanPublish:
		return &Error{Status: http.StatusConflict, Code: "cannot_publish", Field: "identity", Message: "this person may not publish (audience or lobby)"}
	case published && !t.Muted:
		return &Error{Status: http.StatusConflict, Code: "already_on", Field: "source", Message: "this track is already on"}
	}
	m.detail = m.req.Source
	body, _ := json.Marshal(map[string]string{"source": m.req.Source, "from": m.me.DisplayName})
	return a.mediaPlane.SendData(m.ctx, m.room(p.Identity), topicAskUnmute, body, []string{p.Identity})
}

// modMuteAll mutes every open microphone but the moderators' and the
// guest speakers': they run the talk, while people brought on stage from
// the audience and the members of a small round are muted with the rest.
func (a *API) modMuteAll(m *modCtx) error {
	m.affected = 0
	for _, p := range m.people {
		id := rooms.MemberID(p.Identity)
		if m.r.IsModerator(id) || m.r.IsSpeaker(id) {
			continue
		}
		if t, ok := sourceTrack(p, "microphone"); ok && !t.Muted {
			err := a.mediaPlane.MuteTrack(m.ctx, m.room(p.Identity), p.Identity, t.SID)
			if err != nil && !errors.Is(err, rooms.ErrNotFound) {
				return err
			}
			if err == nil {
				m.affected++
			}
		}
	}
	return nil
}

func (a *API) modSpotlight(m *modCtx) error {
	if m.req.Identity != "" {
		if _, err := m.target(); err != nil {
			return err
		}
	}
	m.r.Live.Spotlight = m.req.Identity
	return a.saveLive(m)
}

func (a *API) modLowerHand(m *modCtx) error {
	p, err := m.target()
	if err != nil {
		return err
	}
	return a.mediaPlane.SetAttributes(m.ctx, m.room(p.Identity), p.Identity, map[string]string{"hand": ""})
}

func (a *API) modLowerAllHands(m *modCtx) error {
	m.affected = 0
	for _, p := range m.people {
		if p.Attributes["hand"] != "" {
			if err := a.mediaPlane.SetAttributes(m.ctx, m.room(p.Identity), p.Identity, map[string]string{"hand": ""}); err != nil {
				return err
			}
			m.affected++
		}
	}
	return nil
}

// modPromote brings an audience member on stage: they may publish at once,
// without rejoining.
func (a *API) modPromote(m *modCtx) error {
	p, err := m.target()
	if err != nil {
		return err
	}
	if m.r.Talk != rooms.TalkStage || m.r.OnStage(rooms.MemberID(p.Identity)) {
		return wrongState("only audience members of a stage roundtable can be promoted")
	}
	if err := a.mediaPlane.SetPermissions(m.ctx, m.room(p.Identity), p.Identity, rooms.MediaPermission{CanPublish: true, CanSubscribe: true, CanPublishData: true}); err != nil {
		return err
	}
	_ = a.mediaPlane.SetAttributes(m.ctx, m.room(p.Identity), p.Identity, map[string]string{"hand": "", "role": roomRoleSpeaker})
	m.r.Live.Promoted = append(m.r.Live.Promoted, rooms.MemberID(p.Identity))
	return a.saveLive(m)
}

// modDemote moves a promoted member back to the audience; their tracks
// are unpublished by the media plane when publishing is revoked.
func (a *API) modDemote(m *modCtx) error {
	p, err := m.target()
	if err != nil {
		return err
	}
	id := rooms.MemberID(p.Identity)
	if !slices.Contains(m.r.Live.Promoted, id) {
		return wrongState("only promoted audience members can be moved back")
	}
	if err := a.mediaPlane.SetPermissions(m.ctx, m.room(p.Identity), p.Identity, rooms.MediaPermission{CanSubscribe: true, CanPublishData: true}); err != nil {
		return err
	}
	_ = a.mediaPlane.SetAttributes(m.ctx, m.room(p.Identity), p.Identity, map[string]string{"role": roomRoleAudience})
	m.r.Live.Promoted = slices.DeleteFunc(m.r.Live.Promoted, func(x rooms.MemberID) bool { return x == id })
	return a.saveLive(m)
}

// modRemove disconnects someone and keeps them out for this session.
func (a *API) modRemove(m *modCtx) error {
	p, err := m.target()
	if err != nil {
		return err
	}
	id := rooms.MemberID(p.Identity)
	if m.r.IsModerator(id) {
		return wrongState("moderators cannot be removed")
	}
	if !slices.Contains(m.r.Live.Removed, id) { // a retry after a media-plane failure
		m.r.Live.Removed = append(m.r.Live.Removed, id)
	}
	if b := m.r.Live.Breakout; b != nil {
		b.Drop(id)
	}
	if err := a.saveLive(m); err != nil {
		return err
	}
	// Gone already (she left, or the media plane's join hook removed her
	// once the rule was stored): the removal holds all the same. She is
	// taken out of every room she is in: the main room, her group's.
	for _, room := range m.where[p.Identity] {
		if err := a.mediaPlane.RemoveParticipant(m.ctx, room, p.Identity); err != nil && !errors.Is(err, rooms.ErrNotFound) {
			return err
		}
	}
	if m.r.Live.Breakout != nil {
		a.tellBreakout(m.ctx, m.r)
	}
	return nil
}

func (a *API) modLobby(m *modCtx) error {
	if m.req.On == nil {
		return rooms.Invalid("on", "required", "say whether the lobby is on")
	}
	m.r.Live.Lobby = *m.req.On
	m.detail = onOff(*m.req.On) // the log tells turning it on from turning it off
	return a.saveLive(m)
}

// modLock locks or unlocks the room. Who is in it when it locks may come
// back (a dropped phone, a reload); the media plane holds everyone else
// out whatever token they hold.
func (a *API) modLock(m *modCtx) error {
	if m.req.On == nil {
		return rooms.Invalid("on", "required", "say whether the room is locked")
	}
	m.r.Live.Locked = *m.req.On
	m.r.Live.LockedIn = nil
	if m.r.Live.Locked {
		for _, p := range m.people {
			m.r.Live.LockedIn = append(m.r.Live.LockedIn, rooms.MemberID(p.Identity))
		}
	}
	m.detail = onOff(*m.req.On)
	return a.saveLive(m)
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// modAdmit lets one person in from the lobby with their role's grants.
func (a *API) modAdmit(m *modCtx) error {
	p, err := m.target()
	if err != nil {
		return err
	}
	return a.admit(m, p)
}

func (a *API) modAdmitAll(m *modCtx) error {
	m.affected = 0
	for _, p := range m.people {
		if p.Attributes["lobby"] == "1" {
			if err := a.admit(m, p); err != nil {
				return err
			}
			m.affected++
		}
	}
	return nil
}

func (a *API) admit(m *modCtx, p rooms.MediaParticipant) error {
	id := rooms.MemberID(p.Identity)
	publish := m.r.Talk == rooms.TalkSmallRound || m.r.OnStage(id)
	if err := a.mediaPlane.SetPermissions(m.ctx, m.room(p.Identity), p.Identity, rooms.MediaPermission{CanPublish: publish, CanSubscribe: true, CanPublishData: true}); err != nil {
		return err
	}
	if err := a.mediaPlane.SetAttributes(m.ctx, m.room(p.Identity), p.Identity, map[string]string{"lobby": ""}); err != nil {
		return err
	}
	if !slices.Contains(m.r.Live.Admitted, id) {
		m.r.Live.Admitted = append(m.r.Live.Admitted, id)
	}
	return a.saveLive(m)
}

// modEnd ends the session for everyone, in the main room and in every
// breakout group's room.
func (a *API) modEnd(m *modCtx) error {
	m.r.Live.Ended = true
	if b := m.r.Live.Breakout; b != nil {
		b.Closed = true
	}
	if err := a.saveLive(m); err != nil {
		return err
	}
	for _, room := range append([]string{m.r.RoomName()}, m.r.BreakoutRoomNames()...) {
		if err := a.mediaPlane.DeleteRoom(m.ctx, room); err != nil && !errors.Is(err, rooms.ErrNotFound) {
			return err
		}
	}
	return nil
}

// listAudit shows a roundtable's moderation log to its organisers.
func (a *API) listAudit(c *gin.Context) {
	r, me, ok := a.myRoundtable(c)
	if !ok {
		return
	}
	if !a.organises(me, r) {
		fail(c, rooms.ErrForbidden)
		return
	}
	list, err := a.store.ListAudit(c.Request.Context(), r.ID, r.CreatedAt)
	if err != nil {
		fail(c, err)
		return
	}
	if list == nil {
		list = []*rooms.AuditEntry{}
	}
	c.JSON(http.StatusOK, gin.H{"entries": list})
}
