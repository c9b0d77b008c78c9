package mongostore

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/zadankai/zadankai/rooms"
)

// publishedDoc is one company's (or, with an empty company, the
// platform's) figures of one month; the _id makes it unique.
type publishedDoc struct {
	ID               string          `bson:"_id"` // company/month
	Company          rooms.CompanyID `bson:"company_id"`
	rooms.MonthStats `bson:",inline"`
}

func publishedID(company rooms.CompanyID, month string) string { return string(company) + "/" + month }

// PublishMonthStats implements rooms.Store: the insert under the unique
// _id wins once; a later one finds the duplicate and reads the first back.
func (s *Store) PublishMonthStats(ctx context.Context, company rooms.CompanyID, st *rooms.MonthStats) (*rooms.MonthStats, error) {
	_, err := s.db.Collection("published_stats").InsertOne(ctx, publishedDoc{ID: publishedID(company, st.Month), Company: company, MonthStats: *st})
	if err := mapErr(err, ""); err != nil && !errors.Is(err, rooms.ErrConflict) {
		return nil, err
	}
	return s.GetMonthStats(ctx, company, st.Month)
}

// GetMonthStats implements rooms.Store.
func (s *Store) GetMonthStats(ctx context.Context, company rooms.CompanyID, month string) (*rooms.MonthStats, error) {
	var doc publishedDoc
	if err := s.db.Collection("published_stats").FindOne(ctx, bson.D{{Key: "_id", Value: publishedID(company, month)}}).Decode(&doc); err != nil {
		return nil, mapErr(err, "")
	}
	return &doc.MonthStats, nil
}
