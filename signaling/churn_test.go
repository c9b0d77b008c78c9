package signaling_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"
)

// TestSinglePCChurn: three single-PC participants publish a camera and a
// microphone; two of them leave and come back three times in a row, each
// rejoin right after the other's (the server is still negotiating with
// the first when the second arrives), then two more join at the same
// moment. Afterwards everyone receives everyone's current tracks, and
// keeps receiving them, and the room lists exactly the people in it.
func TestSinglePCChurn(t *testing.T) {
	ts := newServer(t)
	type person struct {
		room *lksdk.Room
		rec  *recorder
		a, v string
	}
	var mu sync.Mutex
	people := map[string]*person{}
	join := func(id string) {
		rec := newRecorder()
		room := connectSingle(t, ts, id, rec)
		a, v, _ := publishAV(t, room)
		mu.Lock()
		people[id] = &person{room, rec, a, v}
		mu.Unlock()
	}
	for _, id := range []string{"ann", "ben", "cho"} {
		join(id)
	}
	for range 3 {
		for _, id := range []string{"ben", "cho"} {
			people[id].room.Disconnect()
			join(id)
		}
	}
	// Two at once. connectSingle and publishAV report through t, which
	// only the test's goroutine may fail: join through lksdk here.
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	newcomers := []string{"dan", "eve"}
	for _, id := range newcomers {
		wg.Go(func() {
			rec := newRecorder()
			room, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, id, grants{}), rec.callback(),
				lksdk.WithAutoSubscribe(true), lksdk.WithSinglePeerConnection())
			if err != nil {
				errs <- fmt.Errorf("%s: %w", id, err)
				return
			}
			mu.Lock()
			people[id] = &person{room: room, rec: rec}
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, id := range newcomers {
		p := people[id]
		t.Cleanup(p.room.Disconnect)
		p.a, p.v, _ = publishAV(t, p.room)
	}

	// Every change is one more offer and answer with each subscriber; on a
	// busy machine a burst of them takes a while.
	for id, p := range people {
		for oid, o := range people {
			if oid == id {
				continue
			}
			waitFor(t, 45*time.Second, func() string {
				if a, v := p.rec.count(o.a), p.rec.count(o.v); a < 10 || v < 10 {
					return fmt.Sprintf("%s from %s: %d audio and %d video packets, want ≥10 of each", id, oid, a, v)
				}
				return ""
			})
		}
	}
	// Still flowing: every count moves on.
	for id, p := range people {
		for oid, o := range people {
			if oid == id {
				continue
			}
			before := p.rec.count(o.v)
			waitFor(t, 10*time.Second, func() string {
				if n := p.rec.count(o.v); n <= before+20 {
					return fmt.Sprintf("%s: %s's camera stalled at %d packets (congestion: %+v)", id, oid, n, ts.sfu.CongestionStats())
				}
				return ""
			})
		}
	}
	listed, err := ts.sig.ListParticipants(context.Background(), "test-room")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range listed {
		ids = append(ids, p.Identity)
	}
	slices.Sort(ids)
	if want := []string{"ann", "ben", "cho", "dan", "eve"}; !slices.Equal(ids, want) {
		t.Fatalf("the room lists %v, want %v", ids, want)
	}
}

// TestJoinAsTheLastOneLeaves: someone joins at the moment the last person
// in the room leaves. She must land in the room everyone else finds
// (listed, and seen by whoever comes next), never in the one being
// dropped.
func TestJoinAsTheLastOneLeaves(t *testing.T) {
	ts := newServer(t)
	last := connect(t, ts, "last-0", grants{}, nil)
	for i := range 8 {
		id := fmt.Sprintf("last-%d", i+1)
		joined := make(chan *lksdk.Room, 1)
		go func() {
			room, err := lksdk.ConnectToRoomWithToken(ts.url, token(t, id, grants{}), &lksdk.RoomCallback{})
			if err != nil {
				joined <- nil
				return
			}
			joined <- room
		}()
		last.Disconnect()
		room := <-joined
		if room == nil {
			t.Fatalf("%s could not join", id)
		}
		waitFor(t, 10*time.Second, func() string {
			listed, _ := ts.sig.ListParticipants(context.Background(), "test-room")
			for _, p := range listed {
				if p.Identity == id {
					return ""
				}
			}
			return fmt.Sprintf("%s joined as the last one left, but the room lists %d others", id, len(listed))
		})
		last = room
	}
	last.Disconnect()
}
