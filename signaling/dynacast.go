package signaling

import (
	"strings"
	"time"

	"github.com/livekit/protocol/livekit"

	"github.com/zadankai/zadankai/sfu"
)

// dynacastHold is how long a layer nobody needs keeps being sent before
// the publisher is told to stop it: a subscriber that resizes or
// reconnects must not make a phone's encoder flap.
const dynacastHold = 2 * time.Second

// demand returns which layers of t (published by p) some subscriber
// forwards or may climb to: every layer up to the highest one wanted.
func (p *participant) demand(t *pubTrack) [3]bool {
	var want [3]bool
	for _, o := range p.room.others(p) {
		o.mu.Lock()
		s := o.subs[t.info.Sid]
		o.mu.Unlock()
		if s == nil || s.down.Disabled() {
			continue
		}
		for q := sfu.Low; q <= s.down.TargetQuality() && q <= sfu.High; q++ {
			want[q] = true
		}
	}
	return want
}

// dynacast tells p which layers of its video track t are needed, so a
// phone stops encoding what nobody watches. More layers are asked for at
// once; fewer only after dynacastHold.
func (p *participant) dynacast(t *pubTrack) {
	if t.info.Type != livekit.TrackType_VIDEO {
		return
	}
	want := p.demand(t)
	p.mu.Lock()
	same, grows := want == t.sentLayers, false
	for q := range want {
		grows = grows || (want[q] && !t.sentLayers[q])
	}
	switch {
	case p.closed || same || grows:
		stopDropLocked(t)
	case t.dropTimer == nil:
		t.dropTimer = time.AfterFunc(dynacastHold, func() {
			p.mu.Lock()
			t.dropTimer = nil
			p.mu.Unlock()
			p.sendLayers(t, p.demand(t))
		})
	}
	closed := p.closed
	p.mu.Unlock()
	if closed || !grows {
		return
	}
	// No keyframe request here: a layer that restarts begins with one,
	// and a subscriber asks for its own once its transport can carry it
	// (asked earlier, a browser would ignore that one; see sfu.DownTrack.Start).
	p.sendLayers(t, want)
}

// stopDropLocked cancels t's pending layer drop. Called with the
// publisher's mu held.
func stopDropLocked(t *pubTrack) {
	if t.dropTimer != nil {
		t.dropTimer.Stop()
		t.dropTimer = nil
	}
}

// sendLayers sends a subscribed_quality_update for t, unless it says
// what was last said.
func (p *participant) sendLayers(t *pubTrack, want [3]bool) {
	p.mu.Lock()
	if p.closed || want == t.sentLayers {
		p.mu.Unlock()
		return
	}
	t.sentLayers = want
	p.mu.Unlock()
	qs := make([]*livekit.SubscribedQuality, 0, 3)
	for q, on := range want {
		qs = append(qs, &livekit.SubscribedQuality{Quality: livekit.VideoQuality(q), Enabled: on})
	}
	// The codec is named as clients match it: lower case, no "video/".
	codec := strings.ToLower(strings.TrimPrefix(t.info.MimeType, "video/"))
	p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_SubscribedQualityUpdate{SubscribedQualityUpdate: &livekit.SubscribedQualityUpdate{
		TrackSid: t.info.Sid, SubscribedQualities: qs, SubscribedCodecs: []*livekit.SubscribedCodec{{Codec: codec, Qualities: qs}}}}})
}

// stopDynacast cancels a pending layer drop of an unpublished track.
func (p *participant) stopDynacast(t *pubTrack) {
	p.mu.Lock()
	defer p.mu.Unlock()
	stopDropLocked(t)
}
