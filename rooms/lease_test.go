package rooms_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
)

// clock is a test clock several nodes share.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// nodes returns n nodes' leases on one real store and their clock.
func nodes(t *testing.T, n int) ([]*rooms.Leases, *clock) {
	t.Helper()
	store, err := sqlitestore.OpenFile(context.Background(), filepath.Join(t.TempDir(), "leases.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(context.Background()) })
	clk := &clock{now: time.Now()}
	var out []*rooms.Leases
	for i := range n {
		out = append(out, &rooms.Leases{Store: store, Node: string(rune('A' + i)), TTL: 15 * time.Second, Now: clk.Now})
	}
	return out, clk
}

// TestLeasesOnceRunsAJobOnceAcrossNodes: three servers asking at once
// to run one job run it once, and nobody runs it again once done.
func TestLeasesOnceRunsAJobOnceAcrossNodes(t *testing.T) {
	ls, _ := nodes(t, 3)
	var runs atomic.Int32
	var wg sync.WaitGroup
	for i := range 9 {
		wg.Go(func() {
			_, err := ls[i%3].Once(context.Background(), "round:1", time.Hour, func(context.Context) error {
				runs.Add(1)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	ran, err := ls[1].Once(context.Background(), "round:1", time.Hour, func(context.Context) error { runs.Add(1); return nil })
	if runs.Load() != 1 || ran || err != nil {
		t.Fatalf("the job ran %d times (a later ask ran it: %v, %v), want once", runs.Load(), ran, err)
	}
}

// TestLeasesOnceTakenOverWhenItsNodeDies: a server that dies in the
// middle of a job stops renewing its lease; nobody runs the job while
// the lease holds, and another server runs it once the lease ran out.
// A job that fails is given back at once.
func TestLeasesOnceTakenOverWhenItsNodeDies(t *testing.T) {
	ls, clk := nodes(t, 2)
	ctx := context.Background()
	if _, mine, err := ls[0].Take(ctx, "reminder:x", ""); !mine || err != nil { // A starts, then dies
		t.Fatalf("A could not take the job: %v", err)
	}
	step := func(context.Context) error { return nil }
	if ran, err := ls[1].Once(ctx, "reminder:x", time.Hour, step); ran || err != nil {
		t.Fatalf("B ran the job while A's lease held (%v)", err)
	}
	clk.add(ls[0].TTL + time.Second)
	if ran, err := ls[1].Once(ctx, "reminder:x", time.Hour, step); !ran || err != nil {
		t.Fatalf("B did not take over the job of A, dead for a lease (%v)", err)
	}

	failed := errors.New("smtp down")
	if ran, err := ls[0].Once(ctx, "reminder:y", time.Hour, func(context.Context) error { return failed }); !ran || !errors.Is(err, failed) {
		t.Fatalf("A's failing job: ran %v, %v", ran, err)
	}
	if ran, err := ls[1].Once(ctx, "reminder:y", time.Hour, step); !ran || err != nil {
		t.Fatalf("B could not retry at once the job A failed (%v)", err)
	}
}

// TestPlacementPutsARoomOnOneNode: the first node asked hosts the room
// and every other is sent there; the room passes on when its node gives
// it back or dies.
func TestPlacementPutsARoomOnOneNode(t *testing.T) {
	ls, clk := nodes(t, 2)
	ctx := context.Background()
	a, b := rooms.NewPlacement(ls[0], "ws://a.example"), rooms.NewPlacement(ls[1], "ws://b.example")
	if url, here, err := a.Place(ctx, "room-1"); url != "ws://a.example" || !here || err != nil {
		t.Fatalf("A placing an unplaced room: %q %v %v", url, here, err)
	}
	if url, here, err := b.Place(ctx, "room-1"); url != "ws://a.example" || here || err != nil {
		t.Fatalf("B placing A's room: %q %v %v, want A's address", url, here, err)
	}
	a.Release(ctx, "room-1")
	if url, here, _ := b.Place(ctx, "room-1"); url != "ws://b.example" || !here {
		t.Fatalf("B after A gave the room back: %q %v", url, here)
	}
	clk.add(ls[1].TTL + time.Second) // B dies without renewing
	if url, here, _ := a.Place(ctx, "room-1"); url != "ws://a.example" || !here {
		t.Fatalf("A after B died: %q %v", url, here)
	}
	b.Renew(ctx, func(string) bool { return true }) // B wakes up: the room is A's now
	if url, here, _ := b.Where(ctx, "room-1"); url != "ws://a.example" || here {
		t.Fatalf("B renewed a room A took over: %q %v", url, here)
	}
}
