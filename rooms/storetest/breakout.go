package storetest

import (
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// testBreakoutRoundTrip: a roundtable's breakout groups, kept in its live
// state, read back as written (times to the millisecond, in UTC), so the
// media plane's rules see the groups the moderator opened; a roundtable
// without one reads back without one.
func testBreakoutRoundTrip(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	r := newRoundtable(10)
	if err := s.CreateRoundtable(c, r); err != nil {
		t.Fatal(err)
	}
	if back, err := s.GetRoundtable(c, r.ID); err != nil || back.Live.Breakout != nil {
		t.Fatalf("a roundtable without groups reads back with %+v, %v", back.Live.Breakout, err)
	}
	at := time.Date(2026, 12, 2, 3, 4, 5, 6_000_000, time.UTC)
	a, b, mod := rooms.NewMemberID(), rooms.NewMemberID(), r.Moderators[0]
	want := rooms.Breakout{Round: 3, Groups: rooms.NewBreakoutGroups([][]rooms.MemberID{{a, mod}, {b}}), OpenedBy: mod,
		OpenedAt: at, EndsAt: at.Add(10 * time.Minute), Speak: true, Message: "あと2分です", MessageAt: at.Add(8 * time.Minute)}
	r.Live.Breakout = &want
	if _, err := s.UpdateRoundtable(c, r); err != nil {
		t.Fatal(err)
	}
	back, err := s.GetRoundtable(c, r.ID)
	if err != nil || back.Live.Breakout == nil {
		t.Fatalf("GetRoundtable = %+v, %v", back, err)
	}
	got := back.Live.Breakout
	same := got.Round == want.Round && got.OpenedBy == want.OpenedBy && got.OpenedAt.Equal(want.OpenedAt) &&
		got.EndsAt.Equal(want.EndsAt) && got.Speak && !got.Closed && got.Message == want.Message && got.MessageAt.Equal(want.MessageAt) &&
		len(got.Groups) == 2 && got.Groups[0].ID == "1" && len(got.Groups[0].Members) == 2 && got.Groups[0].Members[1] == mod &&
		got.Groups[1].ID == "2" && len(got.Groups[1].Members) == 1 && got.Groups[1].Members[0] == b
	if !same {
		t.Errorf("breakout read back: %+v, want %+v", *got, want)
	}
	room := r.BreakoutRoomName(3, "2")
	if e := back.GroupEntryFor(b, 3, "2", at.Add(time.Minute)); e.Refused != "" {
		t.Errorf("the stored groups refuse %s in %s: %+v", b, room, e)
	}
	if e := back.GroupEntryFor(a, 3, "2", at.Add(time.Minute)); e.Refused != rooms.EntryNotInGroup {
		t.Errorf("the stored groups let %s into %s: %+v", a, room, e)
	}
}
