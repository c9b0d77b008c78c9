//go:build linux && (amd64 || arm64)

package sfu

import (
	"errors"
	"net"
	"net/netip"
	"sync"
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
	// take (nil: none) may consume a datagram ReadFrom read, before Pion
	// sees it: true if it did.
	take func(b []byte, from netip.AddrPort) bool
}

// wrapMediaConn returns c with raw datagram calls, or c itself if its
// raw connection is not available. take: see rawUDP.
func wrapMediaConn(c *net.UDPConn, take func([]byte, netip.AddrPort) bool) net.PacketConn {
	rc, err := c.SyscallConn()
	if err != nil {
		return c
	}
	return &rawUDP{UDPConn: c, rc: rc, take: take}
}

// sockaddr4 fills sa with an IPv4 address and port (port in network
// byte order, as the kernel reads it).
func sockaddr4(sa *syscall.RawSockaddrInet4, ap netip.AddrPort) {
	sa.Family = syscall.AF_INET
	p := (*[2]byte)(unsafe.Pointer(&sa.Port))
	p[0], p[1] = byte(ap.Port()>>8), byte(ap.Port())
	sa.Addr = ap.Addr().As4()
}

// rawOp is one raw call's inputs and results with its callbacks bound
// once: a closure made per call would escape to the heap (RawConn takes
// it as a value), an allocation per datagram.
type rawOp struct {
	buf        []byte
	sa         syscall.RawSockaddrAny // the destination (send) or the source (receive)
	salen      uint32
	n          int
	errno      syscall.Errno
	send, recv func(fd uintptr) bool
}

var rawOps = sync.Pool{New: func() any {
	op := &rawOp{}
	op.send, op.recv = op.sendto, op.recvfrom
	return op
}}

func getOp(b []byte) *rawOp {
	op := rawOps.Get().(*rawOp)
	op.buf, op.n, op.errno = b, 0, 0
	return op
}

func putOp(op *rawOp) {
	op.buf = nil // hold no caller's bytes
	rawOps.Put(op)
}

// sendto and recvfrom make the call; false when it would block (the
// poller then waits for the socket and calls again).
func (op *rawOp) sendto(fd uintptr) bool {
	for {
		r, _, e := syscall.RawSyscall6(syscall.SYS_SENDTO, fd, uintptr(unsafe.Pointer(&op.buf[0])), uintptr(len(op.buf)),
			0, uintptr(unsafe.Pointer(&op.sa)), uintptr(op.salen))
		switch e {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false // the send buffer is full: wait until it drains
		}
		op.n, op.errno = int(r), e
		return true
	}
}

func (op *rawOp) recvfrom(fd uintptr) bool {
	for {
		op.salen = uint32(unsafe.Sizeof(op.sa))
		r, _, e := syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&op.buf[0])), uintptr(len(op.buf)),
			0, uintptr(unsafe.Pointer(&op.sa)), uintptr(unsafe.Pointer(&op.salen)))
		switch e {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false
		}
		op.n, op.errno = int(r), e
		return true
	}
}

// WriteToAddrPort sends one datagram to ap.
func (c *rawUDP) WriteToAddrPort(b []byte, ap netip.AddrPort) (int, error) {
	addr := ap.Addr().Unmap()
	if !addr.Is4() || len(b) == 0 {
		return c.UDPConn.WriteToUDPAddrPort(b, ap)
	}
	op := getOp(b)
	defer putOp(op)
	sockaddr4((*syscall.RawSockaddrInet4)(unsafe.Pointer(&op.sa)), netip.AddrPortFrom(addr, ap.Port()))
	op.salen = syscall.SizeofSockaddrInet4
	err := c.rc.Write(op.send)
	if err == nil && op.errno != 0 {
		err = &net.OpError{Op: "write", Net: "udp", Addr: net.UDPAddrFromAddrPort(ap), Err: op.errno}
	}
	return op.n, err
}

// WriteTo is net.PacketConn's write, through WriteToAddrPort for UDP
// addresses.
func (c *rawUDP) WriteTo(b []byte, addr net.Addr) (int, error) {
	if u, ok := addr.(*net.UDPAddr); ok {
		return c.WriteToAddrPort(b, u.AddrPort())
	}
	return c.UDPConn.WriteTo(b, addr)
}

// ReadFromAddrPort reads the next datagram take leaves, waiting in the
// poller while none is queued.
func (c *rawUDP) ReadFromAddrPort(b []byte) (int, netip.AddrPort, error) {
	for {
		n, ap, err := c.readAddrPort(b)
		if err != nil || c.take == nil || !c.take(b[:n], ap) {
			return n, ap, err
		}
	}
}

// readAddrPort reads one datagram.
func (c *rawUDP) readAddrPort(b []byte) (int, netip.AddrPort, error) {
	if len(b) == 0 {
		return c.UDPConn.ReadFromUDPAddrPort(b)
	}
	op := getOp(b)
	defer putOp(op)
	if err := c.rc.Read(op.recv); err != nil {
		return 0, netip.AddrPort{}, err
	}
	if op.errno != 0 {
		return 0, netip.AddrPort{}, &net.OpError{Op: "read", Net: "udp", Err: op.errno}
	}
	ap, ok := addrPortOf(&op.sa)
	if !ok {
		return 0, netip.AddrPort{}, &net.OpError{Op: "read", Net: "udp", Err: errNotInet}
	}
	return op.n, ap, nil
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

// addrPortSender is the media socket's write by address.
func addrPortSender(c net.PacketConn) func([]byte, netip.AddrPort) (int, error) {
	if r, ok := c.(*rawUDP); ok {
		return r.WriteToAddrPort
	}
	return nil
}
