package sqlitestore

import (
	"context"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// ClaimOnce implements rooms.Store.
func (s *Store) ClaimOnce(ctx context.Context, key string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO claims (key, claimed_at) VALUES (?, ?)`, key, millis(at))
	return mapErr(err, "key")
}

// DeleteMemberSessions implements rooms.Store.
func (s *Store) DeleteMemberSessions(ctx context.Context, id rooms.MemberID) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE member_id = ?`, id)
	return mapErr(err, "")
}

const invitationCols = `id, token_hash, email, role, company_id, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at`

func scanInvitation(row interface{ Scan(...any) error }) (*rooms.Invitation, error) {
	var iv rooms.Invitation
	var created, expires, accepted, revoked int64
	if err := row.Scan(&iv.ID, &iv.TokenHash, &iv.Email, &iv.Role, &iv.CompanyID, &iv.InvitedBy,
		&created, &expires, &accepted, &iv.AcceptedBy, &revoked); err != nil {
		return nil, err
	}
	if revoked != 0 {
		iv.RevokedAt = fromMillis(revoked)
	}
	iv.CreatedAt, iv.ExpiresAt = fromMillis(created), fromMillis(expires)
	if accepted != 0 {
		iv.AcceptedAt = fromMillis(accepted)
	}
	return &iv, nil
}

// CreateInvitation implements rooms.Store.
func (s *Store) CreateInvitation(ctx context.Context, iv *rooms.Invitation) error {
	var unused time.Time
	stamp(&iv.CreatedAt, &unused)
	iv.ExpiresAt = iv.ExpiresAt.UTC().Truncate(time.Millisecond)
	iv.Email = rooms.NormalizeEmail(iv.Email)
	_, err := s.db.ExecContext(ctx, `INSERT INTO invitations (`+invitationCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, '', 0)`,
		iv.ID, iv.TokenHash, iv.Email, iv.Role, iv.CompanyID, iv.InvitedBy, millis(iv.CreatedAt), millis(iv.ExpiresAt))
	return mapErr(err, "id")
}

// GetInvitationByToken implements rooms.Store.
func (s *Store) GetInvitationByToken(ctx context.Context, hash string) (*rooms.Invitation, error) {
	iv, err := scanInvitation(s.db.QueryRowContext(ctx, `SELECT `+invitationCols+` FROM invitations WHERE token_hash = ?`, hash))
	return iv, mapErr(err, "")
}

// ListInvitations implements rooms.Store.
func (s *Store) ListInvitations(ctx context.Context, company rooms.CompanyID) ([]*rooms.Invitation, error) {
	q, args := `SELECT `+invitationCols+` FROM invitations ORDER BY created_at DESC, id`, []any{}
	if company != "" {
		q, args = `SELECT `+invitationCols+` FROM invitations WHERE company_id = ? ORDER BY created_at DESC, id`, []any{company}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	var out []*rooms.Invitation
	for rows.Next() {
		iv, err := scanInvitation(rows)
		if err != nil {
			return nil, mapErr(err, "")
		}
		out = append(out, iv)
	}
	return out, mapErr(rows.Err(), "")
}

// MarkInvitationAccepted implements rooms.Store.
func (s *Store) MarkInvitationAccepted(ctx context.Context, id rooms.InvitationID, by rooms.MemberID, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE invitations SET accepted_at = ?, accepted_by = ? WHERE id = ?`, millis(at), by, id)
	if err := affected(res, err); err != nil {
		return mapErr(err, "")
	}
	return nil
}

// GetInvitation implements rooms.Store.
func (s *Store) GetInvitation(ctx context.Context, id rooms.InvitationID) (*rooms.Invitation, error) {
	iv, err := scanInvitation(s.db.QueryRowContext(ctx, `SELECT `+invitationCols+` FROM invitations WHERE id = ?`, id))
	return iv, mapErr(err, "")
}

// MarkInvitationRevoked implements rooms.Store.
func (s *Store) MarkInvitationRevoked(ctx context.Context, id rooms.InvitationID, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE invitations SET revoked_at = ? WHERE id = ?`, millis(at), id)
	return mapErr(affected(res, err), "")
}

// CreatePasswordReset implements rooms.Store.
func (s *Store) CreatePasswordReset(ctx context.Context, r *rooms.PasswordReset) error {
	var unused time.Time
	stamp(&r.CreatedAt, &unused)
	r.ExpiresAt = r.ExpiresAt.UTC().Truncate(time.Millisecond)
	_, err := s.db.ExecContext(ctx, `INSERT INTO password_resets (token_hash, member_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		r.TokenHash, r.MemberID, millis(r.CreatedAt), millis(r.ExpiresAt))
	return mapErr(err, "token")
}

// GetPasswordReset implements rooms.Store.
func (s *Store) GetPasswordReset(ctx context.Context, hash string) (*rooms.PasswordReset, error) {
	r, err := scanReset(s.db.QueryRowContext(ctx, `SELECT `+resetCols+` FROM password_resets WHERE token_hash = ?`, hash))
	return r, mapErr(err, "")
}

const resetCols = `token_hash, member_id, created_at, expires_at`

func scanReset(row scanner) (*rooms.PasswordReset, error) {
	var r rooms.PasswordReset
	var created, expires int64
	if err := row.Scan(&r.TokenHash, &r.MemberID, &created, &expires); err != nil {
		return nil, err
	}
	r.CreatedAt, r.ExpiresAt = fromMillis(created), fromMillis(expires)
	return &r, nil
}

// DeletePasswordResets implements rooms.Store.
func (s *Store) DeletePasswordResets(ctx context.Context, m rooms.MemberID) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM password_resets WHERE member_id = ?`, m)
	return mapErr(err, "")
}
