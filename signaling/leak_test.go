package signaling_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
)

// TestNoGoroutinesLeftAfterRoomEmpties: three participants publish and
// subscribe, then leave; the goroutine count must come back to where it
// was (reader/writer loops, layer readers, RTCP readers, speaker loop all
// owned and stopped).
func TestNoGoroutinesLeftAfterRoomEmpties(t *testing.T) {
	ts := newServer(t)
	time.Sleep(200 * time.Millisecond)
	before := runtime.NumGoroutine()
	var rooms []*lksdk.Room
	for _, id := range []string{"a", "b", "c"} {
		r, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, id, grants{}), &lksdk.RoomCallback{})
		if err != nil {
			t.Fatal(err)
		}
		rooms = append(rooms, r)
	}
	stop := make(chan struct{})
	for _, r := range rooms {
		mic, _ := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
		cam, _ := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000})
		if _, err := r.LocalParticipant.PublishTrack(mic, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.LocalParticipant.PublishTrack(cam, &lksdk.TrackPublicationOptions{Name: "cam", Source: livekit.TrackSource_CAMERA}); err != nil {
			t.Fatal(err)
		}
		go pump(stop, mic, cam)
	}
	time.Sleep(2 * time.Second)
	close(stop)
	for _, r := range rooms {
		r.Disconnect()
	}
	waitFor(t, 15*time.Second, func() string {
		if n := runtime.NumGoroutine(); n > before {
			return fmt.Sprintf("%d goroutines after everyone left, %d before", n, before)
		}
		return ""
	})
}
