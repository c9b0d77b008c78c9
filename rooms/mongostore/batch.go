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

// byIDs is a filter on _id in ids.
func byIDs[T ~string](ids []T) bson.D {
	in := make(bson.A, len(ids))
	for i, id := range ids {
		in[i] = string(id)
	}
	return bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: in}}}}
}

// findAll decodes every document of coll that filter matches.
func findAll[T any](ctx context.Context, coll *mongo.Collection, filter bson.D, opts ...options.Lister[options.FindOptions]) ([]T, error) {
	cur, err := coll.Find(ctx, filter, opts...)
	if err != nil {
		return nil, mapErr(err, "")
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, "")
	}
	return out, nil
}

// GetMembers implements rooms.Store.
func (s *Store) GetMembers(ctx context.Context, ids []rooms.MemberID) (map[rooms.MemberID]*rooms.Member, error) {
	out := make(map[rooms.MemberID]*rooms.Member, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	docs, err := findAll[memberDoc](ctx, s.members, byIDs(ids))
	for i := range docs {
		out[rooms.MemberID(docs[i].ID)] = docs[i].domain()
	}
	return out, err
}

// GetProfiles implements rooms.Store.
func (s *Store) GetProfiles(ctx context.Context, ids []rooms.MemberID) (map[rooms.MemberID]*rooms.Profile, error) {
	out := make(map[rooms.MemberID]*rooms.Profile, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	docs, err := findAll[*rooms.Profile](ctx, s.db.Collection("profiles"), byIDs(ids))
	for _, p := range docs {
		p.UpdatedAt = p.UpdatedAt.UTC()
		out[p.MemberID] = p
	}
	return out, err
}

// PhotoOwners implements rooms.Store.
func (s *Store) PhotoOwners(ctx context.Context, ids []rooms.MemberID) (map[rooms.MemberID]bool, error) {
	out := make(map[rooms.MemberID]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	docs, err := findAll[struct {
		ID string `bson:"_id"`
	}](ctx, s.db.Collection("photos"), byIDs(ids), options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	for _, d := range docs {
		out[rooms.MemberID(d.ID)] = true
	}
	return out, err
}

// CountSeats implements rooms.Store from the roundtables' documents.
func (s *Store) CountSeats(ctx context.Context, ids []rooms.RoundtableID) (map[rooms.RoundtableID]rooms.SeatCount, error) {
	out := make(map[rooms.RoundtableID]rooms.SeatCount, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	docs, err := findAll[struct {
		ID      rooms.RoundtableID `bson:"_id"`
		Seated  int                `bson:"seated"`
		Waiting int                `bson:"waiting"`
	}](ctx, s.roundtables(), byIDs(ids), options.Find().SetProjection(bson.D{{Key: "seated", Value: 1}, {Key: "waiting", Value: 1}}))
	for _, d := range docs {
		out[d.ID] = rooms.SeatCount{Seated: d.Seated, Waiting: d.Waiting}
	}
	return out, err
}

// ListStandings implements rooms.Store: the registrations index names
// her roundtables, their documents say where she stands.
func (s *Store) ListStandings(ctx context.Context, m rooms.MemberID) (map[rooms.RoundtableID]rooms.Standing, error) {
	idx, err := findAll[registrationIndexDoc](ctx, s.db.Collection("registrations"), bson.D{{Key: "member_id", Value: string(m)}})
	if err != nil || len(idx) == 0 {
		return map[rooms.RoundtableID]rooms.Standing{}, err
	}
	ids := make([]string, len(idx))
	for i, d := range idx {
		ids[i] = d.RoundtableID
	}
	docs, err := findAll[struct {
		ID   rooms.RoundtableID    `bson:"_id"`
		Regs []*rooms.Registration `bson:"regs"`
	}](ctx, s.roundtables(), byIDs(ids), options.Find().SetProjection(bson.D{{Key: "regs", Value: 1}}))
	out := make(map[rooms.RoundtableID]rooms.Standing, len(docs))
	for _, d := range docs {
		if v, ok := (&rooms.Seating{Regs: d.Regs}).StandingOf(m); ok {
			out[d.ID] = v // a stale index entry (registration never written) has none
		}
	}
	return out, err
}

// stampDoc holds ListStamp's token in the "meta" collection.
type stampDoc struct {
	ID    string `bson:"_id"`
	Token string `bson:"token"`
}

// ListStamp implements rooms.Store: a random token every write to what a
// roundtable list shows replaces after it is done (touched).
func (s *Store) ListStamp(ctx context.Context) (string, error) {
	var d stampDoc
	err := s.db.Collection("meta").FindOne(ctx, bson.D{{Key: "_id", Value: "list_stamp"}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	return d.Token, mapErr(err, "")
}

// touched gives the list stamp a new token after a write to what a
// roundtable list shows, failed or not (a failed write may have written
// part), and returns the write's err. A new random token, not a counter:
// a replaced value is always new, even where updates of one document get
// lost (FerretDB, storage.md). Without multi-document transactions the
// write and the token are two steps; should the second fail or the
// process die between them, the API's lists still expire within seconds.
func (s *Store) touched(ctx context.Context, err error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, _ = s.db.Collection("meta").UpdateOne(ctx, bson.D{{Key: "_id", Value: "list_stamp"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "token", Value: rooms.NewSecret()}}}}, options.UpdateOne().SetUpsert(true))
	return err
}
