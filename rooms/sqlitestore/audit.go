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
	return queryDocs[rooms.AuditEntry](ctx, s.db, q, args...)
}
