package mongostore

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

// maxSeatAttempts bounds the compare-and-set retries of one seat change
// under contention; each retry means another change succeeded.
const maxSeatAttempts = 100

// seatsDoc is what a seat change reads of a roundtable.
type seatsDoc struct {
	Version      int64                 `bson:"version"`
	Capacity     int                   `bson:"capacity"`
	SeatsVersion int64                 `bson:"seats_version"`
	Regs         []*rooms.Registration `bson:"regs"`
}

func (s *Store) loadSeats(ctx context.Context, id rooms.RoundtableID) (*seatsDoc, error) {
	var d seatsDoc
	err := s.roundtables().FindOne(ctx, bson.D{{Key: "_id", Value: string(id)}},
		options.FindOne().SetProjection(bson.D{{Key: "version", Value: 1}, {Key: "capacity", Value: 1}, {Key: "seats_version", Value: 1}, {Key: "regs", Value: 1}})).Decode(&d)
	if err != nil {
		return nil, mapErr(err, "")
	}
	for _, r := range d.Regs {
		utcRegistration(r)
	}
	return &d, nil
}

// changeSeats applies fn to r's seating and writes the registrations back
// with one compare-and-set of the roundtable's document, retrying when
// another change came first. fn runs again on each retry.
func (s *Store) changeSeats(ctx context.Context, r rooms.RoundtableID, fn func(st *rooms.Seating) ([]*rooms.Registration, error)) error {
	for range maxSeatAttempts {
		d, err := s.loadSeats(ctx, r)
		if err != nil {
			return err
		}
		st := &rooms.Seating{Capacity: d.Capacity, Regs: d.Regs}
		changed, err := fn(st)
		if err != nil || len(changed) == 0 {
			return err
		}
		stampRegistrations(changed)
		res, err := s.roundtables().UpdateOne(ctx, bson.D{{Key: "_id", Value: string(r)}, {Key: "seats_version", Value: d.SeatsVersion}},
			bson.D{{Key: "$set", Value: seatsSet(st)}, {Key: "$inc", Value: bson.D{{Key: "seats_version", Value: 1}}}})
		if err != nil {
			return mapErr(err, "")
		}
		if res.MatchedCount == 1 {
			return s.touched(ctx, nil)
		}
	}
	return &rooms.ConflictError{}
}

// seatsSet writes st's registrations and their counts together.
func seatsSet(st *rooms.Seating) bson.D {
	seated, waiting := st.Counts()
	return bson.D{{Key: "regs", Value: st.Regs}, {Key: "seated", Value: seated}, {Key: "waiting", Value: waiting}}
}

// stampRegistrations marks registrations about to be written: the next
// version, the time of the change and times as the store keeps them.
func stampRegistrations(changed []*rooms.Registration) {
	at := now()
	for _, reg := range changed {
		reg.Version, reg.UpdatedAt, reg.QueuedAt = reg.Version+1, at, norm(reg.QueuedAt)
		if reg.CreatedAt.IsZero() {
			reg.CreatedAt = at
		}
	}
}

// registrationIndexDoc lets a member's registrations be found without
// scanning every roundtable: written before the seat change, so it names
// at least every roundtable she is in (a stale one is skipped on read).
type registrationIndexDoc struct {
	ID           string `bson:"_id"` // roundtable:member
	RoundtableID string `bson:"roundtable_id"`
	MemberID     string `bson:"member_id"`
}

func registrationID(r rooms.RoundtableID, m rooms.MemberID) string {
	return string(r) + ":" + string(m)
}

// RegisterSeat implements rooms.Store with one document update.
func (s *Store) RegisterSeat(ctx context.Context, reg *rooms.Registration) error {
	_, err := s.db.Collection("registrations").InsertOne(ctx, registrationIndexDoc{ID: registrationID(reg.RoundtableID, reg.MemberID),
		RoundtableID: string(reg.RoundtableID), MemberID: string(reg.MemberID)})
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return mapErr(err, "")
	}
	want, placed := *reg, (*rooms.Registration)(nil)
	err = s.changeSeats(ctx, reg.RoundtableID, func(st *rooms.Seating) ([]*rooms.Registration, error) {
		*reg, placed = want, nil
		changed := st.Register(reg)
		if len(changed) > 0 {
			placed = changed[0]
		}
		return changed, nil
	})
	if err == nil && placed != nil {
		*reg = *placed // as stamped and written
	}
	return err
}

// WithdrawSeat implements rooms.Store with one document update.
func (s *Store) WithdrawSeat(ctx context.Context, r rooms.RoundtableID, m rooms.MemberID) (rooms.RegistrationStatus, *rooms.Registration, error) {
	var was rooms.RegistrationStatus
	var promoted *rooms.Registration
	err := s.changeSeats(ctx, r, func(st *rooms.Seating) ([]*rooms.Registration, error) {
		var changed []*rooms.Registration
		var err error
		was, changed, promoted, err = st.Withdraw(m)
		return changed, err
	})
	if err != nil {
		return "", nil, err
	}
	return was, promoted, nil
}

func utcRegistration(r *rooms.Registration) *rooms.Registration {
	r.QueuedAt, r.CreatedAt, r.UpdatedAt = r.QueuedAt.UTC(), r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r
}

// GetRegistration implements rooms.Store.
func (s *Store) GetRegistration(ctx context.Context, r rooms.RoundtableID, m rooms.MemberID) (*rooms.Registration, error) {
	d, err := s.loadSeats(ctx, r)
	if err != nil {
		return nil, err
	}
	for _, reg := range d.Regs {
		if reg.MemberID == m {
			return reg, nil
		}
	}
	return nil, rooms.ErrNotFound
}

// ListRegistrations implements rooms.Store.
func (s *Store) ListRegistrations(ctx context.Context, r rooms.RoundtableID) ([]*rooms.Registration, error) {
	d, err := s.loadSeats(ctx, r)
	if err != nil {
		return nil, err
	}
	rooms.SortQueue(d.Regs)
	return d.Regs, nil
}

// ListMemberRegistrations implements rooms.Store: the index names the
// roundtables, their documents say where she stands.
func (s *Store) ListMemberRegistrations(ctx context.Context, m rooms.MemberID) ([]*rooms.Registration, error) {
	cur, err := s.db.Collection("registrations").Find(ctx, bson.D{{Key: "member_id", Value: string(m)}})
	if err != nil {
		return nil, mapErr(err, "")
	}
	var idx []registrationIndexDoc
	if err := cur.All(ctx, &idx); err != nil {
		return nil, mapErr(err, "")
	}
	ids := bson.A{}
	for _, d := range idx {
		ids = append(ids, d.RoundtableID)
	}
	cur, err = s.roundtables().Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(bson.D{{Key: "regs", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var docs []seatsDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "")
	}
	var out []*rooms.Registration
	for _, d := range docs {
		for _, reg := range d.Regs {
			if reg.MemberID == m {
				out = append(out, utcRegistration(reg))
			}
		}
	}
	rooms.SortQueue(out)
	return out, nil
}

// migrateSeats moves the registrations of roundtables stored by earlier
// versions (one document per registration, seats claimed apart) into
// their roundtable's document. Idempotent: each roundtable moves once.
func (s *Store) migrateSeats(ctx context.Context) error {
	cur, err := s.roundtables().Find(ctx, bson.D{{Key: "seats_version", Value: bson.D{{Key: "$exists", Value: false}}}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return err
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return err
	}
	for _, id := range ids {
		cur, err := s.db.Collection("registrations").Find(ctx, bson.D{{Key: "roundtable_id", Value: id.ID}})
		if err != nil {
			return err
		}
		regs := []*rooms.Registration{}
		if err := cur.All(ctx, &regs); err != nil {
			return err
		}
		if _, err := s.roundtables().UpdateOne(ctx, bson.D{{Key: "_id", Value: id.ID}, {Key: "seats_version", Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "regs", Value: regs}, {Key: "seats_version", Value: int64(0)}}}}); err != nil {
			return fmt.Errorf("roundtable %s: %w", id.ID, err)
		}
	}
	return nil
}

// migrateSeatCounts gives the roundtables stored by earlier versions
// their seat counts (ListSeats). Idempotent; a roundtable whose seats
// change meanwhile got its counts from that change.
func (s *Store) migrateSeatCounts(ctx context.Context) error {
	cur, err := s.roundtables().Find(ctx, bson.D{{Key: "seated", Value: bson.D{{Key: "$exists", Value: false}}}},
		options.Find().SetProjection(bson.D{{Key: "seats_version", Value: 1}, {Key: "regs", Value: 1}}))
	if err != nil {
		return err
	}
	var docs []struct {
		ID           string                `bson:"_id"`
		SeatsVersion int64                 `bson:"seats_version"`
		Regs         []*rooms.Registration `bson:"regs"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return err
	}
	for _, d := range docs {
		seated, waiting := (&rooms.Seating{Regs: d.Regs}).Counts()
		_, err := s.roundtables().UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "seats_version", Value: d.SeatsVersion}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "seated", Value: seated}, {Key: "waiting", Value: waiting}}}})
		if err != nil {
			return fmt.Errorf("roundtable %s: %w", d.ID, err)
		}
	}
	return nil
}
