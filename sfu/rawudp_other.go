//go:build !linux

package sfu

import "net"

// wrapMediaConn: raw datagram calls are written for Linux only.
func wrapMediaConn(c *net.UDPConn) net.PacketConn { return c }
