package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

type companyDoc struct {
	ID        string    `bson:"_id"`
	Name      string    `bson:"name"`
	Status    string    `bson:"status"`
	CreatedAt time.Time `bson:"created_at"`
	UpdatedAt time.Time `bson:"updated_at"`
	Version   int64     `bson:"version"`
}

func (d *companyDoc) domain() *rooms.Company {
	return &rooms.Company{ID: rooms.CompanyID(d.ID), Name: d.Name, Status: rooms.CompanyStatus(d.Status),
		CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), Version: d.Version}
}

// CreateCompany implements rooms.Store.
func (s *Store) CreateCompany(ctx context.Context, c *rooms.Company) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now()
	}
	c.CreatedAt, c.UpdatedAt, c.Version = norm(c.CreatedAt), now(), 1
	_, err := s.companies.InsertOne(ctx, companyDoc{ID: string(c.ID), Name: c.Name, Status: string(c.Status),
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Version: c.Version})
	return mapErr(err, "id")
}

// GetCompany implements rooms.Store.
func (s *Store) GetCompany(ctx context.Context, id rooms.CompanyID) (*rooms.Company, error) {
	var d companyDoc
	if err := s.companies.FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}}).Decode(&d); err != nil {
		return nil, mapErr(err, "")
	}
	return d.domain(), nil
}

// ListCompanies implements rooms.Store.
func (s *Store) ListCompanies(ctx context.Context) ([]*rooms.Company, error) {
	cur, err := s.companies.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var docs []companyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "")
	}
	out := make([]*rooms.Company, len(docs))
	for i := range docs {
		out[i] = docs[i].domain()
	}
	return out, nil
}

// UpdateCompany implements rooms.Store.
func (s *Store) UpdateCompany(ctx context.Context, c *rooms.Company) error {
	updated := now()
	err := updateVersioned(ctx, s.companies, string(c.ID), c.Version, bson.D{
		{Key: "name", Value: c.Name}, {Key: "status", Value: string(c.Status)}, {Key: "updated_at", Value: updated},
	}, "")
	if err != nil {
		return err
	}
	c.UpdatedAt = updated
	c.Version++
	return nil
}
