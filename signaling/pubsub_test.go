package signaling_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
)

// TestPublishAndSubscribe: Alice publishes audio and video with the Go
// SDK; Bob and Carol, joined before and after, receive RTP on both.
func TestPublishAndSubscribe(t *testing.T) {
	ts := newServer(t)
	bobRec := newRecorder()
	connect(t, ts, "bob", grants{}, bobRec)
	alice := connect(t, ts, "alice", grants{}, nil)
	audio, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	video, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000})
	if err != nil {
		t.Fatal(err)
	}
	apub, err := alice.LocalParticipant.PublishTrack(audio, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE})
	if err != nil {
		t.Fatalf("publish audio: %v", err)
	}
	vpub, err := alice.LocalParticipant.PublishTrack(video, &lksdk.TrackPublicationOptions{Name: "cam", Source: livekit.TrackSource_CAMERA, VideoWidth: 640, VideoHeight: 360})
	if err != nil {
		t.Fatalf("publish video: %v", err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go pump(stop, audio, video)
	carolRec := newRecorder()
	connect(t, ts, "carol", grants{}, carolRec)
	for _, r := range []*recorder{bobRec, carolRec} {
		waitFor(t, 20*time.Second, func() string {
			a, v := r.count(apub.SID()), r.count(vpub.SID())
			if a < 20 || v < 10 {
				return fmt.Sprintf("received audio %d, video %d packets; want ≥20 and ≥10", a, v)
			}
			return ""
		})
		r.mu.Lock()
		if r.kinds[apub.SID()] != "audio" || r.kinds[vpub.SID()] != "video" || r.payloads[vpub.SID()] == 0 {
			t.Errorf("subscribed kinds %v payload types %v", r.kinds, r.payloads)
		}
		r.mu.Unlock()
	}
}
