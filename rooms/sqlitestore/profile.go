package sqlitestore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// getDoc decodes the JSON document stored under the member id in table.
func (s *Store) getDoc(ctx context.Context, table, id string, v any) error {
	return s.getDocBy(ctx, table, "member_id", id, v)
}

// getDocBy decodes the JSON document of table whose key column is id.
func (s *Store) getDocBy(ctx context.Context, table, key, id string, v any) error {
	var doc string
	if err := s.db.QueryRowContext(ctx, `SELECT doc FROM `+table+` WHERE `+key+` = ?`, id).Scan(&doc); err != nil {
		return mapErr(err, "")
	}
	return json.Unmarshal([]byte(doc), v)
}

// putDoc inserts (version 0) or compare-and-sets (version n) the JSON
// document under the member id; on success *version is the new version.
func (s *Store) putDoc(ctx context.Context, table, id string, version *int64, v any) error {
	return s.putDocBy(ctx, table, "member_id", id, version, v)
}

// putDocBy is putDoc for a table whose key column is key.
func (s *Store) putDocBy(ctx context.Context, table, key, id string, version *int64, v any) error {
	old := *version
	*version = old + 1
	doc, err := json.Marshal(v)
	if err != nil {
		*version = old
		return err
	}
	if old == 0 {
		_, err = s.db.ExecContext(ctx, `INSERT INTO `+table+` (`+key+`, version, doc) VALUES (?, 1, ?)`, id, string(doc))
		if err != nil {
			*version = old
			return mapErr(err, "")
		}
		return nil
	}
	res, err := s.db.ExecContext(ctx, `UPDATE `+table+` SET version = ?, doc = ? WHERE `+key+` = ? AND version = ?`, old+1, string(doc), id, old)
	if err := affected(res, err); err != nil {
		*version = old
		var n int
		if s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE `+key+` = ?`, id).Scan(&n); n == 0 {
			return rooms.ErrNotFound
		}
		return &rooms.ConflictError{}
	}
	return nil
}

// GetProfile implements rooms.Store.
func (s *Store) GetProfile(ctx context.Context, id rooms.MemberID) (*rooms.Profile, error) {
	var p rooms.Profile
	if err := s.getDoc(ctx, "profiles", string(id), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// PutProfile implements rooms.Store.
func (s *Store) PutProfile(ctx context.Context, p *rooms.Profile) error {
	p.UpdatedAt = time.Now().UTC().Truncate(time.Millisecond)
	return s.putDoc(ctx, "profiles", string(p.MemberID), &p.Version, p)
}

// ListProfiles implements rooms.Store.
func (s *Store) ListProfiles(ctx context.Context) ([]*rooms.Profile, error) {
	return queryDocs[rooms.Profile](ctx, s.db, `SELECT doc FROM profiles ORDER BY member_id`)
}

// GetAvailability implements rooms.Store.
func (s *Store) GetAvailability(ctx context.Context, id rooms.MemberID) (*rooms.Availability, error) {
	var a rooms.Availability
	if err := s.getDoc(ctx, "availability", string(id), &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// PutAvailability implements rooms.Store.
func (s *Store) PutAvailability(ctx context.Context, a *rooms.Availability) error {
	a.UpdatedAt = time.Now().UTC().Truncate(time.Millisecond)
	return s.putDoc(ctx, "availability", string(a.MemberID), &a.Version, a)
}

// PutPhoto implements rooms.Store.
func (s *Store) PutPhoto(ctx context.Context, id rooms.MemberID, jpeg []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO photos (member_id, data, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (member_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
		id, jpeg, time.Now().UnixMilli())
	return mapErr(err, "")
}

// GetPhoto implements rooms.Store.
func (s *Store) GetPhoto(ctx context.Context, id rooms.MemberID) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM photos WHERE member_id = ?`, id).Scan(&b)
	return b, mapErr(err, "")
}
