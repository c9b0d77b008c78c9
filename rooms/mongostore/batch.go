package mongostore

import (
	"context"

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

// ListSeats implements rooms.Store: the counts from the roundtables'
// documents, then the registrations of only those where m registered
// (the registrations index names them).
func (s *Store) ListSeats(ctx context.Context, ids []rooms.RoundtableID, m rooms.MemberID) (map[rooms.RoundtableID]rooms.Seats, error) {
	out := make(map[rooms.RoundtableID]rooms.Seats, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	counts, err := findAll[struct {
		ID      rooms.RoundtableID `bson:"_id"`
		Seated  int                `bson:"seated"`
		Waiting int                `bson:"waiting"`
	}](ctx, s.roundtables(), byIDs(ids), options.Find().SetProjection(bson.D{{Key: "seated", Value: 1}, {Key: "waiting", Value: 1}}))
	if err != nil {
		return nil, err
	}
	for _, c := range counts {
		out[c.ID] = rooms.Seats{Seated: c.Seated, Waiting: c.Waiting}
	}
	idx, err := findAll[registrationIndexDoc](ctx, s.db.Collection("registrations"), bson.D{{Key: "member_id", Value: string(m)}})
	if err != nil {
		return nil, err
	}
	var mine []rooms.RoundtableID
	for _, d := range idx {
		if _, ok := out[rooms.RoundtableID(d.RoundtableID)]; ok {
			mine = append(mine, rooms.RoundtableID(d.RoundtableID))
		}
	}
	if len(mine) == 0 {
		return out, nil
	}
	docs, err := findAll[struct {
		ID   rooms.RoundtableID    `bson:"_id"`
		Regs []*rooms.Registration `bson:"regs"`
	}](ctx, s.roundtables(), byIDs(mine), options.Find().SetProjection(bson.D{{Key: "regs", Value: 1}}))
	for _, d := range docs {
		v := (&rooms.Seating{Regs: d.Regs}).For(m)
		out[d.ID] = v // the counts of the same read as her place
	}
	return out, err
}
