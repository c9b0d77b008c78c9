package signaling_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"github.com/zadankai/zadankai/sfu"
)

// keyedCam is a three-layer camera whose layers make a keyframe only at
// their first frame and when asked: the low and medium layers when the
// SFU asks (PLI), the high layer only when the test says so (an encoder
// that ignores requests, or whose keyframe is slow to come).
type keyedCam struct {
	layers  []*lksdk.LocalTrack
	asked   [3]atomic.Bool // a keyframe is due at the layer's next frame
	highKey atomic.Bool    // the test's request for a high keyframe
	frames  atomic.Int64   // frames sent per layer
}

// publishKeyedCam publishes a keyedCam from room, fed every 40 ms until
// the test ends.
func publishKeyedCam(t *testing.T, room *lksdk.Room) *keyedCam {
	t.Helper()
	c := &keyedCam{}
	for i, q := range []livekit.VideoQuality{livekit.VideoQuality_LOW, livekit.VideoQuality_MEDIUM, livekit.VideoQuality_HIGH} {
		opts := []lksdk.LocalTrackOptions{lksdk.WithSimulcast("cam", &livekit.VideoLayer{Quality: q, Width: uint32(320 << i), Height: uint32(180 << i)})}
		if i < 2 {
			opts = append(opts, lksdk.WithRTCPHandler(func(p rtcp.Packet) {
				if _, ok := p.(*rtcp.PictureLossIndication); ok {
					c.asked[i].Store(true)
				}
			}))
		}
		l, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		c.layers = append(c.layers, l)
	}
	if _, err := room.LocalParticipant.PublishSimulcastTrack(c.layers, &lksdk.TrackPublicationOptions{Name: "cam", Source: livekit.TrackSource_CAMERA}); err != nil {
		t.Fatalf("publish simulcast: %v", err)
	}
	everyTick(t, 40*time.Millisecond, func(i int) {
		for q, l := range c.layers {
			key := c.asked[q].Swap(false) || i == 0 || q == topLayer && c.highKey.Swap(false)
			_ = l.WriteSample(media.Sample{Data: camFrame(q, key), Duration: 40 * time.Millisecond}, nil)
		}
		c.frames.Add(1)
	})
	return c
}

// topLayer is the top layer's index in keyedCam.
const topLayer = int(sfu.High)

// firstSeen is what a subscriber saw on a video track.
type firstSeen struct {
	first   atomic.Pointer[rtp.Packet] // the first packet
	byLayer [3]atomic.Int64
	gaps    atomic.Int64 // breaks in the outgoing sequence
}

func (f *firstSeen) read(tr *webrtc.TrackRemote) {
	var last uint16
	for {
		p, _, err := tr.ReadRTP()
		if err != nil {
			return
		}
		if f.first.Load() == nil {
			f.first.Store(p)
		} else if p.SequenceNumber != last+1 {
			f.gaps.Add(1)
		}
		last = p.SequenceNumber
		if n := len(p.Payload); n > 0 && p.Payload[n-1] >= 0x20 && p.Payload[n-1] <= 0x60 {
			f.byLayer[p.Payload[n-1]/0x20-1].Add(1)
		}
	}
}

// TestFirstVideoWithoutTheTopKeyframe: a new subscriber's video begins
// with a keyframe of a lower layer, asked for when its connection comes
// up, instead of waiting for the top layer's next keyframe; it climbs to
// the top layer at that keyframe, with no break in the stream.
func TestFirstVideoWithoutTheTopKeyframe(t *testing.T) {
	ts := newServer(t)
	alice := connect(t, ts, "alice", grants{}, nil)
	cam := publishKeyedCam(t, alice)
	publisherUp(t, ts, 1)
	// The layers' first keyframes are long gone when bob joins.
	waitFor(t, 15*time.Second, func() string {
		if n := cam.frames.Load(); n < 25 {
			return fmt.Sprintf("the publisher sent %d frames, want 25", n)
		}
		return ""
	})
	var seen firstSeen
	bob, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "bob", grants{}), &lksdk.RoomCallback{
		ParticipantCallback: lksdk.ParticipantCallback{
			OnTrackSubscribed: func(tr *webrtc.TrackRemote, _ *lksdk.RemoteTrackPublication, _ *lksdk.RemoteParticipant) {
				go seen.read(tr)
			},
		},
	}, lksdk.WithAutoSubscribe(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bob.Disconnect)
	waitFor(t, 10*time.Second, func() string {
		if seen.first.Load() == nil {
			return "no video reached bob without a keyframe of the top layer"
		}
		return ""
	})
	p := seen.first.Load()
	if !sfu.IsKeyframe(webrtc.MimeTypeVP8, p.Payload) {
		t.Fatal("bob's video began with a frame his decoder cannot decode (not a keyframe)")
	}
	if seen.byLayer[topLayer].Load() > 0 {
		t.Fatal("bob got the top layer although it sent no keyframe")
	}
	cam.highKey.Store(true)
	waitFor(t, 10*time.Second, func() string {
		if seen.byLayer[topLayer].Load() < 10 {
			return fmt.Sprintf("bob's video did not climb to the top layer at its keyframe (by layer %d, %d, %d)",
				seen.byLayer[0].Load(), seen.byLayer[1].Load(), seen.byLayer[topLayer].Load())
		}
		return ""
	})
	if g := seen.gaps.Load(); g > 0 {
		t.Errorf("%d breaks in bob's video sequence across the climb", g)
	}
}
