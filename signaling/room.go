package signaling

import (
	"crypto/rand"
	"encoding/base32"
	"sort"
	"sync"
	"time"

	"github.com/livekit/protocol/livekit"
)

// newSID returns a LiveKit-style id: prefix + 12 random base32 chars.
func newSID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])[:12]
}

// room is one media room and the participants in it.
type room struct {
	s         *Server
	name, sid string
	created   time.Time

	stop         chan struct{} // ends the speaker loop when the room is dropped
	mu           sync.Mutex
	participants map[string]*participant // by identity; guarded by mu
	metadata     string                  // guarded by mu
	deleted      bool                    // DeleteRoom ended it: no more refreshed tokens; guarded by mu
	// entering counts joins between finding the room and being in it: the
	// room is not dropped under them (the last one out leaving meanwhile
	// would leave the newcomer alone in a room nobody else finds).
	// Guarded by the server's mu.
	entering int
}

func newRoom(s *Server, name string) *room {
	r := &room{s: s, name: name, sid: newSID("RM_"), created: time.Now(), participants: map[string]*participant{}, stop: make(chan struct{})}
	go r.speakerLoop(r.stop)
	go r.qualityLoop(r.stop)
	return r
}

func (r *room) info() *livekit.Room {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.infoLocked()
}

func (r *room) infoLocked() *livekit.Room {
	return &livekit.Room{Sid: r.sid, Name: r.name, Metadata: r.metadata, CreationTime: r.created.Unix(),
		CreationTimeMs: r.created.UnixMilli(), NumParticipants: uint32(len(r.participants))}
}

// join adds p, evicting an earlier session with the same identity, and
// queues p's JoinResponse before p can receive any other update (LiveKit
// clients fail on anything that precedes it).
func (r *room) join(p *participant, resp func(*livekit.Room, []*livekit.ParticipantInfo) *livekit.SignalResponse) (evicted *participant) {
	r.mu.Lock()
	evicted = r.participants[p.identity]
	p.conn().send(resp(r.infoLocked(), r.visibleLocked(p.identity)))
	r.participants[p.identity] = p
	r.mu.Unlock()
	return evicted
}

// visibleLocked returns the infos of everyone but identity whom others
// may see (not hidden), oldest first. Called with mu held.
func (r *room) visibleLocked(identity string) []*livekit.ParticipantInfo {
	var out []*livekit.ParticipantInfo
	for id, o := range r.participants {
		if id != identity && !o.hidden() {
			out = append(out, o.info())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].JoinedAtMs < out[j].JoinedAtMs })
	return out
}

// remove takes p out (if it is still the session for its identity) and
// reports whether it did.
func (r *room) remove(p *participant) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.participants[p.identity] != p {
		return false
	}
	delete(r.participants, p.identity)
	return true
}

// others returns everyone but p.
func (r *room) others(p *participant) []*participant {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*participant, 0, len(r.participants))
	for _, o := range r.participants {
		if o != p {
			out = append(out, o)
		}
	}
	return out
}

// byIdentity returns the participant with identity, or nil.
func (r *room) byIdentity(identity string) *participant {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.participants[identity]
}

// broadcastInfo sends p's current info to everyone (p included when
// self is true), unless p is hidden from others.
func (r *room) broadcastInfo(p *participant, self bool) {
	info := p.info()
	msg := &livekit.SignalResponse{Message: &livekit.SignalResponse_Update{Update: &livekit.ParticipantUpdate{Participants: []*livekit.ParticipantInfo{info}}}}
	if self {
		p.conn().send(msg)
	}
	if p.hidden() {
		return
	}
	for _, o := range r.others(p) {
		o.conn().send(msg)
	}
}

// markDeleted records that the room was ended for everyone.
func (r *room) markDeleted() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deleted = true
}

func (r *room) isDeleted() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.deleted
}

func (r *room) empty() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.participants) == 0
}

// closeAll tells everyone the server is going away.
func (r *room) closeAll() {
	r.mu.Lock()
	all := make([]*participant, 0, len(r.participants))
	for _, p := range r.participants {
		all = append(all, p)
	}
	r.mu.Unlock()
	for _, p := range all {
		p.sendLeave(livekit.DisconnectReason_SERVER_SHUTDOWN, livekit.LeaveRequest_DISCONNECT)
		p.conn().close()
		p.mu.Lock()
		detached := p.detached
		p.mu.Unlock()
		if detached { // no reader left to end it
			r.s.leave(p, livekit.DisconnectReason_SERVER_SHUTDOWN)
		}
	}
}
