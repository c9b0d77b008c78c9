package signaling

import (
	"strings"
	"time"

	"github.com/livekit/protocol/livekit"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"google.golang.org/protobuf/proto"

	"github.com/zadankai/zadankai/sfu"
)

// onAddTrack answers at once with the track's sid (clients wait for it
// before or while offering); the track is announced to others when its
// media arrives.
func (p *participant) onAddTrack(req *livekit.AddTrackRequest) {
	p.mu.Lock()
	allowed := canPublishSource(p.perm, req.Source)
	count := len(p.tracks) + len(p.pending)
	p.mu.Unlock()
	if count >= p.room.s.limits.MaxTracks {
		p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_RequestResponse{RequestResponse: &livekit.RequestResponse{
			Reason: livekit.RequestResponse_LIMIT_EXCEEDED, Message: "too many tracks published"}}})
		return
	}
	if !allowed {
		p.log.Info("publish refused by the token's grants", "source", req.Source.String())
		p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_RequestResponse{RequestResponse: &livekit.RequestResponse{
			Reason: livekit.RequestResponse_NOT_ALLOWED, Message: "the token does not allow publishing this source"}}})
		return
	}
	letter := "A"
	if req.Type == livekit.TrackType_VIDEO {
		letter = "V"
	}
	info := &livekit.TrackInfo{Sid: newSID("TR_" + letter), Type: req.Type, Name: req.Name, Source: req.Source, Muted: req.Muted,
		Width: req.Width, Height: req.Height, Layers: req.Layers, Simulcast: len(req.Layers) > 1, DisableRed: req.DisableRed,
		Stream: req.Stream, Encryption: req.Encryption, AudioFeatures: req.AudioFeatures, MimeType: mimeFor(req)}
	info.Codecs = []*livekit.SimulcastCodecInfo{{MimeType: info.MimeType, Cid: req.Cid, Layers: req.Layers}}
	p.mu.Lock()
	p.pending = append(p.pending, &pubTrack{info: info, cid: req.Cid, sentLayers: [3]bool{true, true, true}})
	p.mu.Unlock()
	p.log.Debug("track announced", "cid", req.Cid, "sid", info.Sid, "type", req.Type.String())
	p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_TrackPublished{TrackPublished: &livekit.TrackPublishedResponse{
		Cid: req.Cid, Track: proto.Clone(info).(*livekit.TrackInfo)}}})
}

// mimeFor picks the MIME type of a new track ("video/VP8" style, which
// JS splits on "/").
func mimeFor(req *livekit.AddTrackRequest) string {
	if req.Type == livekit.TrackType_AUDIO {
		return "audio/opus"
	}
	for _, c := range req.SimulcastCodecs {
		switch strings.ToLower(strings.TrimPrefix(c.Codec, "video/")) {
		case "h264":
			return "video/H264"
		case "vp8":
			return "video/VP8"
		}
	}
	return "video/VP8"
}

// onTrack binds incoming media to the AddTrack it belongs to: by msid
// track id (the client's cid), else the first pending track of its kind.
// Further simulcast layers of a bound track join its UpTrack.
func (p *participant) onTrack(remote *webrtc.TrackRemote, receiver *webrtc.RTPReceiver) {
	p.log.Debug("media arrived", "track_id", remote.ID(), "rid", remote.RID(), "kind", remote.Kind().String(), "codec", remote.Codec().MimeType)
	p.mu.Lock()
	for _, t := range p.tracks {
		if t.cid == remote.ID() && t.up != nil {
			p.mu.Unlock()
			t.up.AddLayer(remote)
			return
		}
	}
	idx := -1
	for i, t := range p.pending {
		if t.cid == remote.ID() {
			idx = i
			break
		}
	}
	if idx < 0 {
		for i, t := range p.pending {
			if (t.info.Type == livekit.TrackType_VIDEO) == (remote.Kind() == webrtc.RTPCodecTypeVideo) {
				idx = i
				break
			}
		}
	}
	if idx < 0 {
		p.mu.Unlock()
		p.log.Warn("media without a matching AddTrack", "track_id", remote.ID())
		return
	}
	t := p.pending[idx]
	p.pending = append(p.pending[:idx], p.pending[idx+1:]...)
	t.cid = remote.ID()
	t.info.MimeType = remote.Codec().MimeType
	var observe func(sfu.Quality, *rtp.Packet)
	if remote.Kind() == webrtc.RTPCodecTypeAudio && t.info.Source != livekit.TrackSource_SCREEN_SHARE_AUDIO {
		observe = audioLevelObserver(receiver, &p.meter)
	}
	t.up = sfu.NewUpTrack(t.info.Sid, remote, p.pub, observe, p.log)
	t.tr = transceiverOf(p.pub, receiver)
	p.tracks[t.info.Sid] = t
	p.changedLocked()
	info := proto.Clone(t.info).(*livekit.TrackInfo) // a moderator's mute writes t.info under mu
	p.mu.Unlock()
	t.up.AddLayer(remote)
	p.room.broadcastInfo(p, true)
	p.room.s.hooks.notify(EventTrackPublished, p.room.info(), p.info(), info)
	for _, o := range p.room.others(p) {
		if o.autoSubscribe {
			o.subscribe(p, t, true)
		}
	}
	p.dynacast(t) // nobody to watch yet: the layers stop after the hold
}

// subscribe starts forwarding t (published by from) to p. In single-PC
// mode it waits for the client's first offer (which subscribes to all
// that is published) and then asks for a re-offer instead of offering.
func (p *participant) subscribe(from *participant, t *pubTrack, negotiate bool) {
	if p.single {
		p.negMu.Lock()
		p.mu.Lock()
		ready := p.offered
		p.mu.Unlock()
		if ready {
			p.addSubscription(from, t)
		}
		p.negMu.Unlock()
	} else {
		p.addSubscription(from, t)
	}
	if negotiate {
		p.negotiate()
	}
}

// addSubscription adds t's DownTrack to p's peer connection: a new
// send-only section (dual PC) or a free receive section the client offered
// (single PC; pion reuses one of the right kind, else adds a section that
// the next offer will match). In single-PC mode negMu is held.
func (p *participant) addSubscription(from *participant, t *pubTrack) {
	p.mu.Lock()
	if p.closed || !p.perm.CanSubscribe || p.subs[t.info.Sid] != nil {
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	if p.single && !p.decodes(t.up.Codec.MimeType) {
		p.log.Info("not subscribed: the client's offer lacks the track's codec", "track", t.info.Sid, "codec", t.up.Codec.MimeType)
		return
	}
	down, err := sfu.NewDownTrack(t.up, t.info.Sid, from.sid+"|"+t.info.Sid, p.link, p.log)
	if err != nil {
		p.log.Warn("subscribe", "err", err)
		return
	}
	if p.adaptiveStream {
		// Its size on screen comes once it shows the video: until then
		// the low layer, whose keyframe is the smallest, rather than a
		// climb to the top one it may not need.
		down.SetTargetQuality(sfu.Low)
	}
	var sender *webrtc.RTPSender
	if p.single {
		sender, err = p.sub.AddTrack(down.Local())
	} else {
		var tr *webrtc.RTPTransceiver
		if tr, err = p.sub.AddTransceiverFromTrack(down.Local(), webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}); err == nil {
			sender = tr.Sender()
		}
	}
	if err != nil {
		down.Close()
		p.log.Warn("subscribe: add track", "err", err)
		return
	}
	p.mu.Lock()
	p.subs[t.info.Sid] = &subscription{publisher: from, track: t, down: down, sender: sender}
	p.dirty = true
	p.mu.Unlock()
	go down.ReadRTCP(sender)
	t.up.Subscribe(down)
	// After the subscription is in p.subs: either startDownTracks sees it
	// or this sees the connection up.
	if p.mediaUp.Load() {
		down.Start()
	}
	from.dynacast(t)
}

// unsubscribe stops forwarding the track with sid to p.
func (p *participant) unsubscribe(sid string, negotiate bool) {
	p.mu.Lock()
	s := p.subs[sid]
	delete(p.subs, sid)
	p.mu.Unlock()
	if s == nil {
		return
	}
	s.track.up.Unsubscribe(s.down)
	s.down.Close()
	s.publisher.dynacast(s.track)
	if p.single {
		p.negMu.Lock()
		_ = p.sub.RemoveTrack(s.sender)
		p.mu.Lock()
		p.dirty = true
		p.mu.Unlock()
		p.negMu.Unlock()
	} else {
		_ = p.sub.RemoveTrack(s.sender)
	}
	if negotiate {
		p.negotiate()
	}
}

// onSubscription handles manual (un)subscription by track sids, in both
// forms clients send.
func (p *participant) onSubscription(m *livekit.UpdateSubscription) {
	sids := append([]string{}, m.TrackSids...)
	for _, pt := range m.ParticipantTracks {
		sids = append(sids, pt.TrackSids...)
	}
	for _, sid := range sids {
		if !m.Subscribe {
			p.unsubscribe(sid, false)
			continue
		}
		for _, o := range p.room.others(p) {
			if t := o.publishedTrack(sid); t != nil && t.up != nil {
				p.subscribe(o, t, false)
			}
		}
	}
	p.negotiate()
}

// onTrackSetting applies a subscriber's wishes for tracks it receives:
// disabled pauses forwarding; width/height (or quality) pick the layer.
func (p *participant) onTrackSetting(m *livekit.UpdateTrackSettings) {
	for _, sid := range m.TrackSids {
		p.mu.Lock()
		s := p.subs[sid]
		p.mu.Unlock()
		if s == nil {
			continue
		}
		p.log.Debug("track settings", "track", sid, "disabled", m.Disabled, "quality", m.Quality.String(), "width", m.Width, "height", m.Height)
		p.setHidden(s, m.Disabled || m.Quality == livekit.VideoQuality_OFF)
		q := sfu.Quality(m.Quality)
		if m.Width > 0 || m.Height > 0 {
			q = layerForSize(s.track.info.Layers, m.Width, m.Height)
		}
		if q > sfu.High {
			q = sfu.High
		}
		s.down.SetTargetQuality(q)
		s.publisher.dynacast(s.track)
	}
}

// hideAfter is how long a subscriber's "hidden" waits before forwarding
// stops; "visible" applies at once (LiveKit waits alike). livekit-client
// with adaptive stream reports a new video hidden and, tens of
// milliseconds later, once its element is on screen, visible: stopping
// in between cuts the first keyframe short, and the browser that
// publishes ignores the keyframe request that follows for 300 ms.
const hideAfter = 100 * time.Millisecond

// setHidden stops forwarding s after hideAfter (unless shown again
// meanwhile), or resumes it at once.
func (p *participant) setHidden(s *subscription, hide bool) {
	p.mu.Lock()
	if s.hideTimer != nil {
		s.hideTimer.Stop()
		s.hideTimer = nil
	}
	if hide && !s.down.Disabled() {
		var t *time.Timer
		t = time.AfterFunc(hideAfter, func() {
			p.mu.Lock()
			current := s.hideTimer == t // not shown (or hidden anew) since
			if current {
				s.hideTimer = nil
			}
			p.mu.Unlock()
			if current {
				s.down.SetDisabled(true)
				s.publisher.dynacast(s.track)
			}
		})
		s.hideTimer = t
	}
	p.mu.Unlock()
	if !hide {
		s.down.SetDisabled(false)
	}
}

// layerForSize picks the smallest layer whose short side covers the
// requested one, as LiveKit does.
func layerForSize(layers []*livekit.VideoLayer, w, h uint32) sfu.Quality {
	want := min(w, h)
	if w == 0 || h == 0 {
		want = max(w, h)
	}
	best := sfu.High
	for _, l := range layers {
		short := min(l.Width, l.Height)
		if short >= want && sfu.Quality(l.Quality) < best {
			best = sfu.Quality(l.Quality)
		}
	}
	return best
}

// unpublishAll stops p's tracks, drops everyone's subscriptions to them
// and returns their sids.
func (p *participant) unpublishAll() []string {
	p.mu.Lock()
	tracks := p.tracks
	p.tracks = map[string]*pubTrack{}
	p.pending = nil
	p.changedLocked()
	p.mu.Unlock()
	var sids []string
	for sid, t := range tracks {
		sids = append(sids, sid)
		p.dropTrack(t)
	}
	return sids
}

// dropTrack ends a track p no longer publishes: its subscribers lose it,
// its fan-out stops, the webhook hears of it.
func (p *participant) dropTrack(t *pubTrack) {
	for _, o := range p.room.others(p) {
		o.unsubscribe(t.info.Sid, true)
	}
	if t.up != nil {
		t.up.Close()
	}
	p.stopDynacast(t)
	p.room.s.hooks.notify(EventTrackUnpublished, p.room.info(), p.info(), proto.Clone(t.info).(*livekit.TrackInfo))
}

// unsubscribeAll drops p's own subscriptions.
func (p *participant) unsubscribeAll() {
	p.mu.Lock()
	subs := p.subs
	p.subs = map[string]*subscription{}
	p.mu.Unlock()
	for _, s := range subs {
		s.track.up.Unsubscribe(s.down)
		s.down.Close()
		_ = p.sub.RemoveTrack(s.sender)
		s.publisher.dynacast(s.track)
	}
	p.mu.Lock()
	p.dirty = p.dirty || len(subs) > 0
	p.mu.Unlock()
}

// transceiverOf finds the transceiver of receiver on pc.
func transceiverOf(pc *webrtc.PeerConnection, receiver *webrtc.RTPReceiver) *webrtc.RTPTransceiver {
	for _, tr := range pc.GetTransceivers() {
		if tr.Receiver() == receiver {
			return tr
		}
	}
	return nil
}

// checkUnpublished unpublishes the tracks whose m-section the client's
// latest offer no longer sends on: a client unpublishes by removing the
// sender and renegotiating, without a message of its own.
func (p *participant) checkUnpublished(offer string) {
	sd := webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer} // our copy: pion's own is not ours to parse
	parsed, err := sd.Unmarshal()
	if err != nil {
		return
	}
	sending := map[string]bool{}
	for _, m := range parsed.MediaDescriptions {
		mid, _ := m.Attribute("mid")
		_, sendonly := m.Attribute("sendonly")
		_, sendrecv := m.Attribute("sendrecv")
		// Port 0 rejects a section, except one marked bundle-only (RFC
		// 8843 §6): Firefox offers every section after the first so.
		_, bundleOnly := m.Attribute("bundle-only")
		sending[mid] = (m.MediaName.Port.Value != 0 || bundleOnly) && (sendonly || sendrecv)
	}
	p.mu.Lock()
	var gone []string
	for sid, t := range p.tracks {
		if t.tr != nil && t.tr.Mid() != "" && !sending[t.tr.Mid()] {
			gone = append(gone, sid)
		}
	}
	p.mu.Unlock()
	for _, sid := range gone {
		p.unpublish(sid)
	}
}

// unpublish drops one of p's tracks: subscribers lose it, everyone sees
// the update.
func (p *participant) unpublish(sid string) {
	p.mu.Lock()
	t := p.tracks[sid]
	delete(p.tracks, sid)
	if t != nil {
		p.changedLocked()
	}
	p.mu.Unlock()
	if t == nil {
		return
	}
	p.dropTrack(t)
	p.log.Debug("track unpublished by the client", "sid", sid)
	p.room.broadcastInfo(p, true)
}
