package signaling

import (
	"time"

	"github.com/livekit/protocol/livekit"
)

// handle routes one request to its handler; it reports whether the
// client is leaving. The switch only routes.
func (p *participant) handle(req *livekit.SignalRequest) (leave bool) {
	switch m := req.Message.(type) {
	case *livekit.SignalRequest_Offer:
		p.onOffer(m.Offer)
	case *livekit.SignalRequest_Answer:
		p.onAnswer(m.Answer)
	case *livekit.SignalRequest_Trickle:
		p.onTrickle(m.Trickle)
	case *livekit.SignalRequest_AddTrack:
		p.onAddTrack(m.AddTrack)
	case *livekit.SignalRequest_Mute:
		p.onMute(m.Mute)
	case *livekit.SignalRequest_Subscription:
		p.onSubscription(m.Subscription)
	case *livekit.SignalRequest_TrackSetting:
		p.onTrackSetting(m.TrackSetting)
	case *livekit.SignalRequest_Leave:
		return true
	case *livekit.SignalRequest_Ping:
		p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_Pong{Pong: time.Now().UnixMilli()}})
	case *livekit.SignalRequest_PingReq:
		p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_PongResp{PongResp: &livekit.Pong{
			LastPingTimestamp: m.PingReq.Timestamp, Timestamp: time.Now().UnixMilli()}}})
	case *livekit.SignalRequest_UpdateMetadata:
		p.onUpdateMetadata(m.UpdateMetadata)
	case nil:
		p.log.Debug("empty signal request")
	default:
		p.log.Debug("signal request not handled", "type", typeName(req))
	}
	return false
}

func typeName(req *livekit.SignalRequest) string {
	return string(req.ProtoReflect().WhichOneof(req.ProtoReflect().Descriptor().Oneofs().ByName("message")).Name())
}

// onMute records the publisher's own mute and tells everyone.
func (p *participant) onMute(m *livekit.MuteTrackRequest) {
	p.mu.Lock()
	t := p.tracks[m.Sid]
	if t == nil {
		for _, pt := range p.pending {
			if pt.info.Sid == m.Sid {
				t = pt
			}
		}
	}
	if t == nil || t.info.Muted == m.Muted {
		p.mu.Unlock()
		return
	}
	t.info.Muted = m.Muted
	p.changedLocked()
	p.mu.Unlock()
	p.room.broadcastInfo(p, true)
}
