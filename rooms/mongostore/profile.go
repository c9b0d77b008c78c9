package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

// putDoc inserts (version 0) or compare-and-sets (version n) a document
// whose _id is id; on success *version is the new version. doc must
// marshal with its version field, which is set before the write.
func putDoc(ctx context.Context, coll *mongo.Collection, id string, version *int64, doc any) error {
	old := *version
	*version = old + 1
	var err error
	if old == 0 {
		_, err = coll.InsertOne(ctx, doc)
	} else {
		var res *mongo.UpdateResult
		res, err = coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: old}}, doc)
		if err == nil && res.MatchedCount == 0 {
			n, cerr := coll.CountDocuments(ctx, bson.D{{Key: "_id", Value: id}})
			err = &rooms.ConflictError{}
			if cerr == nil && n == 0 {
				err = rooms.ErrNotFound
			}
		}
	}
	if err != nil {
		*version = old
		return mapErr(err, "")
	}
	return nil
}

// GetProfile implements rooms.Store.
func (s *Store) GetProfile(ctx context.Context, id rooms.MemberID) (*rooms.Profile, error) {
	var p rooms.Profile
	if err := s.db.Collection("profiles").FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}}).Decode(&p); err != nil {
		return nil, mapErr(err, "")
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	return &p, nil
}

// PutProfile implements rooms.Store.
func (s *Store) PutProfile(ctx context.Context, p *rooms.Profile) error {
	p.UpdatedAt = now()
	return s.touched(ctx, putDoc(ctx, s.db.Collection("profiles"), string(p.MemberID), &p.Version, p))
}

// ListProfiles implements rooms.Store.
func (s *Store) ListProfiles(ctx context.Context) ([]*rooms.Profile, error) {
	cur, err := s.db.Collection("profiles").Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var out []*rooms.Profile
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, "")
	}
	for _, p := range out {
		p.UpdatedAt = p.UpdatedAt.UTC()
	}
	return out, nil
}

// GetAvailability implements rooms.Store.
func (s *Store) GetAvailability(ctx context.Context, id rooms.MemberID) (*rooms.Availability, error) {
	var a rooms.Availability
	if err := s.db.Collection("availability").FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}}).Decode(&a); err != nil {
		return nil, mapErr(err, "")
	}
	a.UpdatedAt = a.UpdatedAt.UTC()
	return &a, nil
}

// PutAvailability implements rooms.Store.
func (s *Store) PutAvailability(ctx context.Context, a *rooms.Availability) error {
	a.UpdatedAt = now()
	return putDoc(ctx, s.db.Collection("availability"), string(a.MemberID), &a.Version, a)
}

type photoDoc struct {
	ID        string    `bson:"_id"`
	Data      []byte    `bson:"data"`
	UpdatedAt time.Time `bson:"updated_at"`
}

// PutPhoto implements rooms.Store.
func (s *Store) PutPhoto(ctx context.Context, id rooms.MemberID, jpeg []byte) error {
	_, err := s.db.Collection("photos").ReplaceOne(ctx, bson.D{{Key: "_id", Value: string(id)}},
		photoDoc{ID: string(id), Data: jpeg, UpdatedAt: now()}, options.Replace().SetUpsert(true))
	return s.touched(ctx, mapErr(err, ""))
}

// GetPhoto implements rooms.Store.
func (s *Store) GetPhoto(ctx context.Context, id rooms.MemberID) ([]byte, error) {
	var d photoDoc
	if err := s.db.Collection("photos").FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}}).Decode(&d); err != nil {
		return nil, mapErr(err, "")
	}
	return d.Data, nil
}
