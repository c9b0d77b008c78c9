package sfu

import (
	"encoding/binary"
	"errors"
	"github.com/pion/rtcp"
	"github.com/zadankai/zadankai/sfu/bwe"
	"io"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/srtp/v3"
	"github.com/pion/webrtc/v4"
)

// The per-packet work of forwarding, measured three ways on loopback:
// the floor (SRTP-encrypt one packet and send it over UDP, nothing else),
// the real path for one subscriber (DownTrack.forward to a real peer
// connection, on the direct path and through Pion's track, interceptors,
// SRTP and ICE), and the allocations of that path, which must stay at zero.
//
//	go test -run '^$' -bench 'SRTPSendFloor|ForwardOne' -benchmem ./sfu

// drain reads and discards everything arriving on c until it is closed.
func drain(c net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := c.ReadFrom(buf); err != nil {
			return
		}
	}
}

// BenchmarkSRTPSendFloor encrypts one 1000-byte RTP packet with the
// profile two Pion peers negotiate (AEAD AES-256-GCM) and sends it to a
// loopback UDP socket: the least any forwarder must do per packet and
// subscriber.
func BenchmarkSRTPSendFloor(b *testing.B) {
	prof := srtp.ProtectionProfileAeadAes256Gcm
	keyLen, _ := prof.KeyLen()
	saltLen, _ := prof.SaltLen()
	ctx, err := srtp.CreateContext(make([]byte, keyLen), make([]byte, saltLen), prof)
	if err != nil {
		b.Fatal(err)
	}
	rx, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer rx.Close()
	go drain(rx)
	tx, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Close()
	to := rx.LocalAddr().(*net.UDPAddr).AddrPort()
	h := rtp.Header{Version: 2, PayloadType: 96, SSRC: 1, Timestamp: 1}
	plain := make([]byte, 12+1000)
	out := make([]byte, 0, 1500)
	b.ReportAllocs()
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		h.SequenceNumber++
		if _, err := h.MarshalTo(plain); err != nil {
			b.Fatal(err)
		}
		enc, err := ctx.EncryptRTP(out[:0], plain, &h)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.WriteToUDPAddrPort(enc, to); err != nil {
			b.Fatal(err)
		}
	}
}

// forwardPair is an UpTrack (without a publisher) forwarding to one
// DownTrack bound to a real subscriber peer connection on loopback.
type forwardPair struct {
	up       *UpTrack
	down     *DownTrack
	link     *Downlink
	srv      *webrtc.PeerConnection
	received chan struct{} // closed at the subscriber's first packet
	seen     []atomic.Bool // by sequence number, what the subscriber got
	reports  chan *rtcp.SenderReport
	close    func()
}

// pairOptions vary a forwardPair.
type pairOptions struct {
	// the subscriber runs Pion's default interceptors (NACKs, reports,
	// TWCC feedback); without, it allocates nothing itself, so an
	// allocation count sees only the forwarding side
	interceptors bool
	// ephemeral ports and no SFU downlink: Pion's path (no direct path)
	pion bool
	// adjusts the subscriber's setting engine
	client func(*webrtc.SettingEngine)
}

// newForwardPair connects the pair as in production: the shared UDP port,
// the SFU's downlink, the direct path.
func newForwardPair(tb testing.TB, interceptors bool) *forwardPair {
	return newPair(tb, pairOptions{interceptors: interceptors})
}

func newPair(tb testing.TB, o pairOptions) *forwardPair {
	tb.Helper()
	cfg := Config{AllowLoopback: true}
	if !o.pion {
		cfg.UDPPort, cfg.IPs = freeUDPPort(tb), []string{"127.0.0.1"}
	}
	s, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	up := &UpTrack{ID: "TR_x", Kind: webrtc.RTPCodecTypeVideo, Codec: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, closed: make(chan struct{})}
	l := &layer{}
	l.lastPkt.Store(1 << 62) // always "recent"
	l.lastPLI.Store(1 << 62) // keyframe requests throttled away (no publisher here)
	l.ring = newPacketRing()
	up.layers[High].Store(l)
	empty := []*DownTrack{}
	up.downs.Store(&empty)
	// a downlink stamps transport-wide sequence numbers, as for every subscriber
	link, pcLink := NewDownlink(nil), (*Downlink)(nil)
	if !o.pion {
		link = s.NewDownlink(nil)
		pcLink = link
	}
	down, err := NewDownTrack(up, "TR_x", "PA_x|TR_x", link, nil)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := s.NewPeerConnection(pcLink)
	if err != nil {
		tb.Fatal(err)
	}
	tr, err := srv.AddTransceiverFromTrack(down.Local(), webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		tb.Fatal(err)
	}
	go down.ReadRTCP(tr.Sender())
	seen := make([]atomic.Bool, 1<<16)
	reports := make(chan *rtcp.SenderReport, 64)
	cli, received := subscriberPC(tb, o, seen, reports)
	if err := connectPair(srv, cli); err != nil {
		tb.Fatal(err)
	}
	down.Start() // as signaling does once the subscriber's connection is up
	up.Subscribe(down)
	return &forwardPair{up: up, down: down, link: link, srv: srv, received: received, seen: seen, reports: reports, close: func() {
		_ = cli.Close()
		_ = srv.Close()
		_ = s.Close()
		link.Close()
	}}
}

// freeUDPPort returns a UDP port free on loopback a moment ago.
func freeUDPPort(tb testing.TB) int {
	tb.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// subscriberPC is a plain Pion peer connection that notes the sequence
// numbers it receives, and passes on the sender reports it gets.
func subscriberPC(tb testing.TB, o pairOptions, seen []atomic.Bool, reports chan<- *rtcp.SenderReport) (*webrtc.PeerConnection, chan struct{}) {
	tb.Helper()
	se := webrtc.SettingEngine{}
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	if o.client != nil {
		o.client(&se)
	}
	opts := []func(*webrtc.API){webrtc.WithSettingEngine(se)}
	if !o.interceptors {
		m := &webrtc.MediaEngine{}
		if err := m.RegisterDefaultCodecs(); err != nil {
			tb.Fatal(err)
		}
		// negotiated, so the SFU stamps it, but nothing here answers it
		if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.TransportCCURI}, webrtc.RTPCodecTypeVideo); err != nil {
			tb.Fatal(err)
		}
		opts = append(opts, webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(&interceptor.Registry{}))
	}
	cli, err := webrtc.NewAPI(opts...).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		tb.Fatal(err)
	}
	received := make(chan struct{})
	cli.OnTrack(func(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
		close(received)
		go func() {
			for {
				pkts, _, err := r.ReadRTCP()
				if err != nil {
					return
				}
				for _, p := range pkts {
					if sr, ok := p.(*rtcp.SenderReport); ok {
						select {
						case reports <- sr:
						default:
						}
					}
				}
			}
		}()
		buf := make([]byte, 1500)
		for {
			n, _, err := t.Read(buf)
			if err != nil {
				return
			}
			if n >= 4 {
				seen[binary.BigEndian.Uint16(buf[2:4])].Store(true)
			}
		}
	})
	return cli, received
}

// connectPair negotiates srv (offerer) with cli without trickle and
// waits until both are connected.
func connectPair(srv, cli *webrtc.PeerConnection) error {
	connected := make(chan struct{}, 2)
	for _, pc := range []*webrtc.PeerConnection{srv, cli} {
		pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
			if s == webrtc.PeerConnectionStateConnected {
				connected <- struct{}{}
			}
		})
	}
	offer, err := srv.CreateOffer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(srv)
	if err := srv.SetLocalDescription(offer); err != nil {
		return err
	}
	<-gathered
	if err := cli.SetRemoteDescription(*srv.LocalDescription()); err != nil {
		return err
	}
	answer, err := cli.CreateAnswer(nil)
	if err != nil {
		return err
	}
	gathered = webrtc.GatheringCompletePromise(cli)
	if err := cli.SetLocalDescription(answer); err != nil {
		return err
	}
	<-gathered
	if err := srv.SetRemoteDescription(*cli.LocalDescription()); err != nil {
		return err
	}
	for range 2 {
		select {
		case <-connected:
		case <-time.After(10 * time.Second):
			return errors.New("peer connections did not connect in 10 s")
		}
	}
	return nil
}

// packet is a 1000-byte VP8 keyframe-start packet, as in BenchmarkFanOut.
func packet() *rtp.Packet {
	p := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: 1, Timestamp: 1, SSRC: 1}, Payload: make([]byte, 1000)}
	p.Payload[0], p.Payload[1] = 0x10, 0x10
	return p
}

// warm forwards packets until the subscriber has one, so that
// measurements start on a bound, connected track.
func (f *forwardPair) warm(tb testing.TB, p *rtp.Packet) {
	tb.Helper()
	deadline := time.After(10 * time.Second)
	for {
		p.SequenceNumber++
		f.down.forward(High, p, true, 1<<High, now())
		select {
		case <-f.received:
			return
		case <-deadline:
			tb.Fatal("subscriber received nothing in 10 s")
		case <-time.After(time.Millisecond):
		}
	}
}

// BenchmarkForwardOne is the real per-packet, per-subscriber path:
// DownTrack.forward to a track bound to a connected peer connection, on
// the direct path and on Pion's.
func BenchmarkForwardOne(b *testing.B) {
	for _, path := range []struct {
		name string
		pion bool
	}{{"direct", false}, {"pion", true}} {
		b.Run(path.name, func(b *testing.B) {
			f := newPair(b, pairOptions{pion: path.pion})
			defer f.close()
			p := packet()
			f.warm(b, p)
			b.ReportAllocs()
			b.SetBytes(int64(len(p.Payload) + 12))
			for b.Loop() {
				p.SequenceNumber++
				p.Timestamp += 3000
				f.down.forward(High, p, true, 1<<High, now())
			}
			if f.down.dropped.Load() > 0 {
				b.Logf("%d writes failed", f.down.dropped.Load())
			}
		})
	}
}

// TestForwardAllocs fails if forwarding one packet to a connected
// subscriber allocates: at tens of thousands of packets a second,
// allocations turn into GC time on the media path.
func TestForwardAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector; scripts/test.sh runs this without it")
	}
	f := newForwardPair(t, false)
	defer f.close()
	p := packet()
	f.warm(t, p)
	if b := f.down.bound.Load(); b == nil || b.twcc == 0 {
		t.Fatal("the transport-wide sequence number extension was not negotiated: the path measured would not stamp it")
	}
	// The subscriber and Pion's timers allocate now and then on their own
	// goroutines, and AllocsPerRun counts the whole process: take the
	// least of three runs. A path that allocates shows in every run.
	allocs := 1e9
	for range 3 {
		allocs = min(allocs, testing.AllocsPerRun(2000, func() {
			p.SequenceNumber++
			p.Timestamp += 3000
			f.down.forward(High, p, true, 1<<High, now())
		}))
	}
	if allocs > 0 {
		t.Errorf("forwarding a packet allocates %.2f times; want 0", allocs)
	}
	if w := f.down.Written(); w < 6000 {
		t.Errorf("only %d packets written", w)
	}
}

// TestNACKAnsweredFromRing forwards a stream with holes (packets the
// layer received but this subscriber was not sent) to a subscriber whose
// interceptors NACK them; the DownTrack must retransmit them from the
// layer's ring, with the stream's rewritten sequence numbers.
func TestNACKAnsweredFromRing(t *testing.T) {
	f := newForwardPair(t, true)
	defer f.close()
	p := packet()
	f.warm(t, p)
	ring := f.up.layers[High].Load().ring
	var holes []uint16
	for i := range 200 {
		p.SequenceNumber++
		p.Timestamp += 3000
		p.Payload[0] = 0x10 // frame start, and not a keyframe: no re-switch
		p.Payload[1] = byte(i) | 1
		ring.put(p.SequenceNumber, p.Timestamp, p.Marker, 0, p.Payload)
		if i%20 == 10 {
			holes = append(holes, p.SequenceNumber) // seqOff is 0 on the first layer
			continue
		}
		f.down.forward(High, p, false, 1<<High, now())
		// paced like a real layer, so a NACKed packet is still inside the
		// subscriber's SRTP replay window (64 packets) when it is resent
		time.Sleep(5 * time.Millisecond)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		missing := 0
		for _, s := range holes {
			if !f.seen[s].Load() {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		// keep the stream going: NACKs are sent for gaps behind the newest packet
		p.SequenceNumber++
		p.Timestamp += 3000
		ring.put(p.SequenceNumber, p.Timestamp, p.Marker, 0, p.Payload)
		f.down.forward(High, p, false, 1<<High, now())
		time.Sleep(20 * time.Millisecond)
	}
	for _, s := range holes {
		if !f.seen[s].Load() {
			t.Errorf("packet %d never arrived (resent %d)", s, f.down.Resent())
		}
	}
	if f.down.Resent() < uint64(len(holes)) {
		t.Errorf("resent %d packets; want at least %d", f.down.Resent(), len(holes))
	}
}

func now() int64 { return time.Now().UnixNano() }

// TestLatePacketKeepsTheLine: a late packet (a publisher's retransmission)
// is forwarded, but the next layer switch continues after the newest
// packet sent, so no outgoing sequence number is used twice.
func TestLatePacketKeepsTheLine(t *testing.T) {
	up := &UpTrack{ID: "TR_x", Kind: webrtc.RTPCodecTypeVideo, Codec: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, closed: make(chan struct{})}
	d, err := NewDownTrack(up, "TR_x", "PA_x|TR_x", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.bound.Store(&binding{w: sinkWriter{}}) // as if negotiated and connected: the test reads the rewrite state, not the wire
	d.Start()
	p := packet()
	both := uint8(1<<Low | 1<<High)
	d.SetTargetQuality(Low)
	for _, seq := range []uint16{100, 101, 102, 99} { // 99 arrives late
		p.SequenceNumber = seq
		d.forward(Low, p, true, both, now())
	}
	d.SetTargetQuality(High)
	p.SequenceNumber = 5000
	d.forward(High, p, true, both, now())
	if d.lastSeq != 103 {
		t.Errorf("after the switch the outgoing sequence is %d, want 103 (one after 102)", d.lastSeq)
	}
}

// sinkWriter takes packets and reports them written.
type sinkWriter struct{}

func (sinkWriter) WriteRTP(h *rtp.Header, payload []byte) (int, error) {
	return h.MarshalSize() + len(payload), nil
}
func (sinkWriter) Write(b []byte) (int, error) { return len(b), nil }

// TestStartsAtAKeyframeThatReachesTheSubscriber: packets before the
// negotiation or before the transport is up, or dropped by a transport
// not quite ready, do not start the stream; the first keyframe that goes
// out does.
func TestStartsAtAKeyframeThatReachesTheSubscriber(t *testing.T) {
	up := &UpTrack{ID: "TR_x", Kind: webrtc.RTPCodecTypeVideo, Codec: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, closed: make(chan struct{})}
	d, err := NewDownTrack(up, "TR_x", "PA_x|TR_x", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := packet()
	d.forward(High, p, true, 1<<High, now()) // not negotiated yet
	if d.started {
		t.Fatal("started before the negotiation: the keyframe went nowhere")
	}
	d.bound.Store(&binding{w: sinkWriter{}})
	d.forward(High, p, true, 1<<High, now())
	if d.started || d.Written() != 0 {
		t.Fatal("started before the transport was up: the keyframe went nowhere")
	}
	d.Start()
	d.bound.Store(&binding{w: notReadyWriter{}})
	d.forward(High, p, true, 1<<High, now())
	if d.started || d.Written() != 0 {
		t.Fatalf("started on a keyframe the transport dropped (written %d)", d.Written())
	}
	d.bound.Store(&binding{w: sinkWriter{}})
	p.SequenceNumber++
	d.forward(High, p, false, 1<<High, now())
	if d.Written() != 0 {
		t.Fatal("a delta frame started the stream")
	}
	p.SequenceNumber++
	d.forward(High, p, true, 1<<High, now())
	if !d.started || d.Written() != 1 {
		t.Fatalf("the first delivered keyframe did not start the stream (written %d)", d.Written())
	}
}

// notReadyWriter drops like Pion before SRTP is up: no error, nothing written.
type notReadyWriter struct{}

func (notReadyWriter) WriteRTP(*rtp.Header, []byte) (int, error) { return 0, nil }
func (notReadyWriter) Write([]byte) (int, error)                 { return 0, nil }

// TestNewStreamLossUncounted: until the subscriber sends RTCP about a
// new stream it may not have set it up (Firefox reports those packets
// lost); once it has, loss counts.
func TestNewStreamLossUncounted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		heard bool
		want  bool // loss seen
	}{{"before the subscriber spoke", false, false}, {"after", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			link := newDownlink(nil)
			up := &UpTrack{ID: "TR_x", Kind: webrtc.RTPCodecTypeVideo, Codec: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, closed: make(chan struct{})}
			d, err := NewDownTrack(up, "TR_x", "PA_x|TR_x", link, nil)
			if err != nil {
				t.Fatal(err)
			}
			t0 := now()
			d.bound.Store(&binding{w: sinkWriter{}, twcc: 5, since: t0})
			d.heard.Store(tc.heard)
			for i := range 150 {
				d.write(d.bound.Load(), uint16(i), 0, false, 0, make([]byte, 1000), t0+int64(i)*int64(time.Millisecond), false)
			}
			// The subscriber reports the first 150 lost, then (after the
			// losses settle) one more packet received.
			lost := &rtcp.TransportLayerCC{BaseSequenceNumber: 0, PacketStatusCount: 150, ReferenceTime: 1,
				PacketChunks: []rtcp.PacketStatusChunk{&rtcp.RunLengthChunk{PacketStatusSymbol: rtcp.TypeTCCPacketNotReceived, RunLength: 150}}}
			link.bwe.OnFeedback(lost, t0+int64(200*time.Millisecond))
			d.write(d.bound.Load(), 150, 0, false, 0, make([]byte, 1000), t0+int64(400*time.Millisecond), false)
			got := &rtcp.TransportLayerCC{BaseSequenceNumber: 150, PacketStatusCount: 1, ReferenceTime: 2,
				PacketChunks: []rtcp.PacketStatusChunk{&rtcp.RunLengthChunk{PacketStatusSymbol: rtcp.TypeTCCPacketReceivedSmallDelta, RunLength: 1}},
				RecvDeltas:   []*rtcp.RecvDelta{{Type: rtcp.TypeTCCPacketReceivedSmallDelta, Delta: 250}}}
			link.bwe.OnFeedback(got, t0+int64(time.Second))
			if st := link.bwe.Stats(); (st.Decreases[bwe.CauseLoss] > 0) != tc.want {
				t.Fatalf("150 packets reported lost (heard %v): %+v", tc.heard, st)
			}
		})
	}
}
