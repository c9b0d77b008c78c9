package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

// voteDoc is one member's vote for a question; its _id (question:member)
// keeps it one each on every MongoDB-wire server.
type voteDoc struct {
	ID           string             `bson:"_id"`
	QuestionID   rooms.QuestionID   `bson:"question_id"`
	MemberID     rooms.MemberID     `bson:"member_id"`
	RoundtableID rooms.RoundtableID `bson:"roundtable_id"`
	At           time.Time          `bson:"at"`
}

// ballotDoc is one member's ballot, keyed poll:member for the same reason.
type ballotDoc struct {
	ID           string `bson:"_id"`
	rooms.Ballot `bson:",inline"`
}

// CreateQuestion implements rooms.Store.
func (s *Store) CreateQuestion(ctx context.Context, q *rooms.Question) error {
	q.CreatedAt, q.UpdatedAt, q.Voters = now(), now(), nil
	_, err := s.db.Collection("questions").InsertOne(ctx, q)
	return mapErr(err, "id")
}

// GetQuestion implements rooms.Store.
func (s *Store) GetQuestion(ctx context.Context, id rooms.QuestionID) (*rooms.Question, error) {
	var q rooms.Question
	if err := s.db.Collection("questions").FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}}).Decode(&q); err != nil {
		return nil, mapErr(err, "")
	}
	q.CreatedAt, q.UpdatedAt = q.CreatedAt.UTC(), q.UpdatedAt.UTC()
	voters, err := s.voters(ctx, bson.D{{Key: "question_id", Value: string(id)}})
	q.Voters = voters[q.ID]
	return &q, err
}

// ListQuestions implements rooms.Store.
func (s *Store) ListQuestions(ctx context.Context, r rooms.RoundtableID) ([]*rooms.Question, error) {
	list, err := s.findQuestions(ctx, bson.D{{Key: "roundtable_id", Value: string(r)}})
	if err != nil {
		return nil, err
	}
	voters, err := s.voters(ctx, bson.D{{Key: "roundtable_id", Value: string(r)}})
	for _, q := range list {
		q.Voters = voters[q.ID]
	}
	return list, err
}

// ListQuestionsBy implements rooms.Store.
func (s *Store) ListQuestionsBy(ctx context.Context, author rooms.MemberID) ([]*rooms.Question, error) {
	return s.findQuestions(ctx, bson.D{{Key: "author_id", Value: string(author)}})
}

// findQuestions returns the questions matching filter, oldest first.
func (s *Store) findQuestions(ctx context.Context, filter bson.D) ([]*rooms.Question, error) {
	cur, err := s.db.Collection("questions").Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var list []*rooms.Question
	if err := cur.All(ctx, &list); err != nil {
		return nil, mapErr(err, "")
	}
	for _, q := range list {
		q.CreatedAt, q.UpdatedAt = q.CreatedAt.UTC(), q.UpdatedAt.UTC()
	}
	return list, nil
}

// voters reads the votes matching filter into voters per question.
func (s *Store) voters(ctx context.Context, filter bson.D) (map[rooms.QuestionID][]rooms.MemberID, error) {
	cur, err := s.db.Collection("question_votes").Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "at", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var docs []voteDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "")
	}
	out := map[rooms.QuestionID][]rooms.MemberID{}
	for _, d := range docs {
		out[d.QuestionID] = append(out[d.QuestionID], d.MemberID)
	}
	return out, nil
}

// SetQuestionState implements rooms.Store.
func (s *Store) SetQuestionState(ctx context.Context, id rooms.QuestionID, st rooms.QuestionState) error {
	res, err := s.db.Collection("questions").UpdateOne(ctx, bson.D{{Key: "_id", Value: string(id)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: string(st)}, {Key: "updated_at", Value: now()}}}})
	if err != nil {
		return mapErr(err, "")
	}
	if res.MatchedCount == 0 {
		return rooms.ErrNotFound
	}
	return nil
}

// VoteQuestion implements rooms.Store.
func (s *Store) VoteQuestion(ctx context.Context, id rooms.QuestionID, m rooms.MemberID, up bool) error {
	var q rooms.Question
	if err := s.db.Collection("questions").FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}}).Decode(&q); err != nil {
		return mapErr(err, "")
	}
	key := (&rooms.QuestionVote{QuestionID: id, MemberID: m}).RecordKey()
	if !up {
		_, err := s.db.Collection("question_votes").DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
		return mapErr(err, "")
	}
	_, err := s.db.Collection("question_votes").InsertOne(ctx, voteDoc{ID: key, QuestionID: id, MemberID: m, RoundtableID: q.RoundtableID, At: now()})
	return mapErr(err, "vote")
}

// CreatePoll implements rooms.Store.
func (s *Store) CreatePoll(ctx context.Context, p *rooms.Poll) error {
	p.CreatedAt = now()
	_, err := s.db.Collection("polls").InsertOne(ctx, p)
	return mapErr(err, "id")
}

// GetPoll implements rooms.Store.
func (s *Store) GetPoll(ctx context.Context, id rooms.PollID) (*rooms.Poll, error) {
	var p rooms.Poll
	if err := s.db.Collection("polls").FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}}).Decode(&p); err != nil {
		return nil, mapErr(err, "")
	}
	p.CreatedAt, p.ClosedAt = p.CreatedAt.UTC(), p.ClosedAt.UTC()
	return &p, nil
}

// ListPolls implements rooms.Store.
func (s *Store) ListPolls(ctx context.Context, r rooms.RoundtableID, from, to time.Time) ([]*rooms.Poll, error) {
	filter := bson.D{{Key: "created_at", Value: bson.D{{Key: "$gte", Value: from.UTC()}, {Key: "$lt", Value: to.UTC()}}}}
	if r != "" {
		filter = append(bson.D{{Key: "roundtable_id", Value: string(r)}}, filter...)
	}
	cur, err := s.db.Collection("polls").Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var list []*rooms.Poll
	if err := cur.All(ctx, &list); err != nil {
		return nil, mapErr(err, "")
	}
	for _, p := range list {
		p.CreatedAt, p.ClosedAt = p.CreatedAt.UTC(), p.ClosedAt.UTC()
	}
	return list, nil
}

// ClosePoll implements rooms.Store.
func (s *Store) ClosePoll(ctx context.Context, id rooms.PollID, at time.Time) error {
	_, err := s.db.Collection("polls").UpdateOne(ctx, bson.D{{Key: "_id", Value: string(id)}, {Key: "closed", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "closed", Value: true}, {Key: "closed_at", Value: norm(at)}}}})
	if err != nil {
		return mapErr(err, "")
	}
	_, err = s.GetPoll(ctx, id) // closed now or before, or missing
	return err
}

// CastBallot implements rooms.Store.
func (s *Store) CastBallot(ctx context.Context, b *rooms.Ballot) error {
	b.CreatedAt = now()
	_, err := s.db.Collection("ballots").InsertOne(ctx, ballotDoc{ID: b.RecordKey(), Ballot: *b})
	return mapErr(err, "ballot")
}

// ListBallots implements rooms.Store.
func (s *Store) ListBallots(ctx context.Context, p rooms.PollID) ([]*rooms.Ballot, error) {
	cur, err := s.db.Collection("ballots").Find(ctx, bson.D{{Key: "poll_id", Value: string(p)}})
	if err != nil {
		return nil, mapErr(err, "")
	}
	var docs []ballotDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "")
	}
	out := make([]*rooms.Ballot, len(docs))
	for i := range docs {
		docs[i].CreatedAt = docs[i].CreatedAt.UTC()
		out[i] = &docs[i].Ballot
	}
	return out, nil
}
