package sfu

import (
	"errors"
	"math/rand/v2"
	"net"
	"strconv"

	"github.com/pion/turn/v5"
)

// relayGen opens relayed UDP ports in the configured range and wraps them
// so they only carry packets to and from the SFU.
type relayGen struct {
	ip       net.IP // advertised relay address
	bind     string // address the relay sockets bind to
	min, max int    // inclusive range; 0, 0 = any free port
	allow    func(*net.UDPAddr) bool
}

var _ turn.RelayAddressGenerator = (*relayGen)(nil)

var errRelayPorts = errors.New("sfu: no free relay port in range")

// Validate implements turn.RelayAddressGenerator.
func (g *relayGen) Validate() error {
	if g.ip == nil || g.allow == nil {
		return errors.New("sfu: relay address and peer filter are required")
	}
	return nil
}

// AllocatePacketConn implements turn.RelayAddressGenerator.
func (g *relayGen) AllocatePacketConn(c turn.AllocateListenerConfig) (net.PacketConn, net.Addr, error) {
	if c.Network != "udp4" {
		return nil, nil, errors.New("sfu: relays are IPv4 only")
	}
	if c.RequestedPort != 0 { // a reserved even/odd port pair
		if g.min != 0 && (c.RequestedPort < g.min || c.RequestedPort > g.max) {
			return nil, nil, errRelayPorts
		}
		return g.listen(c.RequestedPort)
	}
	if g.min == 0 {
		return g.listen(0)
	}
	for range 20 {
		if conn, addr, err := g.listen(g.min + rand.IntN(g.max-g.min+1)); err == nil {
			return conn, addr, nil
		}
	}
	return nil, nil, errRelayPorts
}

func (g *relayGen) listen(port int) (net.PacketConn, net.Addr, error) {
	conn, err := net.ListenPacket("udp4", net.JoinHostPort(g.bind, strconv.Itoa(port)))
	if err != nil {
		return nil, nil, err
	}
	addr := &net.UDPAddr{IP: g.ip, Port: conn.LocalAddr().(*net.UDPAddr).Port}
	return &peerFilterConn{PacketConn: conn, allow: g.allow}, addr, nil
}

// AllocateListener refuses TCP allocations (see errNoTCPRelay).
func (g *relayGen) AllocateListener(turn.AllocateListenerConfig) (net.Listener, net.Addr, error) {
	return nil, nil, errNoTCPRelay
}

// AllocateConn refuses TCP connects (see errNoTCPRelay).
func (g *relayGen) AllocateConn(turn.AllocateConnConfig) (net.Conn, error) { return nil, errNoTCPRelay }

// peerFilterConn is a relay socket that exchanges packets only with
// allowed peers. TURN permissions are per IP; this narrows them to the
// SFU's ports, so the relay reaches no other service on the host.
type peerFilterConn struct {
	net.PacketConn
	allow func(*net.UDPAddr) bool
}

// WriteTo implements net.PacketConn.
func (c *peerFilterConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	if ua, ok := addr.(*net.UDPAddr); !ok || !c.allow(ua) {
		return 0, errPeerRefused
	}
	return c.PacketConn.WriteTo(p, addr)
}

// ReadFrom implements net.PacketConn, dropping packets from others.
func (c *peerFilterConn) ReadFrom(p []byte) (int, net.Addr, error) {
	for {
		n, addr, err := c.PacketConn.ReadFrom(p)
		if err != nil {
			return n, addr, err
		}
		if ua, ok := addr.(*net.UDPAddr); ok && c.allow(ua) {
			return n, addr, nil
		}
	}
}
