package signaling_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	"github.com/pion/webrtc/v4"
	"google.golang.org/protobuf/proto"

	"github.com/zadankai/zadankai/signaling"
)

// realOffer is an offer as a single-PC client makes it: receive sections
// for subscriptions, a send section, data channels.
func realOffer(t testing.TB) string {
	t.Helper()
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pc.CreateDataChannel("_reliable", nil); err != nil {
		t.Fatal(err)
	}
	o, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	return o.SDP
}

// gz compresses b.
func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

// fuzzServer is a server without join rate limits, with a probe that
// fails the test when it stops answering.
func fuzzServer(f *testing.F) (*testServer, func(t *testing.T, after string)) {
	ts := newServerWith(f, func(p *signaling.Params) { p.Limits.JoinsPerSecondIP, p.Limits.JoinsPerSecondRm = 1e6, 1e6 })
	base := strings.Replace(ts.url, "ws://", "http://", 1)
	return ts, func(t *testing.T, after string) {
		res, err := http.Get(base + "/rtc/validate?access_token=" + token(t, "probe", grants{}))
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("server stopped serving after %s: %v", after, err)
		}
		res.Body.Close()
	}
}

// FuzzJoinRequest sends arbitrary bytes as the join_request of a /rtc/v1
// upgrade: as the wrapped message itself, and gzipped inside a valid
// wrapper. The server answers 400 or joins; it never crashes.
//
//	go test -run '^$' -fuzz FuzzJoinRequest -fuzztime 60s ./signaling
func FuzzJoinRequest(f *testing.F) {
	sdp := realOffer(f)
	for _, jr := range []*livekit.JoinRequest{
		{ConnectionSettings: &livekit.ConnectionSettings{AutoSubscribe: true}, PublisherOffer: &livekit.SessionDescription{Type: "offer", Sdp: sdp, Id: 1}},
		{PublisherOffer: &livekit.SessionDescription{Type: "answer", Sdp: sdp}},
		{Reconnect: true, ParticipantSid: "PA_nobody"},
		{AddTrackRequests: []*livekit.AddTrackRequest{{Cid: "c", Type: 7, Layers: []*livekit.VideoLayer{{Quality: 9}}}}, Metadata: strings.Repeat("x", 5000)},
		{ParticipantAttributes: map[string]string{"lobby": ""}, ClientInfo: &livekit.ClientInfo{Sdk: livekit.ClientInfo_GO}, PublisherOffer: &livekit.SessionDescription{Sdp: "v=0"}},
	} {
		f.Add(seed(jr))
	}
	f.Add(bytes.Repeat([]byte{0}, 1<<20)) // inflates past the limit
	f.Add([]byte{0x08, 0x07})
	ts, probe := fuzzServer(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		wrapped := seed(&livekit.WrappedJoinRequest{Compression: livekit.WrappedJoinRequest_GZIP, JoinRequest: gz(b)})
		for _, raw := range [][]byte{b, wrapped} {
			h := http.Header{"Authorization": {"Bearer " + token(t, "fuzzer", grants{room: "fuzz"})}}
			q := url.QueryEscape(base64.URLEncoding.EncodeToString(raw))
			ws, res, err := websocket.DefaultDialer.Dial(ts.url+"/rtc/v1?join_request="+q, h)
			if err != nil {
				if res == nil || res.StatusCode >= 500 {
					t.Fatalf("join_request %x: %v (%v)", raw, err, res)
				}
				continue
			}
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, _, _ = ws.ReadMessage()
			ws.Close()
		}
		probe(t, "a join_request")
	})
}

// FuzzOfferSDP sends arbitrary SDP as a client's offer: embedded in a
// single-PC join and as a dual-PC publisher offer.
//
//	go test -run '^$' -fuzz FuzzOfferSDP -fuzztime 60s ./signaling
func FuzzOfferSDP(f *testing.F) {
	sdp := realOffer(f)
	f.Add(sdp)
	f.Add(sdp[:len(sdp)/2])
	f.Add(strings.Replace(sdp, "recvonly", "sendonly\r\na=rid:q send\r\na=rid:h send\r\na=simulcast:send q;h;zz", 1))
	f.Add(strings.ReplaceAll(sdp, "a=mid:", "a=mid:x"))
	f.Add("v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n")
	ts, probe := fuzzServer(f)
	f.Fuzz(func(t *testing.T, sdp string) {
		h := http.Header{"Authorization": {"Bearer " + token(t, "fuzzer", grants{room: "fuzz"})}}
		jr := seed(&livekit.JoinRequest{PublisherOffer: &livekit.SessionDescription{Type: "offer", Sdp: sdp, Id: 1}})
		q := url.QueryEscape(base64.URLEncoding.EncodeToString(seed(&livekit.WrappedJoinRequest{JoinRequest: jr})))
		if ws, _, err := websocket.DefaultDialer.Dial(ts.url+"/rtc/v1?join_request="+q, h); err == nil {
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, _, _ = ws.ReadMessage()
			ws.Close()
		}
		ws, _, err := websocket.DefaultDialer.Dial(ts.url+"/rtc", h)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, _, err := ws.ReadMessage(); err != nil {
			t.Fatalf("no join response: %v", err)
		}
		msg, _ := proto.Marshal(&livekit.SignalRequest{Message: &livekit.SignalRequest_Offer{Offer: &livekit.SessionDescription{Type: "offer", Sdp: sdp, Id: 3}}})
		_ = ws.WriteMessage(websocket.BinaryMessage, msg)
		_, _, _ = ws.ReadMessage() // the answer, or nothing when the offer was refused
		ws.Close()
		probe(t, "an offer")
	})
}
