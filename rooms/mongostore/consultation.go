package mongostore

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

// ReleaseClaim implements rooms.Store.
func (s *Store) ReleaseClaim(ctx context.Context, key string) error {
	_, err := s.db.Collection("claims").DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
	return mapErr(err, "")
}

func (s *Store) consultations() *mongo.Collection { return s.db.Collection("consultations") }

// CreateConsultation implements rooms.Store.
func (s *Store) CreateConsultation(ctx context.Context, c *rooms.Consultation) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now()
	}
	c.CreatedAt, c.UpdatedAt, c.Version = norm(c.CreatedAt), now(), 1
	_, err := s.consultations().InsertOne(ctx, c)
	return mapErr(err, "id")
}

// GetConsultation implements rooms.Store.
func (s *Store) GetConsultation(ctx context.Context, id rooms.ConsultationID) (*rooms.Consultation, error) {
	var c rooms.Consultation
	if err := s.consultations().FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}}).Decode(&c); err != nil {
		return nil, mapErr(err, "")
	}
	return utcConsultation(&c), nil
}

// utcConsultation puts decoded times in UTC, as the SQLite store returns them.
func utcConsultation(c *rooms.Consultation) *rooms.Consultation {
	c.CreatedAt, c.UpdatedAt, c.ExpiresAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC(), c.ExpiresAt.UTC()
	if !c.CancelledAt.IsZero() {
		c.CancelledAt = c.CancelledAt.UTC()
	}
	for i := range c.Proposed {
		c.Proposed[i].Start = c.Proposed[i].Start.UTC()
	}
	if c.Booked != nil {
		c.Booked.Start = c.Booked.Start.UTC()
	}
	if r := c.Reschedule; r != nil {
		r.ExpiresAt = r.ExpiresAt.UTC()
		for i := range r.Slots {
			r.Slots[i].Start = r.Slots[i].Start.UTC()
		}
	}
	return c
}

// UpdateConsultation implements rooms.Store.
func (s *Store) UpdateConsultation(ctx context.Context, c *rooms.Consultation) error {
	updated := c.UpdatedAt
	c.UpdatedAt = now()
	if err := putDoc(ctx, s.consultations(), string(c.ID), &c.Version, c); err != nil {
		c.UpdatedAt = updated
		return err
	}
	return nil
}

func (s *Store) findConsultations(ctx context.Context, filter bson.D, sort bson.D) ([]*rooms.Consultation, error) {
	cur, err := s.consultations().Find(ctx, filter, options.Find().SetSort(sort))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var out []*rooms.Consultation
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, "")
	}
	for _, c := range out {
		utcConsultation(c)
	}
	return out, nil
}

// ListMemberConsultations implements rooms.Store.
func (s *Store) ListMemberConsultations(ctx context.Context, m rooms.MemberID) ([]*rooms.Consultation, error) {
	return s.findConsultations(ctx, bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "requester_id", Value: string(m)}}, bson.D{{Key: "recipient_id", Value: string(m)}},
	}}}, bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: 1}})
}

// ListBookedBetween implements rooms.Store.
func (s *Store) ListBookedBetween(ctx context.Context, from, to time.Time) ([]*rooms.Consultation, error) {
	return s.findConsultations(ctx, bson.D{{Key: "status", Value: string(rooms.StatusBooked)},
		{Key: "booked.start", Value: bson.D{{Key: "$gte", Value: from.UTC()}, {Key: "$lt", Value: to.UTC()}}}},
		bson.D{{Key: "booked.start", Value: 1}, {Key: "_id", Value: 1}})
}

// ListConsultationsCreatedBetween implements rooms.Store.
func (s *Store) ListConsultationsCreatedBetween(ctx context.Context, from, to time.Time) ([]*rooms.Consultation, error) {
	return s.findConsultations(ctx, bson.D{{Key: "created_at", Value: bson.D{{Key: "$gte", Value: from.UTC()}, {Key: "$lt", Value: to.UTC()}}}},
		bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}})
}

type blockDoc struct {
	ID          string `bson:"_id"` // blocker:blocked, so a pair is stored once
	rooms.Block `bson:",inline"`
}

// CreateBlock implements rooms.Store.
func (s *Store) CreateBlock(ctx context.Context, b *rooms.Block) error {
	b.CreatedAt = now()
	_, err := s.db.Collection("blocks").InsertOne(ctx, blockDoc{ID: string(b.BlockerID) + ":" + string(b.BlockedID), Block: *b})
	return mapErr(err, "member_id")
}

// DeleteBlock implements rooms.Store.
func (s *Store) DeleteBlock(ctx context.Context, blocker, blocked rooms.MemberID) error {
	_, err := s.db.Collection("blocks").DeleteOne(ctx, bson.D{{Key: "_id", Value: string(blocker) + ":" + string(blocked)}})
	return mapErr(err, "")
}

// ListBlocks implements rooms.Store.
func (s *Store) ListBlocks(ctx context.Context, m rooms.MemberID) ([]*rooms.Block, error) {
	filter := bson.D{}
	if m != "" {
		filter = bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "blocker_id", Value: string(m)}}, bson.D{{Key: "blocked_id", Value: string(m)}}}}}
	}
	cur, err := s.db.Collection("blocks").Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var docs []blockDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "")
	}
	out := make([]*rooms.Block, len(docs))
	for i := range docs {
		docs[i].CreatedAt = docs[i].CreatedAt.UTC()
		out[i] = &docs[i].Block
	}
	return out, nil
}

type feedbackDoc struct {
	ID             string `bson:"_id"` // consultation:author, one entry each
	rooms.Feedback `bson:",inline"`
}

// CreateFeedback implements rooms.Store.
func (s *Store) CreateFeedback(ctx context.Context, f *rooms.Feedback) error {
	if f.CreatedAt.IsZero() {
		f.CreatedAt = now()
	}
	f.CreatedAt = norm(f.CreatedAt)
	_, err := s.db.Collection("feedback").InsertOne(ctx, feedbackDoc{ID: string(f.ConsultationID) + ":" + string(f.AuthorID), Feedback: *f})
	return mapErr(err, "consultation_id")
}

// ListFeedbackBetween implements rooms.Store.
func (s *Store) ListFeedbackBetween(ctx context.Context, from, to time.Time) ([]*rooms.Feedback, error) {
	return s.findFeedback(ctx, bson.D{{Key: "created_at", Value: bson.D{{Key: "$gte", Value: from.UTC()}, {Key: "$lt", Value: to.UTC()}}}})
}

// findFeedback returns the consultation feedback matching filter, oldest
// first.
func (s *Store) findFeedback(ctx context.Context, filter bson.D) ([]*rooms.Feedback, error) {
	cur, err := s.db.Collection("feedback").Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var docs []feedbackDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "")
	}
	out := make([]*rooms.Feedback, len(docs))
	for i := range docs {
		docs[i].CreatedAt = docs[i].CreatedAt.UTC()
		out[i] = &docs[i].Feedback
	}
	return out, nil
}

// HasFeedback implements rooms.Store: one _id lookup.
func (s *Store) HasFeedback(ctx context.Context, cs rooms.ConsultationID, author rooms.MemberID) (bool, error) {
	n, err := s.db.Collection("feedback").CountDocuments(ctx, bson.D{{Key: "_id", Value: string(cs) + ":" + string(author)}})
	return n > 0, mapErr(err, "")
}

type recommendationDoc struct {
	ID                   string `bson:"_id"`
	rooms.Recommendation `bson:",inline"`
}

// SaveRecommendation implements rooms.Store.
func (s *Store) SaveRecommendation(ctx context.Context, r *rooms.Recommendation) error {
	r.MadeAt = norm(r.MadeAt)
	_, err := s.db.Collection("recommendations").ReplaceOne(ctx, bson.D{{Key: "_id", Value: string(r.MemberID)}},
		recommendationDoc{ID: string(r.MemberID), Recommendation: *r}, options.Replace().SetUpsert(true))
	return mapErr(err, "")
}

// GetRecommendation implements rooms.Store.
func (s *Store) GetRecommendation(ctx context.Context, m rooms.MemberID) (*rooms.Recommendation, error) {
	var d recommendationDoc
	if err := s.db.Collection("recommendations").FindOne(ctx, bson.D{{Key: "_id", Value: string(m)}}).Decode(&d); err != nil {
		return nil, mapErr(err, "")
	}
	d.MadeAt = d.MadeAt.UTC()
	return &d.Recommendation, nil
}

// DeleteMemberData implements rooms.Store. Each collection is cleaned on
// its own (no multi-document transaction); a retry finishes a partial run.
func (s *Store) DeleteMemberData(ctx context.Context, id rooms.MemberID) error {
	for _, coll := range []string{"profiles", "availability", "photos", "recommendations"} {
		if _, err := s.db.Collection(coll).DeleteOne(ctx, bson.D{{Key: "_id", Value: string(id)}}); err != nil {
			return mapErr(err, "")
		}
	}
	if err := s.DeleteMemberSessions(ctx, id); err != nil {
		return err
	}
	if err := s.deletePushData(ctx, id); err != nil {
		return s.touched(ctx, err) // her profile and photo are gone already
	}
	return s.touched(ctx, s.dropFromRecommendations(ctx, id))
}

// dropFromRecommendations takes id out of every current batch, one batch
// at a time (a batch is one document).
func (s *Store) dropFromRecommendations(ctx context.Context, id rooms.MemberID) error {
	recs := s.db.Collection("recommendations")
	cur, err := recs.Find(ctx, bson.D{{Key: "candidates.member_id", Value: string(id)}})
	if err != nil {
		return mapErr(err, "")
	}
	var docs []recommendationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return mapErr(err, "")
	}
	for _, d := range docs {
		d.Candidates = slices.DeleteFunc(d.Candidates, func(c rooms.Candidate) bool { return c.MemberID == id })
		if _, err := recs.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "candidates", Value: d.Candidates}}}}); err != nil {
			return mapErr(err, "")
		}
	}
	return nil
}

// ListFeedbackBy implements rooms.Store.
func (s *Store) ListFeedbackBy(ctx context.Context, author rooms.MemberID) ([]*rooms.Feedback, error) {
	return s.findFeedback(ctx, bson.D{{Key: "author_id", Value: string(author)}})
}
