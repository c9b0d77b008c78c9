package mongostore

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

type leaseDoc struct {
	Key    string    `bson:"_id"`
	Holder string    `bson:"holder"`
	Value  string    `bson:"value"`
	Until  time.Time `bson:"until"`
	Done   bool      `bson:"done"`
}

func (d *leaseDoc) lease() *rooms.Lease {
	return &rooms.Lease{Key: d.Key, Holder: d.Holder, Value: d.Value, Until: d.Until.UTC(), Done: d.Done}
}

func (s *Store) leases() *mongo.Collection { return s.db.Collection("leases") }

// TakeLease implements rooms.Store without a transaction: a conditional
// update takes a lease that ran out or is the taker's own, a unique
// insert one that does not exist; a lease released between the two is
// tried again.
func (s *Store) TakeLease(ctx context.Context, l *rooms.Lease, now time.Time) (*rooms.Lease, error) {
	want := leaseDoc{Key: l.Key, Holder: l.Holder, Value: l.Value, Until: norm(l.Until), Done: l.Done}
	for range 3 {
		filter := bson.D{{Key: "_id", Value: l.Key}, {Key: "$or", Value: bson.A{
			bson.D{{Key: "until", Value: bson.D{{Key: "$lte", Value: norm(now)}}}},
			bson.D{{Key: "holder", Value: l.Holder}, {Key: "done", Value: false}},
		}}}
		set := bson.D{{Key: "$set", Value: bson.D{{Key: "holder", Value: want.Holder}, {Key: "value", Value: want.Value},
			{Key: "until", Value: want.Until}, {Key: "done", Value: want.Done}}}}
		res, err := s.leases().UpdateOne(ctx, filter, set)
		if err != nil {
			return nil, mapErr(err, "")
		}
		if res.MatchedCount == 1 {
			return want.lease(), nil
		}
		_, err = s.leases().InsertOne(ctx, want)
		if err == nil {
			return want.lease(), nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return nil, mapErr(err, "")
		}
		cur, err := s.GetLease(ctx, l.Key)
		if errors.Is(err, rooms.ErrNotFound) {
			continue // released meanwhile: try again
		}
		if err != nil {
			return nil, err
		}
		if cur.Live(now) && (cur.Holder != l.Holder || cur.Done) {
			return cur, nil
		}
		// ran out meanwhile: try again
	}
	return nil, errors.New("mongostore: lease " + l.Key + " changed hands three times in one call")
}

// GetLease implements rooms.Store.
func (s *Store) GetLease(ctx context.Context, key string) (*rooms.Lease, error) {
	var d leaseDoc
	if err := s.leases().FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&d); err != nil {
		return nil, mapErr(err, "")
	}
	return d.lease(), nil
}

// ReleaseLease implements rooms.Store.
func (s *Store) ReleaseLease(ctx context.Context, key, holder string) error {
	_, err := s.leases().DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "holder", Value: holder}})
	return mapErr(err, "")
}

// ListLeases implements rooms.Store.
func (s *Store) ListLeases(ctx context.Context, prefix string) ([]*rooms.Lease, error) {
	cur, err := s.leases().Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: prefix}, {Key: "$lt", Value: prefix + "\uffff"}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var docs []leaseDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "")
	}
	out := make([]*rooms.Lease, len(docs))
	for i := range docs {
		out[i] = docs[i].lease()
	}
	return out, nil
}

// DeleteLeasesBefore implements rooms.Store.
func (s *Store) DeleteLeasesBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.leases().DeleteMany(ctx, bson.D{{Key: "until", Value: bson.D{{Key: "$lt", Value: norm(t)}}}})
	if err != nil {
		return 0, mapErr(err, "")
	}
	return res.DeletedCount, nil
}
