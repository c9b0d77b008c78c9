package signaling_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
	"google.golang.org/protobuf/proto"
)

// joinRequestParam encodes jr as the SDKs put it in the query: a
// WrappedJoinRequest, gzipped or not, in padded base64url.
func joinRequestParam(t testing.TB, jr *livekit.JoinRequest, compress bool) string {
	t.Helper()
	b, err := proto.Marshal(jr)
	if err != nil {
		t.Fatal(err)
	}
	w := &livekit.WrappedJoinRequest{JoinRequest: b}
	if compress {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(b)
		_ = zw.Close()
		w = &livekit.WrappedJoinRequest{Compression: livekit.WrappedJoinRequest_GZIP, JoinRequest: buf.Bytes()}
	}
	wb, err := proto.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	return url.QueryEscape(base64.URLEncoding.EncodeToString(wb))
}

// connectSingle joins with the Go SDK in single peer connection mode
// (join_request on /rtc, as the SDK sends it).
func connectSingle(t *testing.T, ts *testServer, identity string, r *recorder) *lksdk.Room {
	t.Helper()
	if r == nil {
		r = newRecorder()
	}
	room, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, identity, grants{}), r.callback(),
		lksdk.WithAutoSubscribe(true), lksdk.WithSinglePeerConnection())
	if err != nil {
		t.Fatalf("%s: connect (single PC): %v", identity, err)
	}
	t.Cleanup(room.Disconnect)
	return room
}

// publishAV publishes a microphone and a camera track from room and
// returns their sids; the samples flow until the test ends.
func publishAV(t *testing.T, room *lksdk.Room) (audioSID, videoSID string, video *lksdk.LocalTrack) {
	t.Helper()
	audio, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	video, err = lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000})
	if err != nil {
		t.Fatal(err)
	}
	apub, err := room.LocalParticipant.PublishTrack(audio, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE})
	if err != nil {
		t.Fatalf("publish audio: %v", err)
	}
	vpub, err := room.LocalParticipant.PublishTrack(video, &lksdk.TrackPublicationOptions{Name: "cam", Source: livekit.TrackSource_CAMERA,
		VideoWidth: 640, VideoHeight: 360})
	if err != nil {
		t.Fatalf("publish video: %v", err)
	}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go pump(stop, audio, video)
	return apub.SID(), vpub.SID(), video
}

// waitMedia waits until r has received packets on every sid.
func waitMedia(t *testing.T, who string, r *recorder, sids ...string) {
	t.Helper()
	waitFor(t, 20*time.Second, func() string {
		for _, sid := range sids {
			if n := r.count(sid); n < 10 {
				return fmt.Sprintf("%s received %d packets on %s; want ≥10 on each of %v", who, n, sid, sids)
			}
		}
		return ""
	})
}

// TestSinglePeerConnection: Go SDK clients in single-PC mode publish and
// subscribe with dual-PC ones in one room, both ways; data flows over the
// client-created channels; a client's unpublish reaches the others.
func TestSinglePeerConnection(t *testing.T) {
	ts := newServer(t)
	bobRec, carolRec, daveRec := newRecorder(), newRecorder(), newRecorder()
	connectSingle(t, ts, "bob", bobRec) // joined before anything is published
	alice := connectSingle(t, ts, "alice", nil)
	a, v, _ := publishAV(t, alice)
	connectSingle(t, ts, "carol", carolRec) // joins after: tracks come in the answer to its first offer
	dave := connect(t, ts, "dave", grants{}, daveRec)
	waitMedia(t, "bob (single)", bobRec, a, v)
	waitMedia(t, "carol (single)", carolRec, a, v)
	waitMedia(t, "dave (dual)", daveRec, a, v)

	// A dual-PC publisher reaches single-PC subscribers too.
	da, dv, _ := publishAV(t, dave)
	waitMedia(t, "bob (single) from dave", bobRec, da, dv)

	// Data both ways over the client's own channels.
	if err := alice.LocalParticipant.PublishDataPacket(lksdk.UserData([]byte("hello from alice")), lksdk.WithDataPublishReliable(true),
		lksdk.WithDataPublishDestination([]string{"bob"})); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() string {
		bobRec.mu.Lock()
		defer bobRec.mu.Unlock()
		if len(bobRec.dataBody) != 1 || bobRec.dataBody[0] != "hello from alice" || bobRec.data[0].SenderIdentity != "alice" {
			return fmt.Sprintf("bob's data: %q %+v", bobRec.dataBody, bobRec.data)
		}
		return ""
	})
	carolRec.mu.Lock()
	if len(carolRec.dataBody) != 0 {
		t.Errorf("carol got data addressed to bob: %q", carolRec.dataBody)
	}
	carolRec.mu.Unlock()

	// Alice stops her camera: everyone loses that track, keeps the audio.
	if err := alice.LocalParticipant.UnpublishTrack(v); err != nil {
		t.Fatal(err)
	}
	for name, room := range map[string]*lksdk.Room{"bob": nil, "dave": dave} {
		_ = room
		rec := map[string]*recorder{"bob": bobRec, "dave": daveRec}[name]
		waitFor(t, 10*time.Second, func() string {
			before := rec.count(v)
			time.Sleep(300 * time.Millisecond)
			if after := rec.count(v); after != before {
				return fmt.Sprintf("%s still receives the unpublished camera (%d → %d)", name, before, after)
			}
			return ""
		})
	}
	for _, rp := range dave.GetRemoteParticipants() {
		if rp.Identity() == "alice" && rp.GetTrackPublication(livekit.TrackSource_CAMERA) != nil {
			t.Errorf("dave still lists alice's camera after she unpublished it")
		}
	}
	before := bobRec.count(a)
	waitFor(t, 5*time.Second, func() string {
		if bobRec.count(a) < before+10 {
			return "alice's audio stopped with her camera"
		}
		return ""
	})
}

// TestSinglePCMoreTracksThanSections: a single-PC subscriber starts with
// three receive sections per kind; five cameras make the server ask for
// more (media_sections_requirement) and all five arrive.
func TestSinglePCMoreTracksThanSections(t *testing.T) {
	ts := newServer(t)
	rec := newRecorder()
	connectSingle(t, ts, "viewer", rec)
	var sids []string
	for i := range 5 {
		pub := connect(t, ts, fmt.Sprintf("cam%d", i), grants{}, nil)
		video, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000})
		if err != nil {
			t.Fatal(err)
		}
		vp, err := pub.LocalParticipant.PublishTrack(video, &lksdk.TrackPublicationOptions{Name: "cam", Source: livekit.TrackSource_CAMERA})
		if err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		t.Cleanup(func() { close(stop) })
		go pump(stop, nil, video)
		sids = append(sids, vp.SID())
	}
	waitMedia(t, "viewer", rec, sids...)
}
