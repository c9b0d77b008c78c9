package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zadankai/zadankai/rooms"
	"github.com/zadankai/zadankai/rooms/api"
	"github.com/zadankai/zadankai/rooms/push"
	"github.com/zadankai/zadankai/rooms/push/pushtest"
)

// pushEnv is an env whose API notifies through a real push notifier and
// a test push service on loopback.
type pushEnv struct {
	*env
	svc   *pushtest.Service
	n     *push.Notifier
	clock *pushtest.Clock
}

func tokyoAt(day, hour int) time.Time {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Now().In(tokyo)
	return time.Date(now.Year(), now.Month(), now.Day()+day, hour, 0, 0, 0, tokyo)
}

func newPushEnv(t *testing.T) *pushEnv {
	t.Helper()
	pe := &pushEnv{clock: &pushtest.Clock{}}
	pe.clock.Set(tokyoAt(0, 12))
	pe.env = newEnvWith(t, nil, func(p *api.Params) {
		keys, err := push.LoadKeys(context.Background(), p.Store, "", "")
		if err != nil {
			t.Fatal(err)
		}
		pe.svc = pushtest.New(t, keys.Public)
		pe.n, err = push.New(push.Params{Store: p.Store, Mailer: p.Mailer, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Keys: keys, BaseURL: p.PublicURL, Now: pe.clock.Now,
			Config: push.Config{Backoff: 10 * time.Millisecond, Recheck: 20 * time.Millisecond, AllowPrivateNetworks: true}})
		if err != nil {
			t.Fatal(err)
		}
		p.Notifier = pe.n
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { pe.n.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return pe
}

// subscribe registers a new device of a through the API.
func (pe *pushEnv) subscribe(t *testing.T, a *actor) *pushtest.Device {
	t.Helper()
	d := pe.svc.NewDevice()
	body := fmt.Sprintf(`{"endpoint":%q,"expirationTime":null,"keys":{"p256dh":%q,"auth":%q}}`, d.Endpoint, d.P256dh, d.Auth)
	if r := a.do(t, "POST", pe.srv.URL+"/api/v1/me/devices", body); r.status != 201 {
		t.Fatalf("subscribe = %d %s", r.status, r.body)
	}
	return d
}

// expect waits until d has received want more notifications than it had
// at from, and returns the new ones.
func (pe *pushEnv) expect(t *testing.T, d *pushtest.Device, from, want int) []pushtest.Received {
	t.Helper()
	var mine []pushtest.Received
	deadline := time.Now().Add(20 * time.Second)
	for {
		mine = mine[:0]
		for _, r := range pe.svc.Received() {
			if r.Endpoint == d.Endpoint {
				mine = append(mine, r)
			}
		}
		if len(mine) >= from+want || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if len(mine) != from+want {
		t.Fatalf("device got %d notifications, want %d", len(mine)-from, want)
	}
	return mine[from:]
}

func (pe *pushEnv) count(d *pushtest.Device) int {
	n := 0
	for _, r := range pe.svc.Received() {
		if r.Endpoint == d.Endpoint {
			n++
		}
	}
	return n
}

// TestEveryEventPushesOnce: each event of a consultation and a roundtable
// reaches the right person's device once, with the words for it, no
// name on the lock screen, and the page to open.
func TestEveryEventPushesOnce(t *testing.T) {
	pe := newPushEnv(t)
	w := pe.world(t)
	pe.recommend(t, w.memberA.m, w.memberB.m)
	pe.alwaysAvailable(t, w.memberA.m)
	pe.alwaysAvailable(t, w.memberB.m)
	devA, devB := pe.subscribe(t, w.memberA), pe.subscribe(t, w.memberB)
	step := func(name string, d *pushtest.Device, act func(), body, url string) {
		t.Helper()
		before, mails := pe.count(d), len(pe.outbox.Messages())
		act()
		got := pe.expect(t, d, before, 1)[0].Message
		if got.Body != body || got.URL != url || got.Title != "座談会 Zadankai" {
			t.Errorf("%s: got %+v, want %q opening %s", name, got, body, url)
		}
		if strings.Contains(got.Body, "Name ") {
			t.Errorf("%s: a name reached the lock screen: %q", name, got.Body)
		}
		for _, m := range pe.outbox.Messages()[:len(pe.outbox.Messages())-mails] {
			if len(m.Email.Attachments) == 0 && m.Email.To == w.memberA.m.Email || len(m.Email.Attachments) == 0 && m.Email.To == w.memberB.m.Email {
				t.Errorf("%s: an email went to a member with a device: %s", name, m.Email.Subject)
			}
		}
	}
	var cs consultation
	step("request", devB, func() { cs = pe.request(t, w.memberA, w.memberB.m, slotAt(30)) },
		"新しい相談のお申し込みがあります", "http://zadankai.test/consultations")
	url := pe.srv.URL + "/api/v1/consultations/" + cs.ID
	step("new times", devA, func() { w.memberB.do(t, "POST", url+"/reschedule", `{"slots":[`+slotAt(70)+`]}`) },
		"相談の日程変更のご相談があります", "http://zadankai.test/consultations?id="+cs.ID)
	var booked consultation
	step("accepted", devB, func() { booked = parseConsultation(t, w.memberA.do(t, "POST", url+"/accept", `{"slot":0}`)) },
		"相談の日時が決まりました", "http://zadankai.test/consultations?id="+cs.ID)
	pe.skew.Store(int64(time.Until(booked.Booked.Start) - 15*time.Minute + time.Second))
	beforeA := pe.count(devA)
	step("reminder", devB, func() { pe.api.SendDueReminders(context.Background()) },
		"まもなく相談が始まります。開始10分前から入室できます", "http://zadankai.test/consultations?id="+cs.ID)
	if r := pe.expect(t, devA, beforeA, 1)[0]; r.Message.Body != "まもなく相談が始まります。開始10分前から入室できます" || r.Urgency != "high" {
		t.Errorf("the requester's reminder: %+v", r)
	}
	pe.skew.Store(0)
	step("cancelled", devA, func() { w.memberB.do(t, "POST", url+"/cancel", `{}`) },
		"相談がキャンセルになりました", "http://zadankai.test/consultations?id="+cs.ID)
	var again consultation
	step("second request", devB, func() { again = pe.request(t, w.memberA, w.memberB.m, slotAt(40)) },
		"新しい相談のお申し込みがあります", "http://zadankai.test/consultations")
	step("declined", devA, func() { w.memberB.do(t, "POST", pe.srv.URL+"/api/v1/consultations/"+again.ID+"/decline", `{}`) },
		"相談のお申し込みについてお知らせがあります", "http://zadankai.test/consultations?id="+again.ID)
	pe.roundtableSteps(t, w, devB, step)
	if n := len(pe.svc.Received()); n != 11 {
		t.Errorf("%d notifications in all, want 11 (one per event and person)", n)
	}
}

// roundtableSteps: a waitlist seat, the 15-minute reminder and a call-off.
func (pe *pushEnv) roundtableSteps(t *testing.T, w *world, devB *pushtest.Device, step func(string, *pushtest.Device, func(), string, string)) {
	rt := pe.createRoundtable(t, w.operator, roundtableBody(30, 1, "small_round", w.operator.m.ID, ""))
	base := pe.srv.URL + "/api/v1/roundtables/" + rt.ID
	w.memberA.do(t, "POST", base+"/register", "")
	if r := w.memberB.do(t, "POST", base+"/register", ""); !strings.Contains(string(r.body), "waitlisted") {
		t.Fatalf("B should wait: %s", r.body)
	}
	page := "http://zadankai.test/roundtables?id=" + rt.ID
	step("seat", devB, func() { w.memberA.do(t, "POST", base+"/withdraw", "") }, "キャンセル待ちの席が確保できました", page)
	var got struct {
		Start time.Time `json:"start"`
	}
	json.Unmarshal(w.memberB.do(t, "GET", base, "").body, &got)
	pe.skew.Store(int64(time.Until(got.Start) - 15*time.Minute + time.Second))
	step("roundtable reminder", devB, func() { pe.api.SendDueReminders(context.Background()) }, "まもなく座談会が始まります。入室できます", page)
	pe.skew.Store(0)
	step("called off", devB, func() {
		if r := w.operator.do(t, "POST", base+"/cancel", ""); r.status != 204 {
			t.Fatalf("cancel roundtable = %d %s", r.status, r.body)
		}
	}, "座談会が中止になりました", page)
}

// TestQuietHoursAndGoneDevices: at 23:00 her time a request waits for
// 07:00; a device the push service says is gone (410) is removed and she
// gets the email instead.
func TestQuietHoursAndGoneDevices(t *testing.T) {
	pe := newPushEnv(t)
	w := pe.world(t)
	pe.recommend(t, w.memberA.m, w.memberB.m)
	pe.alwaysAvailable(t, w.memberB.m)
	dev := pe.subscribe(t, w.memberB)
	pe.clock.Set(tokyoAt(0, 23))
	cs := pe.request(t, w.memberA, w.memberB.m, slotAt(30))
	pushtest.WaitFor(t, 10*time.Second, func() string {
		if held, _ := pe.store.ListDueNotices(context.Background(), time.Now().Add(48*time.Hour), 10); len(held) != 1 {
			return "the request is not held"
		}
		return ""
	})
	if pe.count(dev) != 0 {
		t.Fatal("pushed in quiet hours")
	}
	pe.clock.Set(tokyoAt(1, 7))
	if got := pe.expect(t, dev, 0, 1)[0]; got.Message.Tag != "request" {
		t.Errorf("in the morning: %+v", got)
	}
	dev.Answer(http.StatusGone)
	mails := len(pe.outbox.Messages())
	w.memberA.do(t, "POST", pe.srv.URL+"/api/v1/consultations/"+cs.ID+"/cancel", `{}`)
	pushtest.WaitFor(t, 10*time.Second, func() string {
		var list []api.DeviceView
		json.Unmarshal(w.memberB.do(t, "GET", pe.srv.URL+"/api/v1/me/devices", "").body, &list)
		if len(list) != 0 {
			return "the gone device is still listed"
		}
		if len(pe.outbox.Messages()) != mails+1 || pe.outbox.Messages()[0].Email.To != w.memberB.m.Email {
			return "no email instead"
		}
		return ""
	})
}

// TestDevicesAndPreferencesAPI: devices are listed and removed by their
// owner only; bad input gets a stable code and the field; preferences
// round-trip and are versioned.
func TestDevicesAndPreferencesAPI(t *testing.T) {
	pe := newPushEnv(t)
	w := pe.world(t)
	var key struct {
		PublicKey string `json:"public_key"`
	}
	json.Unmarshal(w.memberA.do(t, "GET", pe.srv.URL+"/api/v1/push/key", "").body, &key)
	if len(key.PublicKey) != 87 {
		t.Errorf("VAPID public key %q, want 65 bytes in base64url", key.PublicKey)
	}
	pe.subscribe(t, w.memberA)
	var list []api.DeviceView
	json.Unmarshal(w.memberA.do(t, "GET", pe.srv.URL+"/api/v1/me/devices", "").body, &list)
	if len(list) != 1 || list[0].Label == "" {
		t.Fatalf("devices = %+v", list)
	}
	if r := w.memberB.do(t, "DELETE", pe.srv.URL+"/api/v1/me/devices/"+string(list[0].ID), ""); r.status != 404 {
		t.Errorf("another member removing her device = %d, want 404", r.status)
	}
	for _, c := range []struct{ body, code, field string }{
		{`{"endpoint":"ftp://evil.test/x","keys":{"p256dh":"x","auth":"y"}}`, "malformed", "endpoint"},
		{`{"endpoint":"https://push.test/x","keys":{"p256dh":"x","auth":"y"}}`, "malformed", "keys.p256dh"},
		{`{"endpoint":"https://push.test/x","keys":{}, "extra":1}`, "unknown_field", "extra"},
	} {
		r := w.memberB.do(t, "POST", pe.srv.URL+"/api/v1/me/devices", c.body)
		if code, field := r.errorCode(t); r.status/100 != 4 || code != c.code || field != c.field {
			t.Errorf("subscribe %s = %d %s/%s, want %s/%s", c.body, r.status, code, field, c.code, c.field)
		}
	}
	if r := w.memberA.do(t, "DELETE", pe.srv.URL+"/api/v1/me/devices/"+string(list[0].ID), ""); r.status != 204 {
		t.Errorf("removing her own device = %d", r.status)
	}
	prefsURL := pe.srv.URL + "/api/v1/me/notifications"
	var p api.NoticePrefsView
	json.Unmarshal(w.memberA.do(t, "GET", prefsURL, "").body, &p)
	if p.QuietFrom != "21:00" || p.QuietTo != "07:00" || p.ShowNames || p.Channels[rooms.NoticeRequests] != rooms.ChannelPush || p.Version != 0 {
		t.Errorf("default preferences = %+v", p)
	}
	r := w.memberA.do(t, "PUT", prefsURL, `{"channels":{"requests":"email","reminders":"off"},"quiet_from":"22:30","quiet_to":"06:00","show_names":true,"version":0}`)
	json.Unmarshal(r.body, &p)
	if r.status != 200 || p.QuietFrom != "22:30" || p.Channels[rooms.NoticeRequests] != rooms.ChannelEmail || p.Channels[rooms.NoticeReminders] != rooms.ChannelOff || p.Version != 1 {
		t.Errorf("saved preferences = %d %+v", r.status, p)
	}
	for _, c := range []struct{ body, code, field string }{
		{`{"channels":{},"quiet_from":"25:00","quiet_to":"07:00","version":1}`, "malformed", "quiet_from"},
		{`{"channels":{"gossip":"push"},"quiet_from":"21:00","quiet_to":"07:00","version":1}`, "unknown_kind", "channels"},
		{`{"channels":{"requests":"sms"},"quiet_from":"21:00","quiet_to":"07:00","version":1}`, "unknown_value", "channels.requests"},
		{`{"channels":{},"quiet_from":"21:00","quiet_to":"07:00","version":0}`, "conflict", "version"},
	} {
		r := w.memberA.do(t, "PUT", prefsURL, c.body)
		if code, field := r.errorCode(t); r.status/100 != 4 || code != c.code || field != c.field {
			t.Errorf("preferences %s = %d %s/%s, want %s/%s", c.body, r.status, code, field, c.code, c.field)
		}
	}
}

// A subscription the browser renewed by itself (the service worker's
// pushsubscriptionchange) replaces the device it came from: one device,
// same id, the new endpoint. Naming someone else's endpoint as the old
// one replaces nothing of hers.
func TestRenewedSubscriptionReplacesTheDevice(t *testing.T) {
	pe := newPushEnv(t)
	w := pe.world(t)
	devices := func(a *actor) []api.DeviceView {
		var list []api.DeviceView
		json.Unmarshal(a.do(t, "GET", pe.srv.URL+"/api/v1/me/devices", "").body, &list)
		return list
	}
	old := pe.subscribe(t, w.memberA)
	before := devices(w.memberA)
	renewed := pe.svc.NewDevice()
	body := func(d *pushtest.Device, oldEndpoint string) string {
		return fmt.Sprintf(`{"endpoint":%q,"keys":{"p256dh":%q,"auth":%q},"old_endpoint":%q}`, d.Endpoint, d.P256dh, d.Auth, oldEndpoint)
	}
	if r := w.memberA.do(t, "POST", pe.srv.URL+"/api/v1/me/devices", body(renewed, old.Endpoint)); r.status != 201 {
		t.Fatalf("renew = %d %s", r.status, r.body)
	}
	after := devices(w.memberA)
	if len(before) != 1 || len(after) != 1 || after[0].ID != before[0].ID {
		t.Fatalf("devices before %+v, after renewal %+v; want the same one device", before, after)
	}
	intruder := pe.svc.NewDevice()
	if r := w.memberB.do(t, "POST", pe.srv.URL+"/api/v1/me/devices", body(intruder, renewed.Endpoint)); r.status != 201 {
		t.Fatalf("another member's subscribe = %d %s", r.status, r.body)
	}
	if got := devices(w.memberA); len(got) != 1 || got[0].ID != before[0].ID {
		t.Errorf("her devices after another member named her endpoint as his old one = %+v", got)
	}
	stored, err := pe.store.ListPushSubscriptions(context.Background(), w.memberA.m.ID)
	if err != nil || len(stored) != 1 || stored[0].Endpoint != renewed.Endpoint {
		t.Errorf("her stored subscriptions = %+v, %v; want the renewed endpoint alone", stored, err)
	}
}
