package rooms

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// roundtableRoomPrefix starts the name of every roundtable's media room.
const roundtableRoomPrefix = "roundtable-"

// Why a room's rules refuse someone (Entry.Refused).
const (
	EntryNoRoom  = "no_room" // cancelled, or in person only
	EntryEnded   = "ended"   // a moderator ended it for everyone
	EntryRemoved = "removed" // a moderator removed her from this session
	EntryLocked  = "locked"  // locked, and she was not in the room then
)

// Entry is what a roundtable's live rules say about one person entering
// its media room, whatever token she holds. The control plane asks before
// it mints a token; the media plane asks again when she joins, so that a
// token minted before a lock, a lobby, a removal or the end cannot carry
// anyone past it.
type Entry struct {
	// Refused says why she may not be in the room (an Entry… constant);
	// empty when she may.
	Refused string
	// Lobby means she joins with no grants and waits for a moderator to
	// admit her.
	Lobby bool
}

// EntryFor returns what r's live rules say about id entering its room now.
// A locked room keeps out everyone but its moderators and those who were
// in it when it was locked (their phone may drop); the lobby holds
// everyone but the stage and those already admitted.
func (r *Roundtable) EntryFor(id MemberID) Entry {
	switch {
	case r.Cancelled || r.Format == FormatInPerson:
		return Entry{Refused: EntryNoRoom}
	case r.Live.Ended:
		return Entry{Refused: EntryEnded}
	case slices.Contains(r.Live.Removed, id):
		return Entry{Refused: EntryRemoved}
	case r.Live.Locked && !r.IsModerator(id) && !slices.Contains(r.Live.LockedIn, id):
		return Entry{Refused: EntryLocked}
	}
	return Entry{Lobby: r.Live.Lobby && !r.OnStage(id) && !slices.Contains(r.Live.Admitted, id)}
}

// RoomRules reads media rooms' rules from the store. The embedded SFU asks
// it at every join and the receiver of a remote LiveKit's webhooks at
// every participant_joined: the rules live in the store, not in a media
// process, so they hold after a restart and across replicas, and a token
// (which neither media plane can take back) never outlives them.
type RoomRules struct {
	Store Store
	// Now is the clock a breakout's end is read against; nil: time.Now.
	Now func() time.Time
}

// Entry returns what the rules of the media room named room say about
// identity joining it: a roundtable's main room or one of its breakout
// groups' rooms (GroupEntryFor). Only roundtable rooms have rules; other
// rooms (consultations, development rooms) and rooms of no known
// roundtable admit whoever holds a token for them.
func (rr RoomRules) Entry(ctx context.Context, room, identity string) (Entry, error) {
	of, ok := ParseRoomName(room)
	if !ok {
		if strings.HasPrefix(room, roundtableRoomPrefix) { // a roundtable's, but no room we name
			return Entry{Refused: EntryNoRoom}, nil
		}
		return Entry{}, nil
	}
	r, err := rr.Store.GetRoundtable(ctx, of.Roundtable)
	if errors.Is(err, ErrNotFound) {
		return Entry{}, nil
	}
	if err != nil {
		return Entry{}, err
	}
	if of.Group != "" {
		now := time.Now
		if rr.Now != nil {
			now = rr.Now
		}
		return r.GroupEntryFor(MemberID(identity), of.Round, of.Group, now()), nil
	}
	return r.EntryFor(MemberID(identity)), nil
}
