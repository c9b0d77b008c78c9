package sqlitestore

import (
	"context"
	"encoding/json"

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

// ListSeats implements rooms.Store: the counts from the roundtables'
// rows, then m's registrations with her waitlist places, counted over
// those roundtables' queues only.
func (s *Store) ListSeats(ctx context.Context, ids []rooms.RoundtableID, m rooms.MemberID) (map[rooms.RoundtableID]rooms.Seats, error) {
	out := make(map[rooms.RoundtableID]rooms.Seats, len(ids))
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
		var v rooms.Seats
		if err := rows.Scan(&id, &v.Seated, &v.Waiting); err != nil {
			return nil, mapErr(err, "")
		}
		out[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err, "")
	}
	return out, s.mySeats(ctx, out, m)
}

// mySeats fills m's status and place into the seats of out.
func (s *Store) mySeats(ctx context.Context, out map[rooms.RoundtableID]rooms.Seats, m rooms.MemberID) error {
	rows, err := s.db.QueryContext(ctx, `SELECT me.roundtable_id, json_extract(me.doc, '$.status'),
		CASE json_extract(me.doc, '$.status') WHEN 'waitlisted' THEN (SELECT count(*) FROM registrations w
			WHERE w.roundtable_id = me.roundtable_id AND json_extract(w.doc, '$.status') = 'waitlisted'
			AND (w.queued_at, w.member_id) <= (me.queued_at, me.member_id)) ELSE 0 END
		FROM registrations me WHERE me.member_id = ?`, m)
	if err != nil {
		return mapErr(err, "")
	}
	defer rows.Close()
	for rows.Next() {
		var id rooms.RoundtableID
		var status rooms.RegistrationStatus
		var place int
		if err := rows.Scan(&id, &status, &place); err != nil {
			return mapErr(err, "")
		}
		if v, ok := out[id]; ok {
			v.Mine, v.Place = status, place
			out[id] = v
		}
	}
	return mapErr(rows.Err(), "")
}
