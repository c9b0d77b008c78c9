package rooms

import (
	"slices"
	"time"
)

// Media room events, as a LiveKit media plane names them in its webhooks.
const (
	MediaJoined       = "participant_joined"
	MediaLeft         = "participant_left"
	MediaRoomFinished = "room_finished"
)

// Tombstones outlive the sessions they close long enough to absorb a
// media plane's retries and reordering (LiveKit retries an event for
// minutes at most), and no longer, so a room's record stays small.
const (
	leftSessionKept   = time.Hour
	finishedRoomsKept = 24 * time.Hour
)

// MediaEvent is one thing that happened in a media room: someone joined
// or left it, or it finished (everyone gone, or ended). Events come at
// least once and in any order; RoomPresence.Apply makes each count once.
type MediaEvent struct {
	Kind     string // MediaJoined, MediaLeft or MediaRoomFinished
	Room     string // the media room's name
	RoomSID  string // this run of the room (a room that finishes and starts again gets a new one)
	SID      string // the participant's session (a rejoin gets a new one); empty for MediaRoomFinished
	Identity string // the participant (a member id in our rooms)
	At       time.Time
}

// RoomPresence is who is in one media room now, as the media plane's
// events tell it: a session per join, closed by its leave or by the end
// of the room's run. A leave seen before its join, or a run's end seen
// before a join of that run, stays final, so retried and reordered events
// leave the same state whatever their order.
type RoomPresence struct {
	Room     string            `json:"room" bson:"_id"`
	Sessions []PresenceSession `json:"sessions" bson:"sessions"`
	Finished []FinishedRun     `json:"finished" bson:"finished"`
	Version  int64             `json:"version" bson:"version"`
}

// PresenceSession is one participant's stay in a room.
type PresenceSession struct {
	RoomSID  string    `json:"room_sid" bson:"room_sid"`
	SID      string    `json:"sid" bson:"sid"`
	Identity string    `json:"identity" bson:"identity"`
	JoinedAt time.Time `json:"joined_at" bson:"joined_at"` // zero when the leave came first
	LeftAt   time.Time `json:"left_at" bson:"left_at"`     // zero while she is in
}

// FinishedRun is a run of the room that has finished.
type FinishedRun struct {
	RoomSID string    `json:"room_sid" bson:"room_sid"`
	At      time.Time `json:"at" bson:"at"`
}

// Apply records ev and reports whether it changed anything (false for a
// retry, or for a join of a session or run already over).
func (p *RoomPresence) Apply(ev MediaEvent) bool {
	changed := false
	switch ev.Kind {
	case MediaJoined:
		changed = p.join(ev)
	case MediaLeft:
		changed = p.leave(ev)
	case MediaRoomFinished:
		changed = p.finish(ev)
	}
	if changed {
		p.prune(ev.At)
	}
	return changed
}

func (p *RoomPresence) join(ev MediaEvent) bool {
	if p.finished(ev.RoomSID) || p.session(ev.SID) != nil {
		return false
	}
	p.Sessions = append(p.Sessions, PresenceSession{RoomSID: ev.RoomSID, SID: ev.SID, Identity: ev.Identity, JoinedAt: ev.At})
	return true
}

func (p *RoomPresence) leave(ev MediaEvent) bool {
	s := p.session(ev.SID)
	if s == nil { // the leave overtook the join: keep it, so the join stays closed
		p.Sessions = append(p.Sessions, PresenceSession{RoomSID: ev.RoomSID, SID: ev.SID, Identity: ev.Identity, LeftAt: ev.At})
		return true
	}
	if !s.LeftAt.IsZero() {
		return false
	}
	s.LeftAt = ev.At
	return true
}

func (p *RoomPresence) finish(ev MediaEvent) bool {
	if p.finished(ev.RoomSID) {
		return false
	}
	p.Finished = append(p.Finished, FinishedRun{RoomSID: ev.RoomSID, At: ev.At})
	for i := range p.Sessions {
		if s := &p.Sessions[i]; s.RoomSID == ev.RoomSID && s.LeftAt.IsZero() {
			s.LeftAt = ev.At
		}
	}
	return true
}

func (p *RoomPresence) session(sid string) *PresenceSession {
	for i := range p.Sessions {
		if p.Sessions[i].SID == sid {
			return &p.Sessions[i]
		}
	}
	return nil
}

func (p *RoomPresence) finished(roomSID string) bool {
	return slices.ContainsFunc(p.Finished, func(f FinishedRun) bool { return f.RoomSID == roomSID })
}

// prune forgets closed sessions and finished runs old enough that no
// retry of theirs is still to come.
func (p *RoomPresence) prune(now time.Time) {
	p.Sessions = slices.DeleteFunc(p.Sessions, func(s PresenceSession) bool {
		return !s.LeftAt.IsZero() && now.Sub(s.LeftAt) > leftSessionKept
	})
	p.Finished = slices.DeleteFunc(p.Finished, func(f FinishedRun) bool { return now.Sub(f.At) > finishedRoomsKept })
}

// Present returns who is in the room now, each identity once, in the
// order they came.
func (p *RoomPresence) Present() []string {
	var out []string
	for _, s := range p.Sessions {
		if s.LeftAt.IsZero() && !slices.Contains(out, s.Identity) {
			out = append(out, s.Identity)
		}
	}
	return out
}

// Has reports whether identity is in the room now.
func (p *RoomPresence) Has(identity string) bool {
	return slices.ContainsFunc(p.Sessions, func(s PresenceSession) bool { return s.Identity == identity && s.LeftAt.IsZero() })
}
