//go:build linux && (amd64 || arm64)

package sfu

import (
	"errors"
	"net"
	"net/netip"
	"syscall"
	"unsafe"
)

// rawUDP is the shared media socket with its datagram reads and writes
// made as raw system calls inside the poller's callbacks. The socket is
// non-blocking, so neither call can block; what a raw call saves is the
// Go runtime's bookkeeping around a blocking one: every ordinary system
// call marks the goroutine's P as in a syscall and wakes the runtime's
// monitor thread (sysmon) if it slept, which then polls every 20 µs
// while the process is busy and hands the P to another thread when a
// call outlasts a tick. With thousands of datagrams a second that
// monitor took about a sixth of the server's CPU (docs/benchmarks.md).
// Only IPv4 goes this way; anything else takes the ordinary path.
type rawUDP struct {
	*net.UDPConn
	rc syscall.RawConn
}

// wrapMediaConn returns c with raw datagram calls, or c itself if its
// raw connection is not available.
func wrapMediaConn(c *net.UDPConn) net.PacketConn {
	rc, err := c.SyscallConn()
	if err != nil {
		return c
	}
	return &rawUDP{UDPConn: c, rc: rc}
}

// sockaddr4 fills sa with an IPv4 address and port (port in network
// byte order, as the kernel reads it).
func sockaddr4(sa *syscall.RawSockaddrInet4, ap netip.AddrPort) {
	sa.Family = syscall.AF_INET
	p := (*[2]byte)(unsafe.Pointer(&sa.Port))
	p[0], p[1] = byte(ap.Port()>>8), byte(ap.Port())
	sa.Addr = ap.Addr().As4()
}

// WriteToAddrPort sends one datagram to ap.
func (c *rawUDP) WriteToAddrPort(b []byte, ap netip.AddrPort) (int, error) {
	addr := ap.Addr().Unmap()
	if !addr.Is4() || len(b) == 0 {
		return c.UDPConn.WriteToUDPAddrPort(b, ap)
	}
	var sa syscall.RawSockaddrInet4
	sockaddr4(&sa, netip.AddrPortFrom(addr, ap.Port()))
	var n int
	var errno syscall.Errno
	err := c.rc.Write(func(fd uintptr) bool {
		for {
			r, _, e := syscall.RawSyscall6(syscall.SYS_SENDTO, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)),
				0, uintptr(unsafe.Pointer(&sa)), unsafe.Sizeof(sa))
			switch e {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false // the send buffer is full: wait until it drains
			}
			n, errno = int(r), e
			return true
		}
	})
	if err == nil && errno != 0 {
		err = &net.OpError{Op: "write", Net: "udp", Addr: net.UDPAddrFromAddrPort(ap), Err: errno}
	}
	return n, err
}

// WriteTo is net.PacketConn's write, through WriteToAddrPort for UDP
// addresses.
func (c *rawUDP) WriteTo(b []byte, addr net.Addr) (int, error) {
	if u, ok := addr.(*net.UDPAddr); ok {
		return c.WriteToAddrPort(b, u.AddrPort())
	}
	return c.UDPConn.WriteTo(b, addr)
}

// ReadFromAddrPort reads one datagram, waiting in the poller while none
// is queued.
func (c *rawUDP) ReadFromAddrPort(b []byte) (int, netip.AddrPort, error) {
	if len(b) == 0 {
		return c.UDPConn.ReadFromUDPAddrPort(b)
	}
	var sa syscall.RawSockaddrAny
	var n int
	var errno syscall.Errno
	err := c.rc.Read(func(fd uintptr) bool {
		for {
			salen := uint32(unsafe.Sizeof(sa))
			r, _, e := syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)),
				0, uintptr(unsafe.Pointer(&sa)), uintptr(unsafe.Pointer(&salen)))
			switch e {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false
			}
			n, errno = int(r), e
			return true
		}
	})
	if err != nil {
		return 0, netip.AddrPort{}, err
	}
	if errno != 0 {
		return 0, netip.AddrPort{}, &net.OpError{Op: "read", Net: "udp", Err: errno}
	}
	ap, ok := addrPortOf(&sa)
	if !ok {
		return 0, netip.AddrPort{}, &net.OpError{Op: "read", Net: "udp", Err: errNotInet}
	}
	return n, ap, nil
}

var errNotInet = errors.New("datagram from a non-IP address")

// addrPortOf reads an IPv4 or IPv6 socket address.
func addrPortOf(sa *syscall.RawSockaddrAny) (netip.AddrPort, bool) {
	switch sa.Addr.Family {
	case syscall.AF_INET:
		a := (*syscall.RawSockaddrInet4)(unsafe.Pointer(sa))
		p := (*[2]byte)(unsafe.Pointer(&a.Port))
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(p[0])<<8|uint16(p[1])), true
	case syscall.AF_INET6:
		a := (*syscall.RawSockaddrInet6)(unsafe.Pointer(sa))
		p := (*[2]byte)(unsafe.Pointer(&a.Port))
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(p[0])<<8|uint16(p[1])), true
	}
	return netip.AddrPort{}, false
}

// ReadFrom is net.PacketConn's read.
func (c *rawUDP) ReadFrom(b []byte) (int, net.Addr, error) {
	n, ap, err := c.ReadFromAddrPort(b)
	if err != nil {
		return n, nil, err
	}
	return n, net.UDPAddrFromAddrPort(ap), nil
}
