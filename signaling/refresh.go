package signaling

import (
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
)

const (
	// refreshEvery is how often a connected client gets a fresh token
	// (LiveKit's rhythm); refreshValidity how long each one is valid.
	refreshEvery    = 5 * time.Minute
	refreshValidity = 10 * time.Minute
	// removalMemory is how long a removal blocks older tokens: longer than
	// any token the SDKs or the control plane use.
	removalMemory = 24 * time.Hour
)

// refreshToken sends p a token with its current name, metadata,
// attributes and permissions, so that a reconnect after the original
// token expired (or after its grants changed) still works. It is valid
// for refreshValidity, or until the original expiry if that is later.
// It never carries roomAdmin (a client token has no RoomService power),
// and a room being deleted sends none: the end is for good.
func (p *participant) refreshToken() {
	s := p.room.s
	if p.room.isDeleted() {
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	perm := p.perm
	at := auth.NewAccessToken(p.apiKey, s.keys[p.apiKey]).SetIdentity(p.identity).SetName(p.name).
		SetMetadata(p.metadata).SetAttributes(p.attributes)
	p.mu.Unlock()
	valid := refreshValidity
	if until := time.Until(p.expires); until > valid {
		valid = until
	}
	sources := make([]string, 0, len(perm.CanPublishSources))
	for _, src := range perm.CanPublishSources {
		sources = append(sources, sourceName(src))
	}
	at.SetValidFor(valid).SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: p.room.name,
		CanPublish: &perm.CanPublish, CanSubscribe: &perm.CanSubscribe, CanPublishData: &perm.CanPublishData,
		CanPublishSources: sources, Hidden: perm.Hidden, CanUpdateOwnMetadata: &perm.CanUpdateMetadata})
	jwt, err := at.ToJWT()
	if err != nil {
		p.log.Warn("token refresh", "err", err)
		return
	}
	p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_RefreshToken{RefreshToken: jwt}})
}

// sourceName is the grant's spelling of a track source ("screen_share").
func sourceName(src livekit.TrackSource) string {
	switch src {
	case livekit.TrackSource_CAMERA:
		return "camera"
	case livekit.TrackSource_MICROPHONE:
		return "microphone"
	case livekit.TrackSource_SCREEN_SHARE:
		return "screen_share"
	case livekit.TrackSource_SCREEN_SHARE_AUDIO:
		return "screen_share_audio"
	}
	return "unknown"
}

// startRefreshing sends the first refreshed token and schedules the next
// ones until p closes.
func (p *participant) startRefreshing() {
	p.refreshToken()
	p.scheduleRefresh()
}

// scheduleRefresh arms the next refresh, unless p has closed (teardown
// stops a pending one).
func (p *participant) scheduleRefresh() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.refresher = time.AfterFunc(refreshEvery, func() {
			p.refreshToken()
			p.scheduleRefresh()
		})
	}
}

// revoke blocks tokens issued up to now for identity in room, or for
// everyone in room when identity is empty (the room was deleted): a
// removed participant cannot come back with a token (or a refreshed one)
// it already holds, nor anyone re-create a room that was ended. This
// memory is the process's own; roundtable rooms also have their rules in
// the store (see Params.Rules), which survive a restart.
func (s *Server) revoke(room, identity string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for k, at := range s.removed {
		if now.Sub(at) > removalMemory {
			delete(s.removed, k)
		}
	}
	s.removed[room+"\x00"+identity] = now
}

// revoked says whether g was issued before its holder was removed from
// its room, or before the room was deleted (tokens carry whole seconds:
// the second of the removal counts as before it).
func (s *Server) revoked(g *grant) error {
	s.mu.Lock()
	removed, wasRemoved := s.removed[g.room+"\x00"+g.identity]
	ended, wasEnded := s.removed[g.room+"\x00"]
	s.mu.Unlock()
	switch {
	case wasEnded && !g.issued.After(ended.Truncate(time.Second)):
		return errRoomEnded
	case wasRemoved && !g.issued.After(removed.Truncate(time.Second)):
		return errRemoved
	}
	return nil
}
