package sfu

import (
	"bytes"
	"maps"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// rtcpLoops counts the goroutines running each of Pion's RTCP loops.
func rtcpLoops(t *testing.T) map[string]int {
	t.Helper()
	var b bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&b, 2); err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, loop := range []string{"nack.(*GeneratorInterceptor).loop", "report.(*ReceiverInterceptor).loop",
		"report.(*SenderInterceptor).loop", "twcc.(*SenderInterceptor).loop"} {
		n[loop] = strings.Count(b.String(), loop+"(")
	}
	return n
}

// rtcpSink collects the RTCP a connection's interceptors send.
type rtcpSink chan rtcp.Packet

func (s rtcpSink) Write(pkts []rtcp.Packet, _ interceptor.Attributes) (int, error) {
	for _, p := range pkts {
		select {
		case s <- p:
		default:
		}
	}
	return 0, nil
}

// waitRTCP waits for a packet that ok accepts.
func waitRTCP(t *testing.T, sink rtcpSink, what string, ok func(rtcp.Packet) bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case p := <-sink:
			if ok(p) {
				return
			}
		case <-deadline:
			t.Fatalf("no %s within 5 s", what)
		}
	}
}

// rtpSource is an incoming stream: the packets with these sequence
// numbers, then nothing.
type rtpSource struct{ seqs chan uint16 }

func (s rtpSource) Read(b []byte, a interceptor.Attributes) (int, interceptor.Attributes, error) {
	h := rtp.Header{Version: 2, PayloadType: 96, SSRC: 2, SequenceNumber: <-s.seqs}
	n, err := h.MarshalTo(b)
	return n, a, err
}

// A connection that carries no stream runs none of the RTCP loops (each
// a timer waking the server); a sending stream gets its sender reports
// and a receiving one its NACKs, as with Pion's defaults.
func TestRTCPLoopsStartWithTheirStreams(t *testing.T) {
	before := rtcpLoops(t)
	ir, err := interceptors(&webrtc.MediaEngine{})
	if err != nil {
		t.Fatal(err)
	}
	chain, err := ir.Build("pc")
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Close()
	sink := make(rtcpSink, 64)
	chain.BindRTCPWriter(sink)
	if now := rtcpLoops(t); !maps.Equal(now, before) {
		t.Fatalf("RTCP loops %v with no stream (%v before)", now, before)
	}

	out := chain.BindLocalStream(&interceptor.StreamInfo{SSRC: 1, ClockRate: 90000},
		interceptor.RTPWriterFunc(func(*rtp.Header, []byte, interceptor.Attributes) (int, error) { return 0, nil }))
	if _, err := out.Write(&rtp.Header{Version: 2, SSRC: 1, SequenceNumber: 1}, []byte{1}, nil); err != nil {
		t.Fatal(err)
	}
	waitRTCP(t, sink, "sender report", func(p rtcp.Packet) bool {
		sr, ok := p.(*rtcp.SenderReport)
		return ok && sr.SSRC == 1 && sr.PacketCount == 1
	})

	src := rtpSource{seqs: make(chan uint16, 4)}
	in := chain.BindRemoteStream(&interceptor.StreamInfo{SSRC: 2, ClockRate: 90000,
		RTCPFeedback:        []interceptor.RTCPFeedback{{Type: "nack"}},
		RTPHeaderExtensions: []interceptor.RTPHeaderExtension{{URI: sdp.TransportCCURI, ID: 3}}}, src)
	buf := make([]byte, 1500)
	for _, seq := range []uint16{10, 12} { // 11 is lost
		src.seqs <- seq
		if _, _, err := in.Read(buf, nil); err != nil {
			t.Fatal(err)
		}
	}
	waitRTCP(t, sink, "NACK of the lost packet", func(p rtcp.Packet) bool {
		n, ok := p.(*rtcp.TransportLayerNack)
		return ok && n.MediaSSRC == 2 && len(n.Nacks) == 1 && n.Nacks[0].PacketID == 11
	})
	now := rtcpLoops(t)
	for loop, n := range now {
		if n != before[loop]+1 {
			t.Errorf("%d goroutines run %s with one stream each way, want %d", n, loop, before[loop]+1)
		}
	}
}

// TestTransportCCForVideoOnly: the SFU offers transport-wide congestion
// control on video only, as LiveKit does, so an audio subscriber sends
// no TWCC feedback (ten packets a second each, which cost more CPU than
// forwarding in an audio room) and audio packets carry no extension;
// and it answers a publisher that offers it on audio too (as Chrome
// does) with video only.
func TestTransportCCForVideoOnly(t *testing.T) {
	s, err := New(Config{AllowLoopback: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	newPC := func(api *webrtc.API, dir webrtc.RTPTransceiverDirection) *webrtc.PeerConnection {
		var pc *webrtc.PeerConnection
		if api == nil {
			pc, err = s.NewPeerConnection(nil)
		} else {
			pc, err = api.NewPeerConnection(webrtc.Configuration{})
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = pc.Close() })
		for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
			if _, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: dir}); err != nil {
				t.Fatal(err)
			}
		}
		return pc
	}
	offer, err := newPC(nil, webrtc.RTPTransceiverDirectionSendonly).CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	checkTransportCC(t, "offer", offer.SDP)

	// A publisher whose offer has transport-cc on both kinds.
	m, ir := &webrtc.MediaEngine{}, &interceptor.Registry{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	if err := webrtc.ConfigureTWCCHeaderExtensionSender(m, ir); err != nil {
		t.Fatal(err)
	}
	pub := newPC(webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir)), webrtc.RTPTransceiverDirectionSendonly)
	if offer, err = pub.CreateOffer(nil); err != nil {
		t.Fatal(err)
	}
	checkTransportCC(t, "publisher's offer", offer.SDP, webrtc.RTPCodecTypeAudio.String())
	pc, err := s.NewPeerConnection(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	if err := pc.SetRemoteDescription(offer); err != nil {
		t.Fatal(err)
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	checkTransportCC(t, "answer", answer.SDP)
}

// checkTransportCC checks that the media sections of sd carry the
// transport-cc extension or feedback for video, and for also's kinds.
func checkTransportCC(t *testing.T, what, sd string, also ...string) {
	t.Helper()
	var desc sdp.SessionDescription
	if err := desc.Unmarshal([]byte(sd)); err != nil {
		t.Fatal(err)
	}
	for _, m := range desc.MediaDescriptions {
		var twcc bool
		for _, a := range m.Attributes {
			twcc = twcc || a.Key == "extmap" && strings.Contains(a.Value, sdp.TransportCCURI) ||
				a.Key == "rtcp-fb" && strings.Contains(a.Value, "transport-cc")
		}
		if want := m.MediaName.Media == "video" || slices.Contains(also, m.MediaName.Media); twcc != want {
			t.Errorf("%s: %s with transport-cc: %v, want %v", what, m.MediaName.Media, twcc, want)
		}
	}
}
