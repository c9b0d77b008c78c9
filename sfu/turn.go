package sfu

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // the TURN REST scheme is HMAC-SHA1
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/stun/v4"
	"github.com/pion/turn/v5"
)

// TURNConfig is the embedded TURN server for clients whose networks block
// direct media: UDP and TCP on one port, TLS on another. It only relays to
// this SFU's own media addresses.
type TURNConfig struct {
	Enabled bool
	// Addr is host:port of the UDP and TCP listeners; port 0 = any free
	// port (tests).
	Addr string
	// TLSAddr is host:port of the TLS listener; empty = no TLS. Needs
	// CertFile and KeyFile.
	TLSAddr           string
	CertFile, KeyFile string
	// Domain is the host in the URLs handed to clients (the certificate's
	// name for TLS); empty = the relay IP.
	Domain string
	// RelayPortMin and RelayPortMax bound the relayed ports (inclusive);
	// both 0 = any free port.
	RelayPortMin, RelayPortMax int
	// CredentialTTL is how long a participant's credentials may open new
	// allocations.
	CredentialTTL time.Duration
	// Secret signs the credentials; empty = random at start (credentials
	// then die with the process, which is what a single node wants).
	Secret string
	// MaxAllocationsPerUser and MaxAllocations are quotas: one participant
	// cannot take all relay ports, nor can everyone together.
	MaxAllocationsPerUser, MaxAllocations int
}

// DefaultTURNConfig returns the defaults (disabled).
func DefaultTURNConfig() TURNConfig {
	return TURNConfig{Addr: ":3478", RelayPortMin: 30000, RelayPortMax: 40000, CredentialTTL: 10 * time.Minute,
		MaxAllocationsPerUser: 12, MaxAllocations: 2000}
}

// Validate reports the first invalid field.
func (c TURNConfig) Validate() error {
	switch {
	case !c.Enabled:
		return nil
	case c.Addr == "":
		return fmt.Errorf("%w: Addr is required", ErrTURN)
	case (c.CertFile == "") != (c.KeyFile == ""), c.TLSAddr != "" && c.CertFile == "":
		return fmt.Errorf("%w: TLS needs both CertFile and KeyFile", ErrTURN)
	case (c.RelayPortMin == 0) != (c.RelayPortMax == 0), c.RelayPortMin < 0, c.RelayPortMax > 65535, c.RelayPortMin > c.RelayPortMax:
		return fmt.Errorf("%w: relay port range %d-%d is invalid", ErrTURN, c.RelayPortMin, c.RelayPortMax)
	case c.CredentialTTL <= 0:
		return fmt.Errorf("%w: CredentialTTL must be positive", ErrTURN)
	case c.MaxAllocationsPerUser < 1 || c.MaxAllocations < 1:
		return fmt.Errorf("%w: allocation quotas must be positive", ErrTURN)
	}
	return nil
}

// ErrTURN marks errors of the embedded TURN server's configuration or start.
var ErrTURN = errors.New("sfu: turn")

// errNoTCPRelay refuses RFC 6062 TCP allocations: WebRTC relays UDP only,
// and a TCP relay would let clients open connections to any TCP service
// on the media address.
var errNoTCPRelay = errors.New("sfu: TCP relay allocations are not offered")

// errPeerRefused drops relayed packets to or from anything but the SFU.
var errPeerRefused = errors.New("sfu: relay peer is not this server's media address")

// refreshGrace is how long after its expiry a credential still serves the
// allocation it opened (refreshes, permissions, channels): expiry bounds
// new allocations, not calls in progress.
const refreshGrace = 12 * time.Hour

// ICEServer is a STUN/TURN server as handed to one client.
type ICEServer struct {
	URLs                 []string
	Username, Credential string
}

// turnServer is the running TURN server.
type turnServer struct {
	// immutable
	cfg                       TURNConfig
	log                       *slog.Logger
	srv                       *turn.Server
	secret                    string
	realm, host               string
	udpPort, tcpPort, tlsPort int

	// atomic
	refusedAuth, refusedPeers, refusedQuota atomic.Int64

	mu      sync.Mutex
	perUser map[string]int // live allocations by user, guarded by mu
	total   int            // guarded by mu
}

// TURNStats counts what the embedded TURN server did.
type TURNStats struct {
	// Allocations is the number of relays open now.
	Allocations int
	// RefusedCredentials counts requests with expired, malformed or
	// forged credentials; RefusedPeers, permissions to addresses other
	// than the SFU's; RefusedQuota, allocations over a quota.
	RefusedCredentials, RefusedPeers, RefusedQuota int64
}

// startTURN opens the listeners. relayIP is the address relays are
// advertised on; allowPeer says which addresses relays may talk to.
func startTURN(cfg TURNConfig, log *slog.Logger, relayIP net.IP, relayBind string, allowPeer func(*net.UDPAddr) bool) (*turnServer, error) {
	t := &turnServer{cfg: cfg, log: log, secret: cfg.Secret, realm: "zadankai", host: cfg.Domain, perUser: map[string]int{}}
	if t.secret == "" {
		b := make([]byte, 32)
		_, _ = rand.Read(b) // crypto/rand never fails on Linux
		t.secret = hex.EncodeToString(b)
	}
	if t.host == "" {
		t.host = relayIP.String()
	}
	// Never relay into the TURN port itself (loops); t.udpPort is set
	// before the server starts serving.
	peer := func(a *net.UDPAddr) bool { return (a.Port == 0 || a.Port != t.udpPort) && allowPeer(a) }
	gen := &relayGen{ip: relayIP, bind: relayBind, min: cfg.RelayPortMin, max: cfg.RelayPortMax, allow: peer}
	perm := func(_ net.Addr, ip net.IP) bool {
		ok := peer(&net.UDPAddr{IP: ip})
		if !ok {
			t.refusedPeers.Add(1)
		}
		return ok
	}
	udp, tcp, err := listenUDPTCP(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTURN, err)
	}
	t.udpPort, t.tcpPort = udp.LocalAddr().(*net.UDPAddr).Port, tcp.Addr().(*net.TCPAddr).Port
	sc := turn.ServerConfig{Realm: t.realm, AuthHandler: t.authenticate, QuotaHandler: t.quota, LoggerFactory: pionLogs{log},
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: udp, RelayAddressGenerator: gen, PermissionHandler: perm}},
		ListenerConfigs:   []turn.ListenerConfig{{Listener: tcp, RelayAddressGenerator: gen, PermissionHandler: perm}},
		EventHandler: turn.EventHandler{
			OnAuth: func(_, _ net.Addr, _, _, _, _ string, ok bool) {
				if !ok { // a wrong password (integrity check failed)
					t.refusedAuth.Add(1)
				}
			},
			OnAllocationCreated: func(_, _ net.Addr, _, user, _ string, _ net.Addr, _ int) { t.count(user, 1) },
			OnAllocationDeleted: func(_, _ net.Addr, _, user, _ string) { t.count(user, -1) },
		}}
	closeAll := func() { udp.Close(); tcp.Close() }
	if cfg.CertFile != "" && cfg.TLSAddr != "" {
		ln, err := listenTLS(cfg)
		if err != nil {
			closeAll()
			return nil, err
		}
		t.tlsPort = ln.Addr().(*net.TCPAddr).Port
		sc.ListenerConfigs = append(sc.ListenerConfigs, turn.ListenerConfig{Listener: ln, RelayAddressGenerator: gen, PermissionHandler: perm})
		closeAll = func() { udp.Close(); tcp.Close(); ln.Close() }
	}
	if t.srv, err = turn.NewServer(sc); err != nil {
		closeAll()
		return nil, fmt.Errorf("%w: %v", ErrTURN, err)
	}
	log.Info("TURN server listening", "udp_port", t.udpPort, "tcp_port", t.tcpPort, "tls_port", t.tlsPort, "relay_ip", relayIP.String())
	return t, nil
}

// listenUDPTCP binds UDP and TCP on the same port, as TURN URLs expect;
// with port 0 it retries until both halves of one free port are had.
func listenUDPTCP(addr string) (net.PacketConn, net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, err
	}
	for range 10 {
		udp, err := net.ListenPacket("udp4", net.JoinHostPort(host, port))
		if err != nil {
			return nil, nil, err
		}
		got := strconv.Itoa(udp.LocalAddr().(*net.UDPAddr).Port)
		tcp, err := net.Listen("tcp4", net.JoinHostPort(host, got))
		if err == nil {
			return udp, tcp, nil
		}
		udp.Close()
		if port != "0" {
			return nil, nil, err
		}
	}
	return nil, nil, errors.New("no port free for both UDP and TCP")
}

func listenTLS(cfg TURNConfig) (net.Listener, error) {
	cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("%w: TLS certificate: %v", ErrTURN, err)
	}
	ln, err := tls.Listen("tcp4", cfg.TLSAddr, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTURN, err)
	}
	return ln, nil
}

// turnUser is the identity part of a username: long identities are hashed
// so the username stays far below STUN's 513-byte limit.
func turnUser(identity string) string {
	if len(identity) <= 128 {
		return identity
	}
	sum := sha256.Sum256([]byte(identity))
	return "h-" + hex.EncodeToString(sum[:16])
}

// credentials mints the TURN REST-API pair for identity, expiring at exp:
// username "expiry:identity", password base64(HMAC-SHA1(secret, username)).
func (t *turnServer) credentials(identity string, exp time.Time) (string, string) {
	user := strconv.FormatInt(exp.Unix(), 10) + ":" + turnUser(identity)
	return user, t.password(user)
}

func (t *turnServer) password(user string) string {
	mac := hmac.New(sha1.New, []byte(t.secret))
	mac.Write([]byte(user))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// iceServers are the URLs and fresh credentials for one participant.
func (t *turnServer) iceServers(identity string) []ICEServer {
	user, pass := t.credentials(identity, time.Now().Add(t.cfg.CredentialTTL))
	urls := []string{"turn:" + net.JoinHostPort(t.host, strconv.Itoa(t.udpPort)) + "?transport=udp",
		"turn:" + net.JoinHostPort(t.host, strconv.Itoa(t.tcpPort)) + "?transport=tcp"}
	if t.tlsPort != 0 {
		urls = append(urls, "turns:"+net.JoinHostPort(t.host, strconv.Itoa(t.tlsPort))+"?transport=tcp")
	}
	return []ICEServer{{URLs: urls, Username: user, Credential: pass}}
}

// authenticate checks a username minted by credentials. The key is
// derived even for forged usernames; message integrity then fails.
func (t *turnServer) authenticate(ra *turn.RequestAttributes) (string, []byte, bool) {
	exp, user, ok := strings.Cut(ra.Username, ":")
	sec, err := strconv.ParseInt(exp, 10, 64)
	if !ok || user == "" || err != nil {
		t.refusedAuth.Add(1)
		return "", nil, false
	}
	limit := time.Unix(sec, 0)
	if ra.Method != stun.MethodAllocate {
		limit = limit.Add(refreshGrace)
	}
	if time.Now().After(limit) {
		t.refusedAuth.Add(1)
		t.log.Debug("expired TURN credentials refused", "user", user, "method", ra.Method.String())
		return "", nil, false
	}
	return user, turn.GenerateAuthKey(ra.Username, ra.Realm, t.password(ra.Username)), true
}

// quota admits a new allocation while the user and the server are under
// their limits.
func (t *turnServer) quota(user, _ string, _ net.Addr) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	ok := t.perUser[user] < t.cfg.MaxAllocationsPerUser && t.total < t.cfg.MaxAllocations
	if !ok {
		t.refusedQuota.Add(1)
		t.log.Warn("TURN allocation quota reached", "user", user, "user_allocations", t.perUser[user], "allocations", t.total)
	}
	return ok
}

func (t *turnServer) count(user string, d int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total += d
	if t.perUser[user] += d; t.perUser[user] <= 0 {
		delete(t.perUser, user)
	}
}

// allocations is the number of live relays.
func (t *turnServer) allocations() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.total
}

func (t *turnServer) stats() TURNStats {
	return TURNStats{Allocations: t.allocations(), RefusedCredentials: t.refusedAuth.Load(),
		RefusedPeers: t.refusedPeers.Load(), RefusedQuota: t.refusedQuota.Load()}
}

func (t *turnServer) close() error { return t.srv.Close() }
