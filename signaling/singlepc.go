package signaling

import (
	"strings"
	"time"

	"github.com/livekit/protocol/livekit"
	"github.com/pion/webrtc/v4"
)

// startSingle begins a single-PC session from its join_request: the
// metadata the client brings, the tracks it announces and the offer it
// embedded (answered right after the JoinResponse: Chrome gathers no ICE
// candidates before it has the answer).
func (p *participant) startSingle(jr *livekit.JoinRequest) {
	p.applyJoinMetadata(jr)
	for _, req := range jr.AddTrackRequests {
		p.onAddTrack(req)
	}
	o := jr.PublisherOffer
	if o == nil || o.Sdp == "" {
		return
	}
	if jr.ClientInfo.GetSdk() != livekit.ClientInfo_GO {
		p.onOffer(o)
		return
	}
	// The Go SDK sets its local offer only after reading the JoinResponse,
	// on another goroutine than the one that reads our answer: an answer
	// that arrives first is refused. Its first ICE candidate shows that the
	// offer is set; a timer covers a client that trickles nothing.
	p.mu.Lock()
	p.heldOffer = o
	p.mu.Unlock()
	time.AfterFunc(goOfferDelay, p.releaseOffer)
}

// goOfferDelay bounds how long the Go SDK's embedded offer waits for the
// client's first candidate.
const goOfferDelay = 300 * time.Millisecond

// releaseOffer answers a held join offer, once.
func (p *participant) releaseOffer() {
	p.mu.Lock()
	o := p.heldOffer
	p.heldOffer = nil
	closed := p.closed
	p.mu.Unlock()
	if o != nil && !closed {
		p.onOffer(o)
	}
}

// firstOfferLocked subscribes p to what is already published once its
// first offer has opened receive sections. Called with negMu held.
func (p *participant) firstOfferLocked() {
	p.mu.Lock()
	first := !p.offered
	p.offered = true
	auto := p.autoSubscribe
	p.mu.Unlock()
	if !first || !auto {
		return
	}
	for _, o := range p.room.others(p) {
		for _, t := range o.publishedTracks() {
			p.addSubscription(o, t)
		}
	}
}

// midToTrack maps each m-section that carries a subscribed track to the
// track's sid (livekit-client reads it in single-PC mode).
func (p *participant) midToTrack() map[string]string {
	out := map[string]string{}
	for _, tr := range p.pub.GetTransceivers() {
		s := tr.Sender()
		if tr.Mid() == "" || s == nil || s.Track() == nil {
			continue
		}
		if d := tr.Direction(); d == webrtc.RTPTransceiverDirectionSendonly || d == webrtc.RTPTransceiverDirectionSendrecv {
			out[tr.Mid()] = s.Track().ID()
		}
	}
	return out
}

// unmatched counts subscribed tracks still waiting for a receive section
// of their kind in the client's offers.
func (p *participant) unmatched() (audios, videos uint32) {
	for _, tr := range p.pub.GetTransceivers() {
		s := tr.Sender()
		if tr.Mid() != "" || s == nil || s.Track() == nil {
			continue
		}
		if tr.Kind() == webrtc.RTPCodecTypeAudio {
			audios++
		} else {
			videos++
		}
	}
	return audios, videos
}

// askOffer asks a single-PC client for a new offer with that many more
// receive sections (0/0: just renegotiate).
func (p *participant) askOffer(audios, videos uint32) {
	p.mu.Lock()
	p.asked = true
	p.mu.Unlock()
	p.log.Debug("asking for a new offer", "audios", audios, "videos", videos)
	p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_MediaSectionsRequirement{
		MediaSectionsRequirement: &livekit.MediaSectionsRequirement{NumAudios: audios, NumVideos: videos}}})
}

// decodes reports whether the client's latest offer receives mime (as
// "video/VP8"). The SFU does not transcode, and a sender whose codec the
// client lacks cannot start: pion then fails the whole answer, and the
// client loses every other track with it.
func (p *participant) decodes(mime string) bool {
	rd := p.pub.RemoteDescription()
	if rd == nil {
		return true
	}
	sd := webrtc.SessionDescription{Type: rd.Type, SDP: rd.SDP} // our copy: Unmarshal writes to it
	parsed, err := sd.Unmarshal()
	if err != nil {
		return true
	}
	kind, name, _ := strings.Cut(mime, "/")
	for _, m := range parsed.MediaDescriptions {
		if !strings.EqualFold(m.MediaName.Media, kind) {
			continue
		}
		for _, a := range m.Attributes {
			// a=rtpmap:96 VP8/90000
			if _, enc, ok := strings.Cut(a.Value, " "); a.Key == "rtpmap" && ok && strings.EqualFold(strings.SplitN(enc, "/", 2)[0], name) {
				return true
			}
		}
	}
	return false
}
