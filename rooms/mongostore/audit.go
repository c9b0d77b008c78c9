package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

// AppendAudit implements rooms.Store.
func (s *Store) AppendAudit(ctx context.Context, e *rooms.AuditEntry) error {
	e.At = norm(e.At)
	_, err := s.db.Collection("audit").InsertOne(ctx, e)
	return mapErr(err, "id")
}

// ListAudit implements rooms.Store.
func (s *Store) ListAudit(ctx context.Context, r rooms.RoundtableID, since time.Time) ([]*rooms.AuditEntry, error) {
	filter := bson.D{{Key: "at", Value: bson.D{{Key: "$gte", Value: since.UTC()}}}}
	if r != "" {
		filter = append(bson.D{{Key: "roundtable_id", Value: string(r)}}, filter...)
	}
	cur, err := s.db.Collection("audit").Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
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
