package signaling_test

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/transport/v5"
	"github.com/pion/webrtc/v4"
)

var loopback4 = &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}

// phaseCounter records, per phase (the first byte of each datagram), what
// a throttled socket received and when.
type phaseCounter struct {
	mu          sync.Mutex
	count, size [4]int
	first, last [4]time.Time
}

func (pc *phaseCounter) read(c net.PacketConn, done chan<- struct{}) {
	defer close(done)
	buf := make([]byte, 2048)
	for {
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			return
		}
		now := time.Now()
		pc.mu.Lock()
		if p := buf[0]; n > 0 && int(p) < len(pc.count) {
			if pc.count[p] == 0 {
				pc.first[p] = now
			}
			pc.count[p]++
			pc.size[p] += n
			pc.last[p] = now
		}
		pc.mu.Unlock()
	}
}

func (pc *phaseCounter) get(phase int) (count int, bps float64) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if d := pc.last[phase].Sub(pc.first[phase]); d > 0 {
		bps = float64(pc.size[phase]*8) / d.Seconds()
	}
	return pc.count[phase], bps
}

// blast sends count datagrams of size bytes tagged with phase to addr from
// a plain socket, paced to bps on a fixed schedule (so a late wake-up
// sends a short burst instead of lowering the rate).
func blast(t *testing.T, to net.Addr, phase byte, count, size, bps int) {
	t.Helper()
	s, err := net.ListenUDP("udp4", loopback4)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	gap := time.Duration(int64(size*8) * int64(time.Second) / int64(bps))
	msg := make([]byte, size)
	msg[0] = phase
	start := time.Now()
	for i := range count {
		if d := time.Until(start.Add(time.Duration(i) * gap)); d > 0 {
			time.Sleep(d)
		}
		if _, err := s.WriteTo(msg, to); err != nil {
			t.Fatal(err)
		}
	}
}

// TestThrottleRate: 4 Mbit/s into a 1 Mbit/s link comes out at the link
// rate with the excess dropped; unlimited, everything arrives; with loss
// set, about that fraction goes missing.
func TestThrottleRate(t *testing.T) {
	n := newThrottledNet(1_000_000, 100*time.Millisecond)
	c, err := n.ListenUDP("udp4", loopback4)
	if err != nil {
		t.Fatal(err)
	}
	var pc phaseCounter
	done := make(chan struct{})
	go pc.read(c, done)
	defer func() { _ = c.Close(); <-done }()

	const sent = 1000 // 2 s at 4 Mbit/s
	blast(t, c.LocalAddr(), 1, sent, 1000, 4_000_000)
	time.Sleep(200 * time.Millisecond) // the queue holds at most ~110 ms
	got, bps := pc.get(1)
	_, dropped := n.Stats()
	t.Logf("limited: %d of %d arrived at %.0f bit/s, %d dropped", got, sent, bps, dropped)
	if bps < 800_000 || bps > 1_100_000 {
		t.Errorf("throughput %.0f bit/s, want 0.8-1.1 Mbit/s", bps)
	}
	if dropped < sent/2 {
		t.Errorf("%d of %d dropped, want most of the 3/4 over the rate", dropped, sent)
	}

	n.SetRate(0)
	blast(t, c.LocalAddr(), 2, 200, 1000, 4_000_000)
	waitFor(t, 2*time.Second, func() string {
		if got, _ := pc.get(2); got != 200 {
			return fmt.Sprintf("unlimited: %d of 200 arrived", got)
		}
		return ""
	})
	if _, d := n.Stats(); d != dropped {
		t.Errorf("unlimited link dropped %d", d-dropped)
	}

	n.SetLoss(0.5)
	blast(t, c.LocalAddr(), 3, 400, 200, 4_000_000)
	time.Sleep(100 * time.Millisecond)
	if got, _ := pc.get(3); got < 120 || got > 280 {
		t.Errorf("with 50%% loss %d of 400 arrived", got)
	}
}

// TestThrottleDeadlineAndClose: read deadlines time out as net's do, a
// deadline set during a blocked read ends it, and Close ends a blocked
// read with net.ErrClosed and leaves no goroutine behind.
func TestThrottleDeadlineAndClose(t *testing.T) {
	before := runtime.NumGoroutine()
	n := newThrottledNet(0, time.Second)
	pconn, err := n.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, ok := pconn.(transport.UDPConn)
	if !ok {
		t.Fatalf("ListenPacket gave a %T", pconn)
	}
	if _, ok := c.(*throttledConn); !ok {
		t.Fatalf("ListenPacket gave an unthrottled %T", c)
	}

	_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	start := time.Now()
	_, _, err = c.ReadFrom(make([]byte, 10))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read past the deadline: %v, want a timeout", err)
	}
	if e := time.Since(start); e < 40*time.Millisecond {
		t.Errorf("timed out after %v, before the deadline", e)
	}

	readErr := make(chan error, 1)
	_ = c.SetReadDeadline(time.Time{})
	go func() { _, _, err := c.ReadFrom(make([]byte, 10)); readErr <- err }()
	time.Sleep(20 * time.Millisecond)
	_ = c.SetReadDeadline(time.Now().Add(-time.Second))
	if err := waitErr(t, readErr); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("blocked read after the deadline moved into the past: %v", err)
	}

	_ = c.SetReadDeadline(time.Time{})
	go func() { _, _, err := c.ReadFrom(make([]byte, 10)); readErr <- err }()
	time.Sleep(20 * time.Millisecond)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := waitErr(t, readErr); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("blocked read after Close: %v, want net.ErrClosed", err)
	}
	waitFor(t, time.Second, func() string {
		if g := runtime.NumGoroutine(); g > before {
			return fmt.Sprintf("%d goroutines, %d before", g, before)
		}
		return ""
	})
}

func waitErr(t *testing.T, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(time.Second):
		t.Fatal("read still blocked")
		return nil
	}
}

// TestThrottlePion: a peer connection given the throttled net connects to
// another over loopback and receives a data channel's bytes through the
// bottleneck, no faster than its rate, so ice reads the wrapped sockets.
func TestThrottlePion(t *testing.T) {
	const rate, total, msgSize = 2_000_000, 200_000, 1000
	n := newThrottledNet(rate, 100*time.Millisecond)
	slow := newLoopbackPC(t, n)
	fast := newLoopbackPC(t, nil)

	var received atomic.Int64
	slow.OnDataChannel(func(dc *webrtc.DataChannel) {
		dc.OnMessage(func(m webrtc.DataChannelMessage) { received.Add(int64(len(m.Data))) })
	})
	dc, err := fast.CreateDataChannel("bulk", nil)
	if err != nil {
		t.Fatal(err)
	}
	opened := make(chan time.Time, 1)
	dc.OnOpen(func() {
		opened <- time.Now()
		for range total / msgSize {
			if err := dc.Send(make([]byte, msgSize)); err != nil {
				return
			}
		}
	})
	exchange(t, fast, slow)

	var start time.Time
	select {
	case start = <-opened:
	case <-time.After(10 * time.Second):
		t.Fatalf("data channel did not open; throttled peer is %s", slow.ConnectionState())
	}
	waitFor(t, 15*time.Second, func() string {
		if r := received.Load(); r < total {
			return fmt.Sprintf("%d of %d bytes arrived", r, total)
		}
		return ""
	})
	took := time.Since(start)
	delivered, dropped := n.Stats()
	t.Logf("%d bytes in %v; %d datagrams delivered, %d dropped", total, took, delivered, dropped)
	if delivered == 0 {
		t.Error("nothing went through the throttled sockets")
	}
	if floor := time.Duration(total * 8 * int64(time.Second) / rate); took < floor*9/10 {
		t.Errorf("%d bytes took %v, faster than the link allows (%v)", total, took, floor)
	}

	_ = slow.Close()
	waitFor(t, 5*time.Second, func() string {
		if p := n.pumping.Load(); p != 0 {
			return fmt.Sprintf("%d throttled sockets still read after Close", p)
		}
		return ""
	})
}

// newLoopbackPC makes a peer connection that gathers only UDP4 host
// candidates on loopback, so nothing leaves this machine; with n, its
// sockets are throttled.
func newLoopbackPC(t *testing.T, n *throttledNet) *webrtc.PeerConnection {
	t.Helper()
	var se webrtc.SettingEngine
	if n != nil {
		se.SetNet(n)
	}
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	return pc
}

// exchange does offer and answer in-process, each side's description
// carrying all its candidates.
func exchange(t *testing.T, offerer, answerer *webrtc.PeerConnection) {
	t.Helper()
	offer, err := offerer.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	setLocalAndGather(t, offerer, offer)
	if err := answerer.SetRemoteDescription(*offerer.LocalDescription()); err != nil {
		t.Fatal(err)
	}
	answer, err := answerer.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	setLocalAndGather(t, answerer, answer)
	if err := offerer.SetRemoteDescription(*answerer.LocalDescription()); err != nil {
		t.Fatal(err)
	}
}

func setLocalAndGather(t *testing.T, pc *webrtc.PeerConnection, desc webrtc.SessionDescription) {
	t.Helper()
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(desc); err != nil {
		t.Fatal(err)
	}
	select {
	case <-gathered:
	case <-time.After(5 * time.Second):
		t.Fatal("ICE gathering did not complete")
	}
}
