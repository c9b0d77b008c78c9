package rooms_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
)

// TestRoomRulesFromTheStore: the rules a media plane asks for are the
// stored roundtable's, read afresh at each call (a change is seen at
// once, as after a restart); rooms that are not a roundtable's have none.
func TestRoomRulesFromTheStore(t *testing.T) {
	ctx := context.Background()
	store, err := sqlitestore.OpenFile(ctx, filepath.Join(t.TempDir(), "rules.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })
	r := &rooms.Roundtable{ID: rooms.NewRoundtableID(), Title: "Rules", Start: time.Now().Add(time.Hour), Minutes: 60,
		Format: rooms.FormatOnline, Talk: rooms.TalkSmallRound, Moderators: []rooms.MemberID{"mb_mod"}, Capacity: 5}
	if err := store.CreateRoundtable(ctx, r); err != nil {
		t.Fatal(err)
	}
	rules := rooms.RoomRules{Store: store}
	entry := func(room, id string) rooms.Entry {
		t.Helper()
		e, err := rules.Entry(ctx, room, id)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	if e := entry(r.RoomName(), "mb_a"); e != (rooms.Entry{}) {
		t.Errorf("open roundtable: %+v", e)
	}
	r.Live = rooms.LiveState{Locked: true, LockedIn: []rooms.MemberID{"mb_a"}, Removed: []rooms.MemberID{"mb_c"}}
	if _, err := store.UpdateRoundtable(ctx, r); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"mb_a": "", "mb_b": rooms.EntryLocked, "mb_c": rooms.EntryRemoved, "mb_mod": ""} {
		if e := entry(r.RoomName(), id); e.Refused != want {
			t.Errorf("%s in the locked room: %+v, want refused %q", id, e, want)
		}
	}
	for _, room := range []string{"consultation-cs_x", "dev-room", "roundtable-rt_nosuch"} {
		if e := entry(room, "mb_b"); e != (rooms.Entry{}) {
			t.Errorf("%s has rules: %+v", room, e)
		}
	}
}

// TestBreakoutRulesFromTheStore: a group room's rules are read from the
// stored breakout at each join (a close or a move is seen at once); a
// name of the prefix that no roundtable room has is refused, not let
// through; and the main room emptying while everyone is in the groups
// does not end the roundtable, as it does otherwise.
func TestBreakoutRulesFromTheStore(t *testing.T) {
	ctx := context.Background()
	store, err := sqlitestore.OpenFile(ctx, filepath.Join(t.TempDir(), "rules.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })
	now := time.Now()
	r := &rooms.Roundtable{ID: rooms.NewRoundtableID(), Title: "Groups", Start: now.Add(-time.Minute), Minutes: 60,
		Format: rooms.FormatOnline, Talk: rooms.TalkSmallRound, Moderators: []rooms.MemberID{"mb_mod"}, Capacity: 5}
	r.Live.Breakout = &rooms.Breakout{Round: 1, EndsAt: now.Add(time.Hour), Groups: rooms.NewBreakoutGroups([][]rooms.MemberID{{"mb_a"}, {"mb_b"}})}
	if err := store.CreateRoundtable(ctx, r); err != nil {
		t.Fatal(err)
	}
	rules := rooms.RoomRules{Store: store}
	refused := func(room, id string) string {
		t.Helper()
		e, err := rules.Entry(ctx, room, id)
		if err != nil {
			t.Fatal(err)
		}
		return e.Refused
	}
	g1 := r.BreakoutRoomName(1, "1")
	for id, want := range map[string]string{"mb_a": "", "mb_b": rooms.EntryNotInGroup, "mb_mod": ""} {
		if got := refused(g1, id); got != want {
			t.Errorf("%s in group 1: refused %q, want %q", id, got, want)
		}
	}
	if got := refused(r.RoomName()+".b1gx", "mb_mod"); got != rooms.EntryBreakoutClosed && got != rooms.EntryNotInGroup {
		t.Errorf("a group that does not exist: refused %q", got)
	}
	if got := refused(r.RoomName()+".b1", "mb_a"); got != rooms.EntryNoRoom {
		t.Errorf("a malformed group room: refused %q, want %q", got, rooms.EntryNoRoom)
	}
	finished := rooms.MediaEvent{Kind: rooms.MediaRoomFinished, Room: r.RoomName(), RoomSID: "RM_main", At: now}
	if err := (rooms.RoomEvents{Store: store}).Record(ctx, finished); err != nil {
		t.Fatal(err)
	}
	if back, _ := store.GetRoundtable(ctx, r.ID); back.Live.Ended {
		t.Errorf("the main room emptied for the groups ended the roundtable")
	}
	r, _ = store.GetRoundtable(ctx, r.ID)
	r.Live.Breakout.Closed = true
	if _, err := store.UpdateRoundtable(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got := refused(g1, "mb_a"); got != rooms.EntryBreakoutClosed {
		t.Errorf("group 1 after the close: refused %q, want %q", got, rooms.EntryBreakoutClosed)
	}
	if err := (rooms.RoomEvents{Store: store}).Record(ctx, finished); err != nil {
		t.Fatal(err)
	}
	if back, _ := store.GetRoundtable(ctx, r.ID); !back.Live.Ended {
		t.Errorf("the main room finished after the groups closed did not end the roundtable")
	}
}

// TestRoundtablePresenceCountsGroups: while groups are open, the people
// in the groups' rooms are in the roundtable (its page says it is live,
// though the main room is empty); once they close, only the main room
// counts.
func TestRoundtablePresenceCountsGroups(t *testing.T) {
	ctx := context.Background()
	store, err := sqlitestore.OpenFile(ctx, filepath.Join(t.TempDir(), "presence.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })
	now := time.Now()
	r := &rooms.Roundtable{ID: rooms.NewRoundtableID(), Start: now, Minutes: 60, Moderators: []rooms.MemberID{"mb_mod"}}
	r.Live.Breakout = &rooms.Breakout{Round: 1, EndsAt: now.Add(time.Hour), Groups: rooms.NewBreakoutGroups([][]rooms.MemberID{{"mb_a"}, {"mb_b"}})}
	events := rooms.RoomEvents{Store: store}
	for i, room := range []string{r.BreakoutRoomName(1, "1"), r.BreakoutRoomName(1, "2"), r.BreakoutRoomName(1, "2")} {
		ev := rooms.MediaEvent{Kind: rooms.MediaJoined, Room: room, RoomSID: "RM_" + room, SID: fmt.Sprintf("PA_%d", i),
			Identity: []string{"mb_a", "mb_b", "mb_mod"}[i], At: now}
		if err := events.Record(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := rooms.RoundtablePresence(ctx, store, r, now); err != nil || len(got) != 3 {
		t.Errorf("presence with the groups open: %v, %v; want the three in the groups", got, err)
	}
	r.Live.Breakout.Closed = true
	if got, err := rooms.RoundtablePresence(ctx, store, r, now); err != nil || len(got) != 0 {
		t.Errorf("presence with the groups closed: %v, %v; want the empty main room", got, err)
	}
}
