package rooms

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// consultationRoomPrefix starts the name of every consultation's media room.
const consultationRoomPrefix = "consultation-"

// writeTries bounds the compare-and-set loops below: a conflict means
// another replica or a concurrent event wrote first, and reading again
// settles it.
const writeTries = 5

// RoomEvents keeps the control plane's view of media rooms true from what
// the media plane reports (a LiveKit cluster's webhooks): who is in which
// room now, who came to a consultation or a roundtable (from her actual
// join, not from fetching a token), and that a roundtable whose room
// finished after its start is over, as if a moderator had ended it.
//
// Events come at least once and in any order. Each step is idempotent
// and none depends on another having happened, so a retried event (after
// a failure here, or LiveKit's own retry) completes what is missing and
// changes nothing else.
type RoomEvents struct{ Store Store }

// Record applies ev.
func (re RoomEvents) Record(ctx context.Context, ev MediaEvent) error {
	if err := re.presence(ctx, ev); err != nil {
		return err
	}
	switch ev.Kind {
	case MediaJoined:
		return re.attended(ctx, ev)
	case MediaRoomFinished:
		return re.finished(ctx, ev)
	}
	return nil
}

// presence records ev in the room's presence.
func (re RoomEvents) presence(ctx context.Context, ev MediaEvent) error {
	for try := 1; ; try++ {
		p, err := re.Store.GetRoomPresence(ctx, ev.Room)
		if errors.Is(err, ErrNotFound) {
			p, err = &RoomPresence{Room: ev.Room}, nil
		}
		if err != nil {
			return err
		}
		if !p.Apply(ev) {
			return nil
		}
		if err = re.Store.PutRoomPresence(ctx, p); !errors.Is(err, ErrConflict) || try == writeTries {
			return err
		}
	}
}

// attended records that the person who joined came: to a consultation
// (so "did not come" is never said of her), or to a roundtable she has a
// seat at (its attendance; moderators and guest speakers run it and are
// not counted, and nor is someone the rules keep out).
func (re RoomEvents) attended(ctx context.Context, ev MediaEvent) error {
	m := MemberID(ev.Identity)
	if id, ok := strings.CutPrefix(ev.Room, consultationRoomPrefix); ok {
		return RecordJoined(ctx, re.Store, ConsultationID(id), m)
	}
	of, ok := ParseRoomName(ev.Room)
	if !ok {
		return nil
	}
	r, err := re.Store.GetRoundtable(ctx, of.Roundtable)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil || r.IsModerator(m) || r.IsSpeaker(m) || r.EntryFor(m).Refused != "" {
		return err
	}
	if err := re.Store.ClaimOnce(ctx, AttendanceKey(r.ID, m), ev.At); err != nil && !errors.Is(err, ErrConflict) {
		return err
	}
	return nil
}

// finished marks a roundtable ended when its room finishes (everyone
// left and the media plane closed it) after the start. A room that
// finishes before the start (a moderator trying her camera early) ends
// nothing, and neither does a group room's, nor the main room emptying
// while everyone is in the breakout groups.
func (re RoomEvents) finished(ctx context.Context, ev MediaEvent) error {
	of, ok := ParseRoomName(ev.Room)
	if !ok || of.Group != "" {
		return nil
	}
	id := of.Roundtable
	for try := 1; ; try++ {
		r, err := re.Store.GetRoundtable(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil || r.Live.Ended || r.Cancelled || ev.At.Before(r.Start) || r.Live.Breakout.Open(ev.At) {
			return err
		}
		r.Live.Ended = true
		if _, err = re.Store.UpdateRoundtable(ctx, r); !errors.Is(err, ErrConflict) || try == writeTries {
			return err
		}
	}
}

// RecordJoined records, once, that m opened consultation id's video room,
// so the other person is not offered to report that m did not come.
// Someone who is not one of its two people changes nothing.
func RecordJoined(ctx context.Context, s Store, id ConsultationID, m MemberID) error {
	for try := 1; ; try++ {
		cs, err := s.GetConsultation(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, party := cs.Party(m); !party || cs.HasJoined(m) {
			return nil
		}
		cs.Joined = append(cs.Joined, m)
		if err = s.UpdateConsultation(ctx, cs); !errors.Is(err, ErrConflict) || try == writeTries {
			return err
		}
	}
}

// RoundtablePresence returns who is in r's rooms now: its main room and,
// while breakout groups are open at now, its groups' rooms (everyone
// once).
func RoundtablePresence(ctx context.Context, s Store, r *Roundtable, now time.Time) ([]string, error) {
	names := []string{r.RoomName()}
	if r.Live.Breakout.Open(now) {
		names = append(names, r.BreakoutRoomNames()...)
	}
	var out []string
	for _, room := range names {
		present, err := PresenceOf(ctx, s, room)
		if err != nil {
			return nil, err
		}
		for _, id := range present {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out, nil
}

// PresenceOf returns who is in the media room named room now (nobody
// when no event of it was ever recorded).
func PresenceOf(ctx context.Context, s Store, room string) ([]string, error) {
	p, err := s.GetRoomPresence(ctx, room)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return p.Present(), nil
}
