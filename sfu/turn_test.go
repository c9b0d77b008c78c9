package sfu

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/turn/v5"
)

// testLog is quiet unless ZADANKAI_TEST_LOG is set.
func testLog() *slog.Logger {
	if os.Getenv("ZADANKAI_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// loopbackConfig keeps media and relays on 127.0.0.1 (sfu tests run
// outside the test namespace).
func loopbackConfig() Config {
	turn := DefaultTURNConfig()
	turn.Enabled, turn.Addr, turn.RelayPortMin, turn.RelayPortMax = true, "127.0.0.1:0", 0, 0
	return Config{AllowLoopback: true, IPs: []string{"127.0.0.1"}, TURN: turn}
}

func newTestSFU(t *testing.T, cfg Config) *SFU {
	t.Helper()
	s, err := New(cfg, testLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// turnAddr is the TURN server's UDP/TCP address from the URLs handed out.
func turnAddr(t *testing.T, s *SFU) string {
	t.Helper()
	is := s.ICEServers("x")
	if len(is) != 1 || len(is[0].URLs) < 2 {
		t.Fatalf("ICE servers: %+v", is)
	}
	u := strings.TrimPrefix(is[0].URLs[0], "turn:")
	return u[:strings.Index(u, "?")]
}

// dialTURN returns a TURN client over transport "udp", "tcp" or "tls".
func dialTURN(t *testing.T, addr, transport, user, pass string, roots *x509.CertPool) *turn.Client {
	t.Helper()
	var conn net.PacketConn
	switch transport {
	case "udp":
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		conn = c
	case "tcp":
		c, err := net.Dial("tcp4", addr)
		if err != nil {
			t.Fatal(err)
		}
		conn = turn.NewSTUNConn(c)
	case "tls":
		c, err := tls.Dial("tcp4", addr, &tls.Config{RootCAs: roots, ServerName: "turn.test"})
		if err != nil {
			t.Fatal(err)
		}
		conn = turn.NewSTUNConn(c)
	}
	c, err := turn.NewClient(&turn.ClientConfig{STUNServerAddr: addr, TURNServerAddr: addr, Conn: conn, Username: user, Password: pass,
		RTO: 200 * time.Millisecond, LoggerFactory: pionLogs{testLog()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); conn.Close() })
	return c
}

func TestTURNCredentials(t *testing.T) {
	s := newTestSFU(t, loopbackConfig())
	addr := turnAddr(t, s)
	fresh := s.ICEServers("alice")[0]
	if !strings.HasSuffix(fresh.Username, ":alice") {
		t.Errorf("username %q is not expiry:identity", fresh.Username)
	}
	expUser, expPass := s.turn.credentials("alice", time.Now().Add(-time.Second))
	forged, _ := (&turnServer{secret: "another secret"}).credentials("alice", time.Now().Add(time.Hour))
	cases := []struct {
		name, transport, user, pass string
		ok                          bool
	}{
		{"fresh over UDP", "udp", fresh.Username, fresh.Credential, true},
		{"fresh over TCP", "tcp", fresh.Username, fresh.Credential, true},
		{"expired", "udp", expUser, expPass, false},
		{"expired over TCP", "tcp", expUser, expPass, false},
		{"forged password", "udp", fresh.Username, "bm90IHRoZSBwYXNzd29yZA==", false},
		{"signed with another secret", "udp", forged, fresh.Credential, false},
		{"expiry pushed back", "udp", "9999999999:alice", fresh.Credential, false},
		{"no expiry", "udp", "alice", fresh.Credential, false},
	}
	refused := int64(0)
	for _, c := range cases {
		if !c.ok {
			refused++
		}
		t.Run(c.name, func(t *testing.T) {
			relay, err := dialTURN(t, addr, c.transport, c.user, c.pass, nil).Allocate()
			if c.ok != (err == nil) {
				t.Fatalf("Allocate: err = %v, want ok=%v", err, c.ok)
			}
			if err == nil {
				if a := relay.LocalAddr().(*net.UDPAddr); !a.IP.Equal(net.IPv4(127, 0, 0, 1)) {
					t.Errorf("relay on %v, want the media address", a)
				}
				relay.Close()
			}
		})
	}
	if st, _ := s.TURNStats(); st.RefusedCredentials != refused {
		t.Errorf("stats count %d refused credentials, want %d", st.RefusedCredentials, refused)
	}
}

// TestTURNRelaysOnlyToTheSFU: permissions to any address but the SFU's
// media addresses are refused, so the relay is no open proxy.
func TestTURNRelaysOnlyToTheSFU(t *testing.T) {
	s := newTestSFU(t, loopbackConfig())
	is := s.ICEServers("bob")[0]
	for _, transport := range []string{"udp", "tcp"} {
		c := dialTURN(t, turnAddr(t, s), transport, is.Username, is.Credential, nil)
		relay, err := c.Allocate()
		if err != nil {
			t.Fatal(err)
		}
		for _, peer := range []string{"127.0.0.2:5000", "198.18.0.1:5000", "192.0.2.7:3478", "10.0.0.1:53"} {
			if err := c.CreatePermission(net.UDPAddrFromAddrPort(netip.MustParseAddrPort(peer))); err == nil {
				t.Errorf("%s: permission to %s granted", transport, peer)
			}
		}
		if err := c.CreatePermission(&net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5000}); err != nil {
			t.Errorf("%s: permission to the SFU's address refused: %v", transport, err)
		}
		relay.Close()
	}
	if st, _ := s.TURNStats(); st.RefusedPeers != 8 {
		t.Errorf("stats count %d refused peers, want 8", st.RefusedPeers)
	}
}

// TestTURNRelayPortFilter: with a single media port, the relay carries
// packets to that port only (not to other services on the same host).
func TestTURNRelayPortFilter(t *testing.T) {
	media, other := listenUDP(t), listenUDP(t)
	cfg := loopbackConfig()
	cfg.UDPPort = media.LocalAddr().(*net.UDPAddr).Port
	media.Close() // the SFU takes the port over
	s := newTestSFU(t, cfg)
	is := s.ICEServers("carol")[0]
	relay, err := dialTURN(t, turnAddr(t, s), "udp", is.Username, is.Credential, nil).Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Close()
	if _, err := relay.WriteTo([]byte("hello"), other.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	_ = other.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	if n, from, err := other.ReadFrom(make([]byte, 64)); err == nil {
		t.Fatalf("a service on another port got %d bytes from %v through the relay", n, from)
	}
	g := &peerFilterConn{allow: s.allowRelayPeer}
	if _, err := g.WriteTo(nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: cfg.UDPPort + 1}); err == nil {
		t.Error("filter let a packet to another port through")
	}
	if !s.allowRelayPeer(&net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: cfg.UDPPort}) {
		t.Error("filter refuses the media port")
	}
}

func TestTURNQuota(t *testing.T) {
	cfg := loopbackConfig()
	cfg.TURN.MaxAllocationsPerUser = 2
	s := newTestSFU(t, cfg)
	addr := turnAddr(t, s)
	is := s.ICEServers("dave")[0]
	for i := range 3 {
		relay, err := dialTURN(t, addr, "udp", is.Username, is.Credential, nil).Allocate()
		if (i < 2) != (err == nil) {
			t.Fatalf("allocation %d: err = %v", i+1, err)
		}
		if err == nil {
			defer relay.Close()
		}
	}
	if st, _ := s.TURNStats(); st.RefusedQuota != 1 || st.Allocations != 2 {
		t.Errorf("stats %+v, want 1 refused for quota and 2 open", st)
	}
	other := s.ICEServers("erin")[0]
	relay, err := dialTURN(t, addr, "udp", other.Username, other.Credential, nil).Allocate()
	if err != nil {
		t.Fatalf("another participant is refused because dave is at his quota: %v", err)
	}
	relay.Close()
}

func TestTURNOverTLS(t *testing.T) {
	certFile, keyFile, roots := selfSigned(t)
	cfg := loopbackConfig()
	cfg.TURN.TLSAddr, cfg.TURN.CertFile, cfg.TURN.KeyFile, cfg.TURN.Domain = "127.0.0.1:0", certFile, keyFile, "turn.test"
	s := newTestSFU(t, cfg)
	is := s.ICEServers("frank")[0]
	if len(is.URLs) != 3 || !strings.HasPrefix(is.URLs[2], "turns:turn.test:") || !strings.HasSuffix(is.URLs[2], "?transport=tcp") {
		t.Fatalf("URLs: %v", is.URLs)
	}
	port := strings.TrimSuffix(strings.TrimPrefix(is.URLs[2], "turns:turn.test:"), "?transport=tcp")
	relay, err := dialTURN(t, "127.0.0.1:"+port, "tls", is.Username, is.Credential, roots).Allocate()
	if err != nil {
		t.Fatal(err)
	}
	relay.Close()
}

func TestTURNConfig(t *testing.T) {
	base := DefaultTURNConfig()
	base.Enabled = true
	cases := []struct {
		name   string
		adjust func(*TURNConfig)
	}{
		{"half a relay range", func(c *TURNConfig) { c.RelayPortMax = 0 }},
		{"range upside down", func(c *TURNConfig) { c.RelayPortMin, c.RelayPortMax = 40000, 30000 }},
		{"cert without key", func(c *TURNConfig) { c.TLSAddr, c.CertFile = ":5349", "c.pem" }},
		{"TLS without cert", func(c *TURNConfig) { c.TLSAddr = ":5349" }},
		{"no TTL", func(c *TURNConfig) { c.CredentialTTL = 0 }},
		{"no quota", func(c *TURNConfig) { c.MaxAllocationsPerUser = 0 }},
	}
	if err := base.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, c := range cases {
		cfg := base
		c.adjust(&cfg)
		if err := cfg.Validate(); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
	cfg := loopbackConfig()
	cfg.TURN.CertFile, cfg.TURN.KeyFile, cfg.TURN.TLSAddr = "/nonexistent/c.pem", "/nonexistent/k.pem", "127.0.0.1:0"
	if s, err := New(cfg, testLog()); err == nil {
		s.Close()
		t.Error("a missing certificate was accepted")
	}
}

func listenUDP(t *testing.T) net.PacketConn {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// selfSigned writes a certificate for turn.test and 127.0.0.1 and returns
// its files and a pool that trusts it.
func selfSigned(t *testing.T) (string, string, *x509.CertPool) {
	t.Helper()
	certPEM, keyPEM, err := newCertPEM()
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := writeCert(t, certPEM, keyPEM)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(certPEM)
	return certFile, keyFile, roots
}

func newCertPEM() ([]byte, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "turn.test"}, DNSNames: []string{"turn.test"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), nil
}

func writeCert(t *testing.T, certPEM, keyPEM []byte) (string, string) {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// systemCert is one certificate per test process: Go reads the system
// trust store (SSL_CERT_FILE) once, and Pion's ICE agent checks turns:
// servers against it only.
var systemCert struct {
	once      sync.Once
	cert, key []byte
	err       error
}

// systemTrustedCert writes that certificate for a test and makes it the
// system trust store. It works only if nothing in this process verified
// a certificate against system roots before (nothing in sfu tests does).
func systemTrustedCert(t *testing.T) (string, string) {
	t.Helper()
	systemCert.once.Do(func() { systemCert.cert, systemCert.key, systemCert.err = newCertPEM() })
	if systemCert.err != nil {
		t.Fatal(systemCert.err)
	}
	certFile, keyFile := writeCert(t, systemCert.cert, systemCert.key)
	t.Setenv("SSL_CERT_FILE", certFile)
	return certFile, keyFile
}

// TestCloseStopsTURNAndTCP: closing the SFU ends the TURN server, its
// relays and the ICE-TCP mux, goroutines included.
func TestCloseStopsTURNAndTCP(t *testing.T) {
	time.Sleep(100 * time.Millisecond) // let earlier tests' goroutines finish
	before := runtime.NumGoroutine()
	cfg := loopbackConfig()
	cfg.TCPAddr = "127.0.0.1:0"
	s, err := New(cfg, testLog())
	if err != nil {
		t.Fatal(err)
	}
	is := s.ICEServers("heidi")[0]
	addr := turnAddr(t, s)
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, err := turn.NewClient(&turn.ClientConfig{STUNServerAddr: addr, TURNServerAddr: addr, Conn: conn, Username: is.Username, Password: is.Credential})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Listen(); err != nil {
		t.Fatal(err)
	}
	relay, err := c.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	tcpAddr := s.TCPAddr().String()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	relay.Close()
	c.Close()
	conn.Close()
	if _, err := net.Dial("tcp4", tcpAddr); err == nil {
		t.Error("the ICE-TCP port is still open")
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// BenchmarkTURNRelay measures one 1200-byte packet relayed by the
// embedded TURN server from a client (UDP, channel data once bound) to a
// peer on the media address, waiting for each to arrive.
//
//	go test -run '^$' -bench TURNRelay -benchmem ./sfu
func BenchmarkTURNRelay(b *testing.B) {
	s, err := New(loopbackConfig(), testLog())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	is := s.ICEServers("bench")[0]
	u := strings.TrimPrefix(is.URLs[0], "turn:")
	addr := u[:strings.Index(u, "?")]
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	c, err := turn.NewClient(&turn.ClientConfig{STUNServerAddr: addr, TURNServerAddr: addr, Conn: conn, Username: is.Username, Password: is.Credential})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.Listen(); err != nil {
		b.Fatal(err)
	}
	relay, err := c.Allocate()
	if err != nil {
		b.Fatal(err)
	}
	defer relay.Close()
	peer, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer peer.Close()
	pkt, buf := make([]byte, 1200), make([]byte, 1500)
	for range 50 { // permission and channel binding settle
		_, _ = relay.WriteTo(pkt, peer.LocalAddr())
		time.Sleep(5 * time.Millisecond)
	}
	_ = peer.SetReadDeadline(time.Now().Add(time.Millisecond))
	for {
		if _, _, err := peer.ReadFrom(buf); err != nil {
			break
		}
	}
	_ = peer.SetReadDeadline(time.Time{})
	b.ReportAllocs()
	b.SetBytes(int64(len(pkt)))
	for b.Loop() {
		if _, err := relay.WriteTo(pkt, peer.LocalAddr()); err != nil {
			b.Fatal(err)
		}
		_ = peer.SetReadDeadline(time.Now().Add(time.Second))
		if _, _, err := peer.ReadFrom(buf); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRelayFilterAllocs: the peer filter runs per relayed packet and
// must not allocate.
func TestRelayFilterAllocs(t *testing.T) {
	s := newTestSFU(t, loopbackConfig())
	a := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	if n := testing.AllocsPerRun(1000, func() { _ = s.allowRelayPeer(a) }); n != 0 {
		t.Errorf("allowRelayPeer allocates %.1f times per packet", n)
	}
}
