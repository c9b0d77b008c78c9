package rooms

import (
	"slices"
	"testing"
	"time"
)

// permutations calls f with every order of evs.
func permutations(evs []MediaEvent, f func([]MediaEvent)) {
	var walk func(k int)
	walk = func(k int) {
		if k == len(evs) {
			f(evs)
			return
		}
		for i := k; i < len(evs); i++ {
			evs[k], evs[i] = evs[i], evs[k]
			walk(k + 1)
			evs[k], evs[i] = evs[i], evs[k]
		}
	}
	walk(0)
}

// TestRoomPresenceAnyOrder: whatever order a media plane's events arrive
// in, and however often each is retried, the room ends up with the same
// people in it: a leave that overtook its join, or the end of a run that
// overtook a join of that run, keeps her out.
func TestRoomPresenceAnyOrder(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ev := func(kind, run, sid, who string, s int) MediaEvent {
		return MediaEvent{Kind: kind, Room: "roundtable-rt_x", RoomSID: run, SID: sid, Identity: who, At: t0.Add(time.Duration(s) * time.Second)}
	}
	cases := []struct {
		name string
		evs  []MediaEvent
		want []string
	}{
		{"rejoin after a drop", []MediaEvent{
			ev(MediaJoined, "RM_1", "PA_1", "aki", 0), ev(MediaJoined, "RM_1", "PA_2", "ben", 1),
			ev(MediaLeft, "RM_1", "PA_1", "aki", 2), ev(MediaJoined, "RM_1", "PA_3", "aki", 3),
		}, []string{"aki", "ben"}},
		{"the room finished, then a new run", []MediaEvent{
			ev(MediaJoined, "RM_1", "PA_1", "aki", 0), ev(MediaJoined, "RM_1", "PA_2", "ben", 1),
			ev(MediaRoomFinished, "RM_1", "", "", 5), ev(MediaJoined, "RM_2", "PA_4", "chie", 9),
		}, []string{"chie"}},
		{"everyone left", []MediaEvent{
			ev(MediaJoined, "RM_1", "PA_1", "aki", 0), ev(MediaLeft, "RM_1", "PA_1", "aki", 1),
			ev(MediaJoined, "RM_1", "PA_2", "ben", 1), ev(MediaLeft, "RM_1", "PA_2", "ben", 2),
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			permutations(c.evs, func(order []MediaEvent) {
				p := &RoomPresence{Room: "roundtable-rt_x"}
				for _, e := range order {
					p.Apply(e)
					if p.Apply(e) { // a retry
						t.Fatalf("a retried %s of %s changed the room (order %v)", e.Kind, e.SID, order)
					}
				}
				got := p.Present()
				slices.Sort(got)
				if !slices.Equal(got, c.want) {
					t.Fatalf("order %v: present %v, want %v", order, got, c.want)
				}
			})
		})
	}
}

// TestRoomPresenceForgetsOldSessions: closed sessions and finished runs
// are dropped once no retry of theirs can still come, so a room's record
// stays small however many times people come and go.
func TestRoomPresenceForgetsOldSessions(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	p := &RoomPresence{Room: "consultation-cs_x"}
	for i := range 200 {
		at := t0.Add(time.Duration(i) * time.Minute)
		sid := "PA_" + string(rune('A'+i%26)) + string(rune('a'+i/26))
		p.Apply(MediaEvent{Kind: MediaJoined, RoomSID: "RM_1", SID: sid, Identity: "aki", At: at})
		p.Apply(MediaEvent{Kind: MediaLeft, RoomSID: "RM_1", SID: sid, Identity: "aki", At: at.Add(time.Second)})
	}
	if n := len(p.Sessions); n > 62 {
		t.Errorf("%d sessions kept after 200 short visits over 200 minutes, want about an hour's worth", n)
	}
	if p.Has("aki") {
		t.Error("aki left but is still counted in the room")
	}
}
