package sqlitestore

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/zadankai/zadankai/rooms"
)

// idList is ids as one JSON array parameter, read with json_each: one
// statement for any number of ids, each found by its index.
func idList[T ~string](ids []T) string {
	b, _ := json.Marshal(ids) // strings always marshal
	return string(b)
}

// GetMembers implements rooms.Store.
func (s *Store) GetMembers(ctx context.Context, ids []rooms.MemberID) (map[rooms.MemberID]*rooms.Member, error) {
	out := make(map[rooms.MemberID]*rooms.Member, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+memberCols+` FROM members WHERE id IN (SELECT value FROM json_each(?))`, idList(ids))
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, mapErr(err, "")
		}
		out[m.ID] = m
	}
	return out, mapErr(rows.Err(), "")
}

// GetProfiles implements rooms.Store.
func (s *Store) GetProfiles(ctx context.Context, ids []rooms.MemberID) (map[rooms.MemberID]*rooms.Profile, error) {
	out := make(map[rooms.MemberID]*rooms.Profile, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	ps, err := queryDocs[rooms.Profile](ctx, s.db, `SELECT doc FROM profiles WHERE member_id IN (SELECT value FROM json_each(?))`, idList(ids))
	for _, p := range ps {
		out[p.MemberID] = p
	}
	return out, err
}

// PhotoOwners implements rooms.Store.
func (s *Store) PhotoOwners(ctx context.Context, ids []rooms.MemberID) (map[rooms.MemberID]bool, error) {
	out := make(map[rooms.MemberID]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT member_id FROM photos WHERE member_id IN (SELECT value FROM json_each(?))`, idList(ids))
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	for rows.Next() {
		var id rooms.MemberID
		if err := rows.Scan(&id); err != nil {
			return nil, mapErr(err, "")
		}
		out[id] = true
	}
	return out, mapErr(rows.Err(), "")
}

// CountSeats implements rooms.Store from the roundtables' rows.
func (s *Store) CountSeats(ctx context.Context, ids []rooms.RoundtableID) (map[rooms.RoundtableID]rooms.SeatCount, error) {
	out := make(map[rooms.RoundtableID]rooms.SeatCount, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, seated, waiting FROM roundtables WHERE id IN (SELECT value FROM json_each(?))`, idList(ids))
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	for rows.Next() {
		var id rooms.RoundtableID
		var v rooms.SeatCount
		if err := rows.Scan(&id, &v.Seated, &v.Waiting); err != nil {
			return nil, mapErr(err, "")
		}
		out[id] = v
	}
	return out, mapErr(rows.Err(), "")
}

// ListStandings implements rooms.Store: m's registrations, a waitlist
// place counted over her roundtable's queue where she waits.
func (s *Store) ListStandings(ctx context.Context, m rooms.MemberID) (map[rooms.RoundtableID]rooms.Standing, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT me.roundtable_id, json_extract(me.doc, '$.status'),
		CASE json_extract(me.doc, '$.status') WHEN 'waitlisted' THEN (SELECT count(*) FROM registrations w
			WHERE w.roundtable_id = me.roundtable_id AND json_extract(w.doc, '$.status') = 'waitlisted'
			AND (w.queued_at, w.member_id) <= (me.queued_at, me.member_id)) ELSE 0 END
		FROM registrations me WHERE me.member_id = ?`, m)
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	out := map[rooms.RoundtableID]rooms.Standing{}
	for rows.Next() {
		var id rooms.RoundtableID
		var v rooms.Standing
		if err := rows.Scan(&id, &v.Status, &v.Place); err != nil {
			return nil, mapErr(err, "")
		}
		out[id] = v
	}
	return out, mapErr(rows.Err(), "")
}

// ListStamp implements rooms.Store: a counter that triggers on the
// tables the roundtable list shows raise in the writing transaction, so
// no write path (or process) can miss it.
func (s *Store) ListStamp(ctx context.Context) (string, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT n FROM list_stamp`).Scan(&n)
	return strconv.FormatInt(n, 10), mapErr(err, "")
}
