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

// bundleOnly rewrites an offer as Firefox sends it with max-bundle: every
// m-section after the first has port 0 and a=bundle-only (RFC 8843 §6),
// in re-offers too.
func bundleOnly(t *testing.T, offer string) string {
	t.Helper()
	s, err := (&webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}).Unmarshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range s.MediaDescriptions[1:] {
		m.MediaName.Port.Value = 0
		m.WithPropertyAttribute("bundle-only")
	}
	b, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// foxClient is a raw single-PC client that offers the way Firefox does.
type foxClient struct {
	c      *rawClient
	pc     *webrtc.PeerConnection
	sendMu sync.Mutex // the test goroutine and pion's candidate callback both send
	id     uint32
}

func (f *foxClient) send(req *livekit.SignalRequest) {
	f.sendMu.Lock()
	defer f.sendMu.Unlock()
	f.c.send(req)
}

// offer sends a bundle-only offer and waits until the answer is applied.
func (f *foxClient) offer(t *testing.T) {
	t.Helper()
	o, err := f.pc.CreateOffer(nil)
	if err == nil {
		err = f.pc.SetLocalDescription(o)
	}
	if err != nil {
		t.Fatal(err)
	}
	f.id++
	f.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Offer{Offer: &livekit.SessionDescription{
		Type: "offer", Sdp: bundleOnly(t, o.SDP), Id: f.id}}})
	waitFor(t, 10*time.Second, func() string {
		if st := f.pc.SignalingState(); st != webrtc.SignalingStateStable {
			return fmt.Sprintf("offer %d not answered: %s", f.id, st)
		}
		return ""
	})
}

// joinFox joins as a single-PC client that offers the way Firefox does,
// announces a microphone and a camera and sends their first offer; the
// tracks are what it sends on, sids their sids by cid.
func joinFox(t *testing.T, ts *testServer) (f *foxClient, mic, cam *webrtc.TrackLocalStaticRTP, sids map[string]string) {
	t.Helper()
	jr := &livekit.JoinRequest{ClientInfo: &livekit.ClientInfo{Sdk: livekit.ClientInfo_JS, Browser: "firefox"}}
	f = &foxClient{c: dialRaw(t, ts, "/rtc/v1?join_request="+joinRequestParam(t, jr, false), "fox")}
	if f.c.next(5*time.Second).GetJoin() == nil {
		t.Fatal("no JoinResponse")
	}
	sids = map[string]string{}
	for cid, kind := range map[string]livekit.TrackType{"mic": livekit.TrackType_AUDIO, "cam": livekit.TrackType_VIDEO} {
		f.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_AddTrack{AddTrack: &livekit.AddTrackRequest{
			Cid: cid, Name: cid, Type: kind, Source: map[string]livekit.TrackSource{"mic": livekit.TrackSource_MICROPHONE, "cam": livekit.TrackSource_CAMERA}[cid]}}})
		sids[cid] = f.c.until(2*time.Second, func(r *livekit.SignalResponse) bool { return r.GetTrackPublished().GetCid() == cid }, nil).
			GetTrackPublished().Track.Sid
	}
	var err error
	if f.pc, err = webrtc.NewPeerConnection(webrtc.Configuration{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.pc.Close() })
	// Firefox's msid track ids are its own, not the cids it announced.
	mic, _ = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "{mic-uuid}", "{stream}")
	cam, _ = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "{cam-uuid}", "{stream}")
	for _, tr := range []webrtc.TrackLocal{mic, cam} {
		if _, err := f.pc.AddTrack(tr); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.pc.CreateDataChannel("_reliable", nil); err != nil {
		t.Fatal(err)
	}
	f.pc.OnICECandidate(func(cand *webrtc.ICECandidate) {
		if cand != nil {
			b, _ := json.Marshal(cand.ToJSON())
			f.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Trickle{Trickle: &livekit.TrickleRequest{CandidateInit: string(b)}}})
		}
	})
	go f.c.serve(f.pc, func(*livekit.SignalResponse) {})
	f.offer(t)
	return f, mic, cam, sids
}

// TestBundleOnlySectionsStayPublished: Firefox puts every m-section after
// the first at port 0 with a=bundle-only. Such a section still sends, so a
// re-offer must not unpublish its track (it did: port 0 was read as a
// rejected section, and subscribers lost the camera at the first
// renegotiation).
func TestBundleOnlySectionsStayPublished(t *testing.T) {
	ts := newServer(t)
	rec := newRecorder()
	bob := connect(t, ts, "bob", grants{}, rec)
	f, mic, cam, sids := joinFox(t, ts)
	everyTick(t, 20*time.Millisecond, func(i int) {
		_ = mic.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(i), Timestamp: uint32(i) * 960}, Payload: []byte{0xfc, 0xff, 0xfe}})
		_ = cam.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(i), Timestamp: uint32(i) * 1800, Marker: true},
			Payload: vp8Frame(i%25 == 0, 200)})
	})
	waitMedia(t, "bob", rec, sids["mic"], sids["cam"])

	// Any renegotiation (a new receive section, a data channel) offers the
	// same sections again; the camera and microphone go on.
	f.offer(t)
	for _, sid := range []string{sids["mic"], sids["cam"]} {
		before := rec.count(sid)
		waitFor(t, 10*time.Second, func() string {
			if n := rec.count(sid); n < before+25 {
				return fmt.Sprintf("bob's packets on %s stopped after the re-offer: %d → %d", sid, before, n)
			}
			return ""
		})
	}
	for _, rp := range bob.GetRemoteParticipants() {
		if rp.Identity() == "fox" && len(rp.TrackPublications()) != 2 {
			t.Errorf("bob sees %d of fox's tracks after the re-offer, want 2", len(rp.TrackPublications()))
		}
	}
}
