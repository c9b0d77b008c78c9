// Package sockbuf enlarges the receive buffers of the UDP sockets a
// process already has, for load and test clients whose WebRTC stack opens
// sockets it gives no access to. Many clients share one process there,
// starved with the rest of the machine, where browsers would each have
// their own: at the kernel's default buffer (about 208 KB, some 90
// datagrams of media) they drop at their own sockets what a browser would
// read, and the figures measure the client instead of the server.
package sockbuf

import (
	"os"
	"strconv"
	"syscall"
)

// GrowUDP sets the receive buffer of every UDP socket of this process,
// except the one bound to port skip (0: none), to size bytes (the kernel
// caps it at net.core.rmem_max). Sockets opened later keep the default:
// call it again after they are.
func GrowUDP(skip, size int) error {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return err
	}
	for _, e := range fds {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if typ, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TYPE); err != nil || typ != syscall.SOCK_DGRAM {
			continue
		}
		if sa, err := syscall.Getsockname(fd); err == nil {
			if in, ok := sa.(*syscall.SockaddrInet4); ok && skip != 0 && in.Port == skip {
				continue
			}
		}
		// The fd may have been closed and reused since it was listed: a
		// larger buffer on whatever socket it now is harms nothing.
		_ = syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_RCVBUF, size)
	}
	return nil
}
