package signaling

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"time"

	"github.com/livekit/protocol/livekit"

	"github.com/zadankai/zadankai/rooms"
)

// RoomRules says what a room's rules make of one person joining it,
// whatever her token grants (rooms.RoomRules reads them from the store).
//
// The server asks at every new join, not only the control plane when it
// mints a token: a token minted before a lock, a lobby, a removal or the
// end would otherwise carry its holder past it, and a token cannot be
// taken back. Asking the store at the join, rather than keeping rules the
// control plane pushed, keeps them true after a restart of this process
// and on every replica. A resume is not a join: the person is still in
// the room, under the rules she joined with.
type RoomRules interface {
	Entry(ctx context.Context, room, identity string) (rooms.Entry, error)
}

var _ RoomRules = rooms.RoomRules{}

// rulesTimeout bounds the store read a join waits for.
const rulesTimeout = 5 * time.Second

// lobbyAttribute marks a participant waiting in the lobby; the room page
// and the moderators' panel read it.
const lobbyAttribute = "lobby"

var (
	errRulesUnavailable = errors.New("the room's rules cannot be read; retry shortly")
	errEntryEnded       = errors.New("this room has ended")
	errEntryRemoved     = errors.New("removed from this room by a moderator")
	errEntryLocked      = errors.New("the moderators have locked this room")
	errEntryNoRoom      = errors.New("this room is closed")
	errBreakoutClosed   = errors.New("the breakout groups are not open")
	errNotInGroup       = errors.New("not in this breakout group")
)

// applyRules checks g against its room's rules for a new join. It returns
// the grant to join with (stripped of every permission, and marked, when
// the person must wait in the lobby), or the HTTP status and error that
// refuse her.
func (s *Server) applyRules(ctx context.Context, g *grant) (*grant, int, error) {
	if s.rules == nil {
		return g, 0, nil
	}
	ctx, cancel := context.WithTimeout(ctx, rulesTimeout)
	defer cancel()
	e, err := s.rules.Entry(ctx, g.room, g.identity)
	if err != nil {
		s.log.Warn("reading the room's rules", "room", g.room, "err", err)
		return nil, http.StatusServiceUnavailable, errRulesUnavailable // closed, not open, when in doubt
	}
	switch e.Refused {
	case "":
	case rooms.EntryEnded:
		return nil, http.StatusForbidden, errEntryEnded
	case rooms.EntryRemoved:
		return nil, http.StatusForbidden, errEntryRemoved
	case rooms.EntryLocked:
		return nil, http.StatusForbidden, errEntryLocked
	case rooms.EntryBreakoutClosed:
		return nil, http.StatusForbidden, errBreakoutClosed
	case rooms.EntryNotInGroup:
		return nil, http.StatusForbidden, errNotInGroup
	default:
		return nil, http.StatusForbidden, errEntryNoRoom
	}
	if e.Lobby {
		return inLobby(g), 0, nil
	}
	return g, 0, nil
}

// inLobby returns g allowed nothing but to be seen and to set its own
// attributes (a raised hand), marked as waiting: what the control plane
// mints for the lobby, whatever g granted.
func inLobby(g *grant) *grant {
	out := *g
	out.perm = &livekit.ParticipantPermission{Hidden: g.perm.Hidden, CanUpdateMetadata: g.perm.CanUpdateMetadata}
	out.attributes = maps.Clone(g.attributes)
	if out.attributes == nil {
		out.attributes = map[string]string{}
	}
	out.attributes[lobbyAttribute] = "1"
	return &out
}
