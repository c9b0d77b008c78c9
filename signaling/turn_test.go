package signaling_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
	"google.golang.org/protobuf/proto"

	"github.com/zadankai/zadankai/sfu"
	"github.com/zadankai/zadankai/sfu/sfutest"
)

// newTURNServer runs the SFU with ICE over TCP and the embedded TURN
// server on ephemeral ports of the namespace address.
func newTURNServer(t *testing.T) *testServer {
	t.Helper()
	turn := sfu.DefaultTURNConfig()
	turn.Enabled, turn.Addr, turn.RelayPortMin, turn.RelayPortMax = true, sfutest.NamespaceIP+":0", 0, 0
	return newServerSFU(t, sfu.Config{IPs: []string{sfutest.NamespaceIP}, TCPAddr: sfutest.NamespaceIP + ":0", TURN: turn}, nil)
}

// joinResponse opens a raw signal connection and returns its first frame.
func joinResponse(t *testing.T, ts *testServer, identity string) *livekit.JoinResponse {
	t.Helper()
	h := http.Header{"Authorization": {"Bearer " + tokenTB(t, identity)}}
	ws, resp, err := websocket.DefaultDialer.Dial(ts.url+"/rtc?protocol=16&auto_subscribe=1", h)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	var msg livekit.SignalResponse
	if err := proto.Unmarshal(b, &msg); err != nil || msg.GetJoin() == nil {
		t.Fatalf("first frame %v (%v), want a JoinResponse", &msg, err)
	}
	return msg.GetJoin()
}

// TestJoinResponseICEServers: each participant is handed the embedded TURN
// server over UDP and TCP with its own short-lived credentials, and never
// a STUN host.
func TestJoinResponseICEServers(t *testing.T) {
	ts := newTURNServer(t)
	a, b := joinResponse(t, ts, "alice"), joinResponse(t, ts, "bob")
	for _, jr := range []*livekit.JoinResponse{a, b} {
		if len(jr.IceServers) != 1 {
			t.Fatalf("ice_servers %v", jr.IceServers)
		}
		is := jr.IceServers[0]
		urls := strings.Join(is.Urls, " ")
		if !strings.Contains(urls, "turn:"+sfutest.NamespaceIP+":") || !strings.Contains(urls, "?transport=udp") ||
			!strings.Contains(urls, "?transport=tcp") || strings.Contains(urls, "stun:") {
			t.Errorf("urls %v: want turn: over udp and tcp on the node, no stun:", is.Urls)
		}
		exp, who, _ := strings.Cut(is.Username, ":")
		sec, err := strconv.ParseInt(exp, 10, 64)
		if left := time.Until(time.Unix(sec, 0)); err != nil || left <= 0 || left > 11*time.Minute {
			t.Errorf("username %q: want an expiry within the credential TTL", is.Username)
		}
		if who != jr.Participant.Identity || is.Credential == "" {
			t.Errorf("credentials %q/%q are not %s's", is.Username, is.Credential, jr.Participant.Identity)
		}
	}
	if a.IceServers[0].Credential == b.IceServers[0].Credential {
		t.Error("two participants share a TURN password")
	}
	if plain := joinResponse(t, newServer(t), "carol"); len(plain.IceServers) != 0 {
		t.Errorf("without TURN, ice_servers = %v; want none (no public STUN)", plain.IceServers)
	}
}

// TestRelayOnlyClients: publisher and subscriber both refuse anything but
// relay candidates (the SDK's ICETransportPolicy); they connect through
// the embedded TURN server from their JoinResponse and media flows.
func TestRelayOnlyClients(t *testing.T) {
	ts := newTURNServer(t)
	relayOnly := lksdk.WithICETransportPolicy(webrtc.ICETransportPolicyRelay)
	rec := newRecorder()
	bob, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "bob", grants{}), rec.callback(), lksdk.WithAutoSubscribe(true), relayOnly)
	if err != nil {
		t.Fatalf("bob: %v", err)
	}
	t.Cleanup(bob.Disconnect)
	alice, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, "alice", grants{}), newRecorder().callback(), relayOnly)
	if err != nil {
		t.Fatalf("alice: %v", err)
	}
	t.Cleanup(alice.Disconnect)
	audio, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := alice.LocalParticipant.PublishTrack(audio, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go pump(stop, audio)
	waitFor(t, 20*time.Second, func() string {
		if n := rec.count(pub.SID()); n < 20 {
			return fmt.Sprintf("bob received %d audio packets through the relay; want ≥20", n)
		}
		return ""
	})
	for name, pc := range map[string]*webrtc.PeerConnection{"alice's publisher": alice.LocalParticipant.GetPublisherPeerConnection(),
		"bob's subscriber": bob.LocalParticipant.GetSubscriberPeerConnection()} {
		if pair := selected(pc); pair == nil || pair.Local.Typ != webrtc.ICECandidateTypeRelay {
			t.Errorf("%s: selected pair %v, want a relayed local candidate", name, pair)
		}
	}
}

// selected is a peer connection's selected candidate pair, nil if none.
func selected(pc *webrtc.PeerConnection) *webrtc.ICECandidatePair {
	if pc == nil {
		return nil
	}
	var transports []*webrtc.DTLSTransport
	if sctp := pc.SCTP(); sctp != nil {
		transports = append(transports, sctp.Transport())
	}
	for _, tr := range pc.GetTransceivers() {
		if r := tr.Receiver(); r != nil {
			transports = append(transports, r.Transport())
		}
		if s := tr.Sender(); s != nil {
			transports = append(transports, s.Transport())
		}
	}
	for _, dt := range transports {
		if dt == nil {
			continue
		}
		if pair, err := dt.ICETransport().GetSelectedCandidatePair(); err == nil && pair != nil {
			return pair
		}
	}
	return nil
}
