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
	// AllowLoopback gathers candidates on loopback interfaces too.
	AllowLoopback bool
	// Interfaces and IPs limit where candidates are gathered (empty = all).
	Interfaces []string
	IPs        []string
}

// DefaultConfig returns the defaults: single UDP port 7882.
func DefaultConfig() Config { return Config{UDPPort: 7882} }

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.NodeIP != "" && net.ParseIP(c.NodeIP) == nil {
		return fmt.Errorf("sfu: NodeIP %q is not an IP address", c.NodeIP)
	}
	if c.UDPPort < 0 || c.UDPPort > 65535 {
		return fmt.Errorf("sfu: UDPPort %d out of range", c.UDPPort)
	}
	for _, s := range c.IPs {
		if _, _, err := net.ParseCIDR(s); err != nil && net.ParseIP(s) == nil {
			return fmt.Errorf("sfu: %q is not an IP or CIDR", s)
		}
	}
	return nil
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
