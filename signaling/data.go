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
		p.mu.Lock()
		switch dc.Label() {
		case "_reliable":
			p.reliable = dc
		case "_lossy":
			p.lossy = dc
		}
		p.mu.Unlock()
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

// sendData writes a data packet to p over the subscriber PC's channels.
func (p *participant) sendData(b []byte, lossy bool) {
	p.mu.Lock()
	dc := p.reliable
	if lossy {
		dc = p.lossy
	}
	p.mu.Unlock()
	if dc == nil || dc.ReadyState() != webrtc.DataChannelStateOpen {
		return
	}
	_ = dc.Send(b)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
