package rooms

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Breakout splits a roundtable's room into small groups for a while, each
// in a media room of its own. It lives in the roundtable's LiveState, so
// both stores keep it with the rest of the live rules and the media
// planes read it at every join (RoomRules).
type Breakout struct {
	// Round counts the times groups were opened (1, 2, …). It is part of
	// the group rooms' names, so a token of one round never opens a room
	// of the next.
	Round    int             `json:"round" bson:"round"`
	Groups   []BreakoutGroup `json:"groups" bson:"groups"`
	OpenedBy MemberID        `json:"opened_by" bson:"opened_by"`
	OpenedAt time.Time       `json:"opened_at" bson:"opened_at"`
	// EndsAt is when everyone returns to the main room by herself.
	EndsAt time.Time `json:"ends_at" bson:"ends_at"`
	// Closed means a moderator called everyone back (or ended the
	// roundtable).
	Closed bool `json:"closed" bson:"closed"`
	// Speak lets the audience of a stage roundtable publish in the
	// groups; by default they listen there too.
	Speak bool `json:"speak" bson:"speak"`
	// Message is the moderators' last broadcast to every group.
	Message   string    `json:"message" bson:"message"`
	MessageAt time.Time `json:"message_at" bson:"message_at"`
}

// BreakoutGroup is one group and who is in it.
type BreakoutGroup struct {
	ID      string     `json:"id" bson:"id"` // "1", "2", … stable within a round
	Members []MemberID `json:"members" bson:"members"`
}

// Limits of a breakout.
const (
	MinBreakoutGroups  = 2
	MaxBreakoutGroups  = 50
	MinBreakoutSeconds = 30
	MaxBreakoutSeconds = 3600
	MaxBreakoutMessage = 200
)

// Why a group room's rules refuse someone (Entry.Refused), beside the
// main room's reasons.
const (
	EntryBreakoutClosed = "breakout_closed" // no open breakout of that round
	EntryNotInGroup     = "not_in_group"    // she is not in that group
)

// Open reports whether the groups are open at now: not called back, and
// their time not over.
func (b *Breakout) Open(now time.Time) bool {
	return b != nil && !b.Closed && now.Before(b.EndsAt)
}

// GroupOf returns the group m is in.
func (b *Breakout) GroupOf(m MemberID) (BreakoutGroup, bool) {
	if b == nil {
		return BreakoutGroup{}, false
	}
	for _, g := range b.Groups {
		if slices.Contains(g.Members, m) {
			return g, true
		}
	}
	return BreakoutGroup{}, false
}

// Group returns the group with id.
func (b *Breakout) Group(id string) (*BreakoutGroup, bool) {
	if b == nil {
		return nil, false
	}
	for i := range b.Groups {
		if b.Groups[i].ID == id {
			return &b.Groups[i], true
		}
	}
	return nil, false
}

// Move puts m in group id, taking her out of any other.
func (b *Breakout) Move(m MemberID, id string) {
	b.Drop(m)
	if g, ok := b.Group(id); ok {
		g.Members = append(g.Members, m)
	}
}

// Drop takes m out of her group.
func (b *Breakout) Drop(m MemberID) {
	for i := range b.Groups {
		b.Groups[i].Members = slices.DeleteFunc(b.Groups[i].Members, func(x MemberID) bool { return x == m })
	}
}

// NewBreakoutGroups numbers groups of members "1", "2", … in order.
func NewBreakoutGroups(members [][]MemberID) []BreakoutGroup {
	out := make([]BreakoutGroup, len(members))
	for i, ms := range members {
		out[i] = BreakoutGroup{ID: strconv.Itoa(i + 1), Members: slices.Clone(ms)}
	}
	return out
}

// BreakoutRoomName is the media room of group of round.
func (r *Roundtable) BreakoutRoomName(round int, group string) string {
	return fmt.Sprintf("%s.b%dg%s", r.RoomName(), round, group)
}

// BreakoutRoomNames are the media rooms of every group of the current
// breakout, if any.
func (r *Roundtable) BreakoutRoomNames() []string {
	b := r.Live.Breakout
	if b == nil {
		return nil
	}
	out := make([]string, len(b.Groups))
	for i, g := range b.Groups {
		out[i] = r.BreakoutRoomName(b.Round, g.ID)
	}
	return out
}

// RoomOf names a roundtable's media room: which roundtable, and for a
// group room its round and group.
type RoomOf struct {
	Roundtable RoundtableID
	Round      int    // 0 for the main room
	Group      string // "" for the main room
}

// ParseRoomName says which roundtable's room name is (main or group);
// ok is false for rooms that are no roundtable's.
func ParseRoomName(name string) (RoomOf, bool) {
	rest, ok := strings.CutPrefix(name, roundtableRoomPrefix)
	if !ok || rest == "" {
		return RoomOf{}, false
	}
	id, tail, grouped := strings.Cut(rest, ".b")
	if !grouped {
		return RoomOf{Roundtable: RoundtableID(id)}, true
	}
	round, group, ok := strings.Cut(tail, "g")
	n, err := strconv.Atoi(round)
	if !ok || err != nil || n < 1 || group == "" || round != strconv.Itoa(n) {
		return RoomOf{}, false
	}
	return RoomOf{Roundtable: RoundtableID(id), Round: n, Group: group}, true
}

// GroupEntryFor returns what r's rules say about id entering the room of
// group in round at now. The main room's rules hold first (end, removal,
// lock); then the breakout of that round must be open and she must be in
// that group, or moderate or speak (they visit any group). Being placed in
// a group by a moderator admits her to it, so the lobby does not hold
// her there.
func (r *Roundtable) GroupEntryFor(id MemberID, round int, group string, now time.Time) Entry {
	if e := r.EntryFor(id); e.Refused != "" {
		return e
	}
	b := r.Live.Breakout
	if b == nil || b.Round != round || !b.Open(now) {
		return Entry{Refused: EntryBreakoutClosed}
	}
	g, ok := b.Group(group)
	if !ok {
		return Entry{Refused: EntryNotInGroup}
	}
	if !slices.Contains(g.Members, id) && !r.IsModerator(id) && !r.IsSpeaker(id) {
		return Entry{Refused: EntryNotInGroup}
	}
	return Entry{}
}

// CleanBreakoutMessage returns a moderator's broadcast cleaned, or why it
// is refused (field "message").
func CleanBreakoutMessage(s string) (string, error) {
	s = CleanLine(s)
	switch {
	case s == "":
		return "", Invalid("message", "required", "write a message")
	case utf8.RuneCountInString(s) > MaxBreakoutMessage:
		return "", Invalid("message", "too_long", fmt.Sprintf("at most %d characters", MaxBreakoutMessage))
	case badLine(s):
		return "", Invalid("message", "invalid_characters", badLineMsg)
	}
	return s, nil
}
