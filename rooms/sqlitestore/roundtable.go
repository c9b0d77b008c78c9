package sqlitestore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// CreateRoundtable implements rooms.Store.
func (s *Store) CreateRoundtable(ctx context.Context, r *rooms.Roundtable) error {
	stamp(&r.CreatedAt, &r.UpdatedAt)
	r.Version = 1
	doc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO roundtables (id, start_at, version, doc) VALUES (?, ?, 1, ?)`, r.ID, millis(r.Start), string(doc))
	return mapErr(err, "id")
}

// GetRoundtable implements rooms.Store.
func (s *Store) GetRoundtable(ctx context.Context, id rooms.RoundtableID) (*rooms.Roundtable, error) {
	var doc string
	if err := s.db.QueryRowContext(ctx, `SELECT doc FROM roundtables WHERE id = ?`, id).Scan(&doc); err != nil {
		return nil, mapErr(err, "")
	}
	var r rooms.Roundtable
	return &r, json.Unmarshal([]byte(doc), &r)
}

// UpdateRoundtable implements rooms.Store.
func (s *Store) UpdateRoundtable(ctx context.Context, r *rooms.Roundtable) error {
	old, updated := r.Version, r.UpdatedAt
	r.Version, r.UpdatedAt = old+1, time.Now().UTC().Truncate(time.Millisecond)
	doc, err := json.Marshal(r)
	if err == nil {
		res, xerr := s.db.ExecContext(ctx, `UPDATE roundtables SET start_at = ?, version = ?, doc = ? WHERE id = ? AND version = ?`,
			millis(r.Start), r.Version, string(doc), r.ID, old)
		if err = affected(res, xerr); err != nil && xerr == nil {
			err = s.noRowUpdated(ctx, "roundtables", string(r.ID))
		}
	}
	if err != nil {
		r.Version, r.UpdatedAt = old, updated
		return mapErr(err, "")
	}
	return nil
}

// ListRoundtables implements rooms.Store.
func (s *Store) ListRoundtables(ctx context.Context, from, to time.Time) ([]*rooms.Roundtable, error) {
	return queryDocs[rooms.Roundtable](ctx, s.db, `SELECT doc FROM roundtables WHERE start_at >= ? AND start_at < ? ORDER BY start_at, id`, millis(from), millis(to))
}

// GetRegistration implements rooms.Store.
func (s *Store) GetRegistration(ctx context.Context, r rooms.RoundtableID, m rooms.MemberID) (*rooms.Registration, error) {
	var doc string
	if err := s.db.QueryRowContext(ctx, `SELECT doc FROM registrations WHERE roundtable_id = ? AND member_id = ?`, r, m).Scan(&doc); err != nil {
		return nil, mapErr(err, "")
	}
	var reg rooms.Registration
	return &reg, json.Unmarshal([]byte(doc), &reg)
}

// PutRegistration implements rooms.Store.
func (s *Store) PutRegistration(ctx context.Context, reg *rooms.Registration) error {
	old, updated := reg.Version, reg.UpdatedAt
	reg.Version, reg.UpdatedAt = old+1, time.Now().UTC().Truncate(time.Millisecond)
	if old == 0 {
		reg.CreatedAt = reg.UpdatedAt
	}
	reg.QueuedAt = reg.QueuedAt.UTC().Truncate(time.Millisecond)
	doc, err := json.Marshal(reg)
	if err == nil {
		if old == 0 {
			_, err = s.db.ExecContext(ctx, `INSERT INTO registrations (roundtable_id, member_id, queued_at, version, doc) VALUES (?, ?, ?, 1, ?)`,
				reg.RoundtableID, reg.MemberID, millis(reg.QueuedAt), string(doc))
		} else {
			res, xerr := s.db.ExecContext(ctx, `UPDATE registrations SET queued_at = ?, version = ?, doc = ? WHERE roundtable_id = ? AND member_id = ? AND version = ?`,
				millis(reg.QueuedAt), reg.Version, string(doc), reg.RoundtableID, reg.MemberID, old)
			if err = affected(res, xerr); err != nil && xerr == nil {
				err = &rooms.ConflictError{}
			}
		}
	}
	if err != nil {
		reg.Version, reg.UpdatedAt = old, updated
		return mapErr(err, "member_id")
	}
	return nil
}

func (s *Store) queryRegistrations(ctx context.Context, where string, arg any) ([]*rooms.Registration, error) {
	return queryDocs[rooms.Registration](ctx, s.db, `SELECT doc FROM registrations WHERE `+where+` ORDER BY queued_at, member_id`, arg)
}

// ListRegistrations implements rooms.Store.
func (s *Store) ListRegistrations(ctx context.Context, r rooms.RoundtableID) ([]*rooms.Registration, error) {
	return s.queryRegistrations(ctx, `roundtable_id = ?`, r)
}

// ListMemberRegistrations implements rooms.Store.
func (s *Store) ListMemberRegistrations(ctx context.Context, m rooms.MemberID) ([]*rooms.Registration, error) {
	return s.queryRegistrations(ctx, `member_id = ?`, m)
}
