package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// TakeLease implements rooms.Store: one transaction reads the lease and
// writes it only when it is free, ran out or is the taker's own.
func (s *Store) TakeLease(ctx context.Context, l *rooms.Lease, now time.Time) (*rooms.Lease, error) {
	want := *l
	want.Until = want.Until.UTC().Truncate(time.Millisecond)
	var out *rooms.Lease
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := scanLease(tx.QueryRowContext(ctx, `SELECT `+leaseCols+` FROM leases WHERE key = ?`, l.Key))
		if err != nil && !errors.Is(err, rooms.ErrNotFound) {
			return err
		}
		if cur != nil && cur.Live(now) && (cur.Holder != l.Holder || cur.Done) {
			out = cur
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO leases (`+leaseCols+`) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, value = excluded.value, until = excluded.until, done = excluded.done`,
			want.Key, want.Holder, want.Value, millis(want.Until), want.Done)
		out = &want
		return mapErr(err, "")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetLease implements rooms.Store.
func (s *Store) GetLease(ctx context.Context, key string) (*rooms.Lease, error) {
	return scanLease(s.db.QueryRowContext(ctx, `SELECT `+leaseCols+` FROM leases WHERE key = ?`, key))
}

// ReleaseLease implements rooms.Store.
func (s *Store) ReleaseLease(ctx context.Context, key, holder string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM leases WHERE key = ? AND holder = ?`, key, holder)
	return mapErr(err, "")
}

// ListLeases implements rooms.Store.
func (s *Store) ListLeases(ctx context.Context, prefix string) ([]*rooms.Lease, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+leaseCols+` FROM leases
		WHERE key >= ? AND key < ? ORDER BY key`, prefix, prefix+"\uffff")
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	var out []*rooms.Lease
	for rows.Next() {
		l, err := scanLease(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, mapErr(rows.Err(), "")
}

// DeleteLeasesBefore implements rooms.Store.
func (s *Store) DeleteLeasesBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM leases WHERE until < ?`, millis(t))
	if err != nil {
		return 0, mapErr(err, "")
	}
	n, err := res.RowsAffected()
	return n, mapErr(err, "")
}

const leaseCols = "key, holder, value, until, done"

func scanLease(row interface{ Scan(...any) error }) (*rooms.Lease, error) {
	var l rooms.Lease
	var until int64
	if err := row.Scan(&l.Key, &l.Holder, &l.Value, &until, &l.Done); err != nil {
		return nil, mapErr(err, "")
	}
	l.Until = fromMillis(until)
	return &l, nil
}
