package signaling

import (
	"github.com/livekit/protocol/livekit"
	"github.com/pion/webrtc/v4"
	"google.golang.org/protobuf/proto"
)

// onDataChannel receives the client's publisher data channels. In
// single-PC mode they also carry data to the client (there is no server
// channel).
func (p *participant) onDataChannel(dc *webrtc.DataChannel) {
	if p.single {
		switch dc.Label() {
		case "_reliable":
			p.setReliable(dc)
		case "_lossy":
			p.mu.Lock()
			p.lossy = dc
			p.mu.Unlock()
		}
	}
	dc.OnMessage(func(msg webrtc.DataChannelMessage) { p.onData(msg.Data) })
	if dc.Label() == "_reliable" {
		// Both SDKs close it with their peer connection: a client that
		// also lost its signal connection is gone, not resuming.
		dc.OnClose(p.mediaGone)
	}
}

// onData forwards a client's DataPacket to the others, stamped with the
// sender, honouring destination identities and can_publish_data.
func (p *participant) onData(b []byte) {
	p.mu.Lock()
	allowed := p.perm.CanPublishData
	p.mu.Unlock()
	if !allowed || len(b) > 64<<10 {
		return
	}
	var pkt livekit.DataPacket
	if proto.Unmarshal(b, &pkt) != nil {
		return
	}
	pkt.ParticipantIdentity, pkt.ParticipantSid = p.identity, p.sid //nolint:staticcheck // both fields are still read by clients
	var dest []string
	if u := pkt.GetUser(); u != nil {
		u.ParticipantIdentity, u.ParticipantSid = p.identity, p.sid //nolint:staticcheck
		dest = append(u.DestinationIdentities, pkt.DestinationIdentities...)
	} else {
		dest = pkt.DestinationIdentities
	}
	out, err := proto.Marshal(&pkt)
	if err != nil {
		return
	}
	for _, o := range p.room.others(p) {
		if len(dest) > 0 && !contains(dest, o.identity) {
			continue
		}
		o.sendData(out, pkt.Kind == livekit.DataPacket_LOSSY)
	}
}

// maxPendingData bounds the reliable packets kept for a client whose
// channel is not open yet (a chat message or an "ask to unmute" sent
// while it is still connecting); more than that and the oldest go.
const maxPendingData = 64

// sendData writes a data packet to p over its downstream channels. A
// reliable packet waits (bounded) for a channel that is still opening.
func (p *participant) sendData(b []byte, lossy bool) {
	p.mu.Lock()
	dc := p.reliable
	if lossy {
		dc = p.lossy
	}
	if !lossy && (dc == nil || dc.ReadyState() == webrtc.DataChannelStateConnecting) {
		if len(p.pendingData) == maxPendingData {
			p.pendingData = p.pendingData[1:]
		}
		p.pendingData = append(p.pendingData, b)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	if dc == nil || dc.ReadyState() != webrtc.DataChannelStateOpen {
		return
	}
	_ = dc.Send(b)
}

// setReliable makes dc p's reliable downstream channel and sends what
// waited for it once it opens.
func (p *participant) setReliable(dc *webrtc.DataChannel) {
	p.mu.Lock()
	p.reliable = dc
	p.mu.Unlock()
	flush := func() {
		p.mu.Lock()
		pending := p.pendingData
		p.pendingData = nil
		p.mu.Unlock()
		for _, b := range pending {
			_ = dc.Send(b)
		}
	}
	dc.OnOpen(flush)
	if dc.ReadyState() == webrtc.DataChannelStateOpen {
		flush()
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
