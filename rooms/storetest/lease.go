package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// testLeases takes, renews, takes over, finishes, lists and sweeps
// leases: what several servers on one store run their jobs and place
// their rooms with.
func testLeases(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	take := func(holder, value string, until time.Time, done bool, at time.Time) *rooms.Lease {
		t.Helper()
		got, err := s.TakeLease(c, &rooms.Lease{Key: "job:x", Holder: holder, Value: value, Until: until, Done: done}, at)
		if err != nil {
			t.Fatalf("TakeLease(%s): %v", holder, err)
		}
		return got
	}
	if _, err := s.GetLease(c, "job:x"); !errors.Is(err, rooms.ErrNotFound) {
		t.Fatalf("GetLease before any: %v, want ErrNotFound", err)
	}
	steps := []struct {
		name             string
		holder, value    string
		until            time.Time
		done             bool
		at               time.Time
		wantHolder, want string // the holder and value stored after the call
		wantDone         bool
	}{
		{"first taker wins", "a", "ws://a", now.Add(15 * time.Second), false, now, "a", "ws://a", false},
		{"another live holder is refused", "b", "ws://b", now.Add(20 * time.Second), false, now.Add(time.Second), "a", "ws://a", false},
		{"the holder renews", "a", "ws://a2", now.Add(30 * time.Second), false, now.Add(10 * time.Second), "a", "ws://a2", false},
		{"taken over once run out", "b", "ws://b", now.Add(50 * time.Second), false, now.Add(30 * time.Second), "b", "ws://b", false},
		{"the old holder cannot renew it back", "a", "ws://a", now.Add(60 * time.Second), false, now.Add(31 * time.Second), "b", "ws://b", false},
		{"the holder marks it done", "b", "", now.Add(time.Hour), true, now.Add(40 * time.Second), "b", "", true},
		{"a done lease is not renewed", "b", "", now.Add(2 * time.Hour), false, now.Add(41 * time.Second), "b", "", true},
		{"nor taken while kept", "a", "", now.Add(2 * time.Hour), false, now.Add(42 * time.Second), "b", "", true},
		{"taken again once its keep ran out", "a", "ws://a", now.Add(3 * time.Hour), false, now.Add(time.Hour), "a", "ws://a", false},
	}
	for _, st := range steps {
		got := take(st.holder, st.value, st.until, st.done, st.at)
		stored, err := s.GetLease(c, "job:x")
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range []*rooms.Lease{got, stored} {
			if l.Key != "job:x" || l.Holder != st.wantHolder || l.Value != st.want || l.Done != st.wantDone {
				t.Fatalf("%s: lease %+v, want holder %s value %q done %v", st.name, l, st.wantHolder, st.want, st.wantDone)
			}
		}
		if st.wantHolder == st.holder && st.wantDone == st.done && !got.Until.Equal(st.until) {
			t.Fatalf("%s: until %v, want %v", st.name, got.Until, st.until)
		}
	}
	if err := s.ReleaseLease(c, "job:x", "b"); err != nil {
		t.Fatal(err)
	}
	if l, err := s.GetLease(c, "job:x"); err != nil || l.Holder != "a" {
		t.Fatalf("another holder's release removed the lease: %+v, %v", l, err)
	}
	if err := s.ReleaseLease(c, "job:x", "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetLease(c, "job:x"); !errors.Is(err, rooms.ErrNotFound) {
		t.Fatalf("after its holder released it: %v, want ErrNotFound", err)
	}
	testLeaseListing(t, s, now)
}

func testLeaseListing(t *testing.T, s rooms.Store, now time.Time) {
	c := ctx(t)
	for i, key := range []string{"node:b", "room:x", "node:a", "node_other"} {
		if _, err := s.TakeLease(c, &rooms.Lease{Key: key, Holder: key, Until: now.Add(time.Duration(i-1) * time.Minute)}, now); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListLeases(c, "node:")
	if err != nil || len(list) != 2 || list[0].Key != "node:a" || list[1].Key != "node:b" {
		t.Fatalf("ListLeases(node:) = %v, %v; want node:a and node:b, run out or not", leaseKeys(list), err)
	}
	n, err := s.DeleteLeasesBefore(c, now)
	if err != nil || n != 1 {
		t.Fatalf("DeleteLeasesBefore = %d, %v; want the one that ran out a minute ago", n, err)
	}
	if _, err := s.GetLease(c, "node:b"); !errors.Is(err, rooms.ErrNotFound) {
		t.Fatalf("node:b ran out and was not swept: %v", err)
	}
}

func leaseKeys(list []*rooms.Lease) []string {
	out := make([]string, len(list))
	for i, l := range list {
		out[i] = l.Key
	}
	return out
}

// testLeaseTakenOnce has many servers ask for a free lease, and then for
// one that ran out, at once: exactly one gets each.
func testLeaseTakenOnce(t *testing.T, open Opener, opt Options) {
	s, c := mustOpen(t, open), ctx(t)
	now := time.Now()
	race := func(key string) int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		winners := map[string]bool{}
		for i := range 12 {
			wg.Go(func() {
				h := fmt.Sprintf("n%d", i)
				got, err := s.TakeLease(c, &rooms.Lease{Key: key, Holder: h, Until: now.Add(time.Minute)}, now)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				winners[got.Holder] = got.Holder == h || winners[got.Holder]
				mu.Unlock()
			})
		}
		wg.Wait()
		n := 0
		for _, won := range winners {
			if won {
				n++
			}
		}
		if len(winners) != 1 {
			t.Errorf("%s: takers were told of %d holders, want one", key, len(winners))
		}
		return n
	}
	if n := race("job:fresh"); n != 1 {
		t.Fatalf("a free lease went to %d takers, want 1", n)
	}
	if opt.LosesConcurrentUpdates != "" {
		t.Skip(opt.LosesConcurrentUpdates) // taking over a run-out lease is a conditional update
	}
	if _, err := s.TakeLease(c, &rooms.Lease{Key: "job:old", Holder: "dead", Until: now.Add(-time.Second)}, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n := race("job:old"); n != 1 {
		t.Fatalf("a run-out lease went to %d takers, want 1", n)
	}
}
