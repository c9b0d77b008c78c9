package signaling

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/livekit/protocol/livekit"
	"github.com/pion/webrtc/v4"

	"github.com/zadankai/zadankai/sfu"
)

// newParticipant creates the session with its peer connections: the
// publisher PC (client offers) and the subscriber PC (server offers), or
// one PC for both in single-PC mode.
func (s *Server) newParticipant(r *room, c *conn, g *grant, opts joinOptions) (*participant, error) {
	var p *participant
	link := s.sfu.NewDownlink(func(d *sfu.DownTrack, paused bool) { p.onStreamPaused(d, paused) })
	// The subscriber's connection carries the link (its media may take
	// the direct path); in single-PC mode that is the one connection.
	var publink *sfu.Downlink
	if opts.single {
		publink = link
	}
	pub, err := s.sfu.NewPeerConnection(publink)
	if err != nil {
		link.Close()
		return nil, err
	}
	sub := pub
	if !opts.single {
		if sub, err = s.sfu.NewPeerConnection(link); err != nil {
			pub.Close()
			link.Close()
			return nil, err
		}
	}
	p = &participant{room: r, sid: newSID("PA_"), identity: g.identity, name: g.name, metadata: g.metadata,
		attributes: g.attributes, perm: g.perm, apiKey: g.apiKey, expires: g.expires, joinedAt: time.Now(), autoSubscribe: opts.autoSubscribe, adaptiveStream: opts.adaptiveStream, single: opts.single,
		pub: pub, sub: sub, state: livekit.ParticipantInfo_JOINED, version: 1, tracks: map[string]*pubTrack{}, subs: map[string]*subscription{}}
	p.sig.Store(c)
	p.log = c.log.With("sid", p.sid)
	p.link = link
	// Both SDKs name their single PC the publisher.
	pub.OnICECandidate(func(cand *webrtc.ICECandidate) { p.trickle(cand, livekit.SignalTarget_PUBLISHER) })
	if !opts.single {
		sub.OnICECandidate(func(cand *webrtc.ICECandidate) { p.trickle(cand, livekit.SignalTarget_SUBSCRIBER) })
	}
	pub.OnTrack(p.onTrack)
	pub.OnDataChannel(p.onDataChannel)
	pub.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		if st == webrtc.PeerConnectionStateConnected {
			p.becomeActive()
			if opts.single {
				p.startDownTracks()
			}
		}
	})
	if !opts.single {
		sub.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
			if st == webrtc.PeerConnectionStateConnected {
				p.startDownTracks()
			}
		})
	}
	return p, nil
}

// becomeActive marks p ACTIVE once its media connection is up.
func (p *participant) becomeActive() {
	p.mu.Lock()
	if p.state != livekit.ParticipantInfo_JOINED {
		p.mu.Unlock()
		return
	}
	p.state = livekit.ParticipantInfo_ACTIVE
	p.changedLocked()
	p.mu.Unlock()
	p.room.broadcastInfo(p, false)
	// The first subscriber offer waits for this moment, as LiveKit's: the
	// client has long finished handling its JoinResponse (the Go SDK races
	// with an offer that arrives right behind it).
	p.negotiate()
}

// trickle sends a local ICE candidate (nil = gathering complete).
func (p *participant) trickle(cand *webrtc.ICECandidate, target livekit.SignalTarget) {
	if cand == nil {
		return
	}
	b, err := json.Marshal(cand.ToJSON())
	if err != nil {
		return
	}
	p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_Trickle{Trickle: &livekit.TrickleRequest{
		CandidateInit: string(b), Target: target}}})
}

// onOffer answers the client's publisher offer, echoing its id. In
// single-PC mode the answer also carries the subscribed tracks, attached
// to the receive sections the client offered.
func (p *participant) onOffer(sd *livekit.SessionDescription) {
	if p.single {
		p.negMu.Lock()
		defer p.negMu.Unlock()
	}
	if err := p.pub.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sd.Sdp}); err != nil {
		p.log.Warn("publisher offer refused", "err", err)
		return
	}
	p.flushCandidates(livekit.SignalTarget_PUBLISHER)
	p.checkUnpublished(sd.Sdp)
	if p.single {
		p.firstOfferLocked()
	}
	answer, err := p.pub.CreateAnswer(nil)
	if err == nil {
		err = p.pub.SetLocalDescription(answer)
	}
	if err != nil {
		p.log.Warn("publisher answer failed", "err", err)
		return
	}
	resp := &livekit.SessionDescription{Type: "answer", Sdp: p.pub.LocalDescription().SDP, Id: sd.Id}
	if p.single {
		resp.MidToTrackId = p.midToTrack()
		p.mu.Lock()
		p.dirty, p.asked = false, false
		p.mu.Unlock()
	}
	p.log.Debug("offer answered", "id", sd.Id, "tracks", len(resp.MidToTrackId))
	p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_Answer{Answer: resp}})
	// Tracks that found no free receive section need more of them: the
	// client adds them and offers again.
	if !p.single {
		return
	}
	if a, v := p.unmatched(); a+v > 0 {
		p.askOffer(a, v)
	}
}

// onAnswer completes a subscriber negotiation and starts the next one if
// changes queued up meanwhile.
func (p *participant) onAnswer(sd *livekit.SessionDescription) {
	if err := p.sub.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sd.Sdp}); err != nil {
		p.log.Warn("subscriber answer refused", "err", err)
	}
	p.flushCandidates(livekit.SignalTarget_SUBSCRIBER)
	p.log.Debug("subscriber answer applied", "id", sd.Id)
	p.mu.Lock()
	p.negotiating = false
	again := p.renegotiate
	p.renegotiate = false
	p.mu.Unlock()
	if again {
		p.negotiate()
	}
}

// onTrickle adds a remote candidate, queueing it until the peer
// connection has a remote description.
func (p *participant) onTrickle(t *livekit.TrickleRequest) {
	var init webrtc.ICECandidateInit
	if err := json.Unmarshal([]byte(t.CandidateInit), &init); err != nil {
		p.log.Debug("bad trickle candidate", "err", err)
		return
	}
	pc, toSub := p.pub, t.Target == livekit.SignalTarget_SUBSCRIBER && !p.single
	if toSub {
		pc = p.sub
	} else {
		p.releaseOffer() // a Go SDK client's first candidate: its join offer is set
	}
	p.mu.Lock()
	if pc.RemoteDescription() == nil {
		if toSub {
			p.subCands = append(p.subCands, init)
		} else {
			p.pubCands = append(p.pubCands, init)
		}
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	if err := pc.AddICECandidate(init); err != nil {
		p.log.Debug("candidate refused", "err", err)
	}
}

func (p *participant) flushCandidates(target livekit.SignalTarget) {
	p.mu.Lock()
	pc, cands := p.pub, p.pubCands
	p.pubCands = nil
	if target == livekit.SignalTarget_SUBSCRIBER {
		pc, cands = p.sub, p.subCands
		p.subCands = nil
	}
	p.mu.Unlock()
	for _, c := range cands {
		_ = pc.AddICECandidate(c)
	}
}

// startSubscriber opens the server's data channels, subscribes to what
// is already published and sends the first subscriber offer.
func (p *participant) startSubscriber() {
	ordered, zero := true, uint16(0)
	reliable, err1 := p.sub.CreateDataChannel("_reliable", &webrtc.DataChannelInit{Ordered: &ordered})
	unordered := false
	lossy, err2 := p.sub.CreateDataChannel("_lossy", &webrtc.DataChannelInit{Ordered: &unordered, MaxRetransmits: &zero})
	if err1 != nil || err2 != nil {
		p.log.Warn("data channels", "err", fmt.Sprint(err1, err2))
	}
	if reliable != nil {
		p.setReliable(reliable)
	}
	p.mu.Lock()
	p.lossy = lossy
	p.mu.Unlock()
	if p.autoSubscribe {
		for _, o := range p.room.others(p) {
			for _, t := range o.publishedTracks() {
				p.subscribe(o, t, false)
			}
		}
	}
	p.negotiate()
}

// negotiate sends a subscriber offer, or queues one if an offer is out:
// one negotiation at a time per peer connection. In single-PC mode the
// server never offers: it asks the client for a new offer instead.
func (p *participant) negotiate() {
	if p.single {
		p.mu.Lock()
		ask := p.offered && p.dirty && !p.asked && !p.closed
		p.mu.Unlock()
		if ask {
			a, v := p.unmatched()
			p.askOffer(a, v)
		}
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	if p.negotiating || p.state == livekit.ParticipantInfo_JOINED {
		p.renegotiate = p.negotiating // before ACTIVE, becomeActive negotiates
		p.mu.Unlock()
		return
	}
	p.negotiating = true
	p.offerID++
	id, restart := p.offerID, p.iceRestart
	p.iceRestart = false
	p.mu.Unlock()
	offer, err := p.sub.CreateOffer(&webrtc.OfferOptions{ICERestart: restart})
	if err == nil {
		err = p.sub.SetLocalDescription(offer)
	}
	if err != nil {
		p.log.Warn("subscriber offer failed", "err", err)
		p.mu.Lock()
		p.negotiating = false
		p.mu.Unlock()
		return
	}
	p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_Offer{Offer: &livekit.SessionDescription{
		Type: "offer", Sdp: p.sub.LocalDescription().SDP, Id: id}}})
}

// startDownTracks tells p's subscriptions that its media connection is
// up: they may forward now and ask for the keyframes that begin them
// (what was sent before went nowhere). Subscriptions added later start
// at once (addSubscription).
func (p *participant) startDownTracks() {
	p.log.Debug("media connection up")
	p.mediaUp.Store(true)
	p.mu.Lock()
	downs := make([]*sfu.DownTrack, 0, len(p.subs))
	for _, s := range p.subs {
		downs = append(downs, s.down)
	}
	p.mu.Unlock()
	for _, d := range downs {
		d.Start()
	}
}
