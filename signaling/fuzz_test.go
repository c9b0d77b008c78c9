package signaling_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/proto"

	"github.com/zadankai/zadankai/signaling"
)

func seed(m proto.Message) []byte {
	b, _ := proto.Marshal(m)
	return b
}

// FuzzSignalRequest sends arbitrary bytes as a signal message on a joined
// session, as a binary (protobuf) and as a text (protojson) frame; the
// server must neither crash nor stop serving others.
//
//	go test -run '^$' -fuzz FuzzSignalRequest -fuzztime 60s ./signaling
func FuzzSignalRequest(f *testing.F) {
	for _, m := range []*livekit.SignalRequest{
		{Message: &livekit.SignalRequest_Offer{Offer: &livekit.SessionDescription{Type: "offer", Sdp: "v=0\r\nnot really sdp", Id: 7}}},
		{Message: &livekit.SignalRequest_Answer{Answer: &livekit.SessionDescription{Type: "answer", Sdp: "garbage"}}},
		{Message: &livekit.SignalRequest_Trickle{Trickle: &livekit.TrickleRequest{CandidateInit: `{"candidate":"candidate:1 1 udp 1 300.1.1.1 99999 typ host"}`, Target: 1}}},
		{Message: &livekit.SignalRequest_Trickle{Trickle: &livekit.TrickleRequest{CandidateInit: `{{{`, Target: 5}}},
		{Message: &livekit.SignalRequest_AddTrack{AddTrack: &livekit.AddTrackRequest{Cid: "x", Type: 9, Source: 77, Layers: []*livekit.VideoLayer{{Quality: 42}}}}},
		{Message: &livekit.SignalRequest_Mute{Mute: &livekit.MuteTrackRequest{Sid: "TR_none", Muted: true}}},
		{Message: &livekit.SignalRequest_Subscription{Subscription: &livekit.UpdateSubscription{TrackSids: []string{"TR_none"}, Subscribe: true}}},
		{Message: &livekit.SignalRequest_TrackSetting{TrackSetting: &livekit.UpdateTrackSettings{TrackSids: []string{"TR_none"}, Quality: 99, Width: 1 << 31}}},
		{Message: &livekit.SignalRequest_UpdateMetadata{UpdateMetadata: &livekit.UpdateParticipantMetadata{Metadata: strings.Repeat("m", 1000)}}},
		{Message: &livekit.SignalRequest_PingReq{PingReq: &livekit.Ping{Timestamp: -1}}},
		{Message: &livekit.SignalRequest_SyncState{SyncState: &livekit.SyncState{}}},
	} {
		f.Add(seed(m))
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte(`{"offer":{"sdp":1}}`))
	ts := newServerWith(f, func(p *signaling.Params) { p.Limits.JoinsPerSecondIP, p.Limits.JoinsPerSecondRm = 1e6, 1e6 })
	base := strings.Replace(ts.url, "ws://", "http://", 1)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, typ := range []int{websocket.BinaryMessage, websocket.TextMessage} {
			h := http.Header{}
			h.Set("Authorization", "Bearer "+token(t, "fuzzer", grants{room: "fuzz"}))
			ws, _, err := websocket.DefaultDialer.Dial(ts.url+"/rtc", h)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, _, err := ws.ReadMessage(); err != nil { // the JoinResponse
				t.Fatalf("no join response: %v", err)
			}
			_ = ws.WriteMessage(typ, b)
			ws.Close()
		}
		res, err := http.Get(base + "/rtc/validate?access_token=" + token(t, "probe", grants{}))
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("server stopped serving after %x: %v", b, err)
		}
		res.Body.Close()
	})
}
