package signaling_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"github.com/zadankai/zadankai/sfu/bwe"
	"github.com/zadankai/zadankai/sfu/sfutest"
)

// Congestion control, end to end: Go SDK publishers send audio and three
// simulcast layers of known rates; the subscriber is a plain Pion client
// (single peer connection, TWCC feedback from Pion's interceptors) whose
// downlink is throttled by throttledNet. What it receives shows how the
// SFU shares that downlink.

// Layer rates of the synthetic camera at 25 frames a second, bits per
// second: low, medium, high. The frame bytes after the VP8 header carry
// the layer's mark, so the subscriber can tell which one it receives.
var camRates = [3]int{100_000, 300_000, 900_000}

func camFrame(layer int, key bool) []byte {
	b := vp8Frame(key, camRates[layer]/8/25)
	for i := 10; i < len(b); i++ {
		b[i] = byte(0x20 * (layer + 1))
	}
	return b
}

// publishCam publishes a microphone and a three-layer camera from room,
// fed until the test ends (a keyframe a second).
func publishCam(t *testing.T, room *lksdk.Room) {
	t.Helper()
	layers := publishSimulcastCam(t, room)
	mic := opusTrack(t)
	if _, err := room.LocalParticipant.PublishTrack(mic, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE}); err != nil {
		t.Fatal(err)
	}
	everyTick(t, 20*time.Millisecond, func(i int) {
		_ = mic.WriteSample(media.Sample{Data: make([]byte, 100), Duration: 20 * time.Millisecond}, nil)
		if i%2 == 0 {
			for q, l := range layers {
				_ = l.WriteSample(media.Sample{Data: camFrame(q, i%50 == 0), Duration: 40 * time.Millisecond}, nil)
			}
		}
	})
}

// linkView is what the throttled subscriber saw, by publisher identity.
type linkView struct {
	mu     sync.Mutex
	video  map[string]*[3]atomic.Int64 // packets by layer
	audio  map[string]*audioSeen
	paused map[string]bool // by track sid, from stream_state_update
	owner  map[string]string
}

type audioSeen struct {
	mu            sync.Mutex
	first, last   uint16
	got, expected int
	started       bool
}

// window returns and resets the audio packets received and expected.
func (a *audioSeen) window() (got, expected int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	got, expected = a.got, a.expected
	a.got, a.expected = 0, 0
	return got, expected
}

// kept checks that at least pct per cent of the audio arrives over the
// next 4 s.
func (a *audioSeen) kept(t *testing.T, pct int, link string) {
	t.Helper()
	a.window()
	time.Sleep(4 * time.Second)
	if got, want := a.window(); got < want*pct/100 {
		t.Errorf("%s: the audio lost %d of %d packets", link, want-got, want)
	} else {
		t.Logf("%s: audio %d of %d packets over 4 s", link, got, want)
	}
}

func (a *audioSeen) add(seq uint16) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.started {
		a.started, a.last, a.got, a.expected = true, seq, 1, 1
		return
	}
	if d := int16(seq - a.last); d > 0 {
		a.expected += int(d)
		a.last = seq
	}
	a.got++
}

// layers returns the packets of each layer of who's camera so far.
func (v *linkView) layers(who string) [3]int64 {
	v.mu.Lock()
	c := v.video[who]
	v.mu.Unlock()
	if c == nil {
		return [3]int64{}
	}
	return [3]int64{c[0].Load(), c[1].Load(), c[2].Load()}
}

func (v *linkView) audioOf(who string) *audioSeen {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.audio[who] == nil {
		v.audio[who] = &audioSeen{}
	}
	return v.audio[who]
}

// read counts what arrives on a track from the participant with sid.
func (v *linkView) read(tr *webrtc.TrackRemote, who string) {
	if tr.Kind() == webrtc.RTPCodecTypeAudio {
		a := v.audioOf(who)
		for {
			p, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			a.add(p.SequenceNumber)
		}
	}
	v.mu.Lock()
	if v.video[who] == nil {
		v.video[who] = &[3]atomic.Int64{}
	}
	c := v.video[who]
	v.mu.Unlock()
	for {
		p, _, err := tr.ReadRTP()
		if err != nil {
			return
		}
		if n := len(p.Payload); n > 0 && p.Payload[n-1] >= 0x20 && p.Payload[n-1] <= 0x60 {
			c[p.Payload[n-1]/0x20-1].Add(1)
		}
	}
}

// joinThrottled joins as a single-PC Pion client whose downlink is n.
func joinThrottled(t *testing.T, ts *testServer, identity string, n *throttledNet, audio, video int) *linkView {
	t.Helper()
	v := &linkView{video: map[string]*[3]atomic.Int64{}, audio: map[string]*audioSeen{}, paused: map[string]bool{}, owner: map[string]string{}}
	se := webrtc.SettingEngine{}
	se.SetNet(n)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIPFilter(func(ip net.IP) bool { return ip.String() == sfutest.NamespaceIP })
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil { // TWCC feedback, NACK, reports
		t.Fatal(err)
	}
	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(se), webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	for i := range audio + video {
		kind := webrtc.RTPCodecTypeAudio
		if i >= audio {
			kind = webrtc.RTPCodecTypeVideo
		}
		if _, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = pc.CreateDataChannel("_reliable", nil)
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		who, _, _ := strings.Cut(tr.StreamID(), "|")
		v.mu.Lock()
		name := v.owner[who]
		v.mu.Unlock()
		go v.read(tr, name)
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	setLocalAndGather(t, pc, offer)
	jr := seed(&livekit.JoinRequest{ConnectionSettings: &livekit.ConnectionSettings{AutoSubscribe: true},
		ClientInfo:     &livekit.ClientInfo{Sdk: livekit.ClientInfo_JS, Protocol: 17},
		PublisherOffer: &livekit.SessionDescription{Type: "offer", Sdp: pc.LocalDescription().SDP, Id: 1}})
	q := url.QueryEscape(base64.URLEncoding.EncodeToString(seed(&livekit.WrappedJoinRequest{JoinRequest: jr})))
	c := dialRaw(t, ts, "/rtc/v1?join_request="+q, identity)
	join := c.next(5 * time.Second).GetJoin()
	if join == nil {
		t.Fatal("no JoinResponse")
	}
	v.learn(join.OtherParticipants)
	go c.serve(pc, v.signal)
	return v
}

// learn maps participant sids to identities.
func (v *linkView) learn(ps []*livekit.ParticipantInfo) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, p := range ps {
		v.owner[p.Sid] = p.Identity
	}
}

// signal takes what the subscriber's signal connection says beyond
// negotiation: who is who, and which streams are paused.
func (v *linkView) signal(res *livekit.SignalResponse) {
	switch {
	case res.GetUpdate() != nil:
		v.learn(res.GetUpdate().Participants)
	case res.GetStreamStateUpdate() != nil:
		v.mu.Lock()
		for _, s := range res.GetStreamStateUpdate().StreamStates {
			v.paused[s.TrackSid] = s.State == livekit.StreamState_PAUSED
		}
		v.mu.Unlock()
	}
}

// anyPaused reports whether the server said some video is paused.
func (v *linkView) anyPaused() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, p := range v.paused {
		if p {
			return true
		}
	}
	return false
}

// during returns the packets by layer of each one's video over d.
func (v *linkView) during(d time.Duration, who ...string) map[string][3]int64 {
	before := map[string][3]int64{}
	for _, w := range who {
		before[w] = v.layers(w)
	}
	time.Sleep(d)
	out := map[string][3]int64{}
	for _, w := range who {
		after, diff := v.layers(w), [3]int64{}
		for q := range diff {
			diff[q] = after[q] - before[w][q]
		}
		out[w] = diff
	}
	return out
}

// top is the layer that carried most packets, -1 if none did.
func top(c [3]int64) int {
	best := -1
	for q := range c {
		if c[q] > 0 && (best < 0 || c[q] > c[best]) {
			best = q
		}
	}
	return best
}

// mostly returns the layer that carried most of who's video packets
// during d, -1 if none arrived.
func (v *linkView) mostly(who string, d time.Duration) (int, [3]int64) {
	c := v.during(d, who)[who]
	return top(c), c
}

// waitLayer waits until who's video comes mostly on layer want.
func (v *linkView) waitLayer(t *testing.T, who string, want int, within time.Duration, why string) {
	t.Helper()
	v.waitLayers(t, map[string]int{who: want}, within, why)
}

func publisherUp(t *testing.T, ts *testServer, tracks int) {
	t.Helper()
	waitFor(t, 15*time.Second, func() string {
		ps, _ := ts.sig.ListParticipants(context.Background(), "test-room")
		n := 0
		for _, p := range ps {
			n += len(p.Tracks)
		}
		if n < tracks {
			return fmt.Sprintf("%d tracks live, want %d", n, tracks)
		}
		return ""
	})
}

// TestCongestionKeepsAudio throttles a subscriber's downlink: the video
// drops to the layer that fits (also with random loss on top), pauses (and says so) when none does,
// while the audio keeps arriving; widening the link brings the high
// layer back.
func TestCongestionKeepsAudio(t *testing.T) {
	ts := newServer(t)
	alice := connect(t, ts, "alice", grants{}, nil)
	publishCam(t, alice)
	publisherUp(t, ts, 2)
	n := newThrottledNet(0, 150*time.Millisecond)
	view := joinThrottled(t, ts, "bob", n, 1, 1)
	view.waitLayer(t, "alice", 2, 20*time.Second, "an unthrottled link")

	// 600 kbit/s with 1 % random loss fits audio and the medium layer
	// (about 390 kbit/s on the wire), not the high one.
	n.SetRate(600_000)
	n.SetLoss(0.01)
	view.waitLayer(t, "alice", 1, 25*time.Second, "600 kbit/s")
	mic := view.audioOf("alice")
	mic.kept(t, 95, "600 kbit/s with 1 % loss")
	if st := ts.sfu.CongestionStats(); sum(st.Decreases) == 0 || sum(st.Caps) == 0 {
		t.Errorf("lowered to the medium layer, but no decrease or cap counted (by cause): %+v", st)
	}

	// 100 kbit/s fits the audio alone: the video pauses.
	n.SetLoss(0)
	n.SetRate(100_000)
	narrowed := time.Now()
	waitFor(t, 20*time.Second, func() string {
		if !view.anyPaused() {
			return "no stream_state_update PAUSED at 100 kbit/s"
		}
		return ""
	})
	t.Logf("100 kbit/s: paused (and told) within %.1f s", time.Since(narrowed).Seconds())
	time.Sleep(500 * time.Millisecond) // what was already queued on the link
	if st := ts.sfu.CongestionStats(); st.Paused != 1 || st.Downlinks < 2 || sum(st.Pauses) == 0 {
		t.Errorf("congestion stats while bob's one video is paused: %+v", st)
	}
	if got, diff := view.mostly("alice", 2*time.Second); got >= 0 {
		t.Errorf("video still arriving while paused (packets by layer %v)", diff)
	}
	mic.kept(t, 90, "100 kbit/s with the video paused")

	// The link widens: video resumes and climbs back to the top.
	n.SetRate(0)
	view.waitLayer(t, "alice", 2, 45*time.Second, "the link widened again")
	waitFor(t, 5*time.Second, func() string { // the signal may trail the media a little
		if view.anyPaused() {
			return "the video flows again but the subscriber was not told it resumed"
		}
		return ""
	})
	if st := ts.sfu.CongestionStats(); st.Padding == 0 || st.Paused != 0 {
		t.Errorf("back at the top without probing, or still counted paused: %+v", st)
	}
}

// TestSpotlightGetsTheBandwidth gives a subscriber room for one medium
// layer beside another's low one: the moderator's spotlight (room
// metadata) decides whose video gets it, and moving the spotlight moves it.
func TestSpotlightGetsTheBandwidth(t *testing.T) {
	ts := newServer(t)
	alice := connect(t, ts, "alice", grants{}, nil)
	publishCam(t, alice)
	carol := connect(t, ts, "carol", grants{}, nil)
	publishCam(t, carol)
	publisherUp(t, ts, 4)
	if err := ts.sig.SetRoomMetadata(context.Background(), "test-room", `{"spotlight":"carol"}`); err != nil {
		t.Fatal(err)
	}
	// 750 kbit/s: two audios and two low layers (about 380 kbit/s on the
	// wire), and one climb to medium on top.
	n := newThrottledNet(750_000, 150*time.Millisecond)
	view := joinThrottled(t, ts, "bob", n, 2, 2)
	// (the first second overshoots: the SFU starts optimistic)
	view.waitLayers(t, map[string]int{"carol": 1, "alice": 0}, 30*time.Second, "carol in the spotlight")
	if err := ts.sig.SetRoomMetadata(context.Background(), "test-room", `{"spotlight":"alice"}`); err != nil {
		t.Fatal(err)
	}
	view.waitLayers(t, map[string]int{"alice": 1, "carol": 0}, 20*time.Second, "the spotlight moved to alice")
}

// waitLayers waits for a second in which every publisher's video comes
// mostly on the layer wanted for it.
func (v *linkView) waitLayers(t *testing.T, want map[string]int, within time.Duration, why string) {
	t.Helper()
	start := time.Now()
	who := slices.Collect(maps.Keys(want))
	var seen map[string][3]int64
	for time.Since(start) < within {
		seen = v.during(time.Second, who...)
		ok := true
		for w, q := range want {
			ok = ok && top(seen[w]) == q
		}
		if ok {
			t.Logf("%s: layers %v within %.1f s", why, want, time.Since(start).Seconds())
			return
		}
	}
	t.Fatalf("%s: packets by layer in the last second %v, want mostly %v", why, seen, want)
}

// sum adds counts kept by cause.
func sum(byCause [bwe.NumCauses]uint64) uint64 {
	var n uint64
	for _, v := range byCause {
		n += v
	}
	return n
}
