package signaling

import (
	"time"

	"github.com/livekit/protocol/livekit"
)

// run carries one signal connection from join to leave.
func (s *Server) run(c *conn, g *grant, opts joinOptions) {
	defer func() { c.close(); <-c.done }()
	if opts.reconnect {
		// Resuming a lost session is not kept yet: tell the client to
		// rejoin cleanly (a new session replaces the old identity).
		c.send(&livekit.SignalResponse{Message: &livekit.SignalResponse_Leave{Leave: &livekit.LeaveRequest{
			CanReconnect: true, Reason: livekit.DisconnectReason_STATE_MISMATCH, Action: livekit.LeaveRequest_RECONNECT}}})
		return
	}
	r := s.roomFor(g.room)
	p, err := s.newParticipant(r, c, g, opts)
	if err != nil {
		c.log.Warn("join failed", "err", err)
		c.send(&livekit.SignalResponse{Message: &livekit.SignalResponse_Leave{Leave: &livekit.LeaveRequest{
			Reason: livekit.DisconnectReason_JOIN_FAILURE, Action: livekit.LeaveRequest_DISCONNECT}}})
		s.dropRoomIfEmpty(r)
		return
	}
	defer s.leave(p)
	if old := r.join(p, s.joinResponse(p)); old != nil {
		old.sendLeave(livekit.DisconnectReason_DUPLICATE_IDENTITY, livekit.LeaveRequest_DISCONNECT)
		s.teardown(old, false) // no DISCONNECTED update: the identity lives on in p
	}
	c.log.Info("participant joined", "sid", p.sid)
	s.hooks.notify(EventParticipantJoined, r.info(), p.info(), nil)
	r.broadcastInfo(p, false)
	p.startSubscriber()
	s.readLoop(p)
}

// joinResponse builds the first message a client receives.
func (s *Server) joinResponse(p *participant) func(*livekit.Room, []*livekit.ParticipantInfo) *livekit.SignalResponse {
	return func(ri *livekit.Room, others []*livekit.ParticipantInfo) *livekit.SignalResponse {
		return &livekit.SignalResponse{Message: &livekit.SignalResponse_Join{Join: &livekit.JoinResponse{
			Room: ri, Participant: p.info(), OtherParticipants: others,
			ServerVersion: ServerVersion, ServerInfo: &livekit.ServerInfo{Edition: livekit.ServerInfo_Standard, Version: ServerVersion,
				Protocol: 16, NodeId: "zadankai", Region: "local"},
			SubscriberPrimary: false, PingInterval: s.ping, PingTimeout: s.pingWait,
			ClientConfiguration:  &livekit.ClientConfiguration{ResumeConnection: livekit.ClientConfigSetting_DISABLED},
			EnabledPublishCodecs: []*livekit.Codec{{Mime: "video/VP8"}, {Mime: "video/H264"}, {Mime: "audio/opus"}},
			IceServers:           s.iceServers(p.identity),
		}}}
	}
}

// readLoop dispatches requests until the client leaves or the connection
// drops. A client must answer within the ping timeout it was given.
func (s *Server) readLoop(p *participant) {
	for {
		_ = p.conn.ws.SetReadDeadline(time.Now().Add(time.Duration(s.pingWait+30) * time.Second))
		req, err := p.conn.read()
		if err != nil {
			return
		}
		if leave := p.handle(req); leave {
			return
		}
	}
}

// leave removes p from its room and tells the others.
func (s *Server) leave(p *participant) {
	s.teardown(p, true)
	s.dropRoomIfEmpty(p.room)
}

// teardown closes p's media and, when announce is set and p is still the
// session of its identity, tells the others p is gone.
func (s *Server) teardown(p *participant, announce bool) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.state = livekit.ParticipantInfo_DISCONNECTED
	p.changedLocked()
	p.mu.Unlock()
	removed := p.room.remove(p)
	p.unpublishAll()
	p.unsubscribeAll()
	_ = p.pub.Close()
	_ = p.sub.Close()
	p.conn.close()
	if announce && removed {
		p.room.broadcastInfo(p, false)
	}
	s.hooks.notify(EventParticipantLeft, p.room.info(), p.info(), nil)
	p.log.Info("participant left", "sid", p.sid)
}
