package push

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/mail"
	"github.com/zadankai/zadankai/rooms/push/pushtest"
	"github.com/zadankai/zadankai/rooms/sqlitestore"
	"github.com/zadankai/zadankai/rooms/storetest"
)

type rig struct {
	store  rooms.Store
	outbox *mail.Outbox
	svc    *pushtest.Service
	keys   *rooms.VAPIDKeys
	n      *Notifier
	clock  *pushtest.Clock
	her    *rooms.Member
}

var tokyo, _ = time.LoadLocation("Asia/Tokyo")

// newRig starts a notifier on a real SQLite store with a push service on
// loopback; the clock starts at noon in Tokyo, outside quiet hours.
func newRig(t *testing.T) *rig {
	ctx := context.Background()
	store, err := sqlitestore.OpenFile(ctx, filepath.Join(t.TempDir(), "push.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })
	keys, err := LoadKeys(ctx, store, "", "")
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{store: store, outbox: mail.NewOutbox(slog.New(slog.NewTextHandler(io.Discard, nil)), 100), svc: pushtest.New(t, keys.Public),
		keys: keys, clock: &pushtest.Clock{}}
	r.clock.Set(time.Date(2026, 12, 2, 12, 0, 0, 0, tokyo))
	r.n, _ = r.start(t)
	co := storetest.NewCompany("Sakura")
	r.her = storetest.NewMember(co.ID, "hanako@example.com")
	r.her.DisplayName = "山田 花子"
	if err := errors.Join(store.CreateCompany(ctx, co), store.CreateMember(ctx, r.her)); err != nil {
		t.Fatal(err)
	}
	return r
}

// start runs another notifier on the rig's store (a restarted server or
// a second replica); stop ends it and waits.
func (r *rig) start(t *testing.T) (n *Notifier, stop func()) {
	n, err := New(Params{Store: r.store, Mailer: r.outbox, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Keys: r.keys,
		BaseURL: "https://z.example/", Now: r.clock.Now,
		Config: Config{Backoff: 10 * time.Millisecond, Recheck: 20 * time.Millisecond, AllowPrivateNetworks: true}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return n, stop
}

func (r *rig) subscribe(t *testing.T) *pushtest.Device {
	d := r.svc.NewDevice()
	ps := &rooms.PushSubscription{ID: rooms.NewPushSubscriptionID(), MemberID: r.her.ID, Endpoint: d.Endpoint, P256dh: d.P256dh, Auth: d.Auth}
	if err := ps.Validate(true); err != nil {
		t.Fatal(err)
	}
	if err := r.store.SavePushSubscription(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	return d
}

func received(r *rig, n int) func() string {
	return func() string {
		if got := len(r.svc.Received()); got != n {
			return "devices received " + strconv.Itoa(got) + " notifications, want " + strconv.Itoa(n)
		}
		return ""
	}
}

var request = rooms.Notice{Event: rooms.EventRequest, Name: "佐藤 恵", Path: "/consultations"}

func requestMail(m *rooms.Member) *rooms.Email {
	e := rooms.RequestReceivedEmail(m, "佐藤 恵", "https://z.example/consultations")
	return &e
}

// TestPushReachesEveryDeviceOnce: a notice reaches each of her devices
// once, signed and encrypted, with her words and no other name; no email.
func TestPushReachesEveryDeviceOnce(t *testing.T) {
	r := newRig(t)
	phone, laptop := r.subscribe(t), r.subscribe(t)
	r.n.Notify(context.Background(), r.her, request, requestMail(r.her))
	pushtest.WaitFor(t, 10*time.Second, received(r, 2))
	ends := map[string]bool{}
	for _, got := range r.svc.Received() {
		ends[got.Endpoint] = true
		want := rooms.PushMessage{Title: "座談会 Zadankai", Body: "新しい相談のお申し込みがあります", URL: "https://z.example/consultations", Tag: "request"}
		if got.Message != want || got.Urgency != "normal" {
			t.Errorf("received %+v (urgency %s), want %+v", got.Message, got.Urgency, want)
		}
	}
	if !ends[phone.Endpoint] || !ends[laptop.Endpoint] {
		t.Errorf("devices reached: %v", ends)
	}
	if n := len(r.outbox.Messages()); n != 0 {
		t.Errorf("%d emails sent besides the push", n)
	}
}

// TestQuietHoursHoldUntilMorning: at 22:00 a request waits until 07:00,
// while a starting-now reminder goes at once.
func TestQuietHoursHoldUntilMorning(t *testing.T) {
	r := newRig(t)
	r.subscribe(t)
	r.clock.Set(time.Date(2026, 12, 2, 22, 0, 0, 0, tokyo))
	r.n.Notify(context.Background(), r.her, request, requestMail(r.her))
	r.n.Notify(context.Background(), r.her, rooms.Notice{Event: rooms.EventConsultationSoon, Path: "/consultations"}, nil)
	pushtest.WaitFor(t, 10*time.Second, received(r, 1))
	if got := r.svc.Received()[0]; got.Message.Body != "まもなく相談が始まります。開始10分前から入室できます" || got.Urgency != "high" || got.TTL > 900 {
		t.Errorf("the reminder at night = %+v", got)
	}
	pushtest.WaitFor(t, 10*time.Second, func() string {
		if held, _ := r.store.ListDueNotices(context.Background(), time.Now().Add(48*time.Hour), 10); len(held) != 1 {
			return "the request is not held in the store"
		}
		return ""
	})
	// The server restarts overnight, and a second replica runs beside it:
	// the morning brings the request once.
	_, stop := r.start(t)
	stop()
	r.start(t)
	r.start(t)
	r.clock.Set(time.Date(2026, 12, 3, 7, 0, 0, 0, tokyo))
	pushtest.WaitFor(t, 10*time.Second, received(r, 2))
	if got := r.svc.Received()[1]; got.Message.Tag != "request" {
		t.Errorf("released in the morning: %+v", got)
	}
	pushtest.WaitFor(t, 10*time.Second, func() string {
		if held, _ := r.store.ListDueNotices(context.Background(), time.Now().Add(48*time.Hour), 10); len(held) != 0 {
			return "the request is still held"
		}
		return ""
	})
	if n := len(r.svc.Received()); n != 2 {
		t.Errorf("%d notifications, want the reminder and the request once each", n)
	}
	if n := len(r.outbox.Messages()); n != 0 {
		t.Errorf("%d emails sent for held pushes", n)
	}
}

// TestGoneSubscriptionIsRemoved: a 410 removes the device, and with no
// device left she gets the email instead.
func TestGoneSubscriptionIsRemoved(t *testing.T) {
	r := newRig(t)
	d := r.subscribe(t)
	d.Answer(http.StatusGone)
	r.n.Notify(context.Background(), r.her, request, requestMail(r.her))
	pushtest.WaitFor(t, 10*time.Second, func() string {
		if list, _ := r.store.ListPushSubscriptions(context.Background(), r.her.ID); len(list) != 0 {
			return "the gone subscription is still stored"
		}
		if len(r.outbox.Messages()) != 1 {
			return "no fallback email"
		}
		return ""
	})
	if got := r.outbox.Messages()[0].Email; got.To != r.her.Email || !strings.Contains(got.Subject, "相談の申し込み") {
		t.Errorf("fallback email = %+v", got)
	}
}

// TestRetriesBusyPushService: 503 then 429 are retried with backoff and
// the notice arrives exactly once.
func TestRetriesBusyPushService(t *testing.T) {
	r := newRig(t)
	d := r.subscribe(t)
	d.Answer(http.StatusServiceUnavailable, http.StatusTooManyRequests)
	r.n.Notify(context.Background(), r.her, request, requestMail(r.her))
	pushtest.WaitFor(t, 10*time.Second, received(r, 1))
	pushtest.WaitFor(t, 10*time.Second, func() string {
		if r.n.Held() != 0 {
			return "a retry is still held"
		}
		return ""
	})
	if n := len(r.svc.Received()); n != 1 || len(r.outbox.Messages()) != 0 {
		t.Errorf("received %d pushes and %d emails, want 1 and 0", n, len(r.outbox.Messages()))
	}
}

// TestChannelsFollowPreferences: no device means email; email and off are
// obeyed; a calendar invitation is mailed whatever she chose.
func TestChannelsFollowPreferences(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.n.Notify(ctx, r.her, request, requestMail(r.her))
	if len(r.outbox.Messages()) != 1 {
		t.Fatalf("with no device: %d emails, want 1", len(r.outbox.Messages()))
	}
	r.subscribe(t)
	p := rooms.DefaultNoticePrefs(r.her.ID)
	p.Channels[rooms.NoticeRequests] = rooms.ChannelEmail
	p.Channels[rooms.NoticeUpdates] = rooms.ChannelOff
	if err := r.store.PutNoticePrefs(ctx, p); err != nil {
		t.Fatal(err)
	}
	r.n.Notify(ctx, r.her, request, requestMail(r.her))
	r.n.Notify(ctx, r.her, rooms.Notice{Event: rooms.EventDeclined, Path: "/consultations"}, &rooms.Email{To: r.her.Email, Subject: "declined"})
	r.n.Notify(ctx, r.her, rooms.Notice{Event: rooms.EventAccepted, Path: "/consultations"},
		&rooms.Email{To: r.her.Email, Subject: "booked", Attachments: []rooms.Attachment{{Name: "zadankai.ics"}}})
	var subjects []string
	for _, m := range r.outbox.Messages() {
		subjects = append(subjects, m.Email.Subject)
	}
	all := strings.Join(subjects, ",")
	if len(subjects) != 3 || strings.Count(all, "相談の申し込み") != 2 || !strings.Contains(all, "booked") || strings.Contains(all, "declined") {
		t.Errorf("emails = %q; want the request twice and the calendar invitation, nothing declined", subjects)
	}
	if n := r.n.Held() + len(r.n.queue) + len(r.svc.Received()); n != 0 {
		t.Errorf("%d pushes for kinds set to email or off", n)
	}
}

// TestPrivateEndpointsRefused: outside tests the client never reaches
// loopback, whatever a subscription says.
func TestPrivateEndpointsRefused(t *testing.T) {
	r := newRig(t)
	d := r.svc.NewDevice()
	res, err := newClient(false).Post(d.Endpoint, "application/octet-stream", nil)
	if err == nil {
		res.Body.Close()
		t.Fatalf("posted to %s: %s", d.Endpoint, res.Status)
	}
}
