package rooms

import (
	"strings"
	"testing"
	"time"
)

// TestParseRoomName: main and group rooms name their roundtable, round and
// group; anything else of the prefix that we never name is not taken for
// a room of ours.
func TestParseRoomName(t *testing.T) {
	r := &Roundtable{ID: "rt_x"}
	cases := []struct {
		room string
		want RoomOf
		ok   bool
	}{
		{r.RoomName(), RoomOf{Roundtable: "rt_x"}, true},
		{r.BreakoutRoomName(1, "2"), RoomOf{Roundtable: "rt_x", Round: 1, Group: "2"}, true},
		{r.BreakoutRoomName(12, "34"), RoomOf{Roundtable: "rt_x", Round: 12, Group: "34"}, true},
		{"roundtable-rt_x.b0g1", RoomOf{}, false},
		{"roundtable-rt_x.b01g1", RoomOf{}, false},
		{"roundtable-rt_x.bg1", RoomOf{}, false},
		{"roundtable-rt_x.b1g", RoomOf{}, false},
		{"roundtable-rt_x.b1", RoomOf{}, false},
		{"roundtable-", RoomOf{}, false},
		{"consultation-cs_x", RoomOf{}, false},
	}
	for _, tc := range cases {
		if got, ok := ParseRoomName(tc.room); got != tc.want || ok != tc.ok {
			t.Errorf("ParseRoomName(%q) = %+v, %v; want %+v, %v", tc.room, got, ok, tc.want, tc.ok)
		}
	}
}

// TestGroupEntryFor: a group room admits its members and the roundtable's
// moderators and guest speakers while the groups of that round are open,
// and the main room's rules hold there too.
func TestGroupEntryFor(t *testing.T) {
	const mod, speaker, in, other, gone MemberID = "mb_mod", "mb_speaker", "mb_in", "mb_other", "mb_gone"
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	open := func(live LiveState) *Roundtable {
		if live.Breakout == nil {
			live.Breakout = &Breakout{Round: 2, EndsAt: now.Add(time.Minute),
				Groups: NewBreakoutGroups([][]MemberID{{in}, {other}})}
		}
		return &Roundtable{Format: FormatOnline, Moderators: []MemberID{mod}, Speakers: []MemberID{speaker}, Live: live}
	}
	cases := []struct {
		name  string
		r     *Roundtable
		id    MemberID
		round int
		group string
		want  Entry
	}{
		{"her group", open(LiveState{}), in, 2, "1", Entry{}},
		{"another group", open(LiveState{}), in, 2, "2", Entry{Refused: EntryNotInGroup}},
		{"no such group", open(LiveState{}), in, 2, "3", Entry{Refused: EntryNotInGroup}},
		{"moderator visits", open(LiveState{}), mod, 2, "2", Entry{}},
		{"speaker visits", open(LiveState{}), speaker, 2, "1", Entry{}},
		{"last round's room", open(LiveState{}), in, 1, "1", Entry{Refused: EntryBreakoutClosed}},
		{"called back", open(LiveState{Breakout: &Breakout{Round: 2, Closed: true, EndsAt: now.Add(time.Minute),
			Groups: NewBreakoutGroups([][]MemberID{{in}})}}), in, 2, "1", Entry{Refused: EntryBreakoutClosed}},
		{"time over", open(LiveState{Breakout: &Breakout{Round: 2, EndsAt: now, Groups: NewBreakoutGroups([][]MemberID{{in}})}}),
			in, 2, "1", Entry{Refused: EntryBreakoutClosed}},
		{"never opened", &Roundtable{Format: FormatOnline}, in, 1, "1", Entry{Refused: EntryBreakoutClosed}},
		{"removed", open(LiveState{Removed: []MemberID{in}}), in, 2, "1", Entry{Refused: EntryRemoved}},
		{"ended: even a moderator", open(LiveState{Ended: true}), mod, 2, "1", Entry{Refused: EntryEnded}},
		{"locked out", open(LiveState{Locked: true, LockedIn: []MemberID{other}}), in, 2, "1", Entry{Refused: EntryLocked}},
		{"locked in", open(LiveState{Locked: true, LockedIn: []MemberID{in}}), in, 2, "1", Entry{}},
		{"lobby on: placed in a group admits her", open(LiveState{Lobby: true}), in, 2, "1", Entry{}},
		{"removed and not in the group", open(LiveState{Removed: []MemberID{gone}}), gone, 2, "1", Entry{Refused: EntryRemoved}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.r.GroupEntryFor(tc.id, tc.round, tc.group, now); got != tc.want {
				t.Errorf("GroupEntryFor(%s, %d, %s) = %+v, want %+v", tc.id, tc.round, tc.group, got, tc.want)
			}
		})
	}
}

// TestBreakoutMoveAndDrop: a move takes her out of her old group; a drop
// out of every group.
func TestBreakoutMoveAndDrop(t *testing.T) {
	b := &Breakout{Groups: NewBreakoutGroups([][]MemberID{{"mb_a", "mb_b"}, {"mb_c"}})}
	b.Move("mb_a", "2")
	if g, _ := b.GroupOf("mb_a"); g.ID != "2" || len(b.Groups[0].Members) != 1 {
		t.Errorf("after a move: %+v", b.Groups)
	}
	b.Drop("mb_a")
	if _, ok := b.GroupOf("mb_a"); ok {
		t.Errorf("after a drop: %+v", b.Groups)
	}
}

// TestCleanBreakoutMessage: a broadcast is one line of 1-200 characters.
func TestCleanBreakoutMessage(t *testing.T) {
	if s, err := CleanBreakoutMessage("  あと2分です "); err != nil || s != "あと2分です" {
		t.Errorf("a fine message: %q, %v", s, err)
	}
	for _, bad := range []string{"", "  ", "a\nb", "a\u202eb", strings.Repeat("あ", 201)} {
		if _, err := CleanBreakoutMessage(bad); err == nil {
			t.Errorf("%q was taken", bad)
		}
	}
}
