package signaling_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"

	"github.com/zadankai/zadankai/signaling"
)

func TestLimits(t *testing.T) {
	t.Run("participants per room", func(t *testing.T) {
		ts := newServerWith(t, func(p *signaling.Params) { p.Limits.MaxParticipants = 2 })
		connect(t, ts, "a", grants{}, nil)
		connect(t, ts, "b", grants{}, nil)
		if _, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "c", grants{}), &lksdk.RoomCallback{}); err == nil {
			t.Errorf("a third participant joined a room limited to two")
		}
		res, err := http.Get(strings.Replace(ts.url, "ws://", "http://", 1) + "/rtc/validate?access_token=" + token(t, "c", grants{}))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 503 {
			t.Errorf("validate for a full room = %d, want 503", res.StatusCode)
		}
	})
	t.Run("joins per second per address", func(t *testing.T) {
		ts := newServerWith(t, func(p *signaling.Params) { p.Limits.JoinsPerSecondIP = 0.01 }) // a burst of 1
		connect(t, ts, "a", grants{}, nil)
		if _, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "b", grants{}), &lksdk.RoomCallback{}); err == nil {
			t.Errorf("a second join from the same address in the same second was let in")
		}
	})
	t.Run("tracks per participant", func(t *testing.T) {
		ts := newServerWith(t, func(p *signaling.Params) { p.Limits.MaxTracks = 1 })
		a := connect(t, ts, "a", grants{}, nil)
		for i, name := range []string{"one", "two"} {
			tr, _ := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
			_, err := a.LocalParticipant.PublishTrack(tr, &lksdk.TrackPublicationOptions{Name: name, Source: livekit.TrackSource_MICROPHONE})
			if (err == nil) != (i == 0) {
				t.Errorf("track %d published: %v (limit 1)", i+1, err)
			}
		}
	})
}
