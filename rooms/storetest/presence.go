package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// testRoomPresence: who is in a media room reads back as written, a
// reopened store keeps it, and a stale version or a second creation is a
// conflict that writes nothing.
func testRoomPresence(t *testing.T, open Opener, _ Options) {
	s, c := open(t), ctx(t)
	if _, err := s.GetRoomPresence(c, "roundtable-rt_none"); !errors.Is(err, rooms.ErrNotFound) {
		t.Fatalf("GetRoomPresence(unknown) = %v, want ErrNotFound", err)
	}
	at := time.Now().UTC().Truncate(time.Millisecond)
	p := &rooms.RoomPresence{Room: "roundtable-rt_a"}
	p.Apply(rooms.MediaEvent{Kind: rooms.MediaJoined, Room: p.Room, RoomSID: "RM_1", SID: "PA_1", Identity: "mb_a", At: at})
	p.Apply(rooms.MediaEvent{Kind: rooms.MediaLeft, Room: p.Room, RoomSID: "RM_1", SID: "PA_2", Identity: "mb_b", At: at})
	if err := s.PutRoomPresence(c, p); err != nil || p.Version != 1 {
		t.Fatalf("PutRoomPresence(new) = %v, version %d", err, p.Version)
	}
	twin := &rooms.RoomPresence{Room: p.Room}
	if err := s.PutRoomPresence(c, twin); !errors.Is(err, rooms.ErrConflict) || twin.Version != 0 {
		t.Errorf("creating it twice = %v (version %d), want a conflict", err, twin.Version)
	}
	stale := *p
	stale.Version = 0
	p.Apply(rooms.MediaEvent{Kind: rooms.MediaRoomFinished, Room: p.Room, RoomSID: "RM_1", At: at.Add(time.Second)})
	if err := s.PutRoomPresence(c, p); err != nil || p.Version != 2 {
		t.Fatalf("PutRoomPresence(update) = %v, version %d", err, p.Version)
	}
	stale.Version = 1
	if err := s.PutRoomPresence(c, &stale); !errors.Is(err, rooms.ErrConflict) || stale.Version != 1 {
		t.Errorf("a stale write = %v (version %d), want a conflict", err, stale.Version)
	}
	if err := s.Close(c); err != nil {
		t.Fatal(err)
	}
	got, err := mustOpen(t, open).GetRoomPresence(c, p.Room)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || len(got.Sessions) != 2 || len(got.Finished) != 1 || len(got.Present()) != 0 ||
		!got.Sessions[0].JoinedAt.Equal(at) || !got.Sessions[0].LeftAt.Equal(at.Add(time.Second)) || got.Sessions[1].Identity != "mb_b" {
		t.Errorf("read back %+v", got)
	}
}
