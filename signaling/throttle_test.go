package signaling_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/transport/v5"
	"github.com/pion/transport/v5/stdnet"
)

const (
	// ipUDPOverhead is what an IPv4 and a UDP header add to each datagram
	// on the wire, so the rate is a link rate, not a payload rate.
	ipUDPOverhead = 28
	// maxPending bounds each socket's backlog of datagrams not yet read,
	// standing in for the kernel's receive buffer: without it a reader
	// that stops reading on an unlimited link would grow memory forever.
	maxPending = 4096
)

// throttledNet is a transport.Net (github.com/pion/transport/v5) for a test
// peer: its UDP sockets deliver incoming datagrams through a bottleneck: a
// FIFO queue drained at rate bits/s (counting len(datagram)+28 bytes of
// IP/UDP overhead), holding at most queue worth of delay (datagrams that
// would wait longer are dropped: drop-tail), plus optional random loss.
//
// All sockets from one throttledNet share the bottleneck, as the sockets of
// a host share its downlink. Outgoing datagrams are not throttled, and
// sockets other than "udp"/"udp4" ones are the plain standard ones.
type throttledNet struct {
	*stdnet.Net

	mu        sync.Mutex
	rate      int           // bits/s; 0 means unlimited
	queue     time.Duration // longest wait a datagram may have before it is sent
	loss      float64       // fraction lost on arrival
	busyUntil time.Time     // when the link will have sent all it admitted

	delivered, dropped atomic.Uint64
	pumping            atomic.Int64 // sockets whose reader goroutine still runs
}

func newThrottledNet(rateBps int, queue time.Duration) *throttledNet {
	std, err := stdnet.NewNet()
	if err != nil {
		// The signature has no error (it is for tests); a host whose
		// interfaces cannot be listed cannot run these tests anyway.
		panic(fmt.Sprintf("throttledNet: %v", err))
	}
	return &throttledNet{Net: std, rate: rateBps, queue: queue}
}

// SetRate changes the link rate for datagrams arriving from now on; those
// already queued keep the departure times they were given. 0 = unlimited.
func (n *throttledNet) SetRate(rateBps int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.rate = max(rateBps, 0)
}

// SetLoss sets the fraction of arriving datagrams lost before the queue.
func (n *throttledNet) SetLoss(fraction float64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.loss = min(max(fraction, 0), 1)
}

// Stats counts datagrams handed to readers and datagrams dropped (random
// loss, drop-tail, or a full backlog).
func (n *throttledNet) Stats() (delivered, dropped uint64) {
	return n.delivered.Load(), n.dropped.Load()
}

// ListenUDP wraps the UDP sockets pion/ice binds for host candidates.
func (n *throttledNet) ListenUDP(network string, laddr *net.UDPAddr) (transport.UDPConn, error) {
	c, err := n.Net.ListenUDP(network, laddr)
	if err != nil || !throttledNetwork(network) {
		return c, err
	}
	return n.wrap(c), nil
}

// ListenPacket wraps UDP sockets opened by address string, too.
func (n *throttledNet) ListenPacket(network, address string) (net.PacketConn, error) {
	c, err := n.Net.ListenPacket(network, address)
	if err != nil || !throttledNetwork(network) {
		return c, err
	}
	u, ok := c.(transport.UDPConn)
	if !ok {
		_ = c.Close()
		return nil, fmt.Errorf("throttledNet: %s socket is a %T, not a UDP one", network, c)
	}
	return n.wrap(u), nil
}

func throttledNetwork(network string) bool { return network == "udp" || network == "udp4" }

// admit decides, as a datagram of size bytes arrives at now, whether the
// bottleneck takes it and, if so, when its last bit leaves the link.
func (n *throttledNet) admit(size int, now time.Time) (time.Time, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.loss > 0 && rand.Float64() < n.loss {
		n.dropped.Add(1)
		return time.Time{}, false
	}
	start := n.busyUntil
	if start.Before(now) {
		start = now // the link is idle
	}
	if start.Sub(now) > n.queue {
		n.dropped.Add(1) // drop-tail: the queue already holds too much delay
		return time.Time{}, false
	}
	if n.rate > 0 {
		bits := int64(size+ipUDPOverhead) * 8
		start = start.Add(time.Duration(bits * int64(time.Second) / int64(n.rate)))
	}
	n.busyUntil = start
	return start, true
}

func (n *throttledNet) wrap(c transport.UDPConn) *throttledConn {
	tc := &throttledConn{UDPConn: c, link: n, changed: make(chan struct{}), done: make(chan struct{})}
	n.pumping.Add(1)
	go tc.pump()
	return tc
}

// throttledConn is a UDP socket whose reads come out of the bottleneck.
// Embedding the interface (not *net.UDPConn) passes writes and addresses
// through while hiding the concrete socket, so pion cannot bypass the
// wrapper with ReadMsgUDPAddrPort or similar.
type throttledConn struct {
	transport.UDPConn
	link *throttledNet

	mu       sync.Mutex
	pending  []datagram // FIFO; departure times never decrease
	deadline time.Time
	closed   bool
	err      error         // the real socket's read error, reported once pending drains
	changed  chan struct{} // closed (and replaced) to wake waiting readers
	done     chan struct{} // closed when pump returns
}

type datagram struct {
	b    []byte
	from net.Addr
	at   time.Time // when it leaves the bottleneck
}

// pump reads the real socket as fast as it can, so the kernel's buffer is
// never the bottleneck, and queues what the link admits.
func (c *throttledConn) pump() {
	defer c.link.pumping.Add(-1)
	defer close(c.done)
	buf := make([]byte, 64*1024)
	for {
		size, from, err := c.UDPConn.ReadFrom(buf)
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.wakeLocked()
			c.mu.Unlock()
			return
		}
		if at, ok := c.link.admit(size, time.Now()); ok {
			c.enqueue(datagram{b: bytes.Clone(buf[:size]), from: from, at: at})
		}
	}
}

func (c *throttledConn) enqueue(d datagram) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
	case len(c.pending) >= maxPending:
		c.link.dropped.Add(1)
	default:
		c.pending = append(c.pending, d)
		if len(c.pending) == 1 {
			// Readers wait on the head's departure when there is one, so
			// only a new head changes what they wait for.
			c.wakeLocked()
		}
	}
}

func (c *throttledConn) wakeLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// ReadFrom returns the next datagram once it has left the bottleneck.
func (c *throttledConn) ReadFrom(p []byte) (int, net.Addr, error) {
	for {
		c.mu.Lock()
		d, wait, err := c.nextLocked(time.Now())
		changed := c.changed
		c.mu.Unlock()
		if err != nil {
			return 0, nil, err
		}
		if d != nil {
			c.link.delivered.Add(1)
			return copy(p, d.b), d.from, nil
		}
		sleepUnless(wait, changed)
	}
}

// nextLocked pops the head if it is due; otherwise it says how long to
// wait before looking again (negative: until something changes).
func (c *throttledConn) nextLocked(now time.Time) (*datagram, time.Duration, error) {
	if c.closed {
		return nil, 0, c.opError(net.ErrClosed)
	}
	if !c.deadline.IsZero() && !now.Before(c.deadline) {
		return nil, 0, c.opError(os.ErrDeadlineExceeded)
	}
	wait := time.Duration(-1)
	if len(c.pending) > 0 {
		if d := c.pending[0]; !d.at.After(now) {
			c.pending[0] = datagram{} // let the buffer go
			c.pending = c.pending[1:]
			return &d, 0, nil
		}
		wait = c.pending[0].at.Sub(now)
	} else if c.err != nil {
		return nil, 0, c.err
	}
	if !c.deadline.IsZero() {
		if untilDeadline := c.deadline.Sub(now); wait < 0 || untilDeadline < wait {
			wait = untilDeadline
		}
	}
	return nil, wait, nil
}

func sleepUnless(wait time.Duration, changed <-chan struct{}) {
	if wait < 0 {
		<-changed
		return
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-changed:
	case <-t.C:
	}
}

// opError wraps err as the standard library does; os.ErrDeadlineExceeded
// makes it a net.Error whose Timeout() is true.
func (c *throttledConn) opError(err error) error {
	addr := c.LocalAddr()
	return &net.OpError{Op: "read", Net: addr.Network(), Source: addr, Addr: addr, Err: err}
}

func (c *throttledConn) Read(p []byte) (int, error) {
	n, _, err := c.ReadFrom(p)
	return n, err
}

func (c *throttledConn) ReadFromUDP(p []byte) (int, *net.UDPAddr, error) {
	n, from, err := c.ReadFrom(p)
	addr, _ := from.(*net.UDPAddr)
	return n, addr, err
}

// ReadMsgUDP carries no out-of-band data: the real socket's is gone by
// the time a datagram leaves the queue.
func (c *throttledConn) ReadMsgUDP(p, _ []byte) (n, oobn, flags int, addr *net.UDPAddr, err error) {
	n, addr, err = c.ReadFromUDP(p)
	return n, 0, 0, addr, err
}

// SetReadDeadline applies to the queue, never to the real socket, whose
// reader must keep running.
func (c *throttledConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deadline = t
	c.wakeLocked()
	return nil
}

func (c *throttledConn) SetDeadline(t time.Time) error {
	_ = c.SetReadDeadline(t)
	return c.UDPConn.SetWriteDeadline(t)
}

// Close unblocks readers with net.ErrClosed and returns once the reader
// goroutine has ended.
func (c *throttledConn) Close() error {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		c.pending = nil
		c.wakeLocked()
	}
	c.mu.Unlock()
	err := c.UDPConn.Close()
	<-c.done
	return err
}
