package signaling_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// rawPublisher publishes one VP8 camera over a raw signal connection and
// a pion peer, and keeps every subscribed_quality_update it receives.
type rawPublisher struct {
	mu      sync.Mutex
	updates []*livekit.SubscribedQualityUpdate
	sid     string
}

func (r *rawPublisher) last() []*livekit.SubscribedQuality {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.updates) == 0 {
		return nil
	}
	return r.updates[len(r.updates)-1].SubscribedCodecs[0].Qualities
}

func startRawPublisher(t *testing.T, ts *testServer, identity string) *rawPublisher {
	t.Helper()
	c := dialRaw(t, ts, "/rtc?protocol=17", identity)
	c.next(5 * time.Second)
	c.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_AddTrack{AddTrack: &livekit.AddTrackRequest{
		Cid: "cam-cid", Name: "cam", Type: livekit.TrackType_VIDEO, Source: livekit.TrackSource_CAMERA}}})
	pub := &rawPublisher{sid: c.until(2*time.Second, func(r *livekit.SignalResponse) bool { return r.GetTrackPublished() != nil }, nil).GetTrackPublished().Track.Sid}
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	track, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "cam-cid", "stream")
	if _, err := pc.AddTrack(track); err != nil {
		t.Fatal(err)
	}
	var sendMu sync.Mutex // the reader goroutine and pion's candidate callback both send
	send := func(req *livekit.SignalRequest) { sendMu.Lock(); defer sendMu.Unlock(); c.send(req) }
	pc.OnICECandidate(func(cand *webrtc.ICECandidate) {
		if cand != nil {
			b, _ := json.Marshal(cand.ToJSON())
			send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Trickle{Trickle: &livekit.TrickleRequest{CandidateInit: string(b)}}})
		}
	})
	offer, _ := pc.CreateOffer(nil)
	_ = pc.SetLocalDescription(offer)
	send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Offer{Offer: &livekit.SessionDescription{Type: "offer", Sdp: offer.SDP, Id: 1}}})
	go c.serve(pc, func(res *livekit.SignalResponse) {
		if res.GetSubscribedQualityUpdate() != nil {
			pub.mu.Lock()
			pub.updates = append(pub.updates, res.GetSubscribedQualityUpdate())
			pub.mu.Unlock()
		}
	})
	everyTick(t, 33*time.Millisecond, func(i int) {
		_ = track.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(i), Timestamp: uint32(i) * 3000, Marker: true},
			Payload: vp8Frame(i%30 == 0, 200)})
	})
	return pub
}

func layersOn(qs []*livekit.SubscribedQuality) string {
	out := ""
	for _, q := range qs {
		if q.Enabled {
			out += q.Quality.String()[:1]
		}
	}
	return out
}

// TestDynacast: a publisher alone is told (after the hold) that no layer
// is needed; a subscriber's arrival enables them at once; when the only
// subscriber hides the video they stop again, and come back when it shows
// it.
func TestDynacast(t *testing.T) {
	ts := newServer(t)
	pub := startRawPublisher(t, ts, "phone")
	waitFor(t, 10*time.Second, func() string {
		if qs := pub.last(); qs == nil || layersOn(qs) != "" || pub.updates[0].SubscribedCodecs[0].Codec != "vp8" {
			return fmt.Sprintf("alone, the publisher's last update enables %q (want none, codec vp8)", layersOn(qs))
		}
		return ""
	})
	rec := newRecorder()
	viewer := connect(t, ts, "viewer", grants{}, rec)
	waitFor(t, 5*time.Second, func() string {
		if on := layersOn(pub.last()); on != "LMH" {
			return fmt.Sprintf("with a viewer the layers on are %q, want LMH", on)
		}
		return ""
	})
	waitMedia(t, "viewer", rec, pub.sid)
	var remote interface{ SetEnabled(bool) }
	for _, rp := range viewer.GetRemoteParticipants() {
		for _, p := range rp.TrackPublications() {
			if p.SID() == pub.sid {
				remote = p.(interface{ SetEnabled(bool) })
			}
		}
	}
	if remote == nil {
		t.Fatal("viewer has no publication of the camera")
	}
	remote.SetEnabled(false)
	hidden := time.Now()
	waitFor(t, 10*time.Second, func() string {
		if on := layersOn(pub.last()); on != "" {
			return fmt.Sprintf("with the video hidden the layers on are %q, want none", on)
		}
		return ""
	})
	if held := time.Since(hidden); held < 1500*time.Millisecond {
		t.Errorf("layers dropped %v after the viewer hid the video; want the hold first", held)
	}
	remote.SetEnabled(true)
	waitFor(t, 5*time.Second, func() string {
		if on := layersOn(pub.last()); on != "LMH" {
			return fmt.Sprintf("shown again, the layers on are %q, want LMH", on)
		}
		return ""
	})
}
