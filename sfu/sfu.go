package sfu

import (
	"errors"
	"fmt"
	"github.com/zadankai/zadankai/sfu/bwe"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
)

// SFU builds peer connections that share one media engine, one set of
// interceptors and, optionally, one UDP port, one TCP port for ICE over
// TCP and an embedded TURN server.
type SFU struct {
	cfg    Config
	log    *slog.Logger
	api    *webrtc.API
	mux    ice.UDPMux   // nil with ephemeral ports
	tcpMux ice.TCPMux   // nil without ICE over TCP
	tcpLn  net.Listener // the TCP mux's listener
	turn   *turnServer  // nil without TURN
	ips    []net.IP     // media addresses, the only relay peers (TURN only)

	// what each connection's API is built from (see NewPeerConnection)
	se    webrtc.SettingEngine
	media *webrtc.MediaEngine
	ir    *interceptor.Registry
	// send writes a datagram on the shared UDP port; nil without one
	send func([]byte, netip.AddrPort) (int, error)
	// directs are the direct paths up, by their subscriber's address
	directs sync.Map // netip.AddrPort → *direct

	padded atomic.Uint64 // probe packets, all downlinks
	// by cause, all downlinks: estimate decreases, videos paused, videos
	// lowered below the layer asked for
	decreases, pauses, caps [bwe.NumCauses]atomic.Uint64
	ccDone                  chan struct{} // stops congestionLoop; nil without congestion control
	ccStopped               chan struct{}

	mu     sync.Mutex
	closed bool                   // guarded by mu
	links  map[*Downlink]struct{} // guarded by mu: the live downlinks
}

// udpBuffer is the socket buffer asked for on the shared media port.
const udpBuffer = 8 << 20

// New starts the SFU: it opens the UDP and TCP ports and the TURN server
// when they are configured.
func New(cfg Config, log *slog.Logger) (*SFU, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &SFU{cfg: cfg, log: log}
	se := webrtc.SettingEngine{}
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled) // never .local candidates or multicast
	se.SetIncludeLoopbackCandidate(cfg.AllowLoopback)
	se.SetIPFilter(cfg.allowIP)
	se.SetInterfaceFilter(cfg.allowInterface)
	if cfg.NodeIP != "" {
		se.SetNAT1To1IPs([]string{cfg.NodeIP}, webrtc.ICECandidateTypeHost)
	}
	if err := s.listen(&se); err != nil {
		_ = s.Close()
		return nil, err
	}
	m := &webrtc.MediaEngine{}
	if err := registerCodecs(m); err != nil {
		_ = s.Close()
		return nil, err
	}
	ir, err := interceptors(m)
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	s.se, s.media, s.ir = se, m, ir
	s.api = webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(ir))
	if !cfg.NoCongestionControl {
		s.ccDone, s.ccStopped = make(chan struct{}), make(chan struct{})
		go s.congestionLoop()
	}
	return s, nil
}

// listen opens the shared UDP port, the ICE-TCP port and the TURN server.
func (s *SFU) listen(se *webrtc.SettingEngine) error {
	cfg := s.cfg
	networks := []webrtc.NetworkType{webrtc.NetworkTypeUDP4}
	if cfg.UDPPort > 0 {
		conn, err := net.ListenUDP("udp4", &net.UDPAddr{Port: cfg.UDPPort})
		if err != nil {
			return fmt.Errorf("sfu: listen on UDP port %d: %w", cfg.UDPPort, err)
		}
		// Every participant's media shares this one socket: the kernel's
		// default buffers (about 208 KB) overflow in a burst of keyframes
		// to a full roundtable. The kernel caps these at net.core.*mem_max.
		_ = conn.SetReadBuffer(udpBuffer)
		_ = conn.SetWriteBuffer(udpBuffer)
		mc := wrapMediaConn(conn, s.takeRTCP)
		s.mux = webrtc.NewICEUDPMux(nil, mc)
		s.send = addrPortSender(mc)
		se.SetICEUDPMux(s.mux)
	}
	if cfg.TCPAddr != "" {
		ln, err := net.Listen("tcp4", cfg.TCPAddr)
		if err != nil {
			return fmt.Errorf("sfu: listen for ICE over TCP on %s: %w", cfg.TCPAddr, err)
		}
		s.tcpLn = ln
		s.tcpMux = webrtc.NewICETCPMux(nil, ln, 32)
		se.SetICETCPMux(s.tcpMux)
		// Passive only: the SFU never dials TCP to addresses a client names.
		se.DisableActiveTCP(true)
		networks = append(networks, webrtc.NetworkTypeTCP4)
	}
	se.SetNetworkTypes(networks)
	if !cfg.TURN.Enabled {
		return nil
	}
	ips, err := cfg.mediaIPs()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrTURN, err)
	}
	s.ips = ips
	relay, bind := relayAddress(ips, cfg.NodeIP)
	s.turn, err = startTURN(cfg.TURN, s.log, relay, bind, s.allowRelayPeer)
	return err
}

// relayAddress picks the address relays are advertised on and the one
// they bind to: the node IP when set (binding all addresses when it is
// not local, as behind 1:1 NAT), else the first non-loopback media IP.
func relayAddress(ips []net.IP, nodeIP string) (net.IP, string) {
	if net.ParseIP(nodeIP).To4() != nil {
		for _, ip := range ips[1:] {
			if ip.Equal(ips[0]) {
				return ips[0], ips[0].String()
			}
		}
		return ips[0], "0.0.0.0"
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return ip, ip.String()
		}
	}
	return ips[0], ips[0].String()
}

// allowRelayPeer says whether a TURN relay may talk to a: only the SFU's
// media addresses, and with a single UDP port only that port (with
// ephemeral ports, as in tests, any port there but TURN's own). Port 0
// asks about the IP alone (TURN permissions).
func (s *SFU) allowRelayPeer(a *net.UDPAddr) bool {
	ip := a.IP.To4()
	if ip == nil || !slices.ContainsFunc(s.ips, ip.Equal) {
		return false
	}
	return a.Port == 0 || s.cfg.UDPPort == 0 || a.Port == s.cfg.UDPPort
}

// ICEServers returns the TURN servers identity may use, with credentials
// minted for it now; nil without TURN.
func (s *SFU) ICEServers(identity string) []ICEServer {
	if s.turn == nil {
		return nil
	}
	return s.turn.iceServers(identity)
}

// TURNStats reports the embedded TURN server's counters; ok is false
// without TURN.
func (s *SFU) TURNStats() (stats TURNStats, ok bool) {
	if s.turn == nil {
		return TURNStats{}, false
	}
	return s.turn.stats(), true
}

// TCPAddr is the address of the ICE-over-TCP listener, nil when off.
func (s *SFU) TCPAddr() net.Addr {
	if s.tcpLn == nil {
		return nil
	}
	return s.tcpLn.Addr()
}

// registerCodecs offers what LiveKit clients publish: Opus with the
// audio-level extension, VP8 and H.264 with NACK/PLI/TWCC feedback, and
// the simulcast header extensions. Opus has no TWCC, as with LiveKit:
// see interceptors.
func registerCodecs(m *webrtc.MediaEngine) error {
	fb := []webrtc.RTCPFeedback{{Type: "goog-remb"}, {Type: "transport-cc"}, {Type: "ccm", Parameter: "fir"}, {Type: "nack"}, {Type: "nack", Parameter: "pli"}}
	codecs := []struct {
		p webrtc.RTPCodecParameters
		t webrtc.RTPCodecType
	}{
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2,
			SDPFmtpLine: "minptime=10;useinbandfec=1"}, PayloadType: 111}, webrtc.RTPCodecTypeAudio},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: fb}, PayloadType: 96}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
			SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", RTCPFeedback: fb}, PayloadType: 125}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
			SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640032", RTCPFeedback: fb}, PayloadType: 123}, webrtc.RTPCodecTypeVideo},
	}
	for _, c := range codecs {
		if err := m.RegisterCodec(c.p, c.t); err != nil {
			return err
		}
	}
	for _, uri := range []string{"urn:ietf:params:rtp-hdrext:ssrc-audio-level"} {
		if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: uri}, webrtc.RTPCodecTypeAudio); err != nil {
			return err
		}
	}
	for _, uri := range []string{"urn:ietf:params:rtp-hdrext:sdes:mid", "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
		"urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"} {
		for _, t := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
			if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: uri}, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// NewPeerConnection returns a peer connection built by the SFU's API.
// With link (nil: none) it carries that subscriber's media, which takes
// the direct path (direct.go) where it can: the connection then gets an
// API of its own, whose DTLS hooks hand its keys to link.
func (s *SFU) NewPeerConnection(link *Downlink) (*webrtc.PeerConnection, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	cfg := webrtc.Configuration{SDPSemantics: webrtc.SDPSemanticsUnifiedPlan}
	if link == nil || s.send == nil || s.cfg.NoDirectPath {
		return s.api.NewPeerConnection(cfg)
	}
	p := &direct{send: s.send, port: s.cfg.UDPPort, tap: &keyTap{}, link: link, directs: &s.directs}
	se := s.se
	se.SetDTLSKeyLogWriter(p.tap)
	se.SetDTLSServerHelloMessageHook(p.tap.serverHello)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(s.media), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(s.ir))
	pc, err := api.NewPeerConnection(cfg)
	if err != nil {
		return nil, err
	}
	p.pc = pc
	p.watch()
	link.direct.Store(p)
	return pc, nil
}

// Close releases the ports and stops the TURN server. Peer connections
// are closed by their owners.
func (s *SFU) Close() error {
	s.mu.Lock()
	closed := s.closed
	s.closed = true
	s.mu.Unlock()
	if closed {
		return nil
	}
	if s.ccDone != nil { // outside mu: the loop takes it to list the downlinks
		close(s.ccDone)
		<-s.ccStopped
	}
	var errs []error
	if s.turn != nil {
		errs = append(errs, s.turn.close())
	}
	if s.tcpMux != nil {
		errs = append(errs, s.tcpMux.Close())
	}
	if s.mux != nil {
		errs = append(errs, s.mux.Close())
	}
	return errors.Join(errs...)
}
