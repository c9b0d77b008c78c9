// Package sfu is Zadankai's media plane: Pion peer connections, tracks
// received from publishers (UpTrack) and forwarded to subscribers
// (DownTrack) with simulcast layer selection, RTCP relay and keyframe
// requests. It knows nothing of signalling protocols or of the domain.
package sfu

import (
	"errors"
	"fmt"
	"net"
)

// Config says where ICE candidates come from.
type Config struct {
	// NodeIP is advertised in host candidates instead of the interface
	// addresses (a public address in front of a private one).
	NodeIP string
	// UDPPort is a single UDP port for all ICE and media; 0 = ephemeral
	// ports per peer connection.
	UDPPort int
	// TCPAddr is host:port for ICE over TCP (passive candidates, for
	// networks that block UDP); empty = off, port 0 = any free port.
	TCPAddr string
	// AllowLoopback gathers candidates on loopback interfaces too.
	AllowLoopback bool
	// Interfaces and IPs limit where candidates are gathered (empty = all).
	Interfaces []string
	IPs        []string
	// TURN is the embedded TURN server.
	TURN TURNConfig
	// NoCongestionControl turns off the per-subscriber bandwidth estimate
	// and allocation (NewDownlink returns nil).
	NoCongestionControl bool
	// NoDirectPath sends subscribers' media through Pion's write path
	// instead of the direct path (direct.go), for comparison.
	NoDirectPath bool
}

// DefaultConfig returns the defaults: single UDP port 7882, ICE over TCP
// on 7881 (LiveKit's ports), TURN off.
func DefaultConfig() Config {
	return Config{UDPPort: 7882, TCPAddr: ":7881", TURN: DefaultTURNConfig()}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.NodeIP != "" && net.ParseIP(c.NodeIP) == nil {
		return fmt.Errorf("sfu: NodeIP %q is not an IP address", c.NodeIP)
	}
	if c.UDPPort < 0 || c.UDPPort > 65535 {
		return fmt.Errorf("sfu: UDPPort %d out of range", c.UDPPort)
	}
	if c.TCPAddr != "" {
		if _, _, err := net.SplitHostPort(c.TCPAddr); err != nil {
			return fmt.Errorf("sfu: TCPAddr %q: %w", c.TCPAddr, err)
		}
	}
	for _, s := range c.IPs {
		if _, _, err := net.ParseCIDR(s); err != nil && net.ParseIP(s) == nil {
			return fmt.Errorf("sfu: %q is not an IP or CIDR", s)
		}
	}
	return c.TURN.Validate()
}

// mediaIPs are the IPv4 addresses the SFU gathers candidates on (and the
// node IP it advertises): the only peers the TURN relay may reach.
func (c Config) mediaIPs() ([]net.IP, error) {
	var ips []net.IP
	if ip := net.ParseIP(c.NodeIP).To4(); ip != nil {
		ips = append(ips, ip)
	}
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || !c.allowInterface(ifc.Name) {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && c.allowIP(n.IP) {
				ips = append(ips, n.IP.To4())
			}
		}
	}
	if len(ips) == 0 {
		return nil, errors.New("sfu: no IPv4 address to gather candidates on")
	}
	return ips, nil
}

// allowIP reports whether candidates may use ip.
func (c Config) allowIP(ip net.IP) bool {
	if ip.IsLoopback() && !c.AllowLoopback {
		return false
	}
	if ip.To4() == nil {
		return false // IPv4 only: simpler NAT traversal and what tests expect
	}
	if len(c.IPs) == 0 {
		return true
	}
	for _, s := range c.IPs {
		if _, n, err := net.ParseCIDR(s); err == nil && n.Contains(ip) {
			return true
		}
		if net.ParseIP(s).Equal(ip) {
			return true
		}
	}
	return false
}

func (c Config) allowInterface(name string) bool {
	if len(c.Interfaces) == 0 {
		return true
	}
	for _, n := range c.Interfaces {
		if n == name {
			return true
		}
	}
	return false
}

// ErrClosed is returned by operations on a closed SFU or peer.
var ErrClosed = errors.New("sfu: closed")
