package storetest

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
)

// NewPushSubscription returns a well-formed subscription of m to endpoint.
func NewPushSubscription(m rooms.MemberID, endpoint string) *rooms.PushSubscription {
	return &rooms.PushSubscription{ID: rooms.NewPushSubscriptionID(), MemberID: m, Endpoint: endpoint,
		P256dh: "BP" + endpoint[len(endpoint)-4:], Auth: "a" + endpoint[len(endpoint)-4:], Label: "Android · Chrome"}
}

// testPushSubscriptions: each device is kept once, listed to its owner
// only, removed only by its owner, and a browser subscribing again (maybe
// for another account after a change of login) leaves one record.
func testPushSubscriptions(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	her, other := rooms.NewMemberID(), rooms.NewMemberID()
	phone := NewPushSubscription(her, "https://push.example/ep/0001")
	laptop := NewPushSubscription(her, "https://push.example/ep/0002")
	theirs := NewPushSubscription(other, "https://push.example/ep/0003")
	for _, ps := range []*rooms.PushSubscription{phone, laptop, theirs} {
		if err := s.SavePushSubscription(c, ps); err != nil {
			t.Fatalf("SavePushSubscription(%s): %v", ps.Endpoint, err)
		}
	}
	if phone.CreatedAt.IsZero() {
		t.Error("CreatedAt not set")
	}
	list, err := s.ListPushSubscriptions(c, her)
	if err != nil || len(list) != 2 || list[0].ID == list[1].ID || list[0].ID != phone.ID && list[1].ID != phone.ID {
		t.Fatalf("her devices = %+v, %v; want phone and laptop", list, err)
	}
	if list[0].ID != phone.ID { // saved within one millisecond: either order
		list[0], list[1] = list[1], list[0]
	}
	if got := *list[0]; got.Endpoint != phone.Endpoint || got.P256dh != phone.P256dh || got.Auth != phone.Auth ||
		got.Label != phone.Label || !got.CreatedAt.Equal(phone.CreatedAt) || got.MemberID != her {
		t.Errorf("read back %+v, want %+v", got, *phone)
	}
	if err := s.DeletePushSubscription(c, her, theirs.ID); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("deleting another member's device = %v, want ErrNotFound", err)
	}
	if list, _ := s.ListPushSubscriptions(c, other); len(list) != 1 {
		t.Errorf("the other member's devices after her attempt = %d, want 1", len(list))
	}
	again := NewPushSubscription(other, laptop.Endpoint) // her laptop, now logged in as someone else
	if err := s.SavePushSubscription(c, again); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.ListPushSubscriptions(c, her); len(list) != 1 || list[0].ID != phone.ID {
		t.Errorf("her devices after the laptop changed hands = %+v, want the phone only", list)
	}
	if list, _ := s.ListPushSubscriptions(c, other); len(list) != 2 {
		t.Errorf("the other member's devices = %d, want 2", len(list))
	}
	if err := s.DeletePushSubscription(c, her, phone.ID); err != nil {
		t.Fatal(err)
	}
	if list, err := s.ListPushSubscriptions(c, her); err != nil || len(list) != 0 {
		t.Errorf("her devices after removing the last = %+v, %v; want none", list, err)
	}
}

// testNoticePrefs: preferences are versioned like profiles and read back
// whole.
func testNoticePrefs(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	id := rooms.NewMemberID()
	if _, err := s.GetNoticePrefs(c, id); !errors.Is(err, rooms.ErrNotFound) {
		t.Fatalf("before the first save: %v, want ErrNotFound", err)
	}
	p := rooms.DefaultNoticePrefs(id)
	p.Channels[rooms.NoticeRecommendations] = rooms.ChannelEmail
	p.QuietFrom, p.ShowNames = 22*60+30, true
	if err := s.PutNoticePrefs(c, p); err != nil || p.Version != 1 {
		t.Fatalf("PutNoticePrefs = %v, version %d", err, p.Version)
	}
	stale := *p
	p.Channels[rooms.NoticeRequests] = rooms.ChannelOff
	if err := s.PutNoticePrefs(c, p); err != nil || p.Version != 2 {
		t.Fatalf("second save = %v, version %d", err, p.Version)
	}
	stale.Channels = map[rooms.NoticeKind]rooms.Channel{}
	if err := s.PutNoticePrefs(c, &stale); !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("stale save = %v, want ErrConflict", err)
	}
	got, err := s.GetNoticePrefs(c, id)
	if err != nil || got.Version != 2 || got.QuietFrom != 22*60+30 || got.QuietTo != 7*60 || !got.ShowNames ||
		got.ChannelFor(rooms.NoticeRecommendations) != rooms.ChannelEmail || got.ChannelFor(rooms.NoticeRequests) != rooms.ChannelOff ||
		got.ChannelFor(rooms.NoticeReminders) != rooms.ChannelPush {
		t.Errorf("read back %+v, %v", got, err)
	}
	if err := s.DeleteMemberData(c, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetNoticePrefs(c, id); !errors.Is(err, rooms.ErrNotFound) {
		t.Errorf("preferences after DeleteMemberData: %v, want ErrNotFound", err)
	}
}

// testDevicesGoWithMemberData: deleting her data removes her devices, and
// only hers.
func testDevicesGoWithMemberData(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	her, other := rooms.NewMemberID(), rooms.NewMemberID()
	s.SavePushSubscription(c, NewPushSubscription(her, "https://push.example/ep/1001"))
	s.SavePushSubscription(c, NewPushSubscription(other, "https://push.example/ep/1002"))
	if err := s.DeleteMemberData(c, her); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.ListPushSubscriptions(c, her); len(list) != 0 {
		t.Errorf("her devices after DeleteMemberData = %d, want 0", len(list))
	}
	if list, _ := s.ListPushSubscriptions(c, other); len(list) != 1 {
		t.Errorf("another member's devices = %d, want 1", len(list))
	}
}

// testVAPIDKeys: the first keys stored win, even when every replica
// starts at once, and survive a restart.
func testVAPIDKeys(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	var wg sync.WaitGroup
	got := make([]*rooms.VAPIDKeys, 6)
	for i := range got {
		wg.Go(func() {
			k, err := s.EnsureVAPIDKeys(c, &rooms.VAPIDKeys{Public: "pub" + strconv.Itoa(i), Private: "priv" + strconv.Itoa(i)})
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = k
		})
	}
	wg.Wait()
	for _, k := range got[1:] {
		if k == nil || got[0] == nil || *k != *got[0] {
			t.Fatalf("replicas got different keys: %+v", got)
		}
	}
	s.Close(c)
	s = mustOpen(t, open)
	k, err := s.EnsureVAPIDKeys(c, &rooms.VAPIDKeys{Public: "later", Private: "later"})
	if err != nil || *k != *got[0] {
		t.Errorf("after a restart = %+v, %v; want %+v", k, err, got[0])
	}
}

// testHeldNotices: held notices come back when due, earliest first, are
// taken exactly once however many replicas try, and go with her data.
func testHeldNotices(t *testing.T, open Opener, _ Options) {
	s, c := mustOpen(t, open), ctx(t)
	her := rooms.NewMemberID()
	morning := time.Now().Add(10 * time.Hour).UTC().Truncate(time.Millisecond)
	mail := &rooms.Email{To: "hanako@example.com", Subject: "相談の申し込み", Text: "本文"}
	late := &rooms.HeldNotice{ID: rooms.NewHeldNoticeID(), MemberID: her, Due: morning.Add(time.Minute),
		Notice: rooms.Notice{Event: rooms.EventDeclined, Path: "/consultations"}}
	early := &rooms.HeldNotice{ID: rooms.NewHeldNoticeID(), MemberID: her, Due: morning, Mail: mail,
		Notice: rooms.Notice{Event: rooms.EventRequest, Name: "佐藤 恵", Path: "/consultations"}}
	for _, h := range []*rooms.HeldNotice{late, early} {
		if err := s.HoldNotice(c, h); err != nil {
			t.Fatal(err)
		}
	}
	if due, err := s.ListDueNotices(c, morning.Add(-time.Second), 10); err != nil || len(due) != 0 {
		t.Errorf("before the morning: %d due, %v", len(due), err)
	}
	due, err := s.ListDueNotices(c, morning.Add(time.Hour), 10)
	if err != nil || len(due) != 2 || due[0].ID != early.ID || due[1].ID != late.ID {
		t.Fatalf("in the morning: %+v, %v; want early then late", due, err)
	}
	if got := due[0]; got.MemberID != her || got.Notice != early.Notice || !got.Due.Equal(morning) || got.Mail == nil || got.Mail.To != mail.To || got.Mail.Subject != mail.Subject || got.Mail.Text != mail.Text {
		t.Errorf("read back %+v (mail %+v), want %+v", got, got.Mail, early)
	}
	if due[1].Mail != nil {
		t.Errorf("a notice held without a mail came back with one: %+v", due[1].Mail)
	}
	if one, _ := s.ListDueNotices(c, morning.Add(time.Hour), 1); len(one) != 1 {
		t.Errorf("limit 1 gave %d", len(one))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 6 {
		wg.Go(func() {
			if err := s.TakeHeldNotice(c, early.ID); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.Is(err, rooms.ErrNotFound) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d replicas took the same notice, want 1", wins)
	}
	if err := s.DeleteMemberData(c, her); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.ListDueNotices(c, morning.Add(time.Hour), 10); len(due) != 0 {
		t.Errorf("held notices after DeleteMemberData: %d", len(due))
	}
}
