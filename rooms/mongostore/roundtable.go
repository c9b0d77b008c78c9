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

// roundtableDoc is a roundtable with its seats: every registration lives
// in its roundtable's document, so one update changes seats and
// registrations together (MongoDB updates one document atomically; the
// code needs no multi-document transaction). SeatsVersion is the
// compare-and-set of seat changes, apart from Version, which organisers'
// edits and calendar sequences use.
// Seated and Waiting are the counts of Regs, written with them, so that
// lists read no registrations (ListSeats).
type roundtableDoc struct {
	rooms.Roundtable `bson:",inline"`
	SeatsVersion     int64                 `bson:"seats_version"`
	Regs             []*rooms.Registration `bson:"regs"`
	Seated           int                   `bson:"seated"`
	Waiting          int                   `bson:"waiting"`
}

// withoutSeats keeps roundtable reads light.
var withoutSeats = bson.D{{Key: "regs", Value: 0}, {Key: "seats_version", Value: 0}, {Key: "seated", Value: 0}, {Key: "waiting", Value: 0}}

func (s *Store) roundtables() *mongo.Collection { return s.db.Collection("roundtables") }

// CreateRoundtable implements rooms.Store.
func (s *Store) CreateRoundtable(ctx context.Context, r *rooms.Roundtable) error {
	if r.CreatedAt.IsZero() {
		r.CreatedAt = now()
	}
	r.CreatedAt, r.UpdatedAt, r.Version, r.Start = norm(r.CreatedAt), now(), 1, norm(r.Start)
	_, err := s.roundtables().InsertOne(ctx, roundtableDoc{Roundtable: *r, Regs: []*rooms.Registration{}})
	return s.touched(ctx, mapErr(err, "id"))
}

func utcRoundtable(r *rooms.Roundtable) *rooms.Roundtable {
	r.Start, r.CreatedAt, r.UpdatedAt = r.Start.UTC(), r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r
}

// GetRoundtable implements rooms.Store.
func (s *Store) GetRoundtable(ctx context.Context, id rooms.RoundtableID) (*rooms.Roundtable, error) {
	var r rooms.Roundtable
	err := s.roundtables().FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}}, options.FindOne().SetProjection(withoutSeats)).Decode(&r)
	if err != nil {
		return nil, mapErr(err, "")
	}
	return utcRoundtable(&r), nil
}

// UpdateRoundtable implements rooms.Store: it sets the organisers' fields
// and, when the capacity changes, the seats it gives, compare-and-setting
// both versions so that the capacity is applied to the seats it is
// written beside.
func (s *Store) UpdateRoundtable(ctx context.Context, r *rooms.Roundtable) ([]*rooms.Registration, error) {
	updated := r.UpdatedAt
	r.UpdatedAt, r.Start = now(), norm(r.Start)
	promoted, err := s.updateRoundtable(ctx, r)
	err = s.touched(ctx, err)
	if err != nil {
		r.UpdatedAt = updated
		return nil, err
	}
	r.Version++
	return promoted, nil
}

func (s *Store) updateRoundtable(ctx context.Context, r *rooms.Roundtable) ([]*rooms.Registration, error) {
	set, err := setFields(r, "_id", "version")
	if err != nil {
		return nil, err
	}
	for range maxSeatAttempts {
		d, err := s.loadSeats(ctx, r.ID)
		switch {
		case err != nil:
			return nil, err
		case d.Version != r.Version:
			return nil, &rooms.ConflictError{}
		}
		st := rooms.Seating{Capacity: d.Capacity, Regs: d.Regs}
		promoted, err := st.SetCapacity(r.Capacity)
		if err != nil {
			return nil, err
		}
		fields := set
		if len(promoted) > 0 {
			stampRegistrations(promoted)
			fields = append(slices.Clone(set), seatsSet(&st)...)
		}
		res, err := s.roundtables().UpdateOne(ctx, bson.D{{Key: "_id", Value: string(r.ID)}, {Key: "version", Value: r.Version}, {Key: "seats_version", Value: d.SeatsVersion}},
			bson.D{{Key: "$set", Value: fields}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}, {Key: "seats_version", Value: 1}}}})
		if err != nil {
			return nil, mapErr(err, "")
		}
		if res.MatchedCount == 1 {
			return promoted, nil
		}
	}
	return nil, &rooms.ConflictError{}
}

// setFields is v as a $set document without the fields named in skip.
func setFields(v any, skip ...string) (bson.D, error) {
	raw, err := bson.Marshal(v)
	if err != nil {
		return nil, err
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(d, func(e bson.E) bool { return slices.Contains(skip, e.Key) }), nil
}

// ListRoundtables implements rooms.Store.
func (s *Store) ListRoundtables(ctx context.Context, from, to time.Time) ([]*rooms.Roundtable, error) {
	cur, err := s.roundtables().Find(ctx, bson.D{{Key: "start", Value: bson.D{{Key: "$gte", Value: from.UTC()}, {Key: "$lt", Value: to.UTC()}}}},
		options.Find().SetSort(bson.D{{Key: "start", Value: 1}, {Key: "_id", Value: 1}}).SetProjection(withoutSeats))
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
