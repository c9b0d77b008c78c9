package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

func (s *Store) claims() *mongo.Collection { return s.db.Collection("claims") }

// UpdateConsultationTime implements rooms.Store without a transaction:
// claims first (tagged with c and this attempt), then the consultation
// (compare-and-set), then the freed claims. A crash after the claims
// leaves claims that c does not hold; a crash after the consultation
// leaves the old claims of a consultation that no longer holds them.
// Either way rooms.RepairTimeClaims frees them, and no time is ever held
// by two bookings. A failure to free is left to it too: c is written.
func (s *Store) UpdateConsultationTime(ctx context.Context, c *rooms.Consultation, take, free []string) error {
	token, old, at := rooms.NewSecret(), c.Version, now()
	for _, k := range take {
		_, err := s.claims().InsertOne(ctx, claimDoc{Key: k, ClaimedAt: at, Owner: string(c.ID), Token: token, OwnerVersion: old})
		if err != nil {
			s.dropAttempt(ctx, token)
			return mapErr(err, "slot")
		}
	}
	if err := s.UpdateConsultation(ctx, c); err != nil {
		s.dropAttempt(ctx, token)
		return err
	}
	for _, k := range free {
		// Only claims c took before this write (or untagged ones of older
		// versions): never one taken again since.
		_, _ = s.claims().DeleteOne(ctx, bson.D{{Key: "_id", Value: k}, {Key: "$or", Value: bson.A{
			bson.D{{Key: "owner", Value: string(c.ID)}, {Key: "owner_version", Value: bson.D{{Key: "$lt", Value: old}}}},
			bson.D{{Key: "owner", Value: bson.D{{Key: "$exists", Value: false}}}},
		}}})
	}
	return nil
}

// dropAttempt frees the claims of a failed attempt; what a failure here
// leaves, RepairTimeClaims frees.
func (s *Store) dropAttempt(ctx context.Context, token string) {
	_, _ = s.claims().DeleteMany(context.WithoutCancel(ctx), bson.D{{Key: "token", Value: token}})
}

// ListClaims implements rooms.Store.
func (s *Store) ListClaims(ctx context.Context, prefix string, before time.Time) ([]*rooms.Claim, error) {
	cur, err := s.claims().Find(ctx, bson.D{
		{Key: "_id", Value: bson.D{{Key: "$gte", Value: prefix}, {Key: "$lt", Value: prefix + "\uffff"}}},
		{Key: "claimed_at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}},
	}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var docs []claimDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "")
	}
	out := make([]*rooms.Claim, len(docs))
	for i, d := range docs {
		out[i] = &rooms.Claim{Key: d.Key, At: d.ClaimedAt.UTC(), Owner: rooms.ConsultationID(d.Owner), Token: d.Token}
	}
	return out, nil
}

// ReleaseClaimIf implements rooms.Store.
func (s *Store) ReleaseClaimIf(ctx context.Context, c *rooms.Claim) error {
	filter := bson.D{{Key: "_id", Value: c.Key}, {Key: "token", Value: c.Token}}
	if c.Token == "" {
		filter = bson.D{{Key: "_id", Value: c.Key}, {Key: "token", Value: bson.D{{Key: "$exists", Value: false}}}, {Key: "claimed_at", Value: norm(c.At)}}
	}
	_, err := s.claims().DeleteOne(ctx, filter)
	return mapErr(err, "")
}
