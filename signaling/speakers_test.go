package signaling_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// TestActiveSpeakers: loud audio (by its audio-level header) makes alice
// an active speaker for bob; silence takes her off the list.
func TestActiveSpeakers(t *testing.T) {
	ts := newServer(t)
	var speakers atomic.Value
	speakers.Store([]string{})
	_, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "bob", grants{}), &lksdk.RoomCallback{
		OnActiveSpeakersChanged: func(ps []lksdk.Participant) {
			ids := []string{}
			for _, p := range ps {
				ids = append(ids, p.Identity())
			}
			speakers.Store(ids)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	alice := connect(t, ts, "alice", grants{}, nil)
	mic, _ := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if _, err := alice.LocalParticipant.PublishTrack(mic, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE}); err != nil {
		t.Fatal(err)
	}
	var level atomic.Uint32
	level.Store(10) // −10 dBov: talking
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				l := uint8(level.Load())
				_ = mic.WriteSample(media.Sample{Data: make([]byte, 40), Duration: 20 * time.Millisecond}, &lksdk.SampleWriteOptions{AudioLevel: &l})
			}
		}
	}()
	waitFor(t, 10*time.Second, func() string {
		if ids := speakers.Load().([]string); len(ids) != 1 || ids[0] != "alice" {
			return "bob's active speakers: want [alice]"
		}
		return ""
	})
	level.Store(127) // silence
	waitFor(t, 10*time.Second, func() string {
		if ids := speakers.Load().([]string); len(ids) != 0 {
			return "alice is still an active speaker after falling silent"
		}
		return ""
	})
}
