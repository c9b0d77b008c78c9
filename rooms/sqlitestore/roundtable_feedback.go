package sqlitestore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// CreateRoundtableFeedback implements rooms.Store.
func (s *Store) CreateRoundtableFeedback(ctx context.Context, f *rooms.RoundtableFeedback) error {
	f.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	doc, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO roundtable_feedback (roundtable_id, author_id, created_at, doc) VALUES (?, ?, ?, ?)`,
		f.RoundtableID, f.AuthorID, millis(f.CreatedAt), string(doc))
	return mapErr(err, "roundtable_id")
}

// GetRoundtableFeedback implements rooms.Store.
func (s *Store) GetRoundtableFeedback(ctx context.Context, r rooms.RoundtableID, author rooms.MemberID) (*rooms.RoundtableFeedback, error) {
	var doc string
	err := s.db.QueryRowContext(ctx, `SELECT doc FROM roundtable_feedback WHERE roundtable_id = ? AND author_id = ?`, r, author).Scan(&doc)
	if err != nil {
		return nil, mapErr(err, "")
	}
	var f rooms.RoundtableFeedback
	return &f, json.Unmarshal([]byte(doc), &f)
}

// ListRoundtableFeedback implements rooms.Store.
func (s *Store) ListRoundtableFeedback(ctx context.Context, r rooms.RoundtableID, from, to time.Time) ([]*rooms.RoundtableFeedback, error) {
	q, args := `SELECT doc FROM roundtable_feedback WHERE created_at >= ? AND created_at < ? ORDER BY created_at, author_id`, []any{millis(from), millis(to)}
	if r != "" {
		q = `SELECT doc FROM roundtable_feedback WHERE roundtable_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, author_id`
		args = append([]any{r}, args...)
	}
	return queryDocs[rooms.RoundtableFeedback](ctx, s.db, q, args...)
}

// ListAuditPage implements rooms.Store.
func (s *Store) ListAuditPage(ctx context.Context, q rooms.AuditQuery) ([]*rooms.AuditEntry, error) {
	where, args := "1 = 1", []any{}
	if q.Roundtable != "" {
		where, args = "roundtable_id = ?", append(args, q.Roundtable)
	}
	if !q.Before.IsZero() {
		// A row-value comparison lets SQLite walk the (at, id) index from
		// the cursor down.
		where += " AND (at, id) < (?, ?)"
		args = append(args, millis(q.Before), q.BeforeID)
	}
	args = append(args, max(q.Limit, 1))
	return queryDocs[rooms.AuditEntry](ctx, s.db, `SELECT doc FROM audit WHERE `+where+` ORDER BY at DESC, id DESC LIMIT ?`, args...)
}

// ListRoundtableFeedbackBy implements rooms.Store.
func (s *Store) ListRoundtableFeedbackBy(ctx context.Context, author rooms.MemberID) ([]*rooms.RoundtableFeedback, error) {
	return queryDocs[rooms.RoundtableFeedback](ctx, s.db, `SELECT doc FROM roundtable_feedback WHERE author_id = ? ORDER BY created_at`, author)
}
