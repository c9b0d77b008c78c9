package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

// CreateRoundtable implements rooms.Store.
func (s *Store) CreateRoundtable(ctx context.Context, r *rooms.Roundtable) error {
	if r.CreatedAt.IsZero() {
		r.CreatedAt = now()
	}
	r.CreatedAt, r.UpdatedAt, r.Version, r.Start = norm(r.CreatedAt), now(), 1, norm(r.Start)
	_, err := s.db.Collection("roundtables").InsertOne(ctx, r)
	return mapErr(err, "id")
}

func utcRoundtable(r *rooms.Roundtable) *rooms.Roundtable {
	r.Start, r.CreatedAt, r.UpdatedAt = r.Start.UTC(), r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r
}

// GetRoundtable implements rooms.Store.
func (s *Store) GetRoundtable(ctx context.Context, id rooms.RoundtableID) (*rooms.Roundtable, error) {
	var r rooms.Roundtable
	if err := s.db.Collection("roundtables").FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}}).Decode(&r); err != nil {
		return nil, mapErr(err, "")
	}
	return utcRoundtable(&r), nil
}

// UpdateRoundtable implements rooms.Store.
func (s *Store) UpdateRoundtable(ctx context.Context, r *rooms.Roundtable) error {
	updated := r.UpdatedAt
	r.UpdatedAt, r.Start = now(), norm(r.Start)
	if err := putDoc(ctx, s.db.Collection("roundtables"), string(r.ID), &r.Version, r); err != nil {
		r.UpdatedAt = updated
		return err
	}
	return nil
}

// ListRoundtables implements rooms.Store.
func (s *Store) ListRoundtables(ctx context.Context, from, to time.Time) ([]*rooms.Roundtable, error) {
	cur, err := s.db.Collection("roundtables").Find(ctx, bson.D{{Key: "start", Value: bson.D{{Key: "$gte", Value: from.UTC()}, {Key: "$lt", Value: to.UTC()}}}},
		options.Find().SetSort(bson.D{{Key: "start", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var out []*rooms.Roundtable
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, "")
	}
	for _, r := range out {
		utcRoundtable(r)
	}
	return out, nil
}

type registrationDoc struct {
	ID                 string `bson:"_id"` // roundtable:member
	rooms.Registration `bson:",inline"`
}

func registrationID(r rooms.RoundtableID, m rooms.MemberID) string {
	return string(r) + ":" + string(m)
}

// GetRegistration implements rooms.Store.
func (s *Store) GetRegistration(ctx context.Context, r rooms.RoundtableID, m rooms.MemberID) (*rooms.Registration, error) {
	var d registrationDoc
	if err := s.db.Collection("registrations").FindOne(ctx, bson.D{{Key: "_id", Value: registrationID(r, m)}}).Decode(&d); err != nil {
		return nil, mapErr(err, "")
	}
	return utcRegistration(&d.Registration), nil
}

func utcRegistration(r *rooms.Registration) *rooms.Registration {
	r.QueuedAt, r.CreatedAt, r.UpdatedAt = r.QueuedAt.UTC(), r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r
}

// PutRegistration implements rooms.Store.
func (s *Store) PutRegistration(ctx context.Context, reg *rooms.Registration) error {
	updated := reg.UpdatedAt
	reg.UpdatedAt, reg.QueuedAt = now(), norm(reg.QueuedAt)
	if reg.Version == 0 {
		reg.CreatedAt = reg.UpdatedAt
	}
	id := registrationID(reg.RoundtableID, reg.MemberID)
	d := &registrationDoc{ID: id}
	version := reg.Version
	d.Registration = *reg
	d.Registration.Version = version + 1
	if err := putDoc(ctx, s.db.Collection("registrations"), id, &version, d); err != nil {
		reg.UpdatedAt = updated
		return err
	}
	reg.Version = version
	return nil
}

func (s *Store) findRegistrations(ctx context.Context, filter bson.D) ([]*rooms.Registration, error) {
	cur, err := s.db.Collection("registrations").Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "queued_at", Value: 1}, {Key: "member_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var docs []registrationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "")
	}
	out := make([]*rooms.Registration, len(docs))
	for i := range docs {
		out[i] = utcRegistration(&docs[i].Registration)
	}
	return out, nil
}

// ListRegistrations implements rooms.Store.
func (s *Store) ListRegistrations(ctx context.Context, r rooms.RoundtableID) ([]*rooms.Registration, error) {
	return s.findRegistrations(ctx, bson.D{{Key: "roundtable_id", Value: string(r)}})
}

// ListMemberRegistrations implements rooms.Store.
func (s *Store) ListMemberRegistrations(ctx context.Context, m rooms.MemberID) ([]*rooms.Registration, error) {
	return s.findRegistrations(ctx, bson.D{{Key: "member_id", Value: string(m)}})
}
