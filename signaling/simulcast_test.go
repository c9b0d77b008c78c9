package signaling_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
)

// TestSimulcastLayerSwitch publishes three layers whose frames differ in
// size (q: 300 B, h: 600 B, f: 900 B) and checks which one a subscriber
// receives, before and after it asks for LOW: the switch must happen and
// the stream's sequence numbers stay continuous across it.
func TestSimulcastLayerSwitch(t *testing.T) {
	ts := newServer(t)
	alice := connect(t, ts, "alice", grants{}, nil)
	var sizes [3]atomic.Int64 // packets received by payload size class
	var gaps atomic.Int64
	var pubSID atomic.Value
	bob, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "bob", grants{}), &lksdk.RoomCallback{
		ParticipantCallback: lksdk.ParticipantCallback{
			OnTrackSubscribed: func(track *webrtc.TrackRemote, pub *lksdk.RemoteTrackPublication, _ *lksdk.RemoteParticipant) {
				pubSID.Store(pub)
				go func() {
					var last uint16
					for i := 0; ; i++ {
						p, _, err := track.ReadRTP()
						if err != nil {
							return
						}
						if i > 0 && p.SequenceNumber != last+1 {
							gaps.Add(1)
						}
						last = p.SequenceNumber
						switch n := len(p.Payload); {
						case n < 450:
							sizes[0].Add(1)
						case n < 750:
							sizes[1].Add(1)
						default:
							sizes[2].Add(1)
						}
					}
				}()
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Disconnect()
	layers := publishSimulcastCam(t, alice)
	stop := make(chan struct{})
	defer close(stop)
	go pump(stop, nil, layers...)
	waitFor(t, 20*time.Second, func() string {
		if sizes[2].Load() < 20 {
			return fmt.Sprintf("high layer packets %d (low %d, medium %d); want the high layer by default", sizes[2].Load(), sizes[0].Load(), sizes[1].Load())
		}
		return ""
	})
	pub := pubSID.Load().(*lksdk.RemoteTrackPublication)
	if err := pub.SetVideoQuality(livekit.VideoQuality_LOW); err != nil {
		t.Fatal(err)
	}
	low := sizes[0].Load()
	waitFor(t, 20*time.Second, func() string {
		if sizes[0].Load()-low < 20 {
			return fmt.Sprintf("low layer packets after the switch: %d", sizes[0].Load()-low)
		}
		return ""
	})
	high := sizes[2].Load()
	time.Sleep(500 * time.Millisecond)
	if d := sizes[2].Load() - high; d > 2 {
		t.Errorf("still receiving %d high-layer packets after switching to LOW", d)
	}
	if g := gaps.Load(); g > 0 {
		t.Errorf("%d sequence-number gaps across the layer switch", g)
	}
}

// publishSimulcastCam publishes a VP8 camera in three layers (q, h, f at
// 320×180, 640×360, 1280×720) from room; the caller feeds the layers.
func publishSimulcastCam(t *testing.T, room *lksdk.Room) []*lksdk.LocalTrack {
	t.Helper()
	var layers []*lksdk.LocalTrack
	for i, q := range []livekit.VideoQuality{livekit.VideoQuality_LOW, livekit.VideoQuality_MEDIUM, livekit.VideoQuality_HIGH} {
		l, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
			lksdk.WithSimulcast("cam", &livekit.VideoLayer{Quality: q, Width: uint32(320 << i), Height: uint32(180 << i)}))
		if err != nil {
			t.Fatal(err)
		}
		layers = append(layers, l)
	}
	if _, err := room.LocalParticipant.PublishSimulcastTrack(layers, &lksdk.TrackPublicationOptions{Name: "cam", Source: livekit.TrackSource_CAMERA}); err != nil {
		t.Fatalf("publish simulcast: %v", err)
	}
	return layers
}
