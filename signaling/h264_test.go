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
