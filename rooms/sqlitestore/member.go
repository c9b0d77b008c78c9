package sqlitestore

import (
	"context"
	"database/sql"

	"github.com/zadankai/zadankai/rooms"
)

const memberCols = `id, company_id, email, display_name, role, moderator, locale, time_zone,
	password_hash, created_at, updated_at, version`

func scanMember(row interface{ Scan(...any) error }) (*rooms.Member, error) {
	var m rooms.Member
	var created, updated int64
	if err := row.Scan(&m.ID, &m.CompanyID, &m.Email, &m.DisplayName, &m.Role, &m.Moderator, &m.Locale,
		&m.TimeZone, &m.PasswordHash, &created, &updated, &m.Version); err != nil {
		return nil, err
	}
	m.CreatedAt, m.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &m, nil
}

// CreateMember implements rooms.Store.
func (s *Store) CreateMember(ctx context.Context, m *rooms.Member) error {
	stamp(&m.CreatedAt, &m.UpdatedAt)
	m.Email = rooms.NormalizeEmail(m.Email)
	m.Version = 1
	_, err := s.db.ExecContext(ctx, `INSERT INTO members (`+memberCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.CompanyID, m.Email, m.DisplayName, m.Role, m.Moderator, m.Locale, m.TimeZone,
		m.PasswordHash, millis(m.CreatedAt), millis(m.UpdatedAt), m.Version)
	return mapErr(err, "email")
}

// GetMember implements rooms.Store.
func (s *Store) GetMember(ctx context.Context, id rooms.MemberID) (*rooms.Member, error) {
	m, err := scanMember(s.db.QueryRowContext(ctx, `SELECT `+memberCols+` FROM members WHERE id = ?`, id))
	return m, mapErr(err, "")
}

// GetMemberByEmail implements rooms.Store.
func (s *Store) GetMemberByEmail(ctx context.Context, email string) (*rooms.Member, error) {
	m, err := scanMember(s.db.QueryRowContext(ctx, `SELECT `+memberCols+` FROM members WHERE email = ?`,
		rooms.NormalizeEmail(email)))
	return m, mapErr(err, "")
}

// ListMembersByCompany implements rooms.Store.
func (s *Store) ListMembersByCompany(ctx context.Context, id rooms.CompanyID) ([]*rooms.Member, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+memberCols+` FROM members WHERE company_id = ?
		ORDER BY created_at, id`, id)
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	var out []*rooms.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, mapErr(err, "")
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err(), "")
}

// CountMembers implements rooms.Store.
func (s *Store) CountMembers(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM members`).Scan(&n)
	return n, mapErr(err, "")
}

// UpdateMember implements rooms.Store.
func (s *Store) UpdateMember(ctx context.Context, m *rooms.Member) error {
	updated := m.UpdatedAt
	stamp(&m.CreatedAt, &updated)
	m.Email = rooms.NormalizeEmail(m.Email)
	res, err := s.db.ExecContext(ctx, `UPDATE members SET company_id = ?, email = ?, display_name = ?, role = ?,
		moderator = ?, locale = ?, time_zone = ?, password_hash = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		m.CompanyID, m.Email, m.DisplayName, m.Role, m.Moderator, m.Locale, m.TimeZone, m.PasswordHash,
		millis(updated), m.ID, m.Version)
	if err := affected(res, err); err != nil {
		if err == sql.ErrNoRows {
			return s.noRowUpdated(ctx, "members", string(m.ID))
		}
		return mapErr(err, "email")
	}
	m.UpdatedAt = updated
	m.Version++
	return nil
}
