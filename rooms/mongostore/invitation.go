package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

type claimDoc struct {
	Key       string    `bson:"_id"`
	ClaimedAt time.Time `bson:"claimed_at"`
	// Time claims name their consultation, the attempt that took them and
	// the consultation's version then (see UpdateConsultationTime).
	Owner        string `bson:"owner,omitempty"`
	Token        string `bson:"token,omitempty"`
	OwnerVersion int64  `bson:"owner_version,omitempty"`
}

// ClaimOnce implements rooms.Store: the _id index makes exactly one insert
// win, without transactions.
func (s *Store) ClaimOnce(ctx context.Context, key string, at time.Time) error {
	_, err := s.db.Collection("claims").InsertOne(ctx, claimDoc{Key: key, ClaimedAt: norm(at)})
	return mapErr(err, "key")
}

// DeleteMemberSessions implements rooms.Store.
func (s *Store) DeleteMemberSessions(ctx context.Context, id rooms.MemberID) error {
	_, err := s.sessions.DeleteMany(ctx, bson.D{{Key: "member_id", Value: string(id)}})
	return mapErr(err, "")
}

type invitationDoc struct {
	ID         string    `bson:"_id"`
	TokenHash  string    `bson:"token_hash"`
	Email      string    `bson:"email"`
	Role       string    `bson:"role"`
	CompanyID  string    `bson:"company_id"`
	InvitedBy  string    `bson:"invited_by"`
	CreatedAt  time.Time `bson:"created_at"`
	ExpiresAt  time.Time `bson:"expires_at"`
	AcceptedAt time.Time `bson:"accepted_at,omitempty"`
	AcceptedBy string    `bson:"accepted_by"`
	RevokedAt  time.Time `bson:"revoked_at,omitempty"`
}

func (d *invitationDoc) domain() *rooms.Invitation {
	iv := &rooms.Invitation{ID: rooms.InvitationID(d.ID), TokenHash: d.TokenHash, Email: d.Email, Role: rooms.Role(d.Role),
		CompanyID: rooms.CompanyID(d.CompanyID), InvitedBy: rooms.MemberID(d.InvitedBy), CreatedAt: d.CreatedAt.UTC(),
		ExpiresAt: d.ExpiresAt.UTC(), AcceptedBy: rooms.MemberID(d.AcceptedBy)}
	if !d.AcceptedAt.IsZero() {
		iv.AcceptedAt = d.AcceptedAt.UTC()
	}
	if !d.RevokedAt.IsZero() {
		iv.RevokedAt = d.RevokedAt.UTC()
	}
	return iv
}

// CreateInvitation implements rooms.Store.
func (s *Store) CreateInvitation(ctx context.Context, iv *rooms.Invitation) error {
	if iv.CreatedAt.IsZero() {
		iv.CreatedAt = now()
	}
	iv.CreatedAt, iv.ExpiresAt, iv.Email = norm(iv.CreatedAt), norm(iv.ExpiresAt), rooms.NormalizeEmail(iv.Email)
	_, err := s.db.Collection("invitations").InsertOne(ctx, invitationDoc{ID: string(iv.ID), TokenHash: iv.TokenHash,
		Email: iv.Email, Role: string(iv.Role), CompanyID: string(iv.CompanyID), InvitedBy: string(iv.InvitedBy),
		CreatedAt: iv.CreatedAt, ExpiresAt: iv.ExpiresAt})
	return mapErr(err, "id")
}

// GetInvitationByToken implements rooms.Store.
func (s *Store) GetInvitationByToken(ctx context.Context, hash string) (*rooms.Invitation, error) {
	var d invitationDoc
	if err := s.db.Collection("invitations").FindOne(ctx, bson.D{{Key: "token_hash", Value: hash}}).Decode(&d); err != nil {
		return nil, mapErr(err, "")
	}
	return d.domain(), nil
}

// ListInvitations implements rooms.Store.
func (s *Store) ListInvitations(ctx context.Context, company rooms.CompanyID) ([]*rooms.Invitation, error) {
	filter := bson.D{}
	if company != "" {
		filter = bson.D{{Key: "company_id", Value: string(company)}}
	}
	cur, err := s.db.Collection("invitations").Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var docs []invitationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "")
	}
	out := make([]*rooms.Invitation, len(docs))
	for i := range docs {
		out[i] = docs[i].domain()
	}
	return out, nil
}

// MarkInvitationAccepted implements rooms.Store.
func (s *Store) MarkInvitationAccepted(ctx context.Context, id rooms.InvitationID, by rooms.MemberID, at time.Time) error {
	res, err := s.db.Collection("invitations").UpdateOne(ctx, bson.D{{Key: "_id", Value: string(id)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "accepted_at", Value: norm(at)}, {Key: "accepted_by", Value: string(by)}}}})
	if err != nil {
		return mapErr(err, "")
	}
	if res.MatchedCount == 0 {
		return rooms.ErrNotFound
	}
	return nil
}

// GetInvitation implements rooms.Store.
func (s *Store) GetInvitation(ctx context.Context, id rooms.InvitationID) (*rooms.Invitation, error) {
	var d invitationDoc
	if err := s.db.Collection("invitations").FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}}).Decode(&d); err != nil {
		return nil, mapErr(err, "")
	}
	return d.domain(), nil
}

// MarkInvitationRevoked implements rooms.Store.
func (s *Store) MarkInvitationRevoked(ctx context.Context, id rooms.InvitationID, at time.Time) error {
	res, err := s.db.Collection("invitations").UpdateOne(ctx, bson.D{{Key: "_id", Value: string(id)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: norm(at)}}}})
	if err != nil {
		return mapErr(err, "")
	}
	if res.MatchedCount == 0 {
		return rooms.ErrNotFound
	}
	return nil
}

type resetDoc struct {
	TokenHash string    `bson:"_id"`
	MemberID  string    `bson:"member_id"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// CreatePasswordReset implements rooms.Store.
func (s *Store) CreatePasswordReset(ctx context.Context, r *rooms.PasswordReset) error {
	if r.CreatedAt.IsZero() {
		r.CreatedAt = now()
	}
	r.CreatedAt, r.ExpiresAt = norm(r.CreatedAt), norm(r.ExpiresAt)
	_, err := s.db.Collection("password_resets").InsertOne(ctx, resetDoc{TokenHash: r.TokenHash, MemberID: string(r.MemberID),
		CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt})
	return mapErr(err, "token")
}

// GetPasswordReset implements rooms.Store.
func (s *Store) GetPasswordReset(ctx context.Context, hash string) (*rooms.PasswordReset, error) {
	var d resetDoc
	if err := s.db.Collection("password_resets").FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&d); err != nil {
		return nil, mapErr(err, "")
	}
	return d.domain(), nil
}

func (d *resetDoc) domain() *rooms.PasswordReset {
	return &rooms.PasswordReset{TokenHash: d.TokenHash, MemberID: rooms.MemberID(d.MemberID),
		CreatedAt: d.CreatedAt.UTC(), ExpiresAt: d.ExpiresAt.UTC()}
}

// DeletePasswordResets implements rooms.Store.
func (s *Store) DeletePasswordResets(ctx context.Context, m rooms.MemberID) error {
	_, err := s.db.Collection("password_resets").DeleteMany(ctx, bson.D{{Key: "member_id", Value: string(m)}})
	return mapErr(err, "")
}
