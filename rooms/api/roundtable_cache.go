package api

import (
	"bytes"
	"context"
	"encoding/json"
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
)

// listSnapshot is the upcoming roundtables under one stamp.
type listSnapshot struct {
	// Immutable once built.
	stamp   string
	built   time.Time
	days    int                 // the ?days= it serves at most
	until   time.Time           // covers roundtables starting before: built, days and a day
	list    []*rooms.Roundtable // starting in [built-4h, until), by start; read only
	shared  *listShared
	encoded map[rooms.RoundtableID]*encodedView // nil: encode each list

	mu        sync.Mutex
	standings map[rooms.MemberID]map[rooms.RoundtableID]rooms.Standing // guarded by mu
}

// listCache holds the current snapshot and builds the next one once for
// all callers waiting for it.
type listCache struct {
	mu       sync.Mutex
	cur      *listSnapshot // guarded by mu
	building chan struct{} // guarded by mu; closed when the build under way ends
}

// snapshot returns a snapshot under the store's current stamp that covers
// roundtables starting before now+days.
func (a *API) snapshot(ctx context.Context, days int) (*listSnapshot, error) {
	for {
		stamp, err := a.store.ListStamp(ctx)
		if err != nil {
			return nil, err
		}
		now := a.now()
		lc := &a.lists
		lc.mu.Lock()
		s := lc.cur
		if s != nil && s.stamp == stamp && now.Sub(s.built) < snapshotAge && !now.AddDate(0, 0, days).After(s.until) {
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
		span := snapshotDays
		if s != nil {
			span = s.days
		}
		s, err = a.buildSnapshot(ctx, stamp, now, max(span, days))
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
func (a *API) buildSnapshot(ctx context.Context, stamp string, now time.Time, days int) (*listSnapshot, error) {
	s := &listSnapshot{stamp: stamp, built: now, days: days, until: now.AddDate(0, 0, days+1),
		standings: map[rooms.MemberID]map[rooms.RoundtableID]rooms.Standing{}}
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
	return s, nil
}

// standingsOf returns where m stands, read once per snapshot.
func (s *listSnapshot) standingsOf(ctx context.Context, store rooms.Store, m rooms.MemberID) (map[rooms.RoundtableID]rooms.Standing, error) {
	s.mu.Lock()
	v, ok := s.standings[m]
	s.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := store.ListStandings(ctx, m)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.standings) >= maxStandings {
		clear(s.standings)
	}
	s.standings[m] = v
	s.mu.Unlock()
	return v, nil
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
