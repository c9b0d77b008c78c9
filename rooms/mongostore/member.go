package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

type memberDoc struct {
	ID           string    `bson:"_id"`
	CompanyID    string    `bson:"company_id"`
	Email        string    `bson:"email"`
	DisplayName  string    `bson:"display_name"`
	Role         string    `bson:"role"`
	Moderator    bool      `bson:"moderator"`
	Locale       string    `bson:"locale"`
	TimeZone     string    `bson:"time_zone"`
	PasswordHash string    `bson:"password_hash"`
	CreatedAt    time.Time `bson:"created_at"`
	UpdatedAt    time.Time `bson:"updated_at"`
	Version      int64     `bson:"version"`
}

func (d *memberDoc) domain() *rooms.Member {
	return &rooms.Member{ID: rooms.MemberID(d.ID), CompanyID: rooms.CompanyID(d.CompanyID), Email: d.Email,
		DisplayName: d.DisplayName, Role: rooms.Role(d.Role), Moderator: d.Moderator, Locale: d.Locale,
		TimeZone: d.TimeZone, PasswordHash: d.PasswordHash, CreatedAt: d.CreatedAt.UTC(),
		UpdatedAt: d.UpdatedAt.UTC(), Version: d.Version}
}

// CreateMember implements rooms.Store.
func (s *Store) CreateMember(ctx context.Context, m *rooms.Member) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now()
	}
	m.CreatedAt, m.UpdatedAt, m.Version = norm(m.CreatedAt), now(), 1
	m.Email = rooms.NormalizeEmail(m.Email)
	_, err := s.members.InsertOne(ctx, memberDoc{ID: string(m.ID), CompanyID: string(m.CompanyID), Email: m.Email,
		DisplayName: m.DisplayName, Role: string(m.Role), Moderator: m.Moderator, Locale: m.Locale,
		TimeZone: m.TimeZone, PasswordHash: m.PasswordHash, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
		Version: m.Version})
	return s.touched(ctx, mapErr(err, "email"))
}

func (s *Store) findMember(ctx context.Context, filter bson.D) (*rooms.Member, error) {
	var d memberDoc
	if err := s.members.FindOne(ctx, filter).Decode(&d); err != nil {
		return nil, mapErr(err, "")
	}
	return d.domain(), nil
}

// GetMember implements rooms.Store.
func (s *Store) GetMember(ctx context.Context, id rooms.MemberID) (*rooms.Member, error) {
	return s.findMember(ctx, bson.D{{Key: "_id", Value: string(id)}})
}

// GetMemberByEmail implements rooms.Store.
func (s *Store) GetMemberByEmail(ctx context.Context, email string) (*rooms.Member, error) {
	return s.findMember(ctx, bson.D{{Key: "email", Value: rooms.NormalizeEmail(email)}})
}

// ListMembersByCompany implements rooms.Store.
func (s *Store) ListMembersByCompany(ctx context.Context, id rooms.CompanyID) ([]*rooms.Member, error) {
	cur, err := s.members.Find(ctx, bson.D{{Key: "company_id", Value: string(id)}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var docs []memberDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "")
	}
	out := make([]*rooms.Member, len(docs))
	for i := range docs {
		out[i] = docs[i].domain()
	}
	return out, nil
}

// CountMembers implements rooms.Store.
func (s *Store) CountMembers(ctx context.Context) (int64, error) {
	n, err := s.members.CountDocuments(ctx, bson.D{})
	return n, mapErr(err, "")
}

// UpdateMember implements rooms.Store.
func (s *Store) UpdateMember(ctx context.Context, m *rooms.Member) error {
	updated := now()
	m.Email = rooms.NormalizeEmail(m.Email)
	// The unique index is the guard; this look-up only words the common case
	// as a conflict, since FerretDB reports a duplicate raised by an update
	// as an internal error.
	taken, err := s.members.CountDocuments(ctx, bson.D{{Key: "email", Value: m.Email}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: string(m.ID)}}}})
	if err != nil {
		return mapErr(err, "")
	}
	if taken > 0 {
		return &rooms.ConflictError{Field: "email"}
	}
	err = updateVersioned(ctx, s.members, string(m.ID), m.Version, bson.D{
		{Key: "company_id", Value: string(m.CompanyID)}, {Key: "email", Value: m.Email},
		{Key: "display_name", Value: m.DisplayName}, {Key: "role", Value: string(m.Role)},
		{Key: "moderator", Value: m.Moderator}, {Key: "locale", Value: m.Locale},
		{Key: "time_zone", Value: m.TimeZone}, {Key: "password_hash", Value: m.PasswordHash},
		{Key: "updated_at", Value: updated},
	}, "email")
	if err != nil {
		return err
	}
	m.UpdatedAt = updated
	m.Version++
	return s.touched(ctx, nil)
}
