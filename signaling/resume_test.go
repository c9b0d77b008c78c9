package signaling_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
	"google.golang.org/protobuf/proto"

	"github.com/zadankai/zadankai/signaling"
)

// connectCounting joins like connect (or connectSingle) and counts the
// SDK's reconnections.
func connectCounting(t *testing.T, ts *testServer, identity string, r *recorder, single bool) (*lksdk.Room, *atomic.Int32) {
	t.Helper()
	var resumed atomic.Int32
	cb := r.callback()
	cb.OnReconnected = func() { resumed.Add(1) }
	opts := []lksdk.ConnectOption{lksdk.WithAutoSubscribe(true)}
	if single {
		opts = append(opts, lksdk.WithSinglePeerConnection())
	}
	room, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, identity, grants{}), cb, opts...)
	if err != nil {
		t.Fatalf("%s: connect: %v", identity, err)
	}
	t.Cleanup(room.Disconnect)
	return room, &resumed
}

// TestResume cuts the signal connection under a publisher and under a
// subscriber, in both peer-connection modes: each client resumes its
// session (same sid, nobody sees it leave), media keeps flowing, and
// publishing and subscribing still negotiate afterwards.
func TestResume(t *testing.T) {
	for _, single := range []bool{false, true} {
		t.Run(fmt.Sprintf("single=%v", single), func(t *testing.T) {
			ts := newServer(t)
			aliceRec, bobRec := newRecorder(), newRecorder()
			alice, aliceResumed := connectCounting(t, ts, "alice", aliceRec, single)
			bob, bobResumed := connectCounting(t, ts, "bob", bobRec, single)
			a, v, _ := publishAV(t, alice)
			waitMedia(t, "bob", bobRec, a, v)
			aliceSID, bobSID := alice.LocalParticipant.SID(), bob.LocalParticipant.SID()

			// The publisher loses its signal connection.
			if !ts.sig.DropSignal("test-room", "alice") {
				t.Fatal("alice is not in the room")
			}
			waitFor(t, 15*time.Second, func() string {
				if aliceResumed.Load() == 0 {
					return "alice did not resume"
				}
				return ""
			})
			if alice.LocalParticipant.SID() != aliceSID {
				t.Errorf("alice's sid changed from %s to %s: a rejoin, not a resume", aliceSID, alice.LocalParticipant.SID())
			}
			before := bobRec.count(v)
			waitFor(t, 10*time.Second, func() string {
				if n := bobRec.count(v); n < before+10 {
					return fmt.Sprintf("bob's video from alice stalled after her resume (%d → %d)", before, n)
				}
				return ""
			})
			// A new track after the resume: the publisher PC still negotiates.
			screen, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000})
			if err != nil {
				t.Fatal(err)
			}
			spub, err := alice.LocalParticipant.PublishTrack(screen, &lksdk.TrackPublicationOptions{Name: "screen", Source: livekit.TrackSource_SCREEN_SHARE})
			if err != nil {
				t.Fatalf("publish after resume: %v", err)
			}
			stop := make(chan struct{})
			t.Cleanup(func() { close(stop) })
			go pump(stop, nil, screen)
			waitMedia(t, "bob (screen after alice's resume)", bobRec, spub.SID())

			// The subscriber loses its signal connection.
			ts.sig.DropSignal("test-room", "bob")
			waitFor(t, 15*time.Second, func() string {
				if bobResumed.Load() == 0 {
					return "bob did not resume"
				}
				return ""
			})
			if bob.LocalParticipant.SID() != bobSID {
				t.Errorf("bob's sid changed: a rejoin, not a resume")
			}
			// A newcomer's tracks reach bob: subscriptions still negotiate.
			carol, _ := connectCounting(t, ts, "carol", newRecorder(), false)
			ca, _, _ := publishAV(t, carol)
			waitMedia(t, "bob (carol after his resume)", bobRec, ca)
			before = bobRec.count(a)
			waitFor(t, 10*time.Second, func() string {
				if bobRec.count(a) < before+10 {
					return "bob's audio from alice stalled after his resume"
				}
				return ""
			})
			for _, r := range []*recorder{aliceRec, bobRec} {
				r.mu.Lock()
				gone := append([]string{}, r.gone...)
				r.mu.Unlock()
				if len(gone) != 0 {
					t.Errorf("participants seen leaving during resumes: %v", gone)
				}
			}
		})
	}
}

// rawJoin opens a signal WebSocket by hand and returns it with the first
// response the server sent.
func rawJoin(t *testing.T, ts *testServer, query, identity string) (*websocket.Conn, *livekit.SignalResponse) {
	t.Helper()
	h := http.Header{"Authorization": {"Bearer " + token(t, identity, grants{})}}
	ws, _, err := websocket.DefaultDialer.Dial(ts.url+"/rtc?"+query, h)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { ws.Close() })
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("first message: %v", err)
	}
	var res livekit.SignalResponse
	if err := proto.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	return ws, &res
}

// TestResumeUnknownSession: a resume for a session the server does not
// have gets a leave that makes the client rejoin (RECONNECT), first.
func TestResumeUnknownSession(t *testing.T) {
	ts := newServer(t)
	_, res := rawJoin(t, ts, "reconnect=1&sid=PA_NOSUCHSESSION&protocol=17", "ghost")
	l := res.GetLeave()
	if l == nil || l.Action != livekit.LeaveRequest_RECONNECT || l.Reason != livekit.DisconnectReason_STATE_MISMATCH {
		t.Fatalf("first response to an unknown resume: %v; want leave RECONNECT/STATE_MISMATCH", res)
	}
}

// TestLostSessionExpires: a client that drops its signal connection and
// never comes back is kept for the grace period, then the others see it
// leave.
func TestLostSessionExpires(t *testing.T) {
	ts := newServerWith(t, func(p *signaling.Params) { p.ResumeGrace = 1500 * time.Millisecond })
	bobRec := newRecorder()
	connect(t, ts, "bob", grants{}, bobRec)
	ws, res := rawJoin(t, ts, "protocol=17", "walker")
	if res.GetJoin() == nil {
		t.Fatalf("first response: %v, want a JoinResponse", res)
	}
	_ = ws.UnderlyingConn().Close()
	dropped := time.Now()
	time.Sleep(700 * time.Millisecond)
	bobRec.mu.Lock()
	early := strings.Join(bobRec.gone, ",")
	bobRec.mu.Unlock()
	if early != "" {
		t.Fatalf("bob saw %q leave %v after the drop, inside the grace period", early, time.Since(dropped))
	}
	waitFor(t, 10*time.Second, func() string {
		bobRec.mu.Lock()
		defer bobRec.mu.Unlock()
		if len(bobRec.gone) != 1 || bobRec.gone[0] != "walker" {
			return fmt.Sprintf("bob saw leaving: %v; want walker once the grace ends", bobRec.gone)
		}
		return ""
	})
}
