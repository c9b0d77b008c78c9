package signaling_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/remotemedia"
)

// The two media-plane implementations pass the same test: in-process, and
// the twirp client talking to this server's RoomService.
func TestMediaPlaneEmbedded(t *testing.T) {
	ts := newServer(t)
	testMediaPlane(t, ts, ts.sig)
}

func TestMediaPlaneRemoteTwirp(t *testing.T) {
	ts := newServer(t)
	testMediaPlane(t, ts, remotemedia.New(ts.url, apiKey, apiSecret))
}

// testMediaPlane exercises every moderation action of mp against Go SDK
// participants.
func testMediaPlane(t *testing.T, ts *testServer, mp rooms.MediaPlane) {
	ctx := context.Background()
	var removedReason atomic.Value
	alice, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "alice", grants{}), &lksdk.RoomCallback{
		OnDisconnectedWithReason: func(r lksdk.DisconnectionReason) { removedReason.Store(string(r)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Disconnect()
	bobRec := newRecorder()
	var bobGone atomic.Bool
	cb := bobRec.callback()
	cb.OnDisconnected = func() { bobGone.Store(true) }
	bob, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "bob", grants{}), cb)
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Disconnect()
	mic, _ := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	pub, err := alice.LocalParticipant.PublishTrack(mic, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go pump(stop, mic)
	waitFor(t, 10*time.Second, func() string {
		ps, err := mp.ListParticipants(ctx, "test-room")
		if err != nil || len(ps) != 2 {
			return fmt.Sprintf("ListParticipants = %v, %v", ps, err)
		}
		for _, p := range ps {
			if p.Identity == "alice" && len(p.Tracks) == 1 && p.Tracks[0].Source == "microphone" && p.Permission.CanPublish {
				return ""
			}
		}
		return fmt.Sprintf("alice's microphone not listed: %+v", ps)
	})

	// Bob must know the track unmuted first: the SDK reports a mute only
	// as a change of a publication it has (on a busy machine his first
	// update could otherwise already carry it muted).
	waitFor(t, 10*time.Second, func() string {
		if rp := bob.GetParticipantByIdentity("alice"); rp == nil || rp.GetTrackPublication(livekit.TrackSource_MICROPHONE) == nil {
			return "bob does not know alice's microphone"
		}
		return ""
	})
	if err := mp.MuteTrack(ctx, "test-room", "alice", pub.SID()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() string {
		bobRec.mu.Lock()
		defer bobRec.mu.Unlock()
		if !bobRec.muted[pub.SID()] || !pub.IsMuted() {
			return fmt.Sprintf("after a moderator mute: bob sees muted=%v, alice's own track muted=%v", bobRec.muted[pub.SID()], pub.IsMuted())
		}
		return ""
	})

	if err := mp.SetAttributes(ctx, "test-room", "alice", map[string]string{"hand": "1700000000"}); err != nil {
		t.Fatal(err)
	}
	if err := mp.SetRoomMetadata(ctx, "test-room", `{"spotlight":"alice"}`); err != nil {
		t.Fatal(err)
	}
	if err := mp.SendData(ctx, "test-room", "zadankai.ask-unmute", []byte(`{"source":"microphone"}`), []string{"bob"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() string {
		rp := bob.GetParticipantByIdentity("alice")
		if rp == nil || rp.Attributes()["hand"] != "1700000000" {
			return "bob does not see alice's raised hand"
		}
		if bob.Metadata() != `{"spotlight":"alice"}` {
			return fmt.Sprintf("bob's room metadata %q", bob.Metadata())
		}
		bobRec.mu.Lock()
		defer bobRec.mu.Unlock()
		if len(bobRec.dataBody) == 0 || bobRec.dataBody[0] != `{"source":"microphone"}` {
			return fmt.Sprintf("bob's data: %v", bobRec.dataBody)
		}
		return ""
	})

	// Revoking publishing unpublishes at once; granting it back lets alice
	// publish again without rejoining.
	if err := mp.SetPermissions(ctx, "test-room", "alice", rooms.MediaPermission{CanSubscribe: true, CanPublishData: true}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() string {
		if rp := bob.GetParticipantByIdentity("alice"); rp == nil || len(rp.TrackPublications()) != 0 {
			return "alice's track is still published after publishing was revoked"
		}
		return ""
	})
	cam, _ := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if _, err := alice.LocalParticipant.PublishTrack(cam, &lksdk.TrackPublicationOptions{Name: "again"}); err == nil {
		t.Errorf("alice published while publishing was revoked")
	}
	if err := mp.SetPermissions(ctx, "test-room", "alice", rooms.MediaPermission{CanPublish: true, CanSubscribe: true, CanPublishData: true}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	mic2, _ := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if _, err := alice.LocalParticipant.PublishTrack(mic2, &lksdk.TrackPublicationOptions{Name: "promoted", Source: livekit.TrackSource_MICROPHONE}); err != nil {
		t.Errorf("publishing after the grant came back: %v", err)
	}

	if err := mp.RemoveParticipant(ctx, "test-room", "alice"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() string {
		if bob.GetParticipantByIdentity("alice") != nil {
			return "bob still sees alice after her removal"
		}
		if removedReason.Load() == nil {
			return "alice was not disconnected"
		}
		return ""
	})
	for _, err := range []error{
		mp.MuteTrack(ctx, "test-room", "alice", pub.SID()),
		mp.RemoveParticipant(ctx, "no-such-room", "bob"),
		mp.SetAttributes(ctx, "test-room", "nobody", nil),
	} {
		if !errors.Is(err, rooms.ErrNotFound) {
			t.Errorf("action on someone not in the room: %v, want ErrNotFound", err)
		}
	}
	if err := mp.DeleteRoom(ctx, "test-room"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() string {
		if !bobGone.Load() {
			return "bob was not disconnected by DeleteRoom"
		}
		return ""
	})
	if _, err := mp.ListParticipants(ctx, "test-room"); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("deleted room still listed: %v", err)
	}
}
