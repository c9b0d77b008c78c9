package sqlitestore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// AppendAudit implements rooms.Store.
func (s *Store) AppendAudit(ctx context.Context, e *rooms.AuditEntry) error {
	e.At = e.At.UTC().Truncate(time.Millisecond)
	doc, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO audit (id, roundtable_id, at, doc) VALUES (?, ?, ?, ?)`, e.ID, e.RoundtableID, millis(e.At), string(doc))
	return mapErr(err, "id")
}

// ListAudit implements rooms.Store.
func (s *Store) ListAudit(ctx context.Context, r rooms.RoundtableID, since time.Time) ([]*rooms.AuditEntry, error) {
	q, args := `SELECT doc FROM audit WHERE at >= ? ORDER BY at, id`, []any{millis(since)}
	if r != "" {
		q, args = `SELECT doc FROM audit WHERE roundtable_id = ? AND at >= ? ORDER BY at, id`, []any{r, millis(since)}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	var out []*rooms.AuditEntry
	for rows.Next() {
		var doc string
		var e rooms.AuditEntry
		if err := rows.Scan(&doc); err != nil {
			return nil, mapErr(err, "")
		}
		if err := json.Unmarshal([]byte(doc), &e); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, mapErr(rows.Err(), "")
}
