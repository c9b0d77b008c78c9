package mongostore

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/zadankai/zadankai/rooms"
)

// SavePushSubscription implements rooms.Store. The endpoint's old record
// goes first; with no transaction, a crash between the two writes loses
// the subscription, which the browser renews on its next visit.
func (s *Store) SavePushSubscription(ctx context.Context, ps *rooms.PushSubscription) error {
	ps.CreatedAt = now()
	subs := s.db.Collection("push_subscriptions")
	if _, err := subs.DeleteMany(ctx, bson.D{{Key: "endpoint", Value: ps.Endpoint}}); err != nil {
		return mapErr(err, "")
	}
	_, err := subs.InsertOne(ctx, ps)
	return mapErr(err, "id")
}

// ListPushSubscriptions implements rooms.Store.
func (s *Store) ListPushSubscriptions(ctx context.Context, m rooms.MemberID) ([]*rooms.PushSubscription, error) {
	cur, err := s.db.Collection("push_subscriptions").Find(ctx, bson.D{{Key: "member_id", Value: string(m)}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var out []*rooms.PushSubscription
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, "")
	}
	for _, ps := range out {
		ps.CreatedAt = ps.CreatedAt.UTC()
	}
	return out, nil
}

// DeletePushSubscription implements rooms.Store.
func (s *Store) DeletePushSubscription(ctx context.Context, m rooms.MemberID, id rooms.PushSubscriptionID) error {
	res, err := s.db.Collection("push_subscriptions").DeleteOne(ctx, bson.D{{Key: "_id", Value: string(id)}, {Key: "member_id", Value: string(m)}})
	if err != nil {
		return mapErr(err, "")
	}
	if res.DeletedCount == 0 {
		return rooms.ErrNotFound
	}
	return nil
}

// GetNoticePrefs implements rooms.Store.
func (s *Store) GetNoticePrefs(ctx context.Context, m rooms.MemberID) (*rooms.NoticePrefs, error) {
	var p rooms.NoticePrefs
	if err := s.db.Collection("notice_prefs").FindOne(ctx, bson.D{{Key: "_id", Value: string(m)}}).Decode(&p); err != nil {
		return nil, mapErr(err, "")
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	return &p, nil
}

// PutNoticePrefs implements rooms.Store.
func (s *Store) PutNoticePrefs(ctx context.Context, p *rooms.NoticePrefs) error {
	p.UpdatedAt = now()
	return putDoc(ctx, s.db.Collection("notice_prefs"), string(p.MemberID), &p.Version, p)
}

// vapidColl holds the server's one VAPID key pair, under a fixed _id.
const vapidColl = "vapid_keys"

// vapidDoc holds the server's one key pair under a fixed _id.
type vapidDoc struct {
	ID              string `bson:"_id"`
	rooms.VAPIDKeys `bson:",inline"`
}

// EnsureVAPIDKeys implements rooms.Store: the insert under the fixed _id
// wins once; the others find the duplicate and read the first back.
func (s *Store) EnsureVAPIDKeys(ctx context.Context, k *rooms.VAPIDKeys) (*rooms.VAPIDKeys, error) {
	coll := s.db.Collection(vapidColl)
	_, err := coll.InsertOne(ctx, vapidDoc{ID: k.RecordKey(), VAPIDKeys: *k})
	if err := mapErr(err, ""); err != nil && !errors.Is(err, rooms.ErrConflict) {
		return nil, err
	}
	var doc vapidDoc
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: k.RecordKey()}}).Decode(&doc); err != nil {
		return nil, mapErr(err, "")
	}
	return &doc.VAPIDKeys, nil
}

// deletePushData removes a member's devices, preferences and held
// notices (her data deletion).
func (s *Store) deletePushData(ctx context.Context, m rooms.MemberID) error {
	if _, err := s.db.Collection("push_subscriptions").DeleteMany(ctx, bson.D{{Key: "member_id", Value: string(m)}}); err != nil {
		return mapErr(err, "")
	}
	if _, err := s.db.Collection("notice_prefs").DeleteOne(ctx, bson.D{{Key: "_id", Value: string(m)}}); err != nil {
		return mapErr(err, "")
	}
	_, err := s.db.Collection("held_notices").DeleteMany(ctx, bson.D{{Key: "member_id", Value: string(m)}})
	return mapErr(err, "")
}

// HoldNotice implements rooms.Store.
func (s *Store) HoldNotice(ctx context.Context, h *rooms.HeldNotice) error {
	h.Due = norm(h.Due)
	_, err := s.db.Collection("held_notices").InsertOne(ctx, h)
	return mapErr(err, "id")
}

// ListDueNotices implements rooms.Store.
func (s *Store) ListDueNotices(ctx context.Context, before time.Time, limit int) ([]*rooms.HeldNotice, error) {
	cur, err := s.db.Collection("held_notices").Find(ctx, bson.D{{Key: "due", Value: bson.D{{Key: "$lte", Value: norm(before)}}}},
		options.Find().SetSort(bson.D{{Key: "due", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, mapErr(err, "")
	}
	var out []*rooms.HeldNotice
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr(err, "")
	}
	for _, h := range out {
		h.Due = h.Due.UTC()
	}
	return out, nil
}

// TakeHeldNotice implements rooms.Store.
func (s *Store) TakeHeldNotice(ctx context.Context, id string) error {
	res, err := s.db.Collection("held_notices").DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return mapErr(err, "")
	}
	if res.DeletedCount == 0 {
		return rooms.ErrNotFound
	}
	return nil
}
