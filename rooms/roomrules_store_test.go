package rooms_test

import (
	"context"
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
	if err := store.UpdateRoundtable(ctx, r); err != nil {
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
