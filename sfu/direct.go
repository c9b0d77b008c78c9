package sfu

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/dtls/v3/pkg/crypto/prf"
	"github.com/pion/dtls/v3/pkg/protocol/extension"
	"github.com/pion/dtls/v3/pkg/protocol/handshake"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/srtp/v3"
	"github.com/pion/webrtc/v4"
)

// The direct path. A subscriber's media costs most of the SFU's CPU, and
// under a fan-out Pion's write path (interceptor chain, SRTP session,
// DTLS mux, ICE connection, UDP mux: locks, clocks and stats per layer)
// cost twice the encryption. So a DownTrack encrypts its packets itself
// with pion/srtp and sends them straight onto the shared media socket,
// to the subscriber's selected ICE address. Pion still runs ICE, DTLS,
// RTCP and everything else on the connection.
//
// The SRTP keys come from the DTLS handshake through two hooks Pion
// offers: the key log (client random and master secret) and the
// ServerHello hook (server random, cipher suite, SRTP profile). That
// covers connections where the SFU is the DTLS server, as on every
// subscriber connection (the SFU offers, clients answer "active"); the
// rest, and ICE over TCP or TURN, keep Pion's path.

// keyTap collects one connection's DTLS secrets as its handshake runs.
type keyTap struct {
	mu      sync.Mutex
	client  []byte // client random, from the key log
	master  []byte
	server  [32]byte
	hello   bool // the SFU sent a ServerHello: it is the DTLS server
	suite   uint16
	profile srtp.ProtectionProfile
}

// Write takes the key log's lines: "CLIENT_RANDOM <random> <secret>".
func (t *keyTap) Write(p []byte) (int, error) {
	f := bytes.Fields(p)
	if len(f) == 3 && string(f[0]) == "CLIENT_RANDOM" {
		client, err1 := hex.DecodeString(string(f[1]))
		master, err2 := hex.DecodeString(string(f[2]))
		if err1 == nil && err2 == nil {
			t.mu.Lock()
			t.client, t.master = client, master
			t.mu.Unlock()
		}
	}
	return len(p), nil
}

// serverHello notes what the SFU's ServerHello chose, and sends it as is.
func (t *keyTap) serverHello(m handshake.MessageServerHello) handshake.Message {
	t.mu.Lock()
	t.server, t.hello = m.Random.MarshalFixed(), true
	if m.CipherSuiteID != nil {
		t.suite = *m.CipherSuiteID
	}
	for _, e := range m.Extensions {
		if u, ok := e.(*extension.UseSRTP); ok && len(u.ProtectionProfiles) == 1 {
			t.profile = srtp.ProtectionProfile(u.ProtectionProfiles[0])
		}
	}
	t.mu.Unlock()
	return &m
}

var errNoKeys = errors.New("sfu: the DTLS handshake's secrets are not known")

// prfHash is the PRF hash of the cipher suites Pion negotiates: SHA-384
// for the two AES-256-GCM suites, else SHA-256 (TLS 1.2's default).
func prfHash(suite uint16) (func() hash.Hash, bool) {
	switch suite {
	case 0xc02c, 0xc030: // ECDHE_{ECDSA,RSA}_WITH_AES_256_GCM_SHA384
		return sha512.New384, true
	case 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc00a, 0xc014: // AES-128-GCM, ChaCha20, AES-256-CBC-SHA
		return sha256.New, true
	}
	return nil, false
}

// ExportKeyingMaterial is RFC 5705's exporter without a context, as the
// DTLS connection computes it for SRTP (RFC 5764) when it is the server.
func (t *keyTap) ExportKeyingMaterial(label string, context []byte, length int) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	h, ok := prfHash(t.suite)
	if !ok || !t.hello || len(t.master) == 0 || len(t.client) != 32 || len(context) != 0 {
		return nil, errNoKeys
	}
	seed := append(append([]byte(label), t.client...), t.server[:]...)
	return prf.PHash(t.master, seed, length, h)
}

// keys derives the SFU's SRTP keys, once the handshake is done.
func (t *keyTap) keys() (*srtp.Config, error) {
	t.mu.Lock()
	profile := t.profile
	t.mu.Unlock()
	if profile == 0 {
		return nil, errNoKeys
	}
	c := &srtp.Config{Profile: profile}
	if err := c.ExtractSessionKeysFromDTLS(t, false); err != nil {
		return nil, err
	}
	return c, nil
}

// direct is one subscriber connection's direct path: usable while both
// the keys and the address are set.
type direct struct {
	send func([]byte, netip.AddrPort) (int, error) // the shared media socket
	port int                                       // its port
	tap  *keyTap
	pc   *webrtc.PeerConnection // for RTCP (sender reports)
	link *Downlink
	// the SFU's direct paths by address, where p is while its address is
	// known, so the subscriber's RTCP reaches it (takeRTCP)
	directs *sync.Map

	keys  atomic.Pointer[srtp.Config]    // nil until DTLS is up, and once it closes
	to    atomic.Pointer[netip.AddrPort] // the selected pair's remote end; nil: not on the shared port
	sent  atomic.Uint64                  // packets sent on it
	taken atomic.Uint64                  // RTCP packets read on it

	rmu     sync.Mutex // guards the subscriber's RTCP state below
	rkeys   *srtp.Config
	rctx    *srtp.Context
	rplain  [1500]byte
	scratch [maxPayload]byte // for retransmissions
}

// watch follows the connection's DTLS and ICE state.
func (p *direct) watch() {
	dt := p.pc.SCTP().Transport()
	it := dt.ICETransport()
	dt.OnStateChange(func(st webrtc.DTLSTransportState) {
		switch st {
		case webrtc.DTLSTransportStateConnected:
			if c, err := p.tap.keys(); err == nil {
				p.keys.Store(c)
			}
		case webrtc.DTLSTransportStateClosed, webrtc.DTLSTransportStateFailed:
			p.keys.Store(nil)
			p.setTo(nil)
		}
	})
	it.OnSelectedCandidatePairChange(p.selected)
	it.OnConnectionStateChange(func(st webrtc.ICETransportState) {
		if st == webrtc.ICETransportStateFailed || st == webrtc.ICETransportStateClosed {
			p.setTo(nil)
		}
	})
}

// selected takes the new ICE pair: direct only from the shared UDP port
// (not ICE over TCP, not a TURN relay) to an IPv4 address.
func (p *direct) selected(pair *webrtc.ICECandidatePair) {
	if pair == nil || pair.Local == nil || pair.Remote == nil || pair.Local.Protocol != webrtc.ICEProtocolUDP ||
		pair.Local.Typ != webrtc.ICECandidateTypeHost || int(pair.Local.Port) != p.port {
		p.setTo(nil)
		return
	}
	ip, err := netip.ParseAddr(pair.Remote.Address)
	if ip = ip.Unmap(); err != nil || !ip.Is4() {
		p.setTo(nil)
		return
	}
	to := netip.AddrPortFrom(ip, pair.Remote.Port)
	p.setTo(&to)
}

// setTo sends to (nil: not on the direct path) from now on, and takes
// the RTCP that comes from there.
func (p *direct) setTo(to *netip.AddrPort) {
	if old := p.to.Swap(to); old != nil {
		p.directs.CompareAndDelete(*old, p)
	}
	if to != nil {
		p.directs.Store(*to, p)
	}
}

// directPath returns l's direct path with the keys and address to send
// with, or nil when it is not up (Pion's path is taken).
func (l *Downlink) directPath() (*direct, *srtp.Config, netip.AddrPort) {
	if l == nil {
		return nil, nil, netip.AddrPort{}
	}
	p := l.direct.Load()
	if p == nil {
		return nil, nil, netip.AddrPort{}
	}
	k, to := p.keys.Load(), p.to.Load()
	if k == nil || to == nil {
		return nil, nil, netip.AddrPort{}
	}
	return p, k, *to
}

// cryptex says whether the subscriber's description takes encrypted
// header extensions (RFC 9335), which Pion then sends on its own path.
func (p *direct) cryptex() bool {
	d := p.pc.RemoteDescription()
	return d != nil && strings.Contains(d.SDP, "a=cryptex")
}

// directState is a DownTrack's side of the direct path: its SRTP context
// and buffer, and what its sender reports count.
type directState struct {
	mu      sync.Mutex
	keys    *srtp.Config // the keys ctx was made with
	ctx     *srtp.Context
	plain   [maxPayload + 64]byte
	cipher  [maxPayload + 96]byte
	packets uint32 // sent on the direct path, for sender reports
	octets  uint32
}

// sendDirect encrypts and sends one packet on p with keys k to to; false
// if it could not (the caller counts it dropped).
func (d *DownTrack) sendDirect(p *direct, k *srtp.Config, to netip.AddrPort, h *rtp.Header, payload []byte) bool {
	s := &d.direct
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys != k {
		var opts []srtp.ContextOption
		if p.cryptex() {
			opts = append(opts, srtp.Cryptex(srtp.CryptexModeEnabled))
		}
		ctx, err := srtp.CreateContext(k.Keys.LocalMasterKey, k.Keys.LocalMasterSalt, k.Profile, opts...)
		if err != nil {
			return false
		}
		s.keys, s.ctx = k, ctx
	}
	n, err := h.MarshalTo(s.plain[:])
	if err != nil || n+len(payload)+int(h.PaddingSize) > len(s.plain) {
		return false
	}
	n += copy(s.plain[n:], payload)
	if h.Padding && h.PaddingSize > 0 {
		clear(s.plain[n : n+int(h.PaddingSize)])
		n += int(h.PaddingSize)
		s.plain[n-1] = h.PaddingSize
	}
	out, err := s.ctx.EncryptRTP(s.cipher[:0], s.plain[:n], h)
	if err != nil {
		return false
	}
	if _, err := p.send(out, to); err != nil {
		return false
	}
	s.packets++
	s.octets += uint32(len(payload))
	p.sent.Add(1)
	return true
}

// senderReport is d's RTCP sender report at now for the packets it sent
// on the direct path (Pion reports those on its own); nil if none. Its
// RTP time runs on from the newest packet's, as the stream's line does.
func (d *DownTrack) senderReport(now time.Time) *rtcp.SenderReport {
	b := d.bound.Load()
	s := &d.direct
	s.mu.Lock()
	packets, octets := s.packets, s.octets
	s.mu.Unlock()
	if b == nil || packets == 0 {
		return nil
	}
	d.mu.Lock()
	lastTS, lastSent := d.lastTS, d.lastSent
	d.mu.Unlock()
	return &rtcp.SenderReport{
		SSRC:        b.ssrc,
		NTPTime:     ntpTime(now),
		RTPTime:     lastTS + uint32(float64(now.UnixNano()-lastSent)/1e9*float64(d.clock)),
		PacketCount: packets,
		OctetCount:  octets,
	}
}

// ntpTime is t in NTP's 32.32 fixed point.
func ntpTime(t time.Time) uint64 {
	const unixToNTP = 2208988800
	ns := uint64(t.UnixNano())
	sec := ns/1e9 + unixToNTP
	frac := (ns % 1e9) << 32 / 1e9
	return sec<<32 | frac
}

// takeRTCP reads the RTCP of subscribers on the direct path as it comes
// off the shared socket, on the socket's reading goroutine: Pion would
// pass each packet through four goroutines (UDP mux, ICE, DTLS mux,
// SRTCP session) before a DownTrack's reader, which cost more than the
// rest of the subscriber's inbound work together. It reports whether it
// took b; what it leaves (STUN, DTLS, anything it cannot decrypt) goes
// to Pion as before.
func (s *SFU) takeRTCP(b []byte, from netip.AddrPort) bool {
	// RTCP multiplexed with RTP (RFC 5761): version 2, types 192-223
	if len(b) < 8 || b[0]>>6 != 2 || b[1] < 192 || b[1] > 223 {
		return false
	}
	v, ok := s.directs.Load(from)
	if !ok {
		return false
	}
	return v.(*direct).onRTCP(b)
}

// srtcpReplayWindow is the SRTCP replay window, Pion's default.
const srtcpReplayWindow = 64

// onRTCP decrypts and handles one SRTCP packet from the subscriber.
func (p *direct) onRTCP(b []byte) bool {
	k := p.keys.Load()
	if k == nil {
		return false
	}
	p.rmu.Lock()
	defer p.rmu.Unlock()
	if p.rkeys != k {
		ctx, err := srtp.CreateContext(k.Keys.RemoteMasterKey, k.Keys.RemoteMasterSalt, k.Profile,
			srtp.SRTCPReplayProtection(srtcpReplayWindow))
		if err != nil {
			return false
		}
		p.rkeys, p.rctx = k, ctx
	}
	out, err := p.rctx.DecryptRTCP(p.rplain[:0], b, nil)
	if err != nil {
		return false // Pion drops it in turn
	}
	p.taken.Add(1)
	// One packet of the compound at a time: the transport-wide feedback,
	// most of what comes, is read in place; reports on the subscriber's
	// own streams (SDES, XR) concern nothing sent here.
	for len(out) >= 4 {
		var h rtcp.Header
		if h.Unmarshal(out) != nil {
			break
		}
		n := (int(h.Length) + 1) * 4
		if n > len(out) {
			break
		}
		pkt := out[:n]
		out = out[n:]
		switch {
		case h.Type == rtcp.TypeSourceDescription || h.Type == rtcp.TypeExtendedReport:
		case h.Type == rtcp.TypeTransportSpecificFeedback && h.Count == rtcp.FormatTCC && n >= 12:
			// transport-wide: about everything sent over the link, when
			// it names a stream sent here (as Pion routes it)
			if d := p.link.bySSRC(binary.BigEndian.Uint32(pkt[8:12])); d != nil {
				d.heard.Store(true)
				if !p.link.bwe.OnFeedbackRaw(pkt, time.Now().UnixNano()) {
					p.dispatch(pkt)
				}
			}
		default:
			p.dispatch(pkt)
		}
	}
	return true
}

// dispatch parses RTCP and gives each packet to the tracks it names, as
// Pion routes it.
func (p *direct) dispatch(b []byte) {
	pkts, err := rtcp.Unmarshal(b)
	if err != nil {
		return
	}
	for _, pk := range pkts {
		for _, ssrc := range pk.DestinationSSRC() {
			if d := p.link.bySSRC(ssrc); d != nil {
				d.heard.Store(true)
				d.onRTCP(pk, p.scratch[:])
			}
		}
	}
}

// bySSRC finds the DownTrack sent with ssrc.
func (l *Downlink) bySSRC(ssrc uint32) *DownTrack {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, d := range l.downs {
		if b := d.bound.Load(); b != nil && b.ssrc == ssrc {
			return d
		}
	}
	return nil
}
