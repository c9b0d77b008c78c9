package signaling

import (
	"github.com/livekit/protocol/livekit"
)

// resume reattaches a client to the session it lost (same identity and
// sid, within the grace period): its tracks, subscriptions and peer
// connections carry on. A session that is gone gets a leave that makes
// the client rejoin cleanly.
func (s *Server) resume(c *conn, g *grant, opts joinOptions) {
	p := s.resumable(g, opts.sid)
	if p == nil || p.single != opts.single {
		c.log.Info("cannot resume; asking the client to rejoin", "sid", opts.sid)
		c.sendLeave(livekit.DisconnectReason_STATE_MISMATCH, livekit.LeaveRequest_RECONNECT)
		return
	}
	// The first frame on the new connection, queued before anything else
	// can reach it: livekit-client discards whatever precedes it.
	c.send(&livekit.SignalResponse{Message: &livekit.SignalResponse_Reconnect{Reconnect: &livekit.ReconnectResponse{
		ClientConfiguration: &livekit.ClientConfiguration{ResumeConnection: livekit.ClientConfigSetting_ENABLED},
		ServerInfo:          s.serverInfo(), IceServers: s.iceServers(g.identity)}}})
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		c.sendLeave(livekit.DisconnectReason_STATE_MISMATCH, livekit.LeaveRequest_RECONNECT)
		return
	}
	old := p.sig.Swap(c)
	p.detached = false
	if p.grace != nil {
		p.grace.Stop()
		p.grace = nil
	}
	p.iceRestart = !p.single
	p.negotiating, p.renegotiate = false, false // an offer lost with the old connection is never answered
	p.mu.Unlock()
	if old != c {
		old.close()
	}
	p.log.Info("session resumed")
	s.catchUp(p, c)
	if !p.single {
		p.negotiate() // ICE restart of the subscriber PC; the client restarts its publisher
	}
	s.serve(p, c)
}

// resumable returns the kept session of g's identity with sid, if any.
func (s *Server) resumable(g *grant, sid string) *participant {
	s.mu.Lock()
	r := s.rooms[g.room]
	s.mu.Unlock()
	if r == nil || sid == "" {
		return nil
	}
	p := r.byIdentity(g.identity)
	if p == nil || p.sid != sid {
		return nil
	}
	return p
}

// catchUp sends a resumed client what it may have missed: everyone's
// state and the room's.
func (s *Server) catchUp(p *participant, c *conn) {
	p.room.mu.Lock()
	infos := append([]*livekit.ParticipantInfo{p.info()}, p.room.visibleLocked(p.identity)...)
	p.room.mu.Unlock()
	c.send(&livekit.SignalResponse{Message: &livekit.SignalResponse_Update{Update: &livekit.ParticipantUpdate{Participants: infos}}})
	c.send(&livekit.SignalResponse{Message: &livekit.SignalResponse_RoomUpdate{RoomUpdate: &livekit.RoomUpdate{Room: p.room.info()}}})
}
