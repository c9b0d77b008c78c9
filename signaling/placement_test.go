package signaling_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/remotemedia"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
	"github.com/zadankai/zadankai/signaling"
)

// Two nodes sharing a store, rooms placed on one of them: a room lives on
// the node of its first join, the other node refuses it (421, naming
// where it lives), and every moderation action sent through the other
// node reaches the people in it.
func TestPlacedRoomModeratedFromAnotherNode(t *testing.T) {
	store, err := sqlitestore.OpenFile(context.Background(), filepath.Join(t.TempDir(), "placement.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(context.Background()) })
	var lateA, lateB latePlacement
	a := newServerWith(t, func(p *signaling.Params) { p.Placement = &lateA })
	b := newServerWith(t, func(p *signaling.Params) { p.Placement = &lateB })
	placement := func(node, url string) *rooms.Placement {
		return rooms.NewPlacement(&rooms.Leases{Store: store, Node: node, TTL: 15 * time.Second}, url)
	}
	lateA.p.Store(placement("a", a.url))
	plB := placement("b", b.url)
	lateB.p.Store(plB)

	alice, err := lksdk.ConnectToRoomWithToken(a.url, token(t, "alice", grants{}), &lksdk.RoomCallback{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = lksdk.ConnectToRoomWithToken(b.url, token(t, "bob", grants{}), &lksdk.RoomCallback{})
	alice.Disconnect() // the room stays placed on a for a while (Placement.Renew)
	if err == nil || !strings.Contains(err.Error(), a.url) {
		t.Fatalf("joining a's room on b: %v, want a refusal naming %s", err, a.url)
	}
	testMediaPlane(t, a, &remotemedia.Placed{Local: b.sig, Placement: plB, Key: apiKey, Secret: apiSecret})
}

// latePlacement is a node's placement, known once the node listens.
type latePlacement struct {
	p atomic.Pointer[rooms.Placement]
}

func (l *latePlacement) Place(ctx context.Context, room string) (string, bool, error) {
	return l.p.Load().Place(ctx, room)
}
