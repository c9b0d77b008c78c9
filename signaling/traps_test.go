package signaling_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	"github.com/pion/webrtc/v4"
	"google.golang.org/protobuf/proto"
)

// The protocol notes end with the traps that hang or disconnect LiveKit's
// SDKs. The SDK tests hit most of them implicitly; these check each one
// at the wire, with a raw client.

// rawClient is a signal connection read message by message.
type rawClient struct {
	t  *testing.T
	ws *websocket.Conn
}

func dialRaw(t *testing.T, ts *testServer, path, identity string) *rawClient {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(ts.url+path, http.Header{"Authorization": {"Bearer " + token(t, identity, grants{})}})
	if err != nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	t.Cleanup(func() { ws.Close() })
	return &rawClient{t, ws}
}

func (c *rawClient) send(req *livekit.SignalRequest) {
	b, _ := proto.Marshal(req)
	if err := c.ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
		c.t.Fatal(err)
	}
}

// serve applies answers and trickled candidates to pc and hands every
// other response to other, until the connection is quiet for a minute or
// closes.
func (c *rawClient) serve(pc *webrtc.PeerConnection, other func(*livekit.SignalResponse)) {
	for {
		res := c.next(time.Minute)
		if res == nil {
			return
		}
		switch {
		case res.GetAnswer() != nil:
			_ = pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: res.GetAnswer().Sdp})
		case res.GetTrickle() != nil:
			var init webrtc.ICECandidateInit
			if json.Unmarshal([]byte(res.GetTrickle().CandidateInit), &init) == nil {
				_ = pc.AddICECandidate(init)
			}
		default:
			other(res)
		}
	}
}

// next returns the next response, or nil after d without one.
func (c *rawClient) next(d time.Duration) *livekit.SignalResponse {
	_ = c.ws.SetReadDeadline(time.Now().Add(d))
	_, b, err := c.ws.ReadMessage()
	if err != nil {
		return nil
	}
	var res livekit.SignalResponse
	if err := proto.Unmarshal(b, &res); err != nil {
		c.t.Fatal(err)
	}
	return &res
}

// until reads until match accepts a response (which it returns), failing
// after d; seen gets every response on the way.
func (c *rawClient) until(d time.Duration, match func(*livekit.SignalResponse) bool, seen func(*livekit.SignalResponse)) *livekit.SignalResponse {
	c.t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		res := c.next(time.Until(deadline))
		if res == nil {
			break
		}
		if seen != nil {
			seen(res)
		}
		if match(res) {
			return res
		}
	}
	c.t.Fatalf("no matching response within %v", d)
	return nil
}

// offerSDP is an offer from a pion peer with one send section per kind
// given and receive sections for subscriptions.
func offerSDP(t *testing.T, send []webrtc.RTPCodecType, recv int) string {
	t.Helper()
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	for _, k := range send {
		mime := webrtc.MimeTypeOpus
		if k == webrtc.RTPCodecTypeVideo {
			mime = webrtc.MimeTypeVP8
		}
		tr, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: mime}, "cid-"+k.String(), "stream")
		if _, err := pc.AddTrack(tr); err != nil {
			t.Fatal(err)
		}
	}
	for range recv {
		_, _ = pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly})
	}
	_, _ = pc.CreateDataChannel("_reliable", nil)
	o, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	return o.SDP
}

// Traps 1–3: the JoinResponse comes first, complete: room, own
// participant with its permission, a server version.
func TestTrapJoinResponseFirstAndComplete(t *testing.T) {
	ts := newServer(t)
	c := dialRaw(t, ts, "/rtc?protocol=17", "amy")
	res := c.next(5 * time.Second)
	j := res.GetJoin()
	if j == nil {
		t.Fatalf("first message %v, want join", res)
	}
	if j.Room == nil || j.Room.Name != "test-room" || j.Participant == nil || j.Participant.Permission == nil ||
		!j.Participant.Permission.CanPublish || j.ServerInfo.GetVersion() == "" || j.ServerVersion < "1.8" {
		t.Errorf("incomplete JoinResponse: %v", j)
	}
	if !strings.HasPrefix(j.Participant.Sid, "PA_") || j.PingInterval == 0 || j.PingTimeout <= j.PingInterval {
		t.Errorf("sid %q, ping %d/%d", j.Participant.Sid, j.PingInterval, j.PingTimeout)
	}
	if j.SubscriberPrimary {
		t.Errorf("subscriber_primary set: clients would wait for a server offer first")
	}
}

// Traps 4 and 5: track_published answers AddTrack at once (before any
// SDP), echoing the cid, with a TR_ sid and a "video/VP8" MIME type; the
// answer echoes the offer's id.
func TestTrapTrackPublishedAndAnswerID(t *testing.T) {
	ts := newServer(t)
	c := dialRaw(t, ts, "/rtc?protocol=17", "amy")
	c.next(5 * time.Second)
	c.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_AddTrack{AddTrack: &livekit.AddTrackRequest{
		Cid: "cid-video", Name: "cam", Type: livekit.TrackType_VIDEO, Source: livekit.TrackSource_CAMERA,
		SimulcastCodecs: []*livekit.SimulcastCodec{{Codec: "vp8", Cid: "cid-video"}}}}})
	res := c.until(time.Second, func(r *livekit.SignalResponse) bool { return r.GetTrackPublished() != nil }, nil)
	tp := res.GetTrackPublished()
	if tp.Cid != "cid-video" || tp.Track == nil || !strings.HasPrefix(tp.Track.Sid, "TR_V") || tp.Track.MimeType != "video/VP8" {
		t.Errorf("track_published %v", tp)
	}
	c.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Offer{Offer: &livekit.SessionDescription{
		Type: "offer", Sdp: offerSDP(t, []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo}, 0), Id: 7}}})
	ans := c.until(5*time.Second, func(r *livekit.SignalResponse) bool { return r.GetAnswer() != nil }, nil).GetAnswer()
	if ans.Id != 7 || ans.Type != "answer" || !strings.Contains(ans.Sdp, "a=recvonly") {
		t.Errorf("answer id %d type %q, want 7 answer with a receive section", ans.Id, ans.Type)
	}
}

// Traps 6 and 7: in single-PC mode the server never offers; a subscribed
// track rides one of the client's receive sections with msid
// "PA_sid|TR_sid" and a mid_to_track_id entry, in the answer to the
// embedded offer (id 1).
func TestTrapSinglePCAnswerCarriesTracks(t *testing.T) {
	ts := newServer(t)
	pub := connect(t, ts, "presenter", grants{}, nil)
	_, videoSID, _ := publishAV(t, pub)
	waitFor(t, 10*time.Second, func() string {
		if ps, _ := ts.sig.ListParticipants(context.Background(), "test-room"); len(ps) == 1 && len(ps[0].Tracks) == 2 {
			return ""
		}
		return "presenter's tracks not live yet"
	})
	jr := seed(&livekit.JoinRequest{ConnectionSettings: &livekit.ConnectionSettings{AutoSubscribe: true},
		ClientInfo:     &livekit.ClientInfo{Sdk: livekit.ClientInfo_JS, Protocol: 17},
		PublisherOffer: &livekit.SessionDescription{Type: "offer", Sdp: offerSDP(t, nil, 3), Id: 1}})
	q := url.QueryEscape(base64.URLEncoding.EncodeToString(seed(&livekit.WrappedJoinRequest{JoinRequest: jr})))
	c := dialRaw(t, ts, "/rtc/v1?join_request="+q, "viewer")
	if first := c.next(5 * time.Second); first.GetJoin() == nil {
		t.Fatalf("first message %v, want join", first)
	}
	var offers int
	ans := c.until(5*time.Second, func(r *livekit.SignalResponse) bool { return r.GetAnswer() != nil },
		func(r *livekit.SignalResponse) {
			if r.GetOffer() != nil {
				offers++
			}
		}).GetAnswer()
	if ans.Id != 1 {
		t.Errorf("answer id %d, want the embedded offer's 1", ans.Id)
	}
	var mid string
	for m, sid := range ans.MidToTrackId {
		if sid == videoSID {
			mid = m
		}
	}
	if mid == "" {
		t.Fatalf("mid_to_track_id %v lacks the presenter's camera %s", ans.MidToTrackId, videoSID)
	}
	presenterSID := pub.LocalParticipant.SID()
	if !strings.Contains(ans.Sdp, "a=msid:"+presenterSID+"|"+videoSID+" "+videoSID) {
		t.Errorf("the answer has no msid %s|%s for the camera", presenterSID, videoSID)
	}
	for r := c.next(500 * time.Millisecond); r != nil; r = c.next(500 * time.Millisecond) {
		if r.GetOffer() != nil {
			offers++
		}
	}
	if offers != 0 {
		t.Errorf("the server sent %d offers to a single-PC client (they are ignored)", offers)
	}
}

// Trap 11: pings are answered, in both forms.
func TestTrapPingAnswered(t *testing.T) {
	ts := newServer(t)
	c := dialRaw(t, ts, "/rtc?protocol=17", "amy")
	c.next(5 * time.Second)
	c.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_Ping{Ping: 123}})
	c.until(2*time.Second, func(r *livekit.SignalResponse) bool { return r.GetPong() > 0 }, nil)
	c.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_PingReq{PingReq: &livekit.Ping{Timestamp: 456}}})
	pr := c.until(2*time.Second, func(r *livekit.SignalResponse) bool { return r.GetPongResp() != nil }, nil).GetPongResp()
	if pr.LastPingTimestamp != 456 || pr.Timestamp == 0 {
		t.Errorf("pong_resp %v", pr)
	}
}

// Traps 12 and 13: a participant's versions only grow, and a moderator
// mute is in the TrackInfo everyone (the publisher too) receives.
func TestTrapVersionsGrowAndMuteIsInTrackInfo(t *testing.T) {
	ts := newServer(t)
	watcher := dialRaw(t, ts, "/rtc?protocol=17", "watcher")
	watcher.next(5 * time.Second)
	pub := connect(t, ts, "presenter", grants{}, nil)
	audioSID, _, _ := publishAV(t, pub)
	var last uint32
	check := func(r *livekit.SignalResponse) {
		for _, p := range r.GetUpdate().GetParticipants() {
			if p.Identity != "presenter" {
				continue
			}
			if p.Version <= last {
				t.Errorf("presenter's version went %d → %d", last, p.Version)
			}
			last = p.Version
		}
	}
	hasTrack := func(muted bool) func(*livekit.SignalResponse) bool {
		return func(r *livekit.SignalResponse) bool {
			for _, p := range r.GetUpdate().GetParticipants() {
				for _, tr := range p.Tracks {
					if tr.Sid == audioSID && tr.Muted == muted {
						return true
					}
				}
			}
			return false
		}
	}
	watcher.until(10*time.Second, hasTrack(false), check)
	if err := ts.sig.MuteTrack(context.Background(), "test-room", "presenter", audioSID); err != nil {
		t.Fatal(err)
	}
	watcher.until(5*time.Second, hasTrack(true), check)
}

// Bad input: an undecodable frame is dropped and the session carries on;
// a frame over the size limit ends the session with a reason.
func TestBadFramesAndOversizeMessages(t *testing.T) {
	ts := newServer(t)
	c := dialRaw(t, ts, "/rtc?protocol=17", "amy")
	c.next(5 * time.Second)
	_ = c.ws.WriteMessage(websocket.BinaryMessage, []byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	c.send(&livekit.SignalRequest{Message: &livekit.SignalRequest_PingReq{PingReq: &livekit.Ping{Timestamp: 42}}})
	c.until(2*time.Second, func(r *livekit.SignalResponse) bool { return r.GetPongResp().GetLastPingTimestamp() == 42 }, nil)

	huge, _ := proto.Marshal(&livekit.SignalRequest{Message: &livekit.SignalRequest_UpdateMetadata{UpdateMetadata: &livekit.UpdateParticipantMetadata{
		Metadata: strings.Repeat("x", 300<<10)}}})
	_ = c.ws.WriteMessage(websocket.BinaryMessage, huge)
	_ = c.ws.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		_, _, err := c.ws.ReadMessage()
		if err == nil {
			continue
		}
		if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) && !strings.Contains(err.Error(), "1009") {
			t.Fatalf("after an oversize message: %v; want the connection closed as 'message too big' (1009)", err)
		}
		break
	}
	waitFor(t, 5*time.Second, func() string {
		if ps, _ := ts.sig.ListParticipants(context.Background(), "test-room"); len(ps) != 0 {
			return fmt.Sprintf("still in the room after an oversize message: %v", ps)
		}
		return ""
	})
}
