package api

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// The upcoming-roundtable list is cut, for each caller, from a snapshot
// of the roundtables and what everyone sees of them (seat counts,
// moderators, speakers), built under the store's list stamp and served
// while the stamp stays: every write a list shows gives a new stamp
// (rooms.Store.ListStamp), so no seat count is stale after a
// registration, whichever process took it. The snapshot also keeps each
// roundtable's JSON, so a list of hundreds is copied, not encoded.
const (
	// snapshotAge bounds how long a snapshot serves even if the stamp
	// stays (a MongoDB process that died between a write and its new
	// stamp): a rebuild every few seconds costs little.
	snapshotAge = 5 * time.Second
	// snapshotDays is the least span a snapshot covers ahead: the
	// default ?days=.
	snapshotDays = 90
	// maxStandings bounds the callers whose own registrations a
	// snapshot keeps.
	maxStandings = 10_000
	// stampTimeout bounds a read of the list stamp that many lists wait
	// for.
	stampTimeout = 10 * time.Second
)

// listSnapshot is the upcoming roundtables under one stamp.
type listSnapshot struct {
	// Immutable once built.
	stamp   string
	stampAt time.Time           // when the read of stamp began
	built   time.Time           // when its reads ended
	days    int                 // the ?days= it serves at most
	until   time.Time           // covers roundtables starting before: built, days and a day
	list    []*rooms.Roundtable // starting in [built-4h, until), by start and id; read only
	shared  *listShared
	encoded map[rooms.RoundtableID]*encodedView // nil: encode each list

	// standings are shared by the snapshots of one stamp: a rebuild under
	// the same stamp (age, a longer ?days=) keeps every reader's.
	standings *standingCache
}

// standingCache is where each reader stands, read once per stamp.
type standingCache struct {
	mu sync.Mutex
	m  map[rooms.MemberID]map[rooms.RoundtableID]rooms.Standing // guarded by mu
}

// listCache holds the current snapshot and builds the next one once for
// all callers waiting for it.
type listCache struct {
	mu       sync.Mutex
	cur      *listSnapshot // guarded by mu
	building chan struct{} // guarded by mu; closed when the build under way ends
}

// fresh reports whether s may answer a list asked for with stamp: it
// covers days ahead of now, and either its stamp was read after the
// caller's (so after the caller asked), or it was built under the same
// stamp and is young enough. The first serves everyone who waited for a
// build however long the build took: on a slow store, builds that
// outlast snapshotAge served only their builder, one list per build.
func (s *listSnapshot) fresh(stamp stampRead, now time.Time, days int) bool {
	return s != nil && !now.AddDate(0, 0, days).After(s.until) &&
		(!s.stampAt.Before(stamp.at) || s.stamp == stamp.stamp && now.Sub(s.built) < snapshotAge)
}

// snapshot returns a snapshot that covers roundtables starting before
// now+days, under stamp or a stamp read after it.
func (a *API) snapshot(ctx context.Context, days int, stamp stampRead) (*listSnapshot, error) {
	for {
		now := a.now()
		lc := &a.lists
		lc.mu.Lock()
		s := lc.cur
		if s.fresh(stamp, now, days) {
			lc.mu.Unlock()
			return s, nil
		}
		if wait := lc.building; wait != nil {
			lc.mu.Unlock()
			select {
			case <-wait:
				continue // built meanwhile, perhaps under an older stamp: look again
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		lc.building = done
		lc.mu.Unlock()
		span, standings := snapshotDays, &standingCache{m: map[rooms.MemberID]map[rooms.RoundtableID]rooms.Standing{}}
		if s != nil {
			span = s.days
			if s.stamp == stamp.stamp {
				standings = s.standings
			}
		}
		s, err := a.buildSnapshot(ctx, stamp, now, max(span, days), standings)
		lc.mu.Lock()
		if err == nil {
			lc.cur = s
		}
		lc.building = nil
		close(done)
		lc.mu.Unlock()
		return s, err
	}
}

// buildSnapshot reads what the snapshot under stamp holds. The stamp was
// read first: a write after it gives a new stamp, so nothing read here
// can be older than the stamp says.
func (a *API) buildSnapshot(ctx context.Context, stamp stampRead, now time.Time, days int, standings *standingCache) (*listSnapshot, error) {
	s := &listSnapshot{stamp: stamp.stamp, stampAt: stamp.at, days: days, until: now.AddDate(0, 0, days+1), standings: standings}
	var err error
	if s.list, err = a.store.ListRoundtables(ctx, now.Add(-4*time.Hour), s.until); err != nil {
		return nil, err
	}
	if s.shared, err = a.readShared(ctx, s.list); err != nil {
		return nil, err
	}
	s.encoded = make(map[rooms.RoundtableID]*encodedView, len(s.list))
	for _, r := range s.list {
		e, ok := encodeView(staticView(r, s.shared), r.ExcludedCompanies)
		if !ok {
			s.encoded = nil // RoundtableView changed shape: encode lists whole
			break
		}
		s.encoded[r.ID] = e
	}
	s.built = a.now() // its age counts from here: a slow build is not born old
	return s, nil
}

// after returns the index in s.list of the first roundtable after k (0
// for nil).
func (s *listSnapshot) after(k *listKey) int {
	if k == nil {
		return 0
	}
	i, found := slices.BinarySearchFunc(s.list, *k, func(r *rooms.Roundtable, k listKey) int { return keyOf(r).compare(k) })
	if found {
		i++
	}
	return i
}

// of returns where m stands, read once per stamp.
func (sc *standingCache) of(ctx context.Context, store rooms.Store, m rooms.MemberID) (map[rooms.RoundtableID]rooms.Standing, error) {
	sc.mu.Lock()
	v, ok := sc.m[m]
	sc.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := store.ListStandings(ctx, m)
	if err != nil {
		return nil, err
	}
	sc.mu.Lock()
	if len(sc.m) >= maxStandings {
		clear(sc.m)
	}
	sc.m[m] = v
	sc.mu.Unlock()
	return v, nil
}

// stampReader reads the store's list stamp for many lists at once. A
// caller waits for a read that began after it asked, never takes one
// under way: it sees every write answered before it asked, by any
// process, as its own read would, while a crowd of readers costs the
// store a read at a time instead of one each.
type stampReader struct {
	mu   sync.Mutex
	next *sharedStamp  // guarded by mu; the read the next callers share
	turn chan struct{} // one read at a time
}

// sharedStamp is one read of the stamp, shared by the callers that asked
// before it began.
type sharedStamp struct {
	done chan struct{} // closed when read and err are set
	read stampRead
	err  error
}

// stampRead is a list stamp and when the read of it began.
type stampRead struct {
	stamp string
	at    time.Time
}

// read returns a stamp read that began after the call.
func (sr *stampReader) read(ctx context.Context, store rooms.Store) (stampRead, error) {
	sr.mu.Lock()
	if sr.turn == nil {
		sr.turn = make(chan struct{}, 1)
	}
	r, lead := sr.next, false
	if r == nil {
		r, lead = &sharedStamp{done: make(chan struct{})}, true
		sr.next = r
	}
	sr.mu.Unlock()
	if lead {
		// The leader reads for all, even once its own caller left: the
		// others wait for it. The read under way ends within its timeout.
		sr.turn <- struct{}{}
		sr.mu.Lock()
		sr.next = nil // callers from now on wait for a later read
		sr.mu.Unlock()
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stampTimeout)
		r.read.at = time.Now()
		r.read.stamp, r.err = store.ListStamp(rctx)
		cancel()
		<-sr.turn
		close(r.done)
	}
	select {
	case <-r.done:
		return r.read, r.err
	case <-ctx.Done():
		return stampRead{}, ctx.Err()
	}
}

// encodedView is one roundtable's view as JSON, cut around the fields
// that depend on who looks: head ends with `"my_status":`, tail starts
// at `,"version":`; tailOrganiser adds the excluded companies.
type encodedView struct {
	head, tail, tailOrganiser []byte
}

// encodeView cuts v (as anybody sees it) into an encodedView; false if
// the cut pieces do not put v together again byte for byte.
func encodeView(v RoundtableView, excluded []rooms.CompanyID) (*encodedView, bool) {
	whole, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	i, j := bytes.Index(whole, []byte(`,"my_status":`)), bytes.Index(whole, []byte(`,"version":`))
	if i < 0 || j < i {
		return nil, false
	}
	e := &encodedView{head: whole[:i+len(`,"my_status":`)], tail: whole[j : len(whole)-1]}
	e.tailOrganiser = e.tail
	if len(excluded) > 0 {
		v.ExcludedCompanies = excluded
		org, err := json.Marshal(v)
		if err != nil || !bytes.HasPrefix(org, whole[:j]) {
			return nil, false
		}
		e.tailOrganiser = org[j : len(org)-1]
		v.ExcludedCompanies = nil
	}
	return e, bytes.Equal(e.appendTo(nil, personal{}), whole)
}

// appendTo appends the view's JSON to b: the cut pieces and p, written
// as encoding/json writes them.
func (e *encodedView) appendTo(b []byte, p personal) []byte {
	b = append(b, e.head...)
	b = appendStatus(b, p.status)
	b = strconv.AppendInt(append(b, `,"my_position":`...), int64(p.position), 10)
	b = strconv.AppendBool(append(b, `,"ended":`...), p.ended)
	b = strconv.AppendInt(append(b, `,"in_room":`...), int64(p.inRoom), 10)
	b = strconv.AppendBool(append(b, `,"live_now":`...), p.liveNow)
	b = strconv.AppendBool(append(b, `,"feedback_open":`...), p.feedbackOpen)
	b = strconv.AppendBool(append(b, `,"feedback_given":`...), p.feedbackGiven)
	if p.organiser {
		b = append(b, e.tailOrganiser...)
	} else {
		b = append(b, e.tail...)
	}
	return append(b, '}')
}

// appendStatus appends status as a JSON string: quoted as it is when it
// is a plain word, as all statuses are, else as encoding/json writes it.
func appendStatus(b []byte, status string) []byte {
	for i := range len(status) {
		if c := status[i]; (c < 'a' || c > 'z') && c != '_' {
			q, _ := json.Marshal(status)
			return append(b, q...)
		}
	}
	return append(append(append(b, '"'), status...), '"')
}
