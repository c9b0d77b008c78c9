package load

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/zadankai/zadankai/sfu"
)

// trackStat is what one participant received on one track. The reader
// goroutine is its only writer; counters are atomics so the runner can
// snapshot them while media flows.
type trackStat struct {
	// immutable
	sid, kind, publisher string

	// atomic
	firstAt atomic.Int64 // unix nanos of the first packet, 0 = none yet
	// unix nanos of the first packet that starts a keyframe (video; 0 =
	// none yet): what a decoder can begin with. A server may send padding
	// (bandwidth probes) before it, which firstAt counts.
	keyAt   atomic.Int64
	packets atomic.Uint64
	bytes   atomic.Uint64
	maxExt  atomic.Uint64 // highest extended sequence number seen
	baseExt uint64        // first extended sequence number (set before firstAt)
}

// expected is how many packets the sequence numbers say were sent since
// the first one received.
func (t *trackStat) expected() uint64 {
	if t.firstAt.Load() == 0 {
		return 0
	}
	return t.maxExt.Load() - t.baseExt + 1
}

// read counts packets until the track ends. It parses only the sequence
// number: the client shares the machine with the server under test. A
// packet that arrives twice (a retransmission of one that was only
// late) counts once, so delivery never reads above what was sent.
func (t *trackStat) read(track *webrtc.TrackRemote) {
	buf := make([]byte, 1500)
	var ext uint64
	var last uint16
	var seen seenWindow
	mime := track.Codec().MimeType
	for {
		n, _, err := track.Read(buf)
		if err != nil {
			return
		}
		if n < 12 {
			continue
		}
		if t.keyAt.Load() == 0 && t.kind == "video" {
			t.noteKeyframe(mime, buf[:n])
		}
		seq := binary.BigEndian.Uint16(buf[2:4])
		switch d := int16(seq - last); {
		case t.firstAt.Load() == 0:
			ext = 1 << 32 // room below for reordered packets
			t.baseExt = ext
			t.maxExt.Store(ext)
			t.firstAt.Store(time.Now().UnixNano())
			seen.advance(ext, ext)
			last = seq
		case d > 0:
			seen.advance(ext, ext+uint64(d))
			ext += uint64(d)
			t.maxExt.Store(ext)
			last = seq
		case !seen.mark(ext-uint64(-int64(d)), ext):
			continue // a duplicate
		}
		t.packets.Add(1)
		t.bytes.Add(uint64(n))
	}
}

// seenWindow remembers which of the last 256 extended sequence numbers
// arrived, to tell a late packet (counted) from a duplicate (not).
type seenWindow [4]uint64

// advance moves the newest sequence number from prev to next (> prev),
// forgetting what falls out of the window, and marks next.
func (w *seenWindow) advance(prev, next uint64) {
	if next-prev >= 256 {
		*w = seenWindow{}
	} else {
		for e := prev + 1; e < next; e++ {
			w[e/64%4] &^= 1 << (e % 64)
		}
	}
	w[next/64%4] |= 1 << (next % 64)
}

// mark records late sequence number e (newest is the newest one) and
// reports whether it is new; older than the window, it is assumed new.
func (w *seenWindow) mark(e, newest uint64) bool {
	if newest-e >= 256 {
		return true
	}
	bit := uint64(1) << (e % 64)
	if w[e/64%4]&bit != 0 {
		return false
	}
	w[e/64%4] |= bit
	return true
}

// noteKeyframe records the arrival of the first packet that starts a
// keyframe: only the first packets are parsed.
func (t *trackStat) noteKeyframe(mime string, b []byte) {
	var p rtp.Packet
	if p.Unmarshal(b) == nil && sfu.IsKeyframe(mime, p.Payload) {
		t.keyAt.Store(time.Now().UnixNano())
	}
}

// member is one joined participant and what it receives.
type member struct {
	// immutable
	identity, room string
	publisher      bool
	joinStart      time.Time

	joinTook time.Duration // set once the join returns
	lkRoom   *lksdk.Room

	mu     sync.Mutex
	tracks map[string]*trackStat // guarded by mu, by track sid
}

func newMember(room, identity string, publisher bool) *member {
	return &member{room: room, identity: identity, publisher: publisher, tracks: map[string]*trackStat{}}
}

func (m *member) callback() *lksdk.RoomCallback {
	return &lksdk.RoomCallback{ParticipantCallback: lksdk.ParticipantCallback{
		OnTrackSubscribed: func(track *webrtc.TrackRemote, pub *lksdk.RemoteTrackPublication, rp *lksdk.RemoteParticipant) {
			t := &trackStat{sid: pub.SID(), kind: track.Kind().String(), publisher: rp.Identity()}
			m.mu.Lock()
			if m.tracks[t.sid] != nil { // re-subscribed: keep the first reader's figures
				m.mu.Unlock()
				return
			}
			m.tracks[t.sid] = t
			m.mu.Unlock()
			go t.read(track)
		},
	}}
}

// snapshot copies the member's track stats.
func (m *member) snapshot() []trackCount {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]trackCount, 0, len(m.tracks))
	for _, t := range m.tracks {
		out = append(out, trackCount{stat: t, packets: t.packets.Load(), bytes: t.bytes.Load(), expected: t.expected()})
	}
	return out
}

// trackCount is one track's counters at one instant.
type trackCount struct {
	stat                     *trackStat
	packets, bytes, expected uint64
}
