package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// SavePushSubscription implements rooms.Store: the old record of the
// endpoint goes and the new one comes in one transaction.
func (s *Store) SavePushSubscription(ctx context.Context, ps *rooms.PushSubscription) error {
	ps.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	doc, err := json.Marshal(ps)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE endpoint = ?`, ps.Endpoint); err != nil {
			return mapErr(err, "")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO push_subscriptions (id, member_id, endpoint, created_at, doc) VALUES (?, ?, ?, ?, ?)`,
			ps.ID, ps.MemberID, ps.Endpoint, millis(ps.CreatedAt), string(doc))
		return mapErr(err, "id")
	})
}

// ListPushSubscriptions implements rooms.Store.
func (s *Store) ListPushSubscriptions(ctx context.Context, m rooms.MemberID) ([]*rooms.PushSubscription, error) {
	return queryDocs[rooms.PushSubscription](ctx, s.db, `SELECT doc FROM push_subscriptions WHERE member_id = ? ORDER BY created_at, id`, m)
}

// DeletePushSubscription implements rooms.Store.
func (s *Store) DeletePushSubscription(ctx context.Context, m rooms.MemberID, id rooms.PushSubscriptionID) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE id = ? AND member_id = ?`, id, m)
	return mapErr(affected(res, err), "")
}

// GetNoticePrefs implements rooms.Store.
func (s *Store) GetNoticePrefs(ctx context.Context, m rooms.MemberID) (*rooms.NoticePrefs, error) {
	var p rooms.NoticePrefs
	if err := s.getDoc(ctx, "notice_prefs", string(m), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// PutNoticePrefs implements rooms.Store.
func (s *Store) PutNoticePrefs(ctx context.Context, p *rooms.NoticePrefs) error {
	p.UpdatedAt = time.Now().UTC().Truncate(time.Millisecond)
	return s.putDoc(ctx, "notice_prefs", string(p.MemberID), &p.Version, p)
}

// EnsureVAPIDKeys implements rooms.Store: the row has a fixed key, so the
// first insert wins and the others read it back.
func (s *Store) EnsureVAPIDKeys(ctx context.Context, k *rooms.VAPIDKeys) (*rooms.VAPIDKeys, error) {
	doc, err := json.Marshal(k)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO vapid_keys (id, doc) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`, string(doc)); err != nil {
		return nil, mapErr(err, "")
	}
	var stored string
	if err := s.db.QueryRowContext(ctx, `SELECT doc FROM vapid_keys WHERE id = 1`).Scan(&stored); err != nil {
		return nil, mapErr(err, "")
	}
	var out rooms.VAPIDKeys
	if err := json.Unmarshal([]byte(stored), &out); err != nil {
		return nil, fmt.Errorf("sqlitestore: stored VAPID keys: %w", err)
	}
	return &out, nil
}

// HoldNotice implements rooms.Store.
func (s *Store) HoldNotice(ctx context.Context, h *rooms.HeldNotice) error {
	h.Due = h.Due.UTC().Truncate(time.Millisecond)
	doc, err := json.Marshal(h)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO held_notices (id, member_id, due, doc) VALUES (?, ?, ?, ?)`, h.ID, h.MemberID, millis(h.Due), string(doc))
	return mapErr(err, "id")
}

// ListDueNotices implements rooms.Store.
func (s *Store) ListDueNotices(ctx context.Context, before time.Time, limit int) ([]*rooms.HeldNotice, error) {
	return queryDocs[rooms.HeldNotice](ctx, s.db, `SELECT doc FROM held_notices WHERE due <= ? ORDER BY due, id LIMIT ?`, millis(before), limit)
}

// TakeHeldNotice implements rooms.Store.
func (s *Store) TakeHeldNotice(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM held_notices WHERE id = ?`, id)
	return mapErr(affected(res, err), "")
}
