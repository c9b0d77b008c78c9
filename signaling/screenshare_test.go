package signaling_test

import (
	"testing"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
)

// TestScreenShareWithAudio: a screen share and its audio arrive at a
// subscriber (single-PC, as browsers join) with their sources intact,
// beside the camera and microphone.
func TestScreenShareWithAudio(t *testing.T) {
	ts := newServer(t)
	rec := newRecorder()
	viewer := connectSingle(t, ts, "viewer", rec)
	presenter := connect(t, ts, "presenter", grants{}, nil)
	mic, cam, _ := publishAV(t, presenter)
	screen, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000})
	if err != nil {
		t.Fatal(err)
	}
	sound, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	spub, err := presenter.LocalParticipant.PublishTrack(screen, &lksdk.TrackPublicationOptions{Name: "screen", Source: livekit.TrackSource_SCREEN_SHARE,
		VideoWidth: 1920, VideoHeight: 1080})
	if err != nil {
		t.Fatal(err)
	}
	apub, err := presenter.LocalParticipant.PublishTrack(sound, &lksdk.TrackPublicationOptions{Name: "screen-audio", Source: livekit.TrackSource_SCREEN_SHARE_AUDIO})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go pump(stop, sound, screen)
	waitMedia(t, "viewer", rec, mic, cam, spub.SID(), apub.SID())
	rp := viewer.GetParticipantByIdentity("presenter")
	if rp == nil {
		t.Fatal("viewer does not see the presenter")
	}
	for src, sid := range map[livekit.TrackSource]string{livekit.TrackSource_SCREEN_SHARE: spub.SID(), livekit.TrackSource_SCREEN_SHARE_AUDIO: apub.SID(),
		livekit.TrackSource_CAMERA: cam, livekit.TrackSource_MICROPHONE: mic} {
		pub := rp.GetTrackPublication(src)
		if pub == nil || pub.SID() != sid {
			t.Errorf("source %v: publication %v, want track %s", src, pub, sid)
		}
	}
	if pub := rp.GetTrackPublication(livekit.TrackSource_SCREEN_SHARE); pub != nil && (pub.TrackInfo().Width != 1920 || pub.Kind() != lksdk.TrackKindVideo) {
		t.Errorf("screen share info: %+v", pub.TrackInfo())
	}
}
