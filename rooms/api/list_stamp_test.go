package api_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/mongostore"
	"github.com/zadankai/zadankai/rooms/mongostore/ferrettest"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
)

// TestListFreshInACrowd: while a crowd of readers asks for the list
// (their requests share reads of the list stamp), seats taken straight
// in the store, as another server process on the same store would take
// them, show in the very next list a reader asks for after each write.
// On FerretDB, whose reads take milliseconds, the crowd also costs the
// store far fewer stamp reads than it gets lists.
func TestListFreshInACrowd(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		s, err := sqlitestore.OpenFile(context.Background(), filepath.Join(t.TempDir(), "api.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close(context.Background()) })
		checkFreshInACrowd(t, s, false)
	})
	t.Run("FerretDB", func(t *testing.T) {
		srv, err := ferrettest.Start()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Stop)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := mongostore.Open(ctx, srv.URI, "crowd", mongostore.Options{MaxPoolSize: 1}) // storage.md
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close(context.Background()) })
		checkFreshInACrowd(t, s, true)
	})
}

func checkFreshInACrowd(t *testing.T, store rooms.Store, fewerReads bool) {
	ctx := context.Background()
	counted := &stampCounter{Store: store}
	e := newEnvStore(t, counted, nil, nil)
	e.api.MountOneByOneList(e.engine)
	seed, err := rooms.SeedLoad(ctx, store, rooms.LoadSize{Roundtables: 4, Companies: 1, MembersPerCompany: 20, Seed: 4}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	mod := seed.Members[0]
	r := roundtableAt(t, store, mod, time.Now().Add(48*time.Hour), "混雑の中の座談会")
	var cookies []string
	for _, m := range seed.Members[1:13] {
		cookies = append(cookies, sessionFor(t, store, m))
	}
	var lists atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, cookie := range cookies[1:] {
		wg.Go(func() {
			client := &http.Client{Timeout: time.Minute}
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := getList(client, e.srv.URL+"/api/v1/roundtables", cookie); err != nil {
					t.Error(err)
					return
				}
				lists.Add(1)
			}
		})
	}
	for i, m := range seed.Members[13:20] {
		if err := store.RegisterSeat(ctx, &rooms.Registration{RoundtableID: r.ID, MemberID: m.ID, CompanyID: m.CompanyID, QueuedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		v := listEntry(t, e, cookies[0], r.ID)
		lists.Add(2) // with the reference
		if want := r.Capacity - i - 1; v.SeatsLeft != want {
			t.Errorf("after seat %d was taken a list shows %d seats left, want %d", i+1, v.SeatsLeft, want)
		}
	}
	close(stop)
	wg.Wait()
	n, reads := lists.Load(), counted.stamps.Load()
	t.Logf("%d lists, %d stamp reads", n, reads)
	if fewerReads && reads*2 > n {
		t.Errorf("%d lists read the stamp %d times: a crowd shares reads", n, reads)
	}
}

// TestStandingsKeptOverRebuild: the list snapshot is rebuilt every few
// seconds even when nothing changed; where each reader stands is read
// once per stamp all the same, not again after every rebuild, and read
// again once a registration gives a new stamp.
func TestStandingsKeptOverRebuild(t *testing.T) {
	ctx := context.Background()
	s, err := sqlitestore.OpenFile(ctx, filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	counted := &stampCounter{Store: s}
	e := newEnvStore(t, counted, nil, nil)
	e.api.MountOneByOneList(e.engine)
	seed, err := rooms.SeedLoad(ctx, s, rooms.LoadSize{Roundtables: 5, Companies: 1, MembersPerCompany: 10, Seed: 6}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := roundtableAt(t, s, seed.Members[0], time.Now().Add(24*time.Hour), "登録を待つ座談会")
	cookie := sessionFor(t, s, seed.Members[1])
	read := func(step string, want int64) {
		t.Helper()
		before := counted.standings.Load()
		getBody(t, e.srv.URL+"/api/v1/roundtables", cookie)
		if got := counted.standings.Load() - before; got != want {
			t.Errorf("%s: the list read her standings %d times, want %d", step, got, want)
		}
	}
	read("first list", 1)
	read("second list", 0)
	for i := range 3 {
		e.skew.Add(int64(6 * time.Second)) // past the snapshot's age: rebuilt, same stamp
		read(fmt.Sprintf("after rebuild %d", i+1), 0)
	}
	m := seed.Members[2]
	if err := s.RegisterSeat(ctx, &rooms.Registration{RoundtableID: r.ID, MemberID: m.ID, CompanyID: m.CompanyID, QueuedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	read("after a registration", 1)
	listEntry(t, e, cookie, r.ID) // and the list is still the reference's
}

// TestSlowBuildServesAllWaiting: on a slow store a snapshot build may
// take longer than a snapshot's age (FerretDB: seconds). Everyone who
// asked before the build began is served by it, instead of each waiting
// reader building again for herself (one list per build: 200 readers on
// FerretDB were never served). Each build here moves the API's clock 6 s.
func TestSlowBuildServesAllWaiting(t *testing.T) {
	ctx := context.Background()
	s, err := sqlitestore.OpenFile(ctx, filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	counted := &stampCounter{Store: s}
	e := newEnvStore(t, counted, nil, nil)
	counted.onBuild = func() { e.skew.Add(int64(6 * time.Second)) }
	seed, err := rooms.SeedLoad(ctx, s, rooms.LoadSize{Roundtables: 5, Companies: 1, MembersPerCompany: 10, Seed: 8}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var cookies []string
	for _, m := range seed.Members[:8] {
		cookies = append(cookies, sessionFor(t, s, m))
	}
	var wg sync.WaitGroup
	for _, cookie := range cookies {
		wg.Go(func() {
			for range 3 {
				if _, err := getList(http.DefaultClient, e.srv.URL+"/api/v1/roundtables", cookie); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if n := counted.builds.Load(); n > 12 {
		t.Errorf("24 lists made %d snapshot builds: waiting readers built again for themselves", n)
	}
}
