package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// UpdateConsultationTime implements rooms.Store: claims, the consultation
// and the freed claims are one transaction.
func (s *Store) UpdateConsultationTime(ctx context.Context, c *rooms.Consultation, take, free []string) error {
	old, updated := c.Version, c.UpdatedAt
	c.Version, c.UpdatedAt = old+1, time.Now().UTC().Truncate(time.Millisecond)
	doc, err := json.Marshal(c)
	if err == nil {
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			token := rooms.NewSecret()
			for _, k := range take {
				_, err := tx.ExecContext(ctx, `INSERT INTO claims (key, claimed_at, owner, token) VALUES (?, ?, ?, ?)`, k, millis(c.UpdatedAt), c.ID, token)
				if err != nil {
					return mapErr(err, "slot")
				}
			}
			res, xerr := tx.ExecContext(ctx, `UPDATE consultations SET status = ?, booked_start = ?, version = ?, doc = ? WHERE id = ? AND version = ?`,
				c.Status, bookedStart(c), c.Version, string(doc), c.ID, old)
			if err := affected(res, xerr); err != nil {
				if xerr == nil {
					return noRowUpdatedIn(ctx, tx, "consultations", string(c.ID))
				}
				return mapErr(err, "")
			}
			for _, k := range free {
				// Untagged claims are what older versions took for c.
				if _, err := tx.ExecContext(ctx, `DELETE FROM claims WHERE key = ? AND owner IN (?, '')`, k, c.ID); err != nil {
					return mapErr(err, "")
				}
			}
			return nil
		})
	}
	if err != nil {
		c.Version, c.UpdatedAt = old, updated
		return err
	}
	return nil
}

// ListClaims implements rooms.Store.
func (s *Store) ListClaims(ctx context.Context, prefix string, before time.Time) ([]*rooms.Claim, error) {
	// A key range, not LIKE: it walks the primary key, and a prefix may
	// hold % or _.
	rows, err := s.db.QueryContext(ctx, `SELECT `+claimCols+` FROM claims
		WHERE key >= ? AND key < ? AND claimed_at < ? ORDER BY key`, prefix, prefix+"\uffff", millis(before))
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	var out []*rooms.Claim
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, mapErr(err, "")
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err(), "")
}

const claimCols = `key, claimed_at, owner, token`

func scanClaim(row scanner) (*rooms.Claim, error) {
	var c rooms.Claim
	var at int64
	if err := row.Scan(&c.Key, &at, &c.Owner, &c.Token); err != nil {
		return nil, err
	}
	c.At = fromMillis(at)
	return &c, nil
}

// ReleaseClaimIf implements rooms.Store.
func (s *Store) ReleaseClaimIf(ctx context.Context, c *rooms.Claim) error {
	q, args := `DELETE FROM claims WHERE key = ? AND token = ?`, []any{c.Key, c.Token}
	if c.Token == "" {
		q, args = `DELETE FROM claims WHERE key = ? AND token = '' AND claimed_at = ?`, []any{c.Key, millis(c.At)}
	}
	_, err := s.db.ExecContext(ctx, q, args...)
	return mapErr(err, "")
}
