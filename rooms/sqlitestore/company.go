package sqlitestore

import (
	"context"
	"database/sql"

	"github.com/zadankai/zadankai/rooms"
)

const companyCols = `id, name, status, created_at, updated_at, version`

func scanCompany(row interface{ Scan(...any) error }) (*rooms.Company, error) {
	var c rooms.Company
	var created, updated int64
	if err := row.Scan(&c.ID, &c.Name, &c.Status, &created, &updated, &c.Version); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &c, nil
}

// CreateCompany implements rooms.Store.
func (s *Store) CreateCompany(ctx context.Context, c *rooms.Company) error {
	stamp(&c.CreatedAt, &c.UpdatedAt)
	c.Version = 1
	_, err := s.db.ExecContext(ctx, `INSERT INTO companies (`+companyCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ID, c.Name, c.Status, millis(c.CreatedAt), millis(c.UpdatedAt), c.Version)
	return mapErr(err, "id")
}

// GetCompany implements rooms.Store.
func (s *Store) GetCompany(ctx context.Context, id rooms.CompanyID) (*rooms.Company, error) {
	c, err := scanCompany(s.db.QueryRowContext(ctx, `SELECT `+companyCols+` FROM companies WHERE id = ?`, id))
	return c, mapErr(err, "")
}

// ListCompanies implements rooms.Store.
func (s *Store) ListCompanies(ctx context.Context) ([]*rooms.Company, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+companyCols+` FROM companies ORDER BY name, id`)
	if err != nil {
		return nil, mapErr(err, "")
	}
	defer rows.Close()
	var out []*rooms.Company
	for rows.Next() {
		c, err := scanCompany(rows)
		if err != nil {
			return nil, mapErr(err, "")
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err(), "")
}

// UpdateCompany implements rooms.Store.
func (s *Store) UpdateCompany(ctx context.Context, c *rooms.Company) error {
	updated := c.UpdatedAt
	stamp(&c.CreatedAt, &updated)
	res, err := s.db.ExecContext(ctx, `UPDATE companies SET name = ?, status = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, c.Name, c.Status, millis(updated), c.ID, c.Version)
	if err := affected(res, err); err != nil {
		if err == sql.ErrNoRows {
			return s.noRowUpdated(ctx, "companies", string(c.ID))
		}
		return mapErr(err, "")
	}
	c.UpdatedAt = updated
	c.Version++
	return nil
}

// affected returns sql.ErrNoRows when an update matched nothing.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}
