package sqlitestore

import (
	"context"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// CreateSession implements rooms.Store.
func (s *Store) CreateSession(ctx context.Context, se *rooms.Session) error {
	var unused time.Time
	stamp(&se.CreatedAt, &unused)
	se.ExpiresAt = se.ExpiresAt.UTC().Truncate(time.Millisecond)
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (id, member_id, csrf_token, user_agent, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, se.ID, se.MemberID, se.CSRFToken, se.UserAgent, millis(se.CreatedAt), millis(se.ExpiresAt))
	return mapErr(err, "id")
}

// GetSession implements rooms.Store.
func (s *Store) GetSession(ctx context.Context, id rooms.SessionID) (*rooms.Session, error) {
	se, err := scanSession(s.db.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE id = ?`, id))
	return se, mapErr(err, "")
}

const sessionCols = `id, member_id, csrf_token, user_agent, created_at, expires_at`

func scanSession(row scanner) (*rooms.Session, error) {
	var se rooms.Session
	var created, expires int64
	if err := row.Scan(&se.ID, &se.MemberID, &se.CSRFToken, &se.UserAgent, &created, &expires); err != nil {
		return nil, err
	}
	se.CreatedAt, se.ExpiresAt = fromMillis(created), fromMillis(expires)
	return &se, nil
}

// DeleteSession implements rooms.Store.
func (s *Store) DeleteSession(ctx context.Context, id rooms.SessionID) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	return mapErr(err, "")
}

// DeleteExpiredSessions implements rooms.Store.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, millis(now))
	if err != nil {
		return 0, mapErr(err, "")
	}
	n, err := res.RowsAffected()
	return n, mapErr(err, "")
}
