//go:build !linux || !(amd64 || arm64)

package sfu

import "net"

// wrapMediaConn: raw datagram calls are written for 64-bit Linux only.
func wrapMediaConn(c *net.UDPConn) net.PacketConn { return c }
