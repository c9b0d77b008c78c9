package rooms

import (
	"strings"
	"testing"
	"time"
)

func TestQuietUntil(t *testing.T) {
	p := DefaultNoticePrefs("mb_x")
	tokyoAt := func(h, m int) time.Time { return time.Date(2026, 12, 2, h, m, 0, 0, tokyo) }
	cases := []struct {
		name  string
		at    time.Time
		tz    string
		quiet bool
		until time.Time
	}{
		{"evening before", tokyoAt(20, 59), "Asia/Tokyo", false, time.Time{}},
		{"evening", tokyoAt(21, 0), "Asia/Tokyo", true, tokyoAt(31, 0)},
		{"small hours", tokyoAt(3, 10), "Asia/Tokyo", true, tokyoAt(7, 0)},
		{"morning", tokyoAt(7, 0), "Asia/Tokyo", false, time.Time{}},
		// 12:00 in Tokyo is 04:00 in London: quiet there until 07:00 London.
		{"her own zone", tokyoAt(12, 0), "Europe/London", true, time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			quiet, until := p.QuietUntil(c.at, c.tz)
			if quiet != c.quiet || !until.Equal(c.until) {
				t.Errorf("QuietUntil(%v, %s) = %v, %v; want %v, %v", c.at, c.tz, quiet, until, c.quiet, c.until)
			}
		})
	}
	p.QuietFrom = p.QuietTo
	if quiet, _ := p.QuietUntil(tokyoAt(23, 0), "Asia/Tokyo"); quiet {
		t.Error("equal from and to should turn quiet hours off")
	}
}

func TestNoticeMessageKeepsNamesOffByDefault(t *testing.T) {
	n := Notice{Event: EventRequest, Name: "山田 花子", Path: "/consultations"}
	m := n.Message("ja", "https://z.example/", false)
	if m.Body != "新しい相談のお申し込みがあります" || m.URL != "https://z.example/consultations" || strings.Contains(m.Body, "山田") {
		t.Errorf("default message = %+v", m)
	}
	if m := n.Message("ja", "https://z.example", true); m.Body != "山田 花子さんから相談のお申し込みがあります" {
		t.Errorf("with names = %q", m.Body)
	}
	if m := n.Message("en", "https://z.example", false); m.Body != "You have a new consultation request" {
		t.Errorf("english = %q", m.Body)
	}
	for ev := range noticeTexts {
		if m := (Notice{Event: ev}).Message("ja", "", false); m.Body == "" || !passesQuietHours(ev) && (Notice{Event: ev}).Urgent() {
			t.Errorf("event %s: %+v", ev, m)
		}
	}
}

// passesQuietHours lists the events allowed through quiet hours.
func passesQuietHours(ev NoticeEvent) bool {
	return ev == EventConsultationSoon || ev == EventRoundtableSoon
}

func TestPushSubscriptionValidate(t *testing.T) {
	key := "B" + strings.Repeat("A", 86) // 65 bytes starting 0x04
	auth := strings.Repeat("A", 22)      // 16 bytes
	cases := []struct {
		name, endpoint, p256dh, auth string
		insecure                     bool
		field                        string
	}{
		{"ok", "https://fcm.googleapis.com/fcm/send/abc", key, auth, false, ""},
		{"plain http", "http://push.example/x", key, auth, false, "endpoint"},
		{"http in tests", "http://127.0.0.1:4000/x", key, auth, true, ""},
		{"no endpoint", "", key, auth, false, "endpoint"},
		{"javascript", "javascript:alert(1)", key, auth, false, "endpoint"},
		{"short key", "https://push.example/x", "BAAA", auth, false, "keys.p256dh"},
		{"bad auth", "https://push.example/x", key, "!!", false, "keys.auth"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &PushSubscription{Endpoint: c.endpoint, P256dh: c.p256dh, Auth: c.auth}
			err := s.Validate(c.insecure)
			ve, _ := err.(*ValidationError)
			if c.field == "" && err != nil || c.field != "" && (ve == nil || ve.Field != c.field) {
				t.Errorf("Validate = %v, want field %q", err, c.field)
			}
		})
	}
}
