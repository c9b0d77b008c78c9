package signaling_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// TestH264IsForwarded: an H.264 camera reaches a subscriber as H.264
// (after a keyframe: an SPS, PPS and IDR slice in Annex B form).
func TestH264IsForwarded(t *testing.T) {
	ts := newServer(t)
	rec := newRecorder()
	connect(t, ts, "bob", grants{}, rec)
	alice := connect(t, ts, "alice", grants{}, nil)
	cam, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := alice.LocalParticipant.PublishTrack(cam, &lksdk.TrackPublicationOptions{Name: "cam", Source: livekit.TrackSource_CAMERA})
	if err != nil {
		t.Fatal(err)
	}
	key := []byte{0, 0, 0, 1, 0x67, 0x42, 0xe0, 0x1f, 0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80, 0, 0, 0, 1, 0x65, 0x88, 0x84, 0x21}
	delta := []byte{0, 0, 0, 1, 0x41, 0x9a, 0x21, 0x04}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(33 * time.Millisecond):
			}
			frame := delta
			if i%30 == 0 {
				frame = key
			}
			_ = cam.WriteSample(media.Sample{Data: frame, Duration: 33 * time.Millisecond}, nil)
		}
	}()
	waitFor(t, 15*time.Second, func() string {
		if n := rec.count(pub.SID()); n < 10 {
			return fmt.Sprintf("bob received %d H.264 packets", n)
		}
		return ""
	})
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if pt := rec.payloads[pub.SID()]; pt != 125 && pt != 123 {
		t.Errorf("payload type %d is not one of our H.264 types", pt)
	}
}

// TestVP8CameraToH264OnlySubscriber documents what a subscriber that can
// decode only H.264 (an old Safari, an H.264-only hardware client) gets
// from a VP8 camera, which is what the room page publishes. The SFU does
// not transcode and asks nobody for another codec, so the camera is
// listed but not one video packet arrives; audio does. (Before, the
// sender pion could not bind failed the whole single-PC answer: the
// subscriber got no answer, so no audio either, and livekit-client
// reconnects after a negotiation timeout.) If the SFU ever asks
// publishers for an H.264 copy, this test is the one to turn around.
func TestVP8CameraToH264OnlySubscriber(t *testing.T) {
	ts := newServer(t)
	rec := newRecorder()
	h264Only := []livekit.Codec{{Mime: webrtc.MimeTypeOpus}, {Mime: webrtc.MimeTypeH264, FmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"}}
	bob, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "bob", grants{}), rec.callback(), lksdk.WithAutoSubscribe(true),
		lksdk.WithSinglePeerConnection(), lksdk.WithCodecs(h264Only))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bob.Disconnect)
	alice := connectSingle(t, ts, "alice", nil)
	audio, video, _ := publishAV(t, alice)
	waitMedia(t, "bob (H.264 only)", rec, audio)
	waitFor(t, 10*time.Second, func() string {
		for _, rp := range bob.GetRemoteParticipants() {
			if rp.GetTrackPublication(livekit.TrackSource_CAMERA) != nil {
				return ""
			}
		}
		return "bob is not told of alice's camera"
	})
	// Audio keeps coming for another 50 packets (a second): time enough
	// for video that was going to arrive.
	from := rec.count(audio)
	waitFor(t, 10*time.Second, func() string {
		if n := rec.count(audio); n < from+50 {
			return fmt.Sprintf("audio stalled at %d", n)
		}
		return ""
	})
	if n := rec.count(video); n > 0 {
		t.Errorf("an H.264-only subscriber received %d packets of a VP8 camera; the docs (docs/browsers.md) say it gets none", n)
	}
}
