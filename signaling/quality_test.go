package signaling_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// TestConnectionQuality: subscribers see a publisher on a clean link as
// EXCELLENT and one whose packets go missing on the way in (a quarter
// of its sequence numbers never arrive) as POOR.
func TestConnectionQuality(t *testing.T) {
	ts := newServer(t)
	var mu sync.Mutex
	seen := map[string]livekit.ConnectionQuality{} // by identity, as bob sees them
	rec := newRecorder()
	cb := rec.callback()
	cb.OnConnectionQualityChanged = func(u *livekit.ConnectionQualityInfo, p lksdk.Participant) {
		mu.Lock()
		seen[p.Identity()] = u.Quality
		mu.Unlock()
	}
	bob, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "bob", grants{}), cb, lksdk.WithAutoSubscribe(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bob.Disconnect)

	clean := connect(t, ts, "clean", grants{}, nil)
	publishAV(t, clean)

	lossy := connect(t, ts, "lossy", grants{}, nil)
	track, err := lksdk.NewLocalTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lossy.LocalParticipant.PublishTrack(track, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE}); err != nil {
		t.Fatal(err)
	}
	everyTick(t, 20*time.Millisecond, func(i int) {
		seq := uint16(i)
		if seq%4 == 3 {
			return // never sent: 25 % loss on the way to the SFU
		}
		_ = track.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(seq) * 960},
			Payload: make([]byte, 40)}, nil)
	})
	waitFor(t, 20*time.Second, func() string {
		mu.Lock()
		defer mu.Unlock()
		if seen["clean"] != livekit.ConnectionQuality_EXCELLENT || seen["lossy"] != livekit.ConnectionQuality_POOR {
			return fmt.Sprintf("bob sees qualities %v; want clean EXCELLENT, lossy POOR", seen)
		}
		return ""
	})
}
