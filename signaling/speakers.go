package signaling

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/livekit/protocol/livekit"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/zadankai/zadankai/sfu"
)

const (
	audioLevelURI   = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
	speakerInterval = 300 * time.Millisecond
	// speakingBelow is the RFC 6464 level (−dBov) under which a packet
	// counts as speech: 50 means louder than −50 dBov.
	speakingBelow = 50
	speakerHold   = 600 * time.Millisecond // how long one loud packet keeps someone "speaking"
)

// levelMeter remembers a publisher's loudest recent audio level, written
// by the audio reader goroutine and read by the room's speaker loop.
type levelMeter struct {
	level  atomic.Uint32 // 0 (loudest) … 127 (silence)
	loudAt atomic.Int64  // unix nanos of the last packet under speakingBelow
}

// audioLevelObserver returns an UpTrack observer that reads the
// audio-level header extension negotiated on receiver, or nil.
func audioLevelObserver(receiver *webrtc.RTPReceiver, m *levelMeter) func(sfu.Quality, *rtp.Packet) {
	var id uint8
	for _, ext := range receiver.GetParameters().HeaderExtensions {
		if ext.URI == audioLevelURI {
			id = uint8(ext.ID)
		}
	}
	if id == 0 {
		return nil
	}
	return func(_ sfu.Quality, p *rtp.Packet) {
		b := p.GetExtension(id)
		if len(b) == 0 {
			return
		}
		var ext rtp.AudioLevelExtension
		if ext.Unmarshal(b) != nil {
			return
		}
		m.level.Store(uint32(ext.Level))
		if ext.Level < speakingBelow {
			m.loudAt.Store(time.Now().UnixNano())
		}
	}
}

// speaking reports whether p spoke recently, and how loud (0..1).
func (p *participant) speaking(now time.Time) (float32, bool) {
	if now.Sub(time.Unix(0, p.meter.loudAt.Load())) > speakerHold {
		return 0, false
	}
	// −dBov to a 0..1 loudness, as clients expect in SpeakerInfo.level.
	return float32(math.Pow(10, -float64(p.meter.level.Load())/20)), true
}

// speakerLoop sends speakers_changed deltas to everyone in r until stop.
func (r *room) speakerLoop(stop <-chan struct{}) {
	t := time.NewTicker(speakerInterval)
	defer t.Stop()
	active := map[string]bool{}
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			var changes []*livekit.SpeakerInfo
			people := r.others(nil)
			seen := map[string]bool{}
			for _, p := range people {
				seen[p.sid] = true
				lvl, on := p.speaking(now)
				if on || active[p.sid] != on {
					changes = append(changes, &livekit.SpeakerInfo{Sid: p.sid, Level: lvl, Active: on})
				}
				active[p.sid] = on
			}
			for sid := range active {
				if !seen[sid] {
					delete(active, sid)
				}
			}
			r.rankTracks(active)
			if len(changes) == 0 {
				continue
			}
			msg := &livekit.SignalResponse{Message: &livekit.SignalResponse_SpeakersChanged{SpeakersChanged: &livekit.SpeakersChanged{Speakers: changes}}}
			for _, p := range people {
				p.conn().send(msg)
			}
		}
	}
}
