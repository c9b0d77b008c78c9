package signaling

import (
	"errors"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
)

// defaultResumeGrace is how long a participant whose signal connection
// dropped is kept (media keeps flowing) for its client to resume: the
// SDKs retry within seconds, a phone switching networks within ten.
const defaultResumeGrace = 20 * time.Second

// run carries one signal connection from join (or resume) to leave.
func (s *Server) run(c *conn, g *grant, opts joinOptions) {
	defer func() { c.close(); <-c.done }()
	if opts.reconnect {
		s.resume(c, g, opts)
		return
	}
	r := s.enterRoom(g.room)
	p, err := s.newParticipant(r, c, g, opts)
	if err != nil {
		s.entered(r)
		c.log.Warn("join failed", "err", err)
		c.sendLeave(livekit.DisconnectReason_JOIN_FAILURE, livekit.LeaveRequest_DISCONNECT)
		s.dropRoomIfEmpty(r)
		return
	}
	old := r.join(p, s.joinResponse(p))
	s.entered(r)
	if old != nil {
		old.sendLeave(livekit.DisconnectReason_DUPLICATE_IDENTITY, livekit.LeaveRequest_DISCONNECT)
		s.teardown(old, livekit.DisconnectReason_DUPLICATE_IDENTITY, false) // no DISCONNECTED update: the identity lives on in p
	}
	c.log.Info("participant joined", "sid", p.sid, "single_pc", p.single)
	s.hooks.notify(EventParticipantJoined, r.info(), p.info(), nil)
	r.broadcastInfo(p, false)
	p.startRefreshing()
	if p.single {
		p.startSingle(opts.join)
	} else {
		p.startSubscriber()
	}
	s.serve(p, c)
}

// serve reads c for p until the client leaves, or the connection drops:
// then p is kept for the resume grace unless a resume has already replaced c.
func (s *Server) serve(p *participant, c *conn) {
	if s.readLoop(p, c) {
		s.leave(p, livekit.DisconnectReason_CLIENT_INITIATED)
		return
	}
	p.mu.Lock()
	if p.closed || p.conn() != c {
		p.mu.Unlock()
		return // gone, or resumed on another connection
	}
	p.detached = true
	if p.mediaDown {
		p.mu.Unlock()
		s.leave(p, livekit.DisconnectReason_CLIENT_INITIATED) // the client closed its peer connection too: it left
		return
	}
	p.grace = time.AfterFunc(s.grace, func() { s.expire(p, c) })
	p.mu.Unlock()
	p.log.Info("signal connection lost; waiting for the client to resume")
}

// mediaGone notes that the client closed its media connection; without a
// signal connection either, the session ends now.
func (p *participant) mediaGone() {
	p.mu.Lock()
	p.mediaDown = true
	detached := p.detached && !p.closed
	p.mu.Unlock()
	if detached {
		p.room.s.leave(p, livekit.DisconnectReason_CLIENT_INITIATED)
	}
}

// expire ends a session whose client did not resume in time.
func (s *Server) expire(p *participant, c *conn) {
	p.mu.Lock()
	lost := p.detached && p.conn() == c
	p.mu.Unlock()
	if lost {
		p.log.Info("session not resumed in time")
		s.leave(p, livekit.DisconnectReason_SIGNAL_CLOSE)
	}
}

// joinResponse builds the first message a client receives.
func (s *Server) joinResponse(p *participant) func(*livekit.Room, []*livekit.ParticipantInfo) *livekit.SignalResponse {
	return func(ri *livekit.Room, others []*livekit.ParticipantInfo) *livekit.SignalResponse {
		return &livekit.SignalResponse{Message: &livekit.SignalResponse_Join{Join: &livekit.JoinResponse{
			Room: ri, Participant: p.info(), OtherParticipants: others,
			ServerVersion: ServerVersion, ServerInfo: s.serverInfo(),
			SubscriberPrimary: false, PingInterval: s.ping, PingTimeout: s.pingWait,
			ClientConfiguration:  &livekit.ClientConfiguration{ResumeConnection: livekit.ClientConfigSetting_ENABLED},
			EnabledPublishCodecs: []*livekit.Codec{{Mime: "video/VP8"}, {Mime: "video/H264"}, {Mime: "audio/opus"}},
			IceServers:           s.iceServers(p.identity),
		}}}
	}
}

func (s *Server) serverInfo() *livekit.ServerInfo {
	return &livekit.ServerInfo{Edition: livekit.ServerInfo_Standard, Version: ServerVersion, Protocol: 16, NodeId: "zadankai", Region: "local"}
}

// readLoop dispatches requests from c until the client leaves (true) or
// the connection drops (false). A client must answer within the ping
// timeout it was given.
func (s *Server) readLoop(p *participant, c *conn) (left bool) {
	for {
		_ = c.ws.SetReadDeadline(time.Now().Add(time.Duration(s.pingWait+30) * time.Second))
		req, err := c.read()
		if errors.Is(err, websocket.ErrReadLimit) {
			// Not a network failure: resuming would only send it again.
			c.log.Warn("signal message over the limit; closing the session", "limit", s.limits.MaxMessageBytes)
			c.sendLeave(livekit.DisconnectReason_SIGNAL_CLOSE, livekit.LeaveRequest_DISCONNECT)
			return true
		}
		var bad *badFrameError
		if errors.As(err, &bad) {
			c.log.Debug("signal frame dropped", "err", err)
			continue
		}
		if err != nil {
			return false
		}
		if leave := p.handle(req); leave {
			return true
		}
	}
}

// leave removes p from its room and tells the others why.
func (s *Server) leave(p *participant, reason livekit.DisconnectReason) {
	s.teardown(p, reason, true)
	s.dropRoomIfEmpty(p.room)
}

// teardown closes p's media and, when announce is set and p is still the
// session of its identity, tells the others p is gone and why (clients
// tell a removal from a departure by it).
func (s *Server) teardown(p *participant, reason livekit.DisconnectReason, announce bool) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.state = livekit.ParticipantInfo_DISCONNECTED
	p.disconnectReason = reason
	p.changedLocked()
	if p.grace != nil {
		p.grace.Stop()
	}
	if p.refresher != nil {
		p.refresher.Stop()
	}
	p.mu.Unlock()
	removed := p.room.remove(p)
	p.unpublishAll()
	p.unsubscribeAll()
	_ = p.pub.Close()
	_ = p.sub.Close()
	p.link.Close()
	p.conn().close()
	if announce && removed {
		p.room.broadcastInfo(p, false)
	}
	s.hooks.notify(EventParticipantLeft, p.room.info(), p.info(), nil)
	p.log.Info("participant left", "sid", p.sid)
}
