package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/zadankai/zadankai/rooms"
)

type sessionDoc struct {
	ID        string    `bson:"_id"`
	MemberID  string    `bson:"member_id"`
	CSRFToken string    `bson:"csrf_token"`
	UserAgent string    `bson:"user_agent"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// CreateSession implements rooms.Store.
func (s *Store) CreateSession(ctx context.Context, se *rooms.Session) error {
	if se.CreatedAt.IsZero() {
		se.CreatedAt = now()
	}
	se.CreatedAt, se.ExpiresAt = norm(se.CreatedAt), norm(se.ExpiresAt)
	_, err := s.sessions.InsertOne(ctx, sessionDoc{ID: string(se.ID), MemberID: string(se.MemberID),
		CSRFToken: se.CSRFToken, UserAgent: se.UserAgent, CreatedAt: se.CreatedAt, ExpiresAt: se.ExpiresAt})
	return mapErr(err, "id")
}

// GetSession implements rooms.Store.
func (s *Store) GetSession(ctx context.Context, id rooms.SessionID) (*rooms.Session, error) {
	var d sessionDoc
	if err := s.sessions.FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}}).Decode(&d); err != nil {
		return nil, mapErr(err, "")
	}
	return d.domain(), nil
}

func (d *sessionDoc) domain() *rooms.Session {
	return &rooms.Session{ID: rooms.SessionID(d.ID), MemberID: rooms.MemberID(d.MemberID), CSRFToken: d.CSRFToken,
		UserAgent: d.UserAgent, CreatedAt: d.CreatedAt.UTC(), ExpiresAt: d.ExpiresAt.UTC()}
}

// DeleteSession implements rooms.Store.
func (s *Store) DeleteSession(ctx context.Context, id rooms.SessionID) error {
	_, err := s.sessions.DeleteOne(ctx, bson.D{{Key: "_id", Value: string(id)}})
	return mapErr(err, "")
}

// DeleteExpiredSessions implements rooms.Store. Expiry is a field plus this
// periodic clean-up rather than a TTL index, which FerretDB lacks.
func (s *Store) DeleteExpiredSessions(ctx context.Context, at time.Time) (int64, error) {
	res, err := s.sessions.DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lte", Value: at.UTC()}}}})
	if err != nil {
		return 0, mapErr(err, "")
	}
	return res.DeletedCount, nil
}
