package sfu

import (
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// clientAPI is a plain Pion client on loopback with the given networks.
func clientAPI(networks ...webrtc.NetworkType) *webrtc.API {
	se := webrtc.SettingEngine{}
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes(networks)
	m := &webrtc.MediaEngine{}
	_ = m.RegisterDefaultCodecs()
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se))
}

// mediaCall connects a client to an SFU peer connection that sends one
// Opus track, and returns the client's peer connection and a count of the
// RTP packets it received.
func mediaCall(t *testing.T, s *SFU, client *webrtc.API, cfg webrtc.Configuration) (*webrtc.PeerConnection, *atomic.Int64) {
	t.Helper()
	srv, err := s.NewPeerConnection(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	track, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "a", "s")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddTrack(track); err != nil {
		t.Fatal(err)
	}
	pc, err := client.NewPeerConnection(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	got := &atomic.Int64{}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			if _, _, err := tr.ReadRTP(); err != nil {
				return
			}
			got.Add(1)
		}
	})
	exchange(t, srv, pc)
	stop := make(chan struct{})
	done := make(chan struct{})
	t.Cleanup(func() { close(stop); <-done })
	go func() {
		defer close(done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for seq := uint16(0); ; seq++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			_ = track.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(seq) * 960}, Payload: make([]byte, 40)})
		}
	}()
	return pc, got
}

// exchange does a non-trickle offer/answer: each side's description
// carries all its candidates.
func exchange(t *testing.T, offerer, answerer *webrtc.PeerConnection) {
	t.Helper()
	local := func(pc *webrtc.PeerConnection, sd webrtc.SessionDescription) webrtc.SessionDescription {
		gathered := webrtc.GatheringCompletePromise(pc)
		if err := pc.SetLocalDescription(sd); err != nil {
			t.Fatal(err)
		}
		select {
		case <-gathered:
		case <-time.After(10 * time.Second):
			t.Fatal("ICE gathering did not complete")
		}
		return *pc.LocalDescription()
	}
	offer, err := offerer.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := answerer.SetRemoteDescription(local(offerer, offer)); err != nil {
		t.Fatal(err)
	}
	answer, err := answerer.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := offerer.SetRemoteDescription(local(answerer, answer)); err != nil {
		t.Fatal(err)
	}
}

// selectedPair waits for media and returns the client's selected pair.
func selectedPair(t *testing.T, pc *webrtc.PeerConnection, got *atomic.Int64) *webrtc.ICECandidatePair {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for got.Load() < 10 {
		if time.Now().After(deadline) {
			t.Fatalf("%d RTP packets after 15 s (ICE %s)", got.Load(), pc.ICEConnectionState())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, tr := range pc.GetTransceivers() {
		if dt := tr.Receiver().Transport(); dt != nil {
			if pair, err := dt.ICETransport().GetSelectedCandidatePair(); err == nil && pair != nil {
				return pair
			}
		}
	}
	t.Fatal("no selected candidate pair")
	return nil
}

// TestICEOverTCP: a client that can only use TCP reaches the SFU's ICE-TCP
// port and receives media.
func TestICEOverTCP(t *testing.T) {
	cfg := Config{AllowLoopback: true, IPs: []string{"127.0.0.1"}, TCPAddr: "127.0.0.1:0"}
	s := newTestSFU(t, cfg)
	pc, got := mediaCall(t, s, clientAPI(webrtc.NetworkTypeTCP4), webrtc.Configuration{})
	pair := selectedPair(t, pc, got)
	if pair.Local.Protocol != webrtc.ICEProtocolTCP || pair.Remote.Protocol != webrtc.ICEProtocolTCP ||
		int(pair.Remote.Port) != s.TCPAddr().(*net.TCPAddr).Port {
		t.Errorf("selected pair %s, want TCP to the SFU's port %v", pair, s.TCPAddr())
	}
}

// TestRelayOnlyClient: a client allowed only relay candidates connects
// through the embedded TURN server, over UDP, TCP and TLS to the server.
func TestRelayOnlyClient(t *testing.T) {
	for i, transport := range []string{"udp", "tcp", "tls"} {
		t.Run(transport, func(t *testing.T) {
			cfg := loopbackConfig()
			if transport == "tls" {
				cfg.TURN.CertFile, cfg.TURN.KeyFile = systemTrustedCert(t)
				cfg.TURN.TLSAddr, cfg.TURN.Domain = "127.0.0.1:0", "127.0.0.1"
			}
			s := newTestSFU(t, cfg)
			is := s.ICEServers("grace")[0]
			url := is.URLs[i]
			pcCfg := webrtc.Configuration{ICETransportPolicy: webrtc.ICETransportPolicyRelay,
				ICEServers: []webrtc.ICEServer{{URLs: []string{url}, Username: is.Username, Credential: is.Credential}}}
			pc, got := mediaCall(t, s, clientAPI(webrtc.NetworkTypeUDP4, webrtc.NetworkTypeTCP4), pcCfg)
			pair := selectedPair(t, pc, got)
			if pair.Local.Typ != webrtc.ICECandidateTypeRelay {
				t.Errorf("selected pair %s, want a relayed local candidate", pair)
			}
			if n := s.turn.allocations(); n < 1 {
				t.Errorf("%d TURN allocations", n)
			}
		})
	}
}
