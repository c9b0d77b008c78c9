//go:build !race

// The race detector slows Pion several times over: at this load it would
// measure the detector. Run it without: go test -count=5 -run
// TestEightByEight ./signaling/ (not in CI yet: congestion control still
// pauses videos on loss the clients' TWCC feedback reports, see
// docs/benchmarks.md).

package signaling_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"

	"github.com/zadankai/zadankai/sfu"
	"github.com/zadankai/zadankai/sfu/sfutest"
)

// seqTrack is what one participant received on one track inside the
// measured window: the distinct packets and the span of (extended)
// sequence numbers they cover. The SFU keeps a subscriber's sequence
// continuous across layer switches, so a missing number is a packet lost
// on the way, from the publisher or to the subscriber.
type seqTrack struct {
	mu          sync.Mutex
	started     bool   // a packet arrived
	ext         uint64 // highest extended sequence number
	last        uint16
	measuring   bool
	inWindow    bool
	first, high uint64       // span of the window's packets
	seen        [1024]uint64 // by 16-bit sequence number, this window
	got         int
	bytes       int
	layers      [3]int // video packets by the layer marked in the payload (camFrame)
}

func (s *seqTrack) add(seq uint16, size int, last byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		s.started, s.ext, s.last = true, 1<<32, seq
	}
	d := int16(seq - s.last)
	e := s.ext + uint64(int64(d)) // a late packet sits below the highest
	if d > 0 {
		s.ext, s.last = e, seq
	}
	if !s.measuring {
		return
	}
	if !s.inWindow {
		s.inWindow, s.first, s.high = true, e, e
	}
	s.first, s.high = min(s.first, e), max(s.high, e)
	if bit := uint64(1) << (seq % 64); s.seen[seq/64]&bit == 0 {
		s.seen[seq/64] |= bit
		s.got++
		s.bytes += size
		if last >= 0x20 && last <= 0x60 {
			s.layers[last/0x20-1]++
		}
	}
}

// live reports whether a packet has arrived.
func (s *seqTrack) live() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started
}

// window starts (on) or ends (off) the measured window.
func (s *seqTrack) window(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.measuring = on
}

// result is the window's distinct packets, those the span says were
// sent, bytes and video packets by layer.
func (s *seqTrack) result() (got, sent, bytes int, layers [3]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.inWindow {
		return 0, 0, 0, layers
	}
	return s.got, int(s.high - s.first + 1), s.bytes, s.layers
}

// member is one of the eight: what it receives, by track.
type member struct {
	name   string
	mu     sync.Mutex
	tracks map[string]*seqTrack // by "publisher/kind"
}

func (m *member) callback() *lksdk.RoomCallback {
	return &lksdk.RoomCallback{ParticipantCallback: lksdk.ParticipantCallback{
		OnTrackSubscribed: func(tr *webrtc.TrackRemote, _ *lksdk.RemoteTrackPublication, rp *lksdk.RemoteParticipant) {
			s := &seqTrack{}
			m.mu.Lock()
			m.tracks[rp.Identity()+"/"+tr.Kind().String()] = s
			m.mu.Unlock()
			go func() {
				buf := make([]byte, 1500)
				for {
					n, _, err := tr.Read(buf)
					if err != nil {
						return
					}
					if n >= 12 {
						s.add(uint16(buf[2])<<8|uint16(buf[3]), n, buf[n-1])
					}
				}
			}()
		},
	}}
}

func (m *member) all() map[string]*seqTrack {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]*seqTrack, len(m.tracks))
	for k, v := range m.tracks {
		out[k] = v
	}
	return out
}

// TestEightByEight: eight participants each publish audio and a
// three-layer camera and receive everyone else, while every core is kept
// busy by other work. Nobody's video may be paused for bandwidth (the
// link is local and lossless), and every participant must get at least
// 98 % of the packets sent on the streams it receives, over 10 s.
func TestEightByEight(t *testing.T) {
	const n, window = 8, 10 * time.Second
	// One media port, as in production: its socket's buffers are large.
	port := freePort(t, "udp")
	ts := newServerSFU(t, sfu.Config{IPs: []string{sfutest.NamespaceIP}, UDPPort: port}, nil)
	start := ts.sfu.CongestionStats()
	sfutest.HogCPU(t)
	members := make([]*member, n)
	for i := range members {
		m := &member{name: fmt.Sprintf("p%d", i), tracks: map[string]*seqTrack{}}
		members[i] = m
		room, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, m.name, grants{}), m.callback(), lksdk.WithAutoSubscribe(true))
		if err != nil {
			t.Fatalf("%s: connect: %v", m.name, err)
		}
		t.Cleanup(room.Disconnect)
		publishCam(t, room)
		sfutest.GrowUDPBuffers(t, port, 4<<20)
	}
	waitFor(t, 20*time.Second, func() string {
		// the clients' sockets as they come (ICE opens them)
		sfutest.GrowUDPBuffers(t, port, 4<<20)
		for _, m := range members {
			live := 0
			for _, s := range m.all() {
				if s.live() {
					live++
				}
			}
			if live < 2*(n-1) {
				return fmt.Sprintf("%s receives media on %d of %d tracks", m.name, live, 2*(n-1))
			}
		}
		return ""
	})
	for _, m := range members {
		for _, s := range m.all() {
			s.window(true)
		}
	}
	time.Sleep(window) // the measured window: media flows meanwhile
	for _, m := range members {
		for _, s := range m.all() {
			s.window(false)
		}
	}
	end := ts.sfu.CongestionStats()
	t.Logf("congestion stats: %+v; UDP datagrams dropped for full receive buffers: %s", end, udpDrops(port))
	checkDelivery(t, members, window)
	if p := sum(end.Pauses) - sum(start.Pauses); p > 0 || end.Paused > 0 {
		t.Errorf("videos paused for bandwidth on a local link: %d pauses since the first join, %d paused at the end", p, end.Paused)
	}
	// The SDK's clients answer as browsers do (DTLS "active"), so their
	// media goes out, and their RTCP comes in, below Pion (sfu/direct.go).
	if end.Direct == 0 || end.DirectRTCP == 0 {
		t.Errorf("%d packets sent and %d RTCP packets read on the direct path; want both above 0", end.Direct, end.DirectRTCP)
	}
}

// udpDrops says how many datagrams the kernel dropped for full receive
// buffers on the SFU's port and on the clients' sockets (sockets closed
// before are not counted).
func udpDrops(sfuPort int) string {
	var atSFU, clients int64
	for port, n := range sfutest.UDPDrops() {
		if port == sfuPort {
			atSFU += n
		} else {
			clients += n
		}
	}
	return fmt.Sprintf("%d at the SFU, %d at the clients", atSFU, clients)
}

// checkDelivery asserts each member's share of packets received over
// the window, and logs what each got.
func checkDelivery(t *testing.T, members []*member, window time.Duration) {
	t.Helper()
	for _, m := range members {
		var got, sent, bytes, empty int
		var layers [3]int
		for _, s := range m.all() {
			g, w, b, l := s.result()
			got, sent, bytes = got+g, sent+w, bytes+b
			for q := range layers {
				layers[q] += l[q]
			}
			if g == 0 {
				empty++
			}
		}
		pct := 100 * float64(got) / float64(max(sent, 1))
		t.Logf("%s: %d of %d packets (%.2f %%), %.2f Mb/s, video packets by layer %v", m.name, got, sent, pct, float64(bytes)*8/window.Seconds()/1e6, layers)
		if empty > 0 || pct < 98 {
			t.Errorf("%s got %.2f %% of the packets sent (%d of %d), %d of its tracks nothing", m.name, pct, got, sent, empty)
		}
	}
}
