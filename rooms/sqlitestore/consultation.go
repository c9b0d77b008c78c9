package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// ReleaseClaim implements rooms.Store.
func (s *Store) ReleaseClaim(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM claims WHERE key = ?`, key)
	return mapErr(err, "")
}

func bookedStart(c *rooms.Consultation) int64 {
	if c.Booked == nil {
		return 0
	}
	return millis(c.Booked.Start)
}

// CreateConsultation implements rooms.Store.
func (s *Store) CreateConsultation(ctx context.Context, c *rooms.Consultation) error {
	stamp(&c.CreatedAt, &c.UpdatedAt)
	c.Version = 1
	doc, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO consultations (id, requester_id, recipient_id, status, booked_start, created_at, version, doc)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?)`, c.ID, c.RequesterID, c.RecipientID, c.Status, bookedStart(c), millis(c.CreatedAt), string(doc))
	return mapErr(err, "id")
}

// GetConsultation implements rooms.Store.
func (s *Store) GetConsultation(ctx context.Context, id rooms.ConsultationID) (*rooms.Consultation, error) {
	var doc string
	if err := s.db.QueryRowContext(ctx, `SELECT doc FROM consultations WHERE id = ?`, id).Scan(&doc); err != nil {
		return nil, mapErr(err, "")
	}
	var c rooms.Consultation
	return &c, json.Unmarshal([]byte(doc), &c)
}

// UpdateConsultation implements rooms.Store.
func (s *Store) UpdateConsultation(ctx context.Context, c *rooms.Consultation) error {
	old, updated := c.Version, c.UpdatedAt
	c.Version, c.UpdatedAt = old+1, time.Now().UTC().Truncate(time.Millisecond)
	doc, err := json.Marshal(c)
	if err == nil {
		var res interface{ RowsAffected() (int64, error) }
		res, err = s.db.ExecContext(ctx, `UPDATE consultations SET status = ?, booked_start = ?, version = ?, doc = ?
			WHERE id = ? AND version = ?`, c.Status, bookedStart(c), c.Version, string(doc), c.ID, old)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				err = s.noRowUpdated(ctx, "consultations", string(c.ID))
			}
		}
	}
	if err != nil {
		c.Version, c.UpdatedAt = old, updated
		return mapErr(err, "")
	}
	return nil
}

func (s *Store) queryConsultations(ctx context.Context, where string, args ...any) ([]*rooms.Consultation, error) {
	return queryDocs[rooms.Consultation](ctx, s.db, `SELECT doc FROM consultations WHERE `+where, args...)
}

// ListMemberConsultations implements rooms.Store.
func (s *Store) ListMemberConsultations(ctx context.Context, m rooms.MemberID) ([]*rooms.Consultation, error) {
	return s.queryConsultations(ctx, `requester_id = ? OR recipient_id = ? ORDER BY created_at DESC, id`, m, m)
}

// ListBookedBetween implements rooms.Store.
func (s *Store) ListBookedBetween(ctx context.Context, from, to time.Time) ([]*rooms.Consultation, error) {
	return s.queryConsultations(ctx, `status = ? AND booked_start >= ? AND booked_start < ? ORDER BY booked_start, id`,
		rooms.StatusBooked, millis(from), millis(to))
}

// ListConsultationsCreatedBetween implements rooms.Store.
func (s *Store) ListConsultationsCreatedBetween(ctx context.Context, from, to time.Time) ([]*rooms.Consultation, error) {
	return s.queryConsultations(ctx, `created_at >= ? AND created_at < ? ORDER BY created_at, id`, millis(from), millis(to))
}

// CreateBlock implements rooms.Store.
func (s *Store) CreateBlock(ctx context.Context, b *rooms.Block) error {
	b.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	_, err := s.db.ExecContext(ctx, `INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)`,
		b.BlockerID, b.BlockedID, millis(b.CreatedAt))
	return mapErr(err, "member_id")
}

// DeleteBlock implements rooms.Store.
func (s *Store) DeleteBlock(ctx context.Context, blocker, blocked rooms.MemberID) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?`, blocker, blocked)
	return mapErr(err, "")
}

// ListBlocks implements rooms.Store.
func (s *Store) ListBlocks(ctx context.Context, m rooms.MemberID) ([]*rooms.Block, error) {
	q, args := `SELECT `+blockCols+` FROM blocks ORDER BY created_at`, []any{}
	if m != "" {
		q, args = `SELECT `+blockCols+` FROM blocks WHERE blocker_id = ? OR blocked_id = ? ORDER BY created_at`, []any{m, m}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	var out []*rooms.Block
	for rows.Next() {
		b, err := scanBlock(rows)
		if err != nil {
			return nil, mapErr(err, "")
		}
		out = append(out, b)
	}
	return out, mapErr(rows.Err(), "")
}

const blockCols = `blocker_id, blocked_id, created_at`

func scanBlock(row scanner) (*rooms.Block, error) {
	var b rooms.Block
	var at int64
	if err := row.Scan(&b.BlockerID, &b.BlockedID, &at); err != nil {
		return nil, err
	}
	b.CreatedAt = fromMillis(at)
	return &b, nil
}

// CreateFeedback implements rooms.Store.
func (s *Store) CreateFeedback(ctx context.Context, f *rooms.Feedback) error {
	if f.CreatedAt.IsZero() {
		f.CreatedAt = time.Now()
	}
	f.CreatedAt = f.CreatedAt.UTC().Truncate(time.Millisecond)
	doc, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO feedback (consultation_id, author_id, created_at, doc) VALUES (?, ?, ?, ?)`,
		f.ConsultationID, f.AuthorID, millis(f.CreatedAt), string(doc))
	return mapErr(err, "consultation_id")
}

// ListFeedbackBetween implements rooms.Store.
func (s *Store) ListFeedbackBetween(ctx context.Context, from, to time.Time) ([]*rooms.Feedback, error) {
	return queryDocs[rooms.Feedback](ctx, s.db, `SELECT doc FROM feedback WHERE created_at >= ? AND created_at < ? ORDER BY created_at`, millis(from), millis(to))
}

// HasFeedback implements rooms.Store.
func (s *Store) HasFeedback(ctx context.Context, cs rooms.ConsultationID, author rooms.MemberID) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback WHERE consultation_id = ? AND author_id = ?`, cs, author).Scan(&n)
	return n > 0, mapErr(err, "")
}

// SaveRecommendation implements rooms.Store.
func (s *Store) SaveRecommendation(ctx context.Context, r *rooms.Recommendation) error {
	r.MadeAt = r.MadeAt.UTC().Truncate(time.Millisecond)
	doc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO recommendations (member_id, made_at, doc) VALUES (?, ?, ?)
		ON CONFLICT (member_id) DO UPDATE SET made_at = excluded.made_at, doc = excluded.doc`, r.MemberID, millis(r.MadeAt), string(doc))
	return mapErr(err, "")
}

// GetRecommendation implements rooms.Store.
func (s *Store) GetRecommendation(ctx context.Context, m rooms.MemberID) (*rooms.Recommendation, error) {
	var doc string
	if err := s.db.QueryRowContext(ctx, `SELECT doc FROM recommendations WHERE member_id = ?`, m).Scan(&doc); err != nil {
		return nil, mapErr(err, "")
	}
	var r rooms.Recommendation
	return &r, json.Unmarshal([]byte(doc), &r)
}

// DeleteMemberData implements rooms.Store, in one transaction.
func (s *Store) DeleteMemberData(ctx context.Context, id rooms.MemberID) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM profiles WHERE member_id = ?`, `DELETE FROM availability WHERE member_id = ?`,
			`DELETE FROM photos WHERE member_id = ?`, `DELETE FROM sessions WHERE member_id = ?`, `DELETE FROM recommendations WHERE member_id = ?`,
			`DELETE FROM push_subscriptions WHERE member_id = ?`, `DELETE FROM notice_prefs WHERE member_id = ?`,
			`DELETE FROM held_notices WHERE member_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return mapErr(err, "")
			}
		}
		return dropFromRecommendations(ctx, tx, id)
	})
}

// dropFromRecommendations takes id out of every current batch (the ids
// are fixed-length, so instr finds exactly the batches naming her).
func dropFromRecommendations(ctx context.Context, tx *sql.Tx, id rooms.MemberID) error {
	recs, err := queryDocs[rooms.Recommendation](ctx, tx, `SELECT doc FROM recommendations WHERE instr(doc, ?) > 0`, `"`+string(id)+`"`)
	if err != nil {
		return err
	}
	for _, r := range recs {
		r.Candidates = slices.DeleteFunc(r.Candidates, func(c rooms.Candidate) bool { return c.MemberID == id })
		doc, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE recommendations SET doc = ? WHERE member_id = ?`, string(doc), r.MemberID); err != nil {
			return mapErr(err, "")
		}
	}
	return nil
}

// ListFeedbackBy implements rooms.Store.
func (s *Store) ListFeedbackBy(ctx context.Context, author rooms.MemberID) ([]*rooms.Feedback, error) {
	return queryDocs[rooms.Feedback](ctx, s.db, `SELECT doc FROM feedback WHERE author_id = ? ORDER BY created_at`, author)
}
