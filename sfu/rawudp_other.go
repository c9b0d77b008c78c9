//go:build !linux || !(amd64 || arm64)

package sfu

import (
	"net"
	"net/netip"
)

// wrapMediaConn: raw datagram calls, and taking datagrams before Pion
// reads them, are written for 64-bit Linux only.
func wrapMediaConn(c *net.UDPConn, _ func([]byte, netip.AddrPort) bool) net.PacketConn { return c }

// addrPortSender is the media socket's write by address.
func addrPortSender(c net.PacketConn) func([]byte, netip.AddrPort) (int, error) {
	if u, ok := c.(*net.UDPConn); ok {
		return u.WriteToUDPAddrPort
	}
	return nil
}
