package signaling

import (
	"encoding/json"

	"github.com/livekit/protocol/livekit"

	"github.com/zadankai/zadankai/sfu"
)

// Ranks of a subscribed video when its subscriber's bandwidth is short:
// the spotlight (a moderator's choice, in the room metadata) above a
// screen share above whoever is speaking above everyone else.
const (
	rankSpeaker     = 1
	rankScreenShare = 2
	rankSpotlight   = 4
)

// spotlight is the identity the room metadata puts in the spotlight, "" if
// none (or the metadata is not ours).
func (r *room) spotlight() string {
	r.mu.Lock()
	md := r.metadata
	r.mu.Unlock()
	var m struct {
		Spotlight string `json:"spotlight"`
	}
	if md == "" || json.Unmarshal([]byte(md), &m) != nil {
		return ""
	}
	return m.Spotlight
}

// rankTracks sets every subscription's rank from the spotlight and the
// active speakers (by participant sid).
func (r *room) rankTracks(speaking map[string]bool) {
	spot := r.spotlight()
	for _, p := range r.others(nil) {
		p.mu.Lock()
		for _, s := range p.subs {
			rank := 0
			if speaking[s.publisher.sid] {
				rank += rankSpeaker
			}
			if s.track.info.Source == livekit.TrackSource_SCREEN_SHARE {
				rank += rankScreenShare
			}
			if spot != "" && s.publisher.identity == spot {
				rank += rankSpotlight
			}
			s.down.SetPriority(rank)
		}
		p.mu.Unlock()
	}
}

// onStreamPaused tells p that a video it subscribes to was paused for
// lack of bandwidth, or resumed (clients show it as such, not as frozen).
func (p *participant) onStreamPaused(d *sfu.DownTrack, paused bool) {
	sid := d.UpTrack().ID
	p.mu.Lock()
	s := p.subs[sid]
	p.mu.Unlock()
	if s == nil {
		return
	}
	state := livekit.StreamState_ACTIVE
	if paused {
		state = livekit.StreamState_PAUSED
	}
	st := p.link.EstimatorStats()
	p.log.Debug("bandwidth", "track", sid, "paused", paused, "estimate", st.Estimate, "received", st.Received,
		"loss", st.Loss, "trend", st.Trend, "threshold", st.Threshold, "cause", st.LastCause.String(), "decreases", st.Decreases)
	p.conn().send(&livekit.SignalResponse{Message: &livekit.SignalResponse_StreamStateUpdate{StreamStateUpdate: &livekit.StreamStateUpdate{
		StreamStates: []*livekit.StreamStateInfo{{ParticipantSid: s.publisher.sid, TrackSid: sid, State: state}}}}})
}
