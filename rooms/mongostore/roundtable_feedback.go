package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

type roundtableFeedbackDoc struct {
	ID                       string `bson:"_id"` // roundtable:author, one entry each
	rooms.RoundtableFeedback `bson:",inline"`
}

func roundtableFeedbackID(r rooms.RoundtableID, author rooms.MemberID) string {
	return string(r) + ":" + string(author)
}

// CreateRoundtableFeedback implements rooms.Store.
func (s *Store) CreateRoundtableFeedback(ctx context.Context, f *rooms.RoundtableFeedback) error {
	f.CreatedAt = now()
	_, err := s.db.Collection("roundtable_feedback").InsertOne(ctx,
		roundtableFeedbackDoc{ID: roundtableFeedbackID(f.RoundtableID, f.AuthorID), RoundtableFeedback: *f})
	return mapErr(err, "roundtable_id")
}

// GetRoundtableFeedback implements rooms.Store.
func (s *Store) GetRoundtableFeedback(ctx context.Context, r rooms.RoundtableID, author rooms.MemberID) (*rooms.RoundtableFeedback, error) {
	var doc roundtableFeedbackDoc
	err := s.db.Collection("roundtable_feedback").FindOne(ctx, bson.D{{Key: "_id", Value: roundtableFeedbackID(r, author)}}).Decode(&doc)
	if err != nil {
		return nil, mapErr(err, "")
	}
	doc.CreatedAt = doc.CreatedAt.UTC()
	return &doc.RoundtableFeedback, nil
}

// ListRoundtableFeedback implements rooms.Store.
func (s *Store) ListRoundtableFeedback(ctx context.Context, r rooms.RoundtableID, from, to time.Time) ([]*rooms.RoundtableFeedback, error) {
	filter := bson.D{{Key: "created_at", Value: bson.D{{Key: "$gte", Value: from.UTC()}, {Key: "$lt", Value: to.UTC()}}}}
	if r != "" {
		filter = append(bson.D{{Key: "roundtable_id", Value: string(r)}}, filter...)
	}
	return s.findRoundtableFeedback(ctx, filter)
}

// findRoundtableFeedback returns the roundtable feedback matching filter,
// oldest first.
func (s *Store) findRoundtableFeedback(ctx context.Context, filter bson.D) ([]*rooms.RoundtableFeedback, error) {
	cur, err := s.db.Collection("roundtable_feedback").Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "author_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var docs []roundtableFeedbackDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "")
	}
	out := make([]*rooms.RoundtableFeedback, len(docs))
	for i := range docs {
		docs[i].CreatedAt = docs[i].CreatedAt.UTC()
		out[i] = &docs[i].RoundtableFeedback
	}
	return out, nil
}

// ListAuditPage implements rooms.Store.
func (s *Store) ListAuditPage(ctx context.Context, q rooms.AuditQuery) ([]*rooms.AuditEntry, error) {
	filter := bson.D{}
	if q.Roundtable != "" {
		filter = append(filter, bson.E{Key: "roundtable_id", Value: string(q.Roundtable)})
	}
	if !q.Before.IsZero() {
		at := norm(q.Before)
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: at}}}},
			bson.D{{Key: "at", Value: at}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: q.BeforeID}}}},
		}})
	}
	opts := options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(max(q.Limit, 1)))
	cur, err := s.db.Collection("audit").Find(ctx, filter, opts)
	if err != nil {
		return nil, mapErr(err, "")
	}
	var out []*rooms.AuditEntry
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, "")
	}
	for _, e := range out {
		e.At = e.At.UTC()
	}
	return out, nil
}

// ListRoundtableFeedbackBy implements rooms.Store.
func (s *Store) ListRoundtableFeedbackBy(ctx context.Context, author rooms.MemberID) ([]*rooms.RoundtableFeedback, error) {
	return s.findRoundtableFeedback(ctx, bson.D{{Key: "author_id", Value: string(author)}})
}
