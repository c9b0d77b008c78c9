package sqlitestore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// PublishMonthStats implements rooms.Store: the first insert for a
// company and month wins; later ones leave it and read it back.
func (s *Store) PublishMonthStats(ctx context.Context, company rooms.CompanyID, st *rooms.MonthStats) (*rooms.MonthStats, error) {
	doc, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO published_stats (company_id, month, published_at, doc) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, company, st.Month, millis(time.Now()), string(doc)); err != nil {
		return nil, mapErr(err, "")
	}
	return s.GetMonthStats(ctx, company, st.Month)
}

// GetMonthStats implements rooms.Store.
func (s *Store) GetMonthStats(ctx context.Context, company rooms.CompanyID, month string) (*rooms.MonthStats, error) {
	var doc string
	if err := s.db.QueryRowContext(ctx, `SELECT doc FROM published_stats WHERE company_id = ? AND month = ?`, company, month).Scan(&doc); err != nil {
		return nil, mapErr(err, "")
	}
	var st rooms.MonthStats
	return &st, json.Unmarshal([]byte(doc), &st)
}
