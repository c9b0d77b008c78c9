package sockbuf

import (
	"net"
	"syscall"
	"testing"
)

func rcvbuf(t *testing.T, c *net.UDPConn) int {
	t.Helper()
	raw, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var serr error
	if err := raw.Control(func(fd uintptr) { n, serr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF) }); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	return n
}

// TestGrowUDP: the process's UDP sockets get the larger buffer, except
// the one on the port skipped.
func TestGrowUDP(t *testing.T) {
	var conns [2]*net.UDPConn
	for i := range conns {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	before := [2]int{rcvbuf(t, conns[0]), rcvbuf(t, conns[1])}
	skip := conns[1].LocalAddr().(*net.UDPAddr).Port
	if err := GrowUDP(skip, 4*before[0]); err != nil {
		t.Fatal(err)
	}
	if got := rcvbuf(t, conns[0]); got <= before[0] {
		t.Errorf("receive buffer %d after growing, was %d", got, before[0])
	}
	if got := rcvbuf(t, conns[1]); got != before[1] {
		t.Errorf("the skipped socket's buffer changed from %d to %d", before[1], got)
	}
}
