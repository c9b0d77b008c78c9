package signaling_test

import (
	"sync/atomic"
	"testing"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"
)

// TestBreakoutOnARemotePlane runs the group rules on a media plane that
// knows none (the embedded SFU without rules, reached like a LiveKit
// server through RoomService and webhooks): the control plane's webhook
// receiver applies them to group rooms.
func TestBreakoutOnARemotePlane(t *testing.T) {
	_, cp := remotePlane(t)
	testBreakoutOnRemotePlane(t, cp)
}

// TestLiveKitBreakoutGroups runs the group rules on LiveKit's own server.
func TestLiveKitBreakoutGroups(t *testing.T) {
	cp := liveKitControlPlane(t, func(hook string) string { return startLiveKit(t, hook) })
	testBreakoutOnRemotePlane(t, cp)
}

// testBreakoutOnRemotePlane: on a media plane that cannot refuse a token
// by our rules, whoever joins a group room against them is removed as her
// participant_joined webhook arrives: a member with a token made for
// another group, a removed member with the group token she held (after
// the moderator took her out of her group's room), and anyone with a
// group token once everyone is called back; her own group's room keeps a
// member who belongs there.
func testBreakoutOnRemotePlane(t *testing.T, cp *controlPlane) {
	t.Helper()
	sc := cp.scene(t, "small_round", false, "a@a.test", "b@b.test", "c@c.test")
	a, b, c := sc.members[0], sc.members[1], sc.members[2]
	sc.openGroups(t, 600, false, []*user{a}, []*user{b, c})
	g1 := sc.room + ".b1g1"

	_, ja, _ := a.joinTo(t, sc.rt, "")
	if ja.Room != g1 {
		t.Fatalf("a's join: %s, want %s", ja.Room, g1)
	}
	var aOut atomic.Bool
	aRoom := connectWith(t, ja, &lksdk.RoomCallback{OnDisconnected: func() { aOut.Store(true) }})
	if msg := keptOut(t, ja.URL, token(t, string(c.m.ID), grants{room: g1})); msg != "" {
		t.Errorf("c with a token for group 1: %s", msg)
	}

	var bOut atomic.Bool
	_, jb, _ := b.joinTo(t, sc.rt, "")
	connectWith(t, jb, &lksdk.RoomCallback{OnDisconnected: func() { bOut.Store(true) }})
	_, bHeld, _ := b.token(t, sc.rt)
	sc.removeWherever(t, b)
	waitFor(t, 10*time.Second, func() string {
		if !bOut.Load() {
			return "the removed member is still in her group's room"
		}
		return ""
	})
	if msg := keptOut(t, ja.URL, bHeld); msg != "" {
		t.Errorf("the removed member with her group token: %s", msg)
	}
	if aOut.Load() {
		t.Errorf("a was put out of her own group's room")
	}

	_, aHeld, _ := a.token(t, sc.rt)
	if status, body := sc.mod.breakout(t, sc.rt, "close", ""); status != 200 {
		t.Fatalf("close: %d %s", status, body)
	}
	aRoom.Disconnect() // her page leaves for the main room
	if msg := keptOut(t, ja.URL, aHeld); msg != "" {
		t.Errorf("a group token after the close: %s", msg)
	}
}
