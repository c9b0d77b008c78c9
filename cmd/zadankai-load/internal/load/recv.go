package load

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
)

// trackStat is what one participant received on one track. The reader
// goroutine is its only writer; counters are atomics so the runner can
// snapshot them while media flows.
type trackStat struct {
	// immutable
	sid, kind, publisher string

	// atomic
	firstAt atomic.Int64 // unix nanos of the first packet, 0 = none yet
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
// number: the client shares the machine with the server under test.
func (t *trackStat) read(track *webrtc.TrackRemote) {
	buf := make([]byte, 1500)
	var ext uint64
	var last uint16
	for {
		n, _, err := track.Read(buf)
		if err != nil {
			return
		}
		if n < 12 {
			continue
		}
		seq := binary.BigEndian.Uint16(buf[2:4])
		if t.firstAt.Load() == 0 {
			ext = 1 << 32 // room below for reordered packets
			t.baseExt = ext
			t.maxExt.Store(ext)
			t.firstAt.Store(time.Now().UnixNano())
		} else if d := int16(seq - last); d > 0 {
			ext += uint64(d)
			t.maxExt.Store(ext)
		} else {
			// a reordered or duplicate packet: counted, does not move the line
			t.packets.Add(1)
			t.bytes.Add(uint64(n))
			continue
		}
		last = seq
		t.packets.Add(1)
		t.bytes.Add(uint64(n))
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
