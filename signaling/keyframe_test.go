package signaling_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// browserCam is a three-layer camera that answers keyframe requests as
// Chrome's encoder does: a request makes a keyframe on every layer at
// once, but requests within browserKeyframeGap of the last one it
// answered are ignored. Each frame carries its number and the number of
// the keyframe it follows, so a subscriber can tell which keyframe began
// its video and whether it missed frames.
type browserCam struct {
	layers []*lksdk.LocalTrack
	kick   chan struct{} // a request was answered: send the keyframe now

	mu       sync.Mutex
	answered time.Time // when the last request was answered

	frames atomic.Uint32 // frames sent (per layer)
	keys   atomic.Uint32 // keyframes made
}

// browserKeyframeGap is how long Chrome ignores keyframe requests after
// one it answered (its EncoderRtcpFeedback's minimum interval).
const browserKeyframeGap = 300 * time.Millisecond

// publishBrowserCam publishes a browserCam from room, a frame every 40
// ms (and a keyframe as soon as a request is answered) until the test
// ends.
func publishBrowserCam(t *testing.T, room *lksdk.Room) *browserCam {
	t.Helper()
	c := &browserCam{kick: make(chan struct{}, 1)}
	for i, q := range []livekit.VideoQuality{livekit.VideoQuality_LOW, livekit.VideoQuality_MEDIUM, livekit.VideoQuality_HIGH} {
		l, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
			lksdk.WithSimulcast("cam", &livekit.VideoLayer{Quality: q, Width: uint32(320 << i), Height: uint32(180 << i)}),
			lksdk.WithRTCPHandler(c.onRTCP))
		if err != nil {
			t.Fatal(err)
		}
		c.layers = append(c.layers, l)
	}
	if _, err := room.LocalParticipant.PublishSimulcastTrack(c.layers, &lksdk.TrackPublicationOptions{Name: "cam", Source: livekit.TrackSource_CAMERA}); err != nil {
		t.Fatalf("publish simulcast: %v", err)
	}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go c.run(stop)
	return c
}

func (c *browserCam) onRTCP(p rtcp.Packet) {
	switch p.(type) {
	case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
	default:
		return
	}
	c.mu.Lock()
	answer := time.Since(c.answered) >= browserKeyframeGap
	if answer {
		c.answered = time.Now()
	}
	c.mu.Unlock()
	if answer {
		select {
		case c.kick <- struct{}{}:
		default:
		}
	}
}

// run sends the frames: a keyframe first and whenever a request was
// answered, deltas every 40 ms otherwise.
func (c *browserCam) run(stop <-chan struct{}) {
	tick := time.NewTicker(40 * time.Millisecond)
	defer tick.Stop()
	key := true
	for {
		c.send(key)
		select {
		case <-stop:
			return
		case <-tick.C:
			key = false
		case <-c.kick:
			key = true
		}
	}
}

func (c *browserCam) send(key bool) {
	if key {
		c.keys.Add(1)
	}
	n := c.frames.Add(1)
	for q, l := range c.layers {
		b := vp8Frame(key, 200)
		// the trailer: keyframe number, frame number, layer
		binary.BigEndian.PutUint32(b[len(b)-9:], c.keys.Load())
		binary.BigEndian.PutUint32(b[len(b)-5:], n)
		b[len(b)-1] = byte(q)
		_ = l.WriteSample(media.Sample{Data: b, Duration: 40 * time.Millisecond}, nil)
	}
}

// camSeen is what a subscriber received of a browserCam's video.
type camSeen struct {
	firstKey atomic.Uint32 // the keyframe number of the first packet; 0: none yet
	packets  atomic.Int64
	byLayer  [3]atomic.Int64 // packets per layer
	mu       sync.Mutex
	frames   map[uint32]bool // frame numbers received
}

func (s *camSeen) read(tr *webrtc.TrackRemote) {
	for {
		p, _, err := tr.ReadRTP()
		if err != nil {
			return
		}
		b := p.Payload
		if len(b) < 10 {
			continue // padding
		}
		s.firstKey.CompareAndSwap(0, binary.BigEndian.Uint32(b[len(b)-9:]))
		s.mu.Lock()
		s.frames[binary.BigEndian.Uint32(b[len(b)-5:])] = true
		s.mu.Unlock()
		s.packets.Add(1)
		if l := b[len(b)-1]; l < 3 {
			s.byLayer[l].Add(1)
		}
	}
}

// missing counts the frames from..to (inclusive) the subscriber did not
// receive.
func (s *camSeen) missing(from, to uint32) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for f := from; f <= to; f++ {
		if !s.frames[f] {
			n++
		}
	}
	return n
}

// joinWatching connects identity to ts, recording the first video it is
// sent in seen and its publication in pub.
func joinWatching(t *testing.T, ts *testServer, identity string, single bool, seen *camSeen, pub *atomic.Pointer[lksdk.RemoteTrackPublication]) {
	t.Helper()
	opts := []lksdk.ConnectOption{lksdk.WithAutoSubscribe(true)}
	if single {
		opts = append(opts, lksdk.WithSinglePeerConnection())
	}
	room, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, identity, grants{}), &lksdk.RoomCallback{
		ParticipantCallback: lksdk.ParticipantCallback{
			OnTrackSubscribed: func(tr *webrtc.TrackRemote, p *lksdk.RemoteTrackPublication, _ *lksdk.RemoteParticipant) {
				if tr.Kind() == webrtc.RTPCodecTypeVideo {
					pub.Store(p)
					go seen.read(tr)
				}
			},
		},
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(room.Disconnect)
}

// TestFirstKeyframeReachesANewSubscriber: a subscriber's video begins
// with the first keyframe the camera makes after it joins. Asked for
// before its connection could carry it (at negotiation, or when a
// layer is switched back on for it), that keyframe went nowhere and the
// browser ignored the request that followed when the connection came up,
// so the video began a keyframe later (300 ms in Chrome, 143 → 257 ms
// remote track → first frame against LiveKit).
func TestFirstKeyframeReachesANewSubscriber(t *testing.T) {
	for _, tc := range []struct {
		name   string
		single bool
	}{{"single peer connection (browsers)", true}, {"two peer connections", false}} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newServer(t)
			alice := connect(t, ts, "alice", grants{}, nil)
			cam := publishBrowserCam(t, alice)
			publisherUp(t, ts, 1)
			// Alone past the dynacast hold: the publisher is told to stop
			// the layers, which come back when bob subscribes.
			waitFor(t, 15*time.Second, func() string {
				if n := cam.frames.Load(); n < 75 {
					return fmt.Sprintf("the camera sent %d frames, want 75 (3 s)", n)
				}
				return ""
			})
			before := cam.keys.Load()
			var seen camSeen
			seen.frames = map[uint32]bool{}
			var pub atomic.Pointer[lksdk.RemoteTrackPublication]
			joinWatching(t, ts, "bob", tc.single, &seen, &pub)
			waitFor(t, 10*time.Second, func() string {
				if seen.firstKey.Load() == 0 {
					return "no video reached bob"
				}
				return ""
			})
			if k := seen.firstKey.Load(); k != before+1 {
				t.Fatalf("bob's video began at the camera's keyframe %d after he joined, want the first: the ones before went out before his connection could carry them",
					k-before)
			}
		})
	}
}

// TestHiddenThenShownKeepsTheVideo: livekit-client with adaptive stream
// reports a new video hidden and, once its element is on screen a few
// milliseconds later, visible. The video must go on without a break (a
// break waits for a keyframe the browser may not make for 300 ms).
func TestHiddenThenShownKeepsTheVideo(t *testing.T) {
	ts := newServer(t)
	alice := connect(t, ts, "alice", grants{}, nil)
	cam := publishBrowserCam(t, alice)
	publisherUp(t, ts, 1)
	var seen camSeen
	seen.frames = map[uint32]bool{}
	var pub atomic.Pointer[lksdk.RemoteTrackPublication]
	joinWatching(t, ts, "bob", true, &seen, &pub)
	waitFor(t, 10*time.Second, func() string {
		if seen.packets.Load() < 3 {
			return "no video reached bob"
		}
		return ""
	})
	first := cam.frames.Load()
	pub.Load().SetEnabled(false)
	pub.Load().SetEnabled(true)
	waitFor(t, 10*time.Second, func() string {
		if n := cam.frames.Load(); n < first+25 {
			return fmt.Sprintf("the camera sent %d frames since, want 25", n-first)
		}
		return ""
	})
	last := cam.frames.Load() - 5 // the newest may still be on the way
	waitFor(t, 5*time.Second, func() string {
		if m := seen.missing(first, last); m > 0 {
			return fmt.Sprintf("bob missed %d of the %d frames around hiding and showing the video at once", m, last-first+1)
		}
		return ""
	})
}

// adaptiveViewer joins as livekit-client does with adaptive stream on:
// one peer connection offered in the join request (three receive
// sections), from a raw signal client, recording the browserCam video it
// receives in seen.
func adaptiveViewer(t *testing.T, ts *testServer, seen *camSeen) *rawClient {
	t.Helper()
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			go seen.read(tr)
		}
	})
	for range 3 {
		if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pc.CreateDataChannel("_reliable", nil); err != nil {
		t.Fatal(err)
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	setLocalAndGather(t, pc, offer)
	jr := &livekit.JoinRequest{ConnectionSettings: &livekit.ConnectionSettings{AutoSubscribe: true, AdaptiveStream: true},
		ClientInfo:     &livekit.ClientInfo{Sdk: livekit.ClientInfo_JS, Protocol: 17},
		PublisherOffer: &livekit.SessionDescription{Type: "offer", Sdp: pc.LocalDescription().SDP, Id: 1}}
	c := dialRaw(t, ts, "/rtc/v1?join_request="+joinRequestParam(t, jr, false), "viewer")
	if first := c.next(5 * time.Second); first.GetJoin() == nil {
		t.Fatalf("first message %v, want join", first)
	}
	go c.serve(pc, func(*livekit.SignalResponse) {})
	return c
}

// TestAdaptiveStreamStartsLow: a browser with adaptive stream says at
// what size it shows a video only once it shows it. Until then the
// video starts, and stays, on the low layer, whose keyframe is the
// smallest (as LiveKit's), instead of climbing at once to the top layer
// whose keyframe came with it; the size it then gives picks the layer.
func TestAdaptiveStreamStartsLow(t *testing.T) {
	ts := newServer(t)
	alice := connect(t, ts, "alice", grants{}, nil)
	cam := publishBrowserCam(t, alice)
	publisherUp(t, ts, 1)
	ps, _ := ts.sig.ListParticipants(context.Background(), "test-room")
	camSID := ps[0].Tracks[0].SID
	var seen camSeen
	seen.frames = map[uint32]bool{}
	c := adaptiveViewer(t, ts, &seen)
	waitFor(t, 10*time.Second, func() string {
		if n := seen.packets.Load(); n < 25 {
			return fmt.Sprintf("the viewer received %d video packets, want 25 (a second)", n)
		}
		return ""
	})
	if up := seen.byLayer[1].Load() + seen.byLayer[2].Load(); up > 0 {
		t.Fatalf("the viewer got %d packets above the low layer before saying at what size it shows the video (keyframes made: %d)", up, cam.keys.Load())
	}
	c.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_TrackSetting{TrackSetting: &livekit.UpdateTrackSettings{
		TrackSids: []string{camSID}, Width: 1280, Height: 720}}})
	waitFor(t, 10*time.Second, func() string {
		if n := seen.byLayer[2].Load(); n < 10 {
			return fmt.Sprintf("shown at 1280×720, the viewer got %d packets of the top layer, want 10", n)
		}
		return ""
	})
}
