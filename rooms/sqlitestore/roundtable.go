package sqlitestore

import (
	"context"
	"database/sql"
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

// UpdateRoundtable implements rooms.Store: a new capacity is applied to
// the seats (and those it seats written) in the transaction that writes it.
func (s *Store) UpdateRoundtable(ctx context.Context, r *rooms.Roundtable) ([]*rooms.Registration, error) {
	old, updated := r.Version, r.UpdatedAt
	r.Version, r.UpdatedAt = old+1, time.Now().UTC().Truncate(time.Millisecond)
	var promoted []*rooms.Registration
	doc, err := json.Marshal(r)
	if err == nil {
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			st, version, err := loadSeating(ctx, tx, r.ID)
			switch {
			case err != nil:
				return err
			case version != old:
				return &rooms.ConflictError{}
			}
			if promoted, err = st.SetCapacity(r.Capacity); err != nil {
				return err
			}
			if err := putSeats(ctx, tx, st, promoted); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE roundtables SET start_at = ?, version = ?, doc = ? WHERE id = ?`,
				millis(r.Start), r.Version, string(doc), r.ID)
			return mapErr(err, "")
		})
	}
	if err != nil {
		r.Version, r.UpdatedAt = old, updated
		return nil, err
	}
	return promoted, nil
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

// loadSeating reads, inside q, r's capacity, version and registrations.
func loadSeating(ctx context.Context, q querier, r rooms.RoundtableID) (*rooms.Seating, int64, error) {
	st := &rooms.Seating{}
	var version int64
	err := q.QueryRowContext(ctx, `SELECT version, json_extract(doc, '$.capacity') FROM roundtables WHERE id = ?`, r).Scan(&version, &st.Capacity)
	if err != nil {
		return nil, 0, mapErr(err, "")
	}
	st.Regs, err = queryDocs[rooms.Registration](ctx, q, `SELECT doc FROM registrations WHERE roundtable_id = ? ORDER BY queued_at, member_id`, r)
	return st, version, err
}

// putSeats writes the changed registrations of st and its seat counts
// inside a transaction that holds the write lock, so no compare-and-set
// is needed.
func putSeats(ctx context.Context, tx *sql.Tx, st *rooms.Seating, changed []*rooms.Registration) error {
	if len(changed) == 0 {
		return nil
	}
	seated, waiting := st.Counts()
	_, err := tx.ExecContext(ctx, `UPDATE roundtables SET seated = ?, waiting = ? WHERE id = ?`, seated, waiting, changed[0].RoundtableID)
	if err != nil {
		return mapErr(err, "")
	}
	for _, reg := range changed {
		reg.Version++
		stamp(&reg.CreatedAt, &reg.UpdatedAt)
		reg.QueuedAt = reg.QueuedAt.UTC().Truncate(time.Millisecond)
		doc, err := json.Marshal(reg)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO registrations (roundtable_id, member_id, queued_at, version, doc) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (roundtable_id, member_id) DO UPDATE SET queued_at = excluded.queued_at, version = excluded.version, doc = excluded.doc`,
			reg.RoundtableID, reg.MemberID, millis(reg.QueuedAt), reg.Version, string(doc))
		if err != nil {
			return mapErr(err, "")
		}
	}
	return nil
}

// RegisterSeat implements rooms.Store in one transaction.
func (s *Store) RegisterSeat(ctx context.Context, reg *rooms.Registration) error {
	var done rooms.Registration
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		st, _, err := loadSeating(ctx, tx, reg.RoundtableID)
		if err != nil {
			return err
		}
		done = *reg
		changed := st.Register(&done)
		if err := putSeats(ctx, tx, st, changed); err != nil {
			return err
		}
		if len(changed) > 0 {
			done = *changed[0]
		}
		return nil
	})
	if err == nil {
		*reg = done
	}
	return err
}

// WithdrawSeat implements rooms.Store in one transaction.
func (s *Store) WithdrawSeat(ctx context.Context, r rooms.RoundtableID, m rooms.MemberID) (rooms.RegistrationStatus, *rooms.Registration, error) {
	var was rooms.RegistrationStatus
	var promoted *rooms.Registration
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		st, _, err := loadSeating(ctx, tx, r)
		if err != nil {
			return err
		}
		var changed []*rooms.Registration
		if was, changed, promoted, err = st.Withdraw(m); err != nil {
			return err
		}
		return putSeats(ctx, tx, st, changed)
	})
	if err != nil {
		return "", nil, err
	}
	return was, promoted, nil
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
