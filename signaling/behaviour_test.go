package signaling_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
)

func TestValidateEndpoints(t *testing.T) {
	ts := newServer(t)
	base := strings.Replace(ts.url, "ws://", "http://", 1)
	get := func(path, tok string) (int, string, string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header.Get("Access-Control-Allow-Origin")
	}
	if code, body, cors := get("/rtc/validate", token(t, "a", grants{})); code != 200 || body != "success" || cors != "*" {
		t.Errorf("valid token: %d %q cors %q", code, body, cors)
	}
	expired := expiredToken("a")
	if code, body, _ := get("/rtc/validate", expired); code != 401 || !strings.Contains(body, "expired") {
		t.Errorf("expired token: %d %q", code, body)
	}
	if code, _, _ := get("/rtc/validate", "not.a.jwt"); code != 401 {
		t.Errorf("malformed token: %d", code)
	}
	if code, _, _ := get("/rtc/validate", ""); code != 401 {
		t.Errorf("no token: %d", code)
	}
	if code, _, _ := get("/rtc/validate?access_token="+token(t, "a", grants{}), ""); code != 200 {
		t.Errorf("token in the query (JS): %d", code)
	}
	jr := joinRequestParam(t, &livekit.JoinRequest{ConnectionSettings: &livekit.ConnectionSettings{AutoSubscribe: true}}, true)
	if code, body, cors := get("/rtc/v1/validate?join_request="+jr, token(t, "a", grants{})); code != 200 || body != "success" || cors != "*" {
		t.Errorf("/rtc/v1/validate with a join_request: %d %q cors %q", code, body, cors)
	}
	if code, body, _ := get("/rtc/v1/validate?join_request="+joinRequestParam(t, &livekit.JoinRequest{ClientInfo: &livekit.ClientInfo{Sdk: livekit.ClientInfo_JS}}, false), token(t, "a", grants{})); code != 200 {
		t.Errorf("/rtc/v1/validate with an uncompressed join_request: %d %q", code, body)
	}
	if code, body, cors := get("/rtc/v1/validate", token(t, "a", grants{})); code != 400 || !strings.Contains(body, "join_request") || cors != "*" {
		t.Errorf("/rtc/v1/validate without join_request: %d %q %q, want 400 naming join_request", code, body, cors)
	}
	if code, body, _ := get("/rtc/v1/validate?join_request=%%%not-base64", token(t, "a", grants{})); code != 400 {
		t.Errorf("/rtc/v1/validate with a garbled join_request: %d %q, want 400", code, body)
	}
	if code, _, _ := get("/rtc/v1/validate?join_request="+jr, expired); code != 401 {
		t.Errorf("/rtc/v1/validate with an expired token: %d, want 401", code)
	}
	if code, _, _ := get("/rtc", token(t, "a", grants{})); code != 404 {
		t.Errorf("non-upgrade GET /rtc: %d, want 404", code)
	}
	if _, err := lksdk.ConnectToRoomWithToken(ts.url, expired, &lksdk.RoomCallback{}); err == nil {
		t.Errorf("an expired token joined")
	}
}

func TestRoomsAreSeparateAndLeaveIsSeen(t *testing.T) {
	ts := newServer(t)
	aRec, bRec := newRecorder(), newRecorder()
	a := connect(t, ts, "alice", grants{room: "room-a"}, aRec)
	other := connect(t, ts, "bob", grants{room: "room-b"}, bRec)
	carol := connect(t, ts, "carol", grants{room: "room-a"}, nil)
	waitFor(t, 5*time.Second, func() string {
		if len(a.GetRemoteParticipants()) != 1 {
			return fmt.Sprintf("alice sees %d participants, want carol only", len(a.GetRemoteParticipants()))
		}
		return ""
	})
	if a.GetParticipantByIdentity("bob") != nil || len(other.GetRemoteParticipants()) != 0 {
		t.Errorf("a token for room B let bob see room A")
	}
	carol.Disconnect()
	waitFor(t, 5*time.Second, func() string {
		aRec.mu.Lock()
		defer aRec.mu.Unlock()
		if len(aRec.gone) != 1 || aRec.gone[0] != "carol" {
			return fmt.Sprintf("alice saw leaves %v, want [carol]", aRec.gone)
		}
		return ""
	})
}

func TestDataGoesOnlyToDestinations(t *testing.T) {
	ts := newServer(t)
	bobRec, carolRec := newRecorder(), newRecorder()
	alice := connect(t, ts, "alice", grants{}, nil)
	connect(t, ts, "bob", grants{}, bobRec)
	connect(t, ts, "carol", grants{}, carolRec)
	mute := connect(t, ts, "dave", grants{noData: true}, nil)
	time.Sleep(500 * time.Millisecond) // data channels open after the subscriber negotiation
	waitFor(t, 10*time.Second, func() string {
		_ = alice.LocalParticipant.PublishDataPacket(lksdk.UserData([]byte("for carol")), lksdk.WithDataPublishReliable(true),
			lksdk.WithDataPublishDestination([]string{"carol"}))
		_ = mute.LocalParticipant.PublishDataPacket(lksdk.UserData([]byte("from dave")), lksdk.WithDataPublishReliable(true))
		carolRec.mu.Lock()
		defer carolRec.mu.Unlock()
		if len(carolRec.dataBody) == 0 {
			return "carol got no data"
		}
		return ""
	})
	carolRec.mu.Lock()
	if carolRec.dataBody[0] != "for carol" || carolRec.data[0].SenderIdentity != "alice" {
		t.Errorf("carol got %q from %q", carolRec.dataBody[0], carolRec.data[0].SenderIdentity)
	}
	for _, b := range carolRec.dataBody {
		if b == "from dave" {
			t.Errorf("a participant without can_publish_data sent data")
		}
	}
	carolRec.mu.Unlock()
	bobRec.mu.Lock()
	defer bobRec.mu.Unlock()
	for _, b := range bobRec.dataBody {
		if b == "for carol" {
			t.Errorf("bob received data addressed to carol")
		}
	}
}

func TestMuteIsSeenAndNoPublishGrantRefused(t *testing.T) {
	ts := newServer(t)
	bobRec := newRecorder()
	alice := connect(t, ts, "alice", grants{}, nil)
	connect(t, ts, "bob", grants{}, bobRec)
	audio, _ := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	pub, err := alice.LocalParticipant.PublishTrack(audio, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go pump(stop, audio)
	waitFor(t, 10*time.Second, func() string {
		if bobRec.count(pub.SID()) < 5 {
			return "bob receives no audio"
		}
		return ""
	})
	pub.SetMuted(true)
	waitFor(t, 5*time.Second, func() string {
		bobRec.mu.Lock()
		defer bobRec.mu.Unlock()
		if !bobRec.muted[pub.SID()] {
			return "bob did not see the mute"
		}
		return ""
	})
	listener := connect(t, ts, "listener", grants{noPublish: true}, nil)
	track, _ := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if _, err := listener.LocalParticipant.PublishTrack(track, &lksdk.TrackPublicationOptions{Name: "sneaky"}); err == nil {
		t.Errorf("a token without canPublish published a track")
	}
	if rp := alice.GetParticipantByIdentity("listener"); rp != nil && len(rp.TrackPublications()) > 0 {
		t.Errorf("others see a track from a participant who may not publish")
	}
}

func TestDuplicateIdentityReplacesTheFirst(t *testing.T) {
	ts := newServer(t)
	var gone atomic.Int32
	first, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "alice", grants{}), &lksdk.RoomCallback{
		OnDisconnectedWithReason: func(r lksdk.DisconnectionReason) { gone.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Disconnect()
	watcher := connect(t, ts, "watcher", grants{}, nil)
	connect(t, ts, "alice", grants{}, nil)
	waitFor(t, 10*time.Second, func() string {
		if gone.Load() == 0 {
			return "the first alice session was not told to leave"
		}
		if rp := watcher.GetParticipantByIdentity("alice"); rp == nil {
			return "the watcher lost alice altogether"
		}
		return ""
	})
	time.Sleep(300 * time.Millisecond)
	if watcher.GetParticipantByIdentity("alice") == nil {
		t.Errorf("the old session's departure removed the new alice from others' view")
	}
}
